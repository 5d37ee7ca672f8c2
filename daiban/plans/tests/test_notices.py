"""Every item state that needs someone's action reaches that person: 预警, 逾期, 不予许可, 撤回 (rules.py)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from conftest import request_payload
from daiban.cases.services import case_agreement_set, request_accept
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.notify.models import Notification
from daiban.plans import services
from daiban.plans.deadlines import OVERDUE, WARNING, standing
from daiban.plans.duties import escalate_overdue

D = dt.date.fromisoformat
OWNER_PHONE = "13857712345"


@pytest.fixture
def l05(person):
    """鳌江镇's case of a company without an account; 环评 (L05) dispatched to sthj and accepted on 11-02."""
    with clock.frozen("2026-11-02"):
        request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
        case = request_accept(actor=person("aojiang"), request=request)
        case_agreement_set(actor=person("aojiang"), case=case, item_codes=["L02", "L05"])
        services.plan_generate(actor=person("aojiang"), case=case, start_date=D("2026-11-02"))
        item = case.items.get(catalog_item__code="L05")
        services.item_dispatch(actor=person("aojiang"), item=item)
        return services.item_start(actor=person("sthj"), item=item)


def told(event: str, item, channel: str = "in_app") -> set[str]:
    rows = Notification.objects.filter(event=event, channel=channel, case_id=item.case_id,
                                       subject__contains=item.catalog_item.name)
    return {r.recipient.username if r.recipient else r.to_phone for r in rows}


def first_day(item, state: str) -> dt.date:
    day = item.started_on
    while standing(item, day).state != state:
        day += dt.timedelta(days=1)
    return day


def test_a_warning_tells_the_liaison_officer_and_the_agent_once(l05):
    day = first_day(l05, WARNING)
    escalate_overdue(today=day)
    escalate_overdue(today=day + dt.timedelta(days=1))
    assert told("item.warning", l05) == {"sthj", "aojiang"}
    assert Notification.objects.filter(event="item.warning", channel="in_app", case_id=l05.case_id).count() == 2
    assert "环境影响评价" in Notification.objects.filter(event="item.warning", case_id=l05.case_id).first().subject


def test_an_overdue_item_tells_the_liaison_officer_the_agent_and_the_unit_administrator(l05):
    escalate_overdue(today=first_day(l05, OVERDUE))
    assert told("item.overdue", l05) == {"sthj", "aojiang", "ajadmin"}
    assert told("item.overdue_center", l05) == set()


@override_settings(SMS_GATEWAY_URL="http://127.0.0.1:9/sms")
def test_a_refusal_tells_the_agent_the_chief_agent_and_the_owner_at_its_contact_phone(l05, person):
    with clock.frozen("2026-11-05"):
        services.item_finish(actor=person("sthj"), item=l05, approved=False, note="选址不符合生态红线要求。")
    assert told("item.refused", l05) == {"aojiang", "chief"}
    owner_sms = Notification.objects.get(event="item.refused", channel="sms", recipient=None, case_id=l05.case_id)
    assert owner_sms.to_phone == OWNER_PHONE and "选址不符合生态红线要求。" in owner_sms.body
    assert "。。" not in owner_sms.body


def test_a_withdrawal_tells_the_agent_the_liaison_officer_and_the_chief_agent(l05, person):
    with clock.frozen("2026-11-05"):
        services.item_withdraw(actor=person("aojiang"), item=l05, reason="业主调整建设方案")
    assert told("item.withdrawn", l05) == {"aojiang", "chief", "sthj"}
