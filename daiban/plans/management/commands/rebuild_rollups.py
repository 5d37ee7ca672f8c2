"""python manage.py rebuild_rollups: the statistics' item rollups counted again from every item (after an
import, a bulk seed such as seed_scale, or a change of the working-day calendar)."""
from django.core.management.base import BaseCommand

from daiban.plans.rollups import rollups_rebuild


class Command(BaseCommand):
    help = "按全部事项重新汇总统计用的事项日汇总表（办结、按时、用时、上报及上报逾期）。"

    def handle(self, *args, **options):
        result = rollups_rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"已重新汇总：办结事项 {result['finished']} 件，上报 {result['reported_up']} 件，汇总 {result['rows']} 行。"))
