"""Counts the case rollups once for a database that had requests and cases before 0003 made the table, so no
operator has to run rebuild_rollups after the upgrade (by the one rule of assessment.rollups, on the historical
models)."""
from django.db import migrations


def rebuild(apps, schema_editor):
    from daiban.assessment.rollups import case_rollup_rows, tally

    if not apps.get_model("intake", "Request").objects.exists():  # a new database: nothing to count
        return
    CaseRollup = apps.get_model("assessment", "CaseRollup")
    CaseRollup.objects.all().delete()
    CaseRollup.objects.bulk_create(case_rollup_rows(CaseRollup, tally(apps)), batch_size=2000)
    # LateCaseRollup was filled here too until 0005_dash_overdue_spans replaced it by the overdue spans


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0003_case_rollups"),
        ("intake", "0008_request_contact_email"),
        ("closure", "0005_evaluation_form_versions"),
        ("cases", "0007_document_versions"),
        ("plans", "0004_rebuild_item_rollups"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
