"""The figures by agent kept as events happen (assessment.agents): the cases' agents, the day and month rollups and
the agent spans, made and filled from the whole history here, so no operator has to run rebuild_rollups after the
upgrade. The fill is one transaction; the migration is not atomic, so that VACUUM can then mark the new pages
all-visible for the index-only scans (PostgreSQL; nothing to do on SQLite)."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from daiban.lib.migrating import analyzed


def fill(apps, schema_editor):
    # why: a migration runs the code of its time
    from daiban.assessment.agents import agent_month_rows, agent_rows
    from daiban.assessment.overdue import agent_spans_fill

    day_model, month_model = apps.get_model("assessment", "AgentRollup"), apps.get_model("assessment", "AgentMonthRollup")
    membership = apps.get_model("assessment", "CaseAgent")
    rows, members = agent_rows(day_model, membership, apps)
    membership.objects.bulk_create(members, batch_size=5000)
    day_model.objects.bulk_create(rows, batch_size=2000)
    month_model.objects.bulk_create(agent_month_rows(day_model, month_model), batch_size=2000)
    agent_spans_fill(schema_editor.connection, None, apps.get_model("assessment", "OverdueAgentSpan")._meta.db_table,
                     apps.get_model("assessment", "OverdueSpan")._meta.db_table, membership._meta.db_table)


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('assessment', '0010_spans_department_months'),
        ('cases', '0008_project_code_index'),
        ('closure', '0006_evaluation_served'),
        ('plans', '0008_dash_drop_item_month_rollup'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AgentMonthRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('received', models.IntegerField(default=0, verbose_name='收到申请')),
                ('accepted', models.IntegerField(default=0, verbose_name='受理案件')),
                ('completed', models.IntegerField(default=0, verbose_name='办结案件')),
                ('terminated', models.IntegerField(default=0, verbose_name='终止案件')),
                ('visits', models.IntegerField(default=0, verbose_name='办结案件的业主到场次数')),
                ('score_sum', models.FloatField(default=0, verbose_name='业主评价分合计')),
                ('scores', models.IntegerField(default=0, verbose_name='业主评价数')),
                ('finished', models.IntegerField(default=0, verbose_name='办结事项')),
                ('on_time', models.IntegerField(default=0, verbose_name='按时办结事项')),
                ('workdays', models.IntegerField(default=0, verbose_name='实际用时（工作日）合计')),
                ('limit_workdays', models.IntegerField(default=0, verbose_name='承诺时限（工作日）合计')),
                ('reported_up', models.IntegerField(default=0, verbose_name='上报事项')),
                ('report_up_late', models.IntegerField(default=0, verbose_name='逾期上报事项')),
                ('month', models.DateField(verbose_name='月份（当月1日）')),
                ('agent', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '代办员月汇总',
                'verbose_name_plural': '代办员月汇总',
                'constraints': [models.UniqueConstraint(fields=('month', 'agent'), name='agent_month_rollup_once')],
            },
        ),
        migrations.CreateModel(
            name='AgentRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('received', models.IntegerField(default=0, verbose_name='收到申请')),
                ('accepted', models.IntegerField(default=0, verbose_name='受理案件')),
                ('completed', models.IntegerField(default=0, verbose_name='办结案件')),
                ('terminated', models.IntegerField(default=0, verbose_name='终止案件')),
                ('visits', models.IntegerField(default=0, verbose_name='办结案件的业主到场次数')),
                ('score_sum', models.FloatField(default=0, verbose_name='业主评价分合计')),
                ('scores', models.IntegerField(default=0, verbose_name='业主评价数')),
                ('finished', models.IntegerField(default=0, verbose_name='办结事项')),
                ('on_time', models.IntegerField(default=0, verbose_name='按时办结事项')),
                ('workdays', models.IntegerField(default=0, verbose_name='实际用时（工作日）合计')),
                ('limit_workdays', models.IntegerField(default=0, verbose_name='承诺时限（工作日）合计')),
                ('reported_up', models.IntegerField(default=0, verbose_name='上报事项')),
                ('report_up_late', models.IntegerField(default=0, verbose_name='逾期上报事项')),
                ('day', models.DateField(verbose_name='日期')),
                ('agent', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '代办员日汇总',
                'verbose_name_plural': '代办员日汇总',
                'constraints': [models.UniqueConstraint(fields=('day', 'agent'), name='agent_rollup_once')],
            },
        ),
        migrations.CreateModel(
            name='CaseAgent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('agent', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case')),
            ],
            options={
                'verbose_name': '案件计入的代办员',
                'verbose_name_plural': '案件计入的代办员',
                'constraints': [models.UniqueConstraint(fields=('case', 'agent'), name='case_agent_once')],
            },
        ),
        migrations.CreateModel(
            name='OverdueAgentSpan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('accepted_on', models.DateField(verbose_name='受理日期')),
                ('starts_on', models.DateField(verbose_name='逾期起')),
                ('ends_on', models.DateField(null=True, verbose_name='逾期止（不含）')),
                ('agent', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case')),
            ],
            options={
                'verbose_name': '代办员案件逾期区间',
                'verbose_name_plural': '代办员案件逾期区间',
                'indexes': [models.Index(fields=['accepted_on', 'starts_on'], include=('ends_on', 'agent'), name='overdue_agent_covering')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=True),
        analyzed("assessment_caseagent", "assessment_agentrollup", "assessment_agentmonthrollup",
                 "assessment_overdueagentspan", vacuum=True),
    ]
