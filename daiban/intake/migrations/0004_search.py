import daiban.lib.personal
import daiban.lib.search_text
from django.db import migrations, transaction


def fill(apps, schema_editor):
    # Both fields compute themselves on save from the row's other fields.
    Request = apps.get_model("intake", "Request")
    for row in Request._base_manager.order_by("pk").iterator(chunk_size=500):
        row.save(update_fields=["contact_name_hash", "search_text"])


def trigram_index(apps, schema_editor):
    """On PostgreSQL, a trigram index serves `search_text LIKE '%词%'`. Where the role may not create the
    extension, the search still works, by scanning; the deployment docs say how to add it."""
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - an extension the role may not create is optional here
        return
    schema_editor.execute("CREATE INDEX IF NOT EXISTS intake_request_search_trgm "
                          "ON intake_request USING gin (search_text gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS intake_request_search_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0003_longer_query_codes'),
    ]

    operations = [
        migrations.AddField(
            model_name='request',
            name='contact_name_hash',
            field=daiban.lib.personal.LookupHashField(kind='name', source='contact_name'),
        ),
        migrations.AddField(
            model_name='request',
            name='search_text',
            field=daiban.lib.search_text.SearchTextField(sources=('tracking_no', 'company_name', 'project_name', 'project_code')),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
