"""The department spans counted per accepted month (assessment.overdue): made and filled from the spans here by one
INSERT … SELECT … GROUP BY (about 73k rows from 510k spans at 100k cases), so no operator has to run rebuild_rollups
after the upgrade. Not atomic, so that VACUUM can mark the new pages all-visible for the index-only scans
(PostgreSQL; nothing to do on SQLite)."""
import django.db.models.deletion
from django.db import migrations, models

from daiban.lib.migrating import analyzed


def fill(apps, schema_editor):
    from daiban.assessment.overdue import overdue_months_fill  # why: a migration runs the code of its time

    overdue_months_fill(schema_editor.connection, apps.get_model("assessment", "OverdueDepartmentMonth")._meta.db_table,
                        apps.get_model("assessment", "OverdueSpan")._meta.db_table)


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('assessment', '0009_stats_covering_spans'),
        ('org', '0004_ladder'),
    ]

    operations = [
        migrations.CreateModel(
            name='OverdueDepartmentMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='受理月份（当月1日）')),
                ('starts_on', models.DateField(verbose_name='逾期起')),
                ('ends_on', models.DateField(null=True, verbose_name='逾期止（不含）')),
                ('spans', models.IntegerField(verbose_name='区间数')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.department')),
            ],
            options={
                'verbose_name': '审批部门逾期区间月汇总',
                'verbose_name_plural': '审批部门逾期区间月汇总',
                'indexes': [models.Index(fields=['month', 'starts_on'], include=('ends_on', 'department', 'spans'), name='overdue_department_month_cover')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('ends_on__isnull', False)), fields=('month', 'starts_on', 'ends_on', 'department'), name='overdue_department_month_once'), models.UniqueConstraint(condition=models.Q(('ends_on__isnull', True)), fields=('month', 'starts_on', 'department'), name='overdue_department_month_open')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        analyzed("assessment_overduedepartmentmonth", vacuum=True),
    ]
