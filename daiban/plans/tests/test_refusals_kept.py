"""A refusal inside an item service's transaction stays in the audit trail after the rollback."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.audit.models import AuditEvent
from daiban.audit.services import audit_verify
from daiban.lib import clock
from daiban.lib.errors import Forbidden
from daiban.plans import services
from daiban.plans.tests.test_items_in_motion import case, item  # noqa: F401  (the fixture)

D = dt.date.fromisoformat


def refusals(action: str) -> int:
    return AuditEvent.objects.filter(event_type="access.refused", new__action=action, outcome="denied").count()


def test_each_of_the_seven_item_services_keeps_its_refusal_in_a_chain_that_verifies(case, person):  # noqa: F811
    stranger = person("fgj")  # the 发改局 liaison officer: not L05's nor L08's department
    with clock.frozen("2026-11-02"):
        services.item_dispatch(actor=person("aojiang"), item=item(case, "L08"))
        services.item_dispatch(actor=person("aojiang"), item=item(case, "S01"))
        services.item_start(actor=person("yjj"), item=item(case, "L08"), started_on=D("2026-11-02"))
    with clock.frozen("2026-11-03"):
        services.item_dispatch(actor=person("aojiang"), item=item(case, "L05"))
        services.item_start(actor=person("sthj"), item=item(case, "L05"))
        services.item_pause(actor=person("sthj"), item=item(case, "L05"), kind="expert_review", reason="专家评审")
    calls = {
        "item_dispatched": lambda: services.item_dispatch(actor=stranger, item=item(case, "G02")),
        "item_in_progress": lambda: services.item_start(actor=stranger, item=item(case, "S01")),
        "item_suspended": lambda: services.item_pause(actor=stranger, item=item(case, "L08"), kind="expert_review",
                                                      reason="x"),
        "item_resumed": lambda: services.item_resume(actor=stranger, item=item(case, "L05")),
        "item_reported_up": lambda: services.item_report_up(actor=stranger, item=item(case, "L08")),
        "item_approved": lambda: services.item_finish(actor=stranger, item=item(case, "L08"), approved=True,
                                                      approval_no="x"),
        "item_withdrawn": lambda: services.item_withdraw(actor=stranger, item=item(case, "L08"), reason="x"),
    }
    with clock.frozen("2026-11-05"):
        for action, call in calls.items():
            before = AuditEvent.objects.filter(event_type="access.refused").count()
            with pytest.raises(Forbidden):
                call()
            assert AuditEvent.objects.filter(event_type="access.refused").count() == before + 1, action
    assert refusals("item_dispatched") == refusals("item_withdrawn") == 1
    assert refusals("item_in_progress") == 2  # start and resume both move the item to 办理中
    verified = audit_verify()
    assert not [p for p in verified.problems if p.code != "audit.checkpoint_missing"], verified.problems


def test_a_refusal_the_caller_catches_inside_a_committed_transaction_is_written_once(case, person):  # noqa: F811
    from django.db import transaction

    with transaction.atomic():
        with pytest.raises(Forbidden):
            services.item_dispatch(actor=person("fgj"), item=item(case, "G02"))
    assert refusals("item_dispatched") == 1
