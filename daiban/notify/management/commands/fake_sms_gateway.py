"""Run the stand-in SMS/WeChat gateway on this machine, to test a deployment's notifications end to end."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from daiban.notify.fake_gateway import FakeGateway


class Command(BaseCommand):
    help = "运行模拟短信网关：校验消息格式和令牌，按需返回错误，保存收到的消息（GET /_received 查看）"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--token", default=None, help="默认取 DAIBAN_GATEWAY_TOKEN；为空则不校验")
        parser.add_argument("--fail", type=int, nargs="*", default=[],
                            help="先依次返回这些状态码（如 --fail 503 503），之后正常接收")

    def handle(self, *args, port: int, host: str, token: str | None, fail: list[int], **options):
        token = settings.GATEWAY_TOKEN if token is None else token
        gateway = FakeGateway([*fail, 200], host=host, port=port, token=token)
        self.stdout.write(f"模拟短信网关已启动：{gateway.url}\n  DAIBAN_SMS_GATEWAY_URL={gateway.url}\n"
                          f"收到的消息：GET http://{host}:{gateway.server.server_address[1]}/_received；"
                          f"按需出错：POST /_control {{\"fail\": [503]}}", ending="\n")
        self.stdout.flush()
        gateway.serve_forever()
