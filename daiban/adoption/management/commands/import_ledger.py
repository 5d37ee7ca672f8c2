"""python manage.py import_ledger FILE.xlsx [--dry-run] [--as USERNAME]: brings in a county's 代办台帐."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from daiban.adoption.reader import read_ledger
from daiban.adoption.services import IMPORTED, REFUSED, SKIPPED, WOULD_IMPORT, ledger_import
from daiban.org.models import User
from daiban.org.roles import Role


class Command(BaseCommand):
    help = "导入现有代办台帐（.xlsx 或 .csv，列名见 docs/import.md）；--dry-run 只检查不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="逐行检查并报告结果，不写入")
        parser.add_argument("--as", dest="username", default="",
                            help="以哪位县代办中心管理员的名义导入（默认：第一位）")

    def handle(self, *args, file: str, dry_run: bool, username: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        actors = User.objects.filter(is_active=True, role_grants__role=Role.CENTER_ADMIN).order_by("pk")
        actor = actors.filter(username=username).first() if username else actors.first()
        if actor is None:
            raise CommandError("没有可用的县代办中心管理员账号（--as 指定的账号须有该角色）")
        try:
            ledger = read_ledger(path.read_bytes(), path.name)
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        result = ledger_import(actor=actor, ledger=ledger, source_file=path.name, dry_run=dry_run)
        for row in result.rows:
            if row.outcome != IMPORTED and row.outcome != WOULD_IMPORT:
                self.stdout.write(f"第 {row.line} 行 {row.key}：{row.label}。{'；'.join(row.errors)}")
        if ledger.unknown_headers:
            self.stdout.write(f"未识别的列（已忽略）：{'、'.join(ledger.unknown_headers)}")
        done = result.count(WOULD_IMPORT) if dry_run else result.count(IMPORTED)
        verb = "可导入" if dry_run else "已导入"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {done} 行，跳过 {result.count(SKIPPED)} 行，未导入 {result.count(REFUSED)} 行。"))
