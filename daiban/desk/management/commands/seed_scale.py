"""python manage.py seed_scale [--cases 100000]: a generated province for measurement (daiban.desk.scale).

Bulk inserts, seeded; needs the organisation and the catalog (`seed_demo`). Adds to what is there: each run
takes its own tag for tracking numbers and credit codes.
"""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from daiban.audit.services import audit_checkpoint, audit_verify
from daiban.catalog.models import CatalogItem
from daiban.desk.scale import generate_audit, generate_cases
from daiban.lib.validators import CREDIT_CODE_CHARSET


class Command(BaseCommand):
    help = "生成用于性能测量的大规模数据（批量插入，可重复）"

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100000, help="代办登记数（约九成成为案件）")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--tag", default="T", help="本次生成的登记编号前缀（一至两个大写字母，不含 I、O、S、V、Z）")
        parser.add_argument("--events-per-case", type=int, default=100, help="每个案件的审计事件数")

    def handle(self, *args, cases: int, seed: int, tag: str, events_per_case: int, **options):
        if not CatalogItem.objects.exists():
            raise CommandError("请先载入组织与事项目录（manage.py seed_demo）")
        if not (tag.isascii() and tag.isalpha() and tag.isupper() and 1 <= len(tag) <= 2
                and set(tag) <= set(CREDIT_CODE_CHARSET)):
            raise CommandError("--tag 应为一至两个大写字母（不含 I、O、S、V、Z：统一社会信用代码不用这些字母）")
        began = time.perf_counter()
        made = generate_cases(cases, seed=seed, tag=tag)
        self.stdout.write(f"{made} in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        events = generate_audit(events_per_case, seed=seed,
                                progress=lambda n: self.stdout.write(f"  audit events for {n} cases"))
        audit_checkpoint()
        self.stdout.write(f"{events} audit events in {time.perf_counter() - began:.0f} s")
        result = audit_verify()
        self.stdout.write(f"audit chain verifies: {result.ok} ({result.events} events)")
        if not result.ok:
            raise CommandError(f"audit chain does not verify: {[p.code for p in result.problems]}")
