"""Run the stand-in provincial platform on this machine, to test a deployment's reports end to end."""
from __future__ import annotations

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from daiban.provincial.fake_platform import FakePlatform


class Command(BaseCommand):
    help = "运行模拟省平台：校验签名和报文格式，按需返回错误，保存收到的报文（GET /_received 查看）"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8026)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--app-key", default="", help="默认取 DAIBAN_PROVINCIAL_APP_KEY，未设置时为 daiban-test")
        parser.add_argument("--app-secret", default="", help="默认取 DAIBAN_PROVINCIAL_APP_SECRET，未设置时随机生成")
        parser.add_argument("--fail", type=int, nargs="*", default=[],
                            help="先依次返回这些状态码（如 --fail 503 503），之后正常接收")

    def handle(self, *args, port: int, host: str, app_key: str, app_secret: str, fail: list[int], **options):
        key = app_key or settings.PROVINCIAL_APP_KEY or "daiban-test"
        secret = app_secret or settings.PROVINCIAL_APP_SECRET or secrets.token_hex(16)
        platform = FakePlatform([*fail, 200], host=host, port=port, app_key=key, app_secret=secret)
        self.stdout.write(f"模拟省平台已启动：{platform.url}\n"
                          f"  DAIBAN_PROVINCIAL_URL={platform.url}\n"
                          f"  DAIBAN_PROVINCIAL_APP_KEY={key}\n"
                          f"  DAIBAN_PROVINCIAL_APP_SECRET={secret}\n"
                          f"收到的报文：GET http://{host}:{platform.server.server_address[1]}/_received；"
                          f"按需出错：POST /_control {{\"fail\": [503]}}", ending="\n")
        self.stdout.flush()
        platform.serve_forever()
