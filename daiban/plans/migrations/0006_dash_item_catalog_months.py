"""Month rollups per catalog item beside the day rollups, counted from them for an existing database."""
import django.db.models.deletion
from django.db import migrations, models

from daiban.lib.migrating import analyzed


def count(apps, schema_editor):
    """The catalog items' month rollups of a database that already had day rollups (plans.rollups)."""
    from daiban.plans.rollups import CATALOG_MONTH_KEYS, month_rows

    model = apps.get_model("plans", "ItemCatalogMonthRollup")
    model.objects.bulk_create(month_rows(apps.get_model("plans", "ItemRollup"), model, *CATALOG_MONTH_KEYS), batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_prerequisites_as_the_law_sets_them'),
        ('plans', '0005_item_month_rollups'),
    ]

    operations = [
        migrations.CreateModel(
            name='ItemCatalogMonthRollup',
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
                ('catalog_item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.catalogitem')),
            ],
            options={
                'verbose_name': '事项目录月汇总',
                'verbose_name_plural': '事项目录月汇总',
                'constraints': [models.UniqueConstraint(fields=('month', 'catalog_item'), name='item_catalog_month_once')],
            },
        ),
        migrations.RunPython(count, migrations.RunPython.noop),
        analyzed("plans_itemcatalogmonthrollup"),
    ]
