import json

from django.core.management.base import BaseCommand

from daiban.audit.services import audit_verify


class Command(BaseCommand):
    help = "校验审计链：逐条核对序号与校验码，输出 {\"ok\": ..., \"events\": N}。"

    def handle(self, *args, **options):
        result = audit_verify()
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        if not result.ok:
            raise SystemExit(1)
