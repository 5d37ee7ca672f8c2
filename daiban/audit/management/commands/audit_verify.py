from django.core.management.base import BaseCommand

from daiban.audit.services import audit_verify
from daiban.lib.jsonutil import dumps


class Command(BaseCommand):
    help = "校验审计链：逐条事件、链头校验码与库外检查点；输出 JSON，发现问题时以状态 1 退出。"

    def handle(self, *args, **options):
        result = audit_verify()
        self.stdout.write(dumps(result.as_dict()))
        if not result.ok:
            raise SystemExit(1)
