"""The overdue cohort counted from covering indexes (index-only scans), and the day rollups laid out in day order
once: a period's partial months read a few days' rows, which a bulk rebuild had scattered over the whole table
(rebuild_rollups now writes them in day order, as events write them). Not atomic, so that VACUUM can mark the pages
all-visible for the index-only scans (PostgreSQL; nothing to do on SQLite)."""
from django.db import migrations, models

from daiban.lib.migrating import analyzed

# The day rollups and their indexes by day (plans.0003, assessment.0003).
BY_DAY = {"plans_itemrollup": "item_rollup_day", "assessment_caserollup": "case_rollup_day"}


def in_day_order(apps, schema_editor):
    """CLUSTER: the table rewritten in the index's order (locked for the rewrite: about 11 s at 1.6M item rows)."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for table, index in BY_DAY.items():
                cursor.execute(f"CLUSTER {table} USING {index}")


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('assessment', '0008_stats_case_month_rollups'),
        ('cases', '0008_project_code_index'),
        ('org', '0004_ladder'),
        ('plans', '0008_dash_drop_item_month_rollup'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='overduespan',
            name='overdue_span_cohort',
        ),
        migrations.RemoveIndex(
            model_name='overduespan',
            name='overdue_span_department',
        ),
        migrations.AddIndex(
            model_name='overduespan',
            index=models.Index(condition=models.Q(('department__isnull', True)), fields=['accepted_on', 'starts_on'], include=('ends_on', 'unit', 'township'), name='overdue_cohort_covering'),
        ),
        migrations.AddIndex(
            model_name='overduespan',
            index=models.Index(condition=models.Q(('department__isnull', False)), fields=['accepted_on', 'starts_on'], include=('ends_on', 'department'), name='overdue_department_covering'),
        ),
        migrations.RunPython(in_day_order, migrations.RunPython.noop, elidable=True),
        analyzed("assessment_overduespan", *BY_DAY, vacuum=True),
    ]
