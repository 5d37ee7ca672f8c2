"""The overdue spans (assessment.overdue), which replace the late-case rollup (dropped by 0007): made and filled
from every case's items here, so no operator has to run rebuild_rollups after the upgrade."""
import django.db.models.deletion
from django.db import migrations, models

from daiban.lib.migrating import analyzed


def fill(apps, schema_editor):
    from daiban.assessment.overdue import overdue_rows

    OverdueSpan = apps.get_model("assessment", "OverdueSpan")
    OverdueSpan.objects.bulk_create(overdue_rows(OverdueSpan, apps), batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0004_count_case_rollups'),
        ('cases', '0008_project_code_index'),
        ('org', '0004_ladder'),
        ('plans', '0005_item_month_rollups'),
    ]

    operations = [
        migrations.CreateModel(
            name='OverdueSpan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('accepted_on', models.DateField(verbose_name='受理日期')),
                ('starts_on', models.DateField(verbose_name='逾期起')),
                ('ends_on', models.DateField(null=True, verbose_name='逾期止（不含）')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case')),
                ('department', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.department')),
                ('township', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.region')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.agencybody')),
            ],
            options={
                'verbose_name': '案件逾期区间',
                'verbose_name_plural': '案件逾期区间',
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),  # before the indexes: quicker to fill
        migrations.AddIndex(
            model_name='overduespan',
            index=models.Index(condition=models.Q(('department__isnull', True)), fields=['accepted_on', 'starts_on'], name='overdue_span_cohort'),
        ),
        migrations.AddIndex(
            model_name='overduespan',
            index=models.Index(condition=models.Q(('department__isnull', False)), fields=['accepted_on', 'starts_on'], name='overdue_span_department'),
        ),
        analyzed("assessment_overduespan"),
    ]
