"""Month rollups per unit × township beside the day rollups (they replace ItemMonthRollup, dropped by 0008)."""
import django.db.models.deletion
from django.db import migrations, models

from daiban.lib.migrating import analyzed


def count(apps, schema_editor):
    """The units' month rollups of a database that already had day rollups (plans.rollups)."""
    from daiban.plans.rollups import UNIT_MONTH_KEYS, month_rows

    model = apps.get_model("plans", "ItemUnitMonthRollup")
    model.objects.bulk_create(month_rows(apps.get_model("plans", "ItemRollup"), model, *UNIT_MONTH_KEYS), batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0004_ladder'),
        ('plans', '0006_dash_item_catalog_months'),
    ]

    operations = [
        migrations.CreateModel(
            name='ItemUnitMonthRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('finished', models.PositiveIntegerField(default=0, verbose_name='办结事项')),
                ('on_time', models.PositiveIntegerField(default=0, verbose_name='按时办结')),
                ('workdays', models.PositiveIntegerField(default=0, verbose_name='实际用时合计（工作日）')),
                ('limit_workdays', models.PositiveIntegerField(default=0, verbose_name='承诺时限合计（工作日）')),
                ('late', models.PositiveIntegerField(default=0, verbose_name='超过承诺时限')),
                ('reported_up', models.PositiveIntegerField(default=0, verbose_name='上报事项')),
                ('report_up_late', models.PositiveIntegerField(default=0, verbose_name='上报逾期')),
                ('month', models.DateField(verbose_name='月份（当月1日）')),
                ('township', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.region')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.agencybody')),
            ],
            options={
                'verbose_name': '事项机构月汇总',
                'verbose_name_plural': '事项机构月汇总',
            },
        ),
        migrations.AddConstraint(
            model_name='itemunitmonthrollup',
            constraint=models.UniqueConstraint(fields=('month', 'unit', 'township'), name='item_unit_month_once'),
        ),
        migrations.RunPython(count, migrations.RunPython.noop),
        analyzed("plans_itemunitmonthrollup"),
    ]
