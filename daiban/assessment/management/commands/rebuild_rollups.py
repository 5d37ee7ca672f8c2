"""python manage.py rebuild_rollups: the statistics' rollups counted again from the whole history (after an
import, a bulk seed such as seed_scale, or a change of the working-day calendar): the item rollups
(plans.rollups), the case rollups and overdue spans with their month rollup by department (assessment.rollups,
assessment.overdue), the case figures by department and by agent (assessment.departments, assessment.agents), and
the unit and agent who served on the owners' evaluations bulk-inserted without them (closure.served: the 好差评
figures group by them); on PostgreSQL the rewritten tables are then VACUUMed and ANALYZEd."""
from django.core.management.base import BaseCommand
from django.db import connection

from daiban.assessment.rebuild import REWRITTEN, statistics_rebuild
from daiban.lib.migrating import analyze


class Command(BaseCommand):
    help = "按全部事项和案件重新汇总统计用的日汇总表（办结、按时、用时、上报；收件、受理、办结、终止、到场、评价）。"

    def handle(self, *args, **options):
        items, cases, departments, served, agents = statistics_rebuild()
        analyze(connection, *(model._meta.db_table for model in REWRITTEN), vacuum=True)
        self.stdout.write(self.style.SUCCESS(
            f"已重新汇总：办结事项 {items['finished']} 件，上报 {items['reported_up']} 件，事项汇总 {items['rows']} 行；"
            f"收到申请 {cases['received']} 件，受理案件 {cases['accepted']} 件，案件汇总 {cases['rows']} 行，"
            f"审批部门汇总 {departments} 行，代办员汇总 {agents} 行；补记评价时的代办机构和代办员 {served} 条。"))
