"""The case figures by approval department kept per day (assessment.departments), filled for an existing database."""
import django.db.models.deletion
from django.db import migrations, models

from daiban.lib.migrating import analyzed


def fill(apps, schema_editor):
    """The case figures by department counted from the whole history (assessment.departments)."""
    from daiban.assessment.departments import department_rows

    rollup, membership = apps.get_model("assessment", "DepartmentCaseRollup"), apps.get_model("assessment",
                                                                                                "CaseDepartment")
    rows, members = department_rows(rollup, membership, apps)
    rollup.objects.bulk_create(rows, batch_size=2000)
    membership.objects.bulk_create(members, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0005_dash_overdue_spans'),
        ('cases', '0008_project_code_index'),
        ('org', '0004_ladder'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseDepartment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.department')),
            ],
            options={
                'verbose_name': '案件所涉审批部门',
                'verbose_name_plural': '案件所涉审批部门',
                'constraints': [models.UniqueConstraint(fields=('case', 'department'), name='case_department_once')],
            },
        ),
        migrations.CreateModel(
            name='DepartmentCaseRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='日期')),
                ('received', models.IntegerField(default=0, verbose_name='收到申请')),
                ('accepted', models.IntegerField(default=0, verbose_name='受理案件')),
                ('completed', models.IntegerField(default=0, verbose_name='办结案件')),
                ('terminated', models.IntegerField(default=0, verbose_name='终止案件')),
                ('visits', models.IntegerField(default=0, verbose_name='办结案件的业主到场次数')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.department')),
            ],
            options={
                'verbose_name': '审批部门案件日汇总',
                'verbose_name_plural': '审批部门案件日汇总',
                'constraints': [models.UniqueConstraint(fields=('day', 'department'), name='department_case_rollup_once')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        analyzed("assessment_departmentcaserollup", "assessment_casedepartment"),
    ]
