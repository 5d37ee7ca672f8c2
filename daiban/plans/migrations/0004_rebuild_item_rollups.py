"""Counts the item rollups once for a database that had items before plans.0003 made the table, so no operator
has to run rebuild_rollups after the upgrade (by the one rule of plans.rollups, on the historical models)."""
from django.db import migrations


def rebuild(apps, schema_editor):
    from daiban.plans.rollups import counted_items, rollup_rows, tally

    CaseItem = apps.get_model("cases", "CaseItem")
    ItemRollup = apps.get_model("plans", "ItemRollup")
    if not CaseItem.objects.exists():  # a new database: nothing to count
        return
    counted = tally(counted_items(CaseItem.objects).iterator(chunk_size=5000))
    ItemRollup.objects.all().delete()
    ItemRollup.objects.bulk_create(rollup_rows(ItemRollup, counted), batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_document_versions"),
        ("workdays", "0001_initial"),
        ("plans", "0003_item_rollups"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
