from django.core.management.base import BaseCommand, CommandError

from daiban.audit.checkpoints import CheckpointError, public_key_hex
from daiban.audit.services import audit_checkpoint


class Command(BaseCommand):
    help = "写入审计链头的签名检查点（后台任务每 10 分钟自动执行）；--public-key 输出验签公钥。"

    def add_arguments(self, parser):
        parser.add_argument("--public-key", action="store_true", help="输出检查点签名的 Ed25519 公钥（十六进制）")

    def handle(self, *args, **options):
        if options["public_key"]:
            self.stdout.write(public_key_hex())
            return
        try:
            written = audit_checkpoint()
        except CheckpointError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("已写入：" + "、".join(written) if written else "检查点已是最新，无需写入")
