from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from daiban.lib.jsonutil import dumps
from daiban.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = ("把备份恢复到一个新的空数据库，逐表核对行数并对恢复后的副本运行 audit_verify；"
            "输出 JSON，核对不符时以状态 1 退出。")

    def add_arguments(self, parser):
        parser.add_argument("source", help="backup 命令写出的目录")
        parser.add_argument("--database-url", required=True, help="目标数据库（空库或尚不存在的 SQLite 文件）")
        parser.add_argument("--media-root", help="上传文件解压到此目录（默认不解压）")

    def handle(self, *args, source: str, database_url: str, media_root: str | None, **options):
        try:
            result = restore(Path(source), database_url, Path(media_root) if media_root else None)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(dumps(result))
        if not result["ok"]:
            raise SystemExit(1)
