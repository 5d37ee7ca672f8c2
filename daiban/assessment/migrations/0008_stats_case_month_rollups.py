"""The case rollups' month rows (assessment.rollups), summed from the day rows of an existing database."""
import django.db.models.deletion
from django.db import migrations, models

from daiban.lib.migrating import analyzed


def fill(apps, schema_editor):
    from daiban.assessment.rollups import case_month_rows

    model = apps.get_model("assessment", "CaseMonthRollup")
    model.objects.bulk_create(case_month_rows(apps.get_model("assessment", "CaseRollup"), model), batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0007_dash_drop_late_case_rollup'),
        ('org', '0004_ladder'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseMonthRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('received', models.PositiveIntegerField(default=0, verbose_name='收到申请')),
                ('accepted', models.PositiveIntegerField(default=0, verbose_name='受理案件')),
                ('completed', models.PositiveIntegerField(default=0, verbose_name='办结案件')),
                ('terminated', models.PositiveIntegerField(default=0, verbose_name='终止案件')),
                ('visits', models.PositiveIntegerField(default=0, verbose_name='办结案件的业主到场次数')),
                ('score_sum', models.FloatField(default=0, verbose_name='业主评价分合计')),
                ('scores', models.PositiveIntegerField(default=0, verbose_name='业主评价数')),
                ('month', models.DateField(verbose_name='月份（当月1日）')),
                ('township', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.region')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.agencybody')),
            ],
            options={
                'verbose_name': '案件月汇总',
                'verbose_name_plural': '案件月汇总',
                'constraints': [models.UniqueConstraint(fields=('month', 'unit', 'township'), name='case_month_rollup_once')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        analyzed("assessment_casemonthrollup"),
    ]
