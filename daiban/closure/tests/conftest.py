"""A 鳌江镇 case built through the services, at the stage a test needs, with its own owner account."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import DEMO_PASSWORD, request_payload
from daiban.cases.services import case_agreement_set, case_team_set, request_accept
from daiban.intake.services import owner_account_create, request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.plans import services as plans

D = dt.date.fromisoformat
HANDOVER = [{"document": "企业投资项目备案通知书", "copies": 1, "original": True},
            {"document": "环境影响评价批复文件", "copies": 2, "original": False}]


class Builder:
    """Takes a fresh case through the services: builder.case("in_progress", on="2026-09-01")."""

    def __init__(self, person):
        self.person = person
        self.agent = person("aojiang")

    def case(self, stage: str = "in_progress", *, on: str = "2026-09-01", items=("L02", "L05")):
        with clock.frozen(on):
            request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000, category="other")))
            case = request_accept(actor=self.agent, request=request)
            if not request.company.owner_users.exists():
                owner = owner_account_create(actor=None, company=request.company, username=f"owner-{request.pk}",
                                             password=DEMO_PASSWORD, full_name="张伟")
                owner.password_must_change = False  # the owner has replaced the initial password already
                owner.save(update_fields=["password_must_change"])
            if stage in ("entrusted", "in_progress"):
                case_agreement_set(actor=self.agent, case=case, item_codes=list(items))
                case_team_set(actor=self.agent, case=case, agent="aojiang", liaisons=["fgj", "sthj"])
            if stage == "in_progress":
                plans.plan_generate(actor=self.agent, case=case, start_date=D(on))
        case.refresh_from_db()
        return case

    def owner(self, case):
        return case.project.company.owner_users.order_by("pk").first()

    def item(self, case, code):
        return case.items.select_related("catalog_item", "case").get(catalog_item__code=code)

    def finish(self, case, code, *, on: str, approved: bool = True, approval_no: str = ""):
        """Dispatched, accepted and finished by the department on day `on`."""
        with clock.frozen(on):
            plans.item_dispatch(actor=self.agent, item=self.item(case, code))
            liaison = self.item(case, code).liaison
            plans.item_start(actor=liaison, item=self.item(case, code), started_on=D(on))
            plans.item_finish(actor=liaison, item=self.item(case, code), approved=approved,
                              approval_no=approval_no or (self.approval_no(case, code, on) if approved else ""),
                              note="" if approved else "不符合产业政策")

    @staticmethod
    def approval_no(case, code: str, on: str) -> str:
        """备案赋码's approval number is the project code (its month that of `on`); others a document number."""
        return f"{on[2:4]}{on[5:7]}-330326-04-01-{case.pk:06d}" if code == "L02" else f"平批〔2026〕{code}号"

    def finish_all(self, case, *, on: str):
        for code in case.items.values_list("catalog_item__code", flat=True):
            self.finish(case, code, on=on)

    def completed(self, *, on: str = "2026-09-30", start: str = "2026-09-01"):
        case = self.case(on=start)
        self.finish_all(case, on=start)
        from daiban.closure.services import case_complete

        with clock.frozen(on):
            case_complete(actor=self.agent, case=case, handover=HANDOVER, opinion="资料齐全，同意办结")
        case.refresh_from_db()
        return case


@pytest.fixture
def build(person):
    return Builder(person)
