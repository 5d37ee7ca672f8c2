from django.core.management.base import BaseCommand

from daiban.org.loading import load_pingyang_org


class Command(BaseCommand):
    help = "载入平阳县行政区划、代办机构、窗口和部门（可重复执行）。"

    def handle(self, *args, **options):
        load_pingyang_org()
        self.stdout.write("已载入平阳县组织机构。")
