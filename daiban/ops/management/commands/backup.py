from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from daiban.lib.jsonutil import dumps
from daiban.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库（含导出文件）与上传文件到一个新目录；密钥不进入备份（docs/operations.md）。"

    def add_arguments(self, parser):
        parser.add_argument("destination", help="新目录，例如 /var/backups/daiban/2026-12-04")

    def handle(self, *args, destination: str, **options):
        try:
            manifest = backup(Path(destination))
        except (BackupError, FileExistsError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(dumps({"ok": True, "destination": destination, "tables": len(manifest["tables"]),
                                 "rows": sum(manifest["tables"].values())}))
