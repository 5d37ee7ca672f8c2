from django.core.management.base import BaseCommand, CommandError

from daiban.audit.services import PurgeRefused, audit_purge
from daiban.lib.dbroles import use_owner_connection


class Command(BaseCommand):
    help = ("删除超过保存期限（DAIBAN_AUDIT_RETENTION_DAYS，至少 184 天）的审计事件，并在最后一条被删事件处"
            "加封锚点，其余事件仍可校验。以表的所有者身份（DAIBAN_MIGRATE_DATABASE_URL）运行。")

    def handle(self, *args, **options):
        use_owner_connection()
        try:
            result = audit_purge()
        except PurgeRefused as exc:
            raise CommandError(str(exc)) from None
        if result.deleted and result.anchor_seq is not None:
            self.stdout.write(f"已清理 {result.deleted} 条审计事件，审计链自第 {result.anchor_seq + 1} 条起继续校验")
        else:
            self.stdout.write("没有超过保存期限的审计事件")
