import json
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from daiban.org.loading import load_org_spec, load_pingyang_org


class Command(BaseCommand):
    help = "载入平阳县行政区划、代办机构、窗口和部门（可重复执行）；--file 载入另一个县的组织（格式见 docs/org-file.md）。"

    def add_arguments(self, parser):
        parser.add_argument("--file", default="", help="另一个县的组织文件（JSON）")

    def handle(self, *args, file: str = "", **options):
        if not file:
            load_pingyang_org()
            self.stdout.write("已载入平阳县组织机构。")
            return
        try:
            spec = json.loads(Path(file).read_text(encoding="utf-8"))
            load_org_spec(spec)
        except (OSError, ValueError, KeyError, TypeError, ObjectDoesNotExist, IntegrityError) as problem:
            raise CommandError(f"组织文件有误：{problem}") from None
        self.stdout.write(f"已载入{spec['county'][1]}组织机构。")
