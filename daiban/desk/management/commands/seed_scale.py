"""python manage.py seed_scale [--cases 100000] [--audit-events 10000000]: a generated province for measurement.

Bulk inserts (COPY for the audit trail on PostgreSQL), seeded; needs the demo county and the catalog (`seed_demo`).
Adds to what is there: each run takes its own tag for tracking numbers and credit codes. With --cases 0 it only
appends audit events to the chain (over the cases there), e.g. to grow a province's trail to 10M without
generating its cases again. See daiban.desk.scale.
"""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from daiban.audit.services import audit_verify
from daiban.catalog.models import CatalogItem
from daiban.desk.scale import generate_audit, generate_cases
from daiban.lib.validators import CREDIT_CODE_CHARSET
from daiban.plans.evidence import evidence_rebuild


class Command(BaseCommand):
    help = "生成用于性能测量的全省规模数据（批量插入，可重复）：各县代办机构、案件与事项、日志、协调、评价和真实的审计链"

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100000,
                            help="代办登记数（约九成成为案件）；为 0 时只向审计链追加 --audit-events 条事件（分布在已有案件上）")
        parser.add_argument("--audit-events", type=int, default=10_000_000, help="审计事件数（一条真实、可校验的链）")
        parser.add_argument("--events-per-case", type=int, default=None,
                            help="或按每个新案件的审计事件数（代替 --audit-events）")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--tag", default="T", help="本次生成的登记编号前缀（一至两个大写字母，不含 I、O、S、V、Z）")
        parser.add_argument("--no-verify", action="store_true", help="生成后不校验审计链")

    def handle(self, *args, cases: int, audit_events: int, events_per_case: int | None, seed: int, tag: str,
               no_verify: bool, **options):
        if not CatalogItem.objects.exists():
            raise CommandError("请先载入组织与事项目录（manage.py seed_demo）")
        if not (tag.isascii() and tag.isalpha() and tag.isupper() and 1 <= len(tag) <= 2
                and set(tag) <= set(CREDIT_CODE_CHARSET)):
            raise CommandError("--tag 应为一至两个大写字母（不含 I、O、S、V、Z：统一社会信用代码不用这些字母）")
        began = time.perf_counter()
        made = {"cases": 0}
        if cases:
            made = generate_cases(cases, seed=seed, tag=tag,
                                  progress=lambda n: n % 20000 == 0 and self.stdout.write(f"  {n} requests"))
            self.stdout.write(f"{made} in {time.perf_counter() - began:.0f} s")
        events = audit_events if events_per_case is None else events_per_case * made["cases"]
        began = time.perf_counter()
        written = generate_audit(events, seed=seed, checkpoint_every=max(1000, events // 64),
                                 progress=lambda n: n % 1_000_000 == 0 and self.stdout.write(f"  {n} audit events"))
        seconds = time.perf_counter() - began
        self.stdout.write(f"{written} audit events in {seconds:.0f} s ({written / max(seconds, 1e-9):,.0f} events/s)")
        if cases:
            began = time.perf_counter()
            rebuilt = evidence_rebuild()
            self.stdout.write(f"evidence figures rebuilt from {rebuilt['items']} finished items in "
                              f"{time.perf_counter() - began:.0f} s")
        if connection.vendor == "postgresql":
            # Bulk inserts leave the planner without statistics until autovacuum comes round; without them it ANDs
            # a case's index with million-entry status indexes for every case (hours for the ledger).
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(f"statistics gathered (ANALYZE) in {time.perf_counter() - began:.0f} s")
        if no_verify:
            return
        began = time.perf_counter()
        result = audit_verify()
        seconds = time.perf_counter() - began
        self.stdout.write(f"audit chain verifies: {result.ok} ({result.events} events, {seconds:.1f} s, "
                          f"{result.events / max(seconds, 1e-9):,.0f} events/s)")
        if not result.ok:
            raise CommandError(f"audit chain does not verify: {[p.code for p in result.problems]}")
