"""A hypothesis state machine over a case's own lifecycle (issue 10 §6): a public request is accepted or refused,
the case entrusted, planned, completed or terminated, its papers signed for and filed — each step tried by a
random person through the real service functions. Whoever has no say on this case (another unit's staff, a
liaison, the readers, the three administrators, another company's owner, nobody logged in) is always refused
with 403/404 before the state is looked at, and the refusal changes nothing; a step the state table forbids
changes nothing either; every allowed step succeeds and writes its audit event."""
from __future__ import annotations

import os
from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from conftest import credit_code, request_payload
from daiban.audit.models import AuditEvent
from daiban.cases.models import Case, CaseItem, CaseTransition
from daiban.cases.services import case_agreement_set, request_accept
from daiban.cases.states import ALLOWED_CASE_CHANGES, OPEN_STATUSES, CaseStatus, ItemStatus
from daiban.closure.models import Closure
from daiban.closure.services import case_complete, case_terminate, closure_file, handover_confirm
from daiban.intake.models import Request
from daiban.intake.services import request_reject, request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock
from daiban.lib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from daiban.plans.services import item_dispatch, item_finish, item_start, plan_generate

pytestmark = pytest.mark.django_db
DAY = "2026-06-01"
EXAMPLES = int(os.environ.get("DAIBAN_LIFECYCLE_EXAMPLES", "10"))
# demo-1's company, whose owner is owner1.
OWNER1_COMPANY = {"company_name": "平阳县鳌江精工传动有限公司", "credit_code": credit_code("91330326MA2J4T8L1")}

# The 鳌江镇 request's unit staff and the county center act on it; its company's owner (owner1) may choose the
# items, end the entrustment and sign for the papers. Everyone else has no say on this case.
WORKERS = ("center", "ajadmin", "aojiang")
OWNER = "owner1"
OUTSIDERS = ("kyadmin", "kunyang", "sthj", "zrj", "inspector", "ajleader", "leader", "auditor", "secadmin",
             "sysadmin", "owner2", None)
# action -> who may take it, and the audit event a successful step writes.
MAY = {
    "accept": (WORKERS, "intake.request_accepted"), "reject": (WORKERS, "intake.request_rejected"),
    "entrust": ((*WORKERS, OWNER), "case.agreement_set"), "plan": (WORKERS, "plan.generated"),
    "complete": (WORKERS, "case.completed"), "terminate": ((*WORKERS, OWNER), "case.terminated"),
    "confirm_handover": ((*WORKERS, OWNER), "closure.handover_confirmed"), "file": (WORKERS, "closure.filed"),
}
PEOPLE = (*WORKERS, OWNER, *OUTSIDERS)


def test_no_forbidden_case_transition_ever_succeeds(person):
    people = {name: person(name) if name else AnonymousUser() for name in PEOPLE}
    seen: Counter = Counter()

    def call(action: str, actor, request: Request, case: Case | None):
        """One step through the service that takes it, with a well-formed body."""
        if action == "accept":
            return request_accept(actor=actor, request=request)
        if action == "reject":
            return request_reject(actor=actor, request=request, reason="项目不符合产业导向")
        if action == "entrust":
            return case_agreement_set(actor=actor, case=case, item_codes=["L05"])
        if action == "plan":
            return plan_generate(actor=actor, case=case, start_date=clock.today())
        if action == "complete":
            return case_complete(actor=actor, case=case, handover=[{"document": "环评批复", "copies": 1}])
        if action == "terminate":
            return case_terminate(actor=actor, case=case, reason="企业调整投资计划")
        if action == "confirm_handover":
            return handover_confirm(actor=actor, case=case, signatory="陈国栋")
        return closure_file(actor=actor, case=case)

    class CaseLifecycle(RuleBasedStateMachine):
        @initialize()
        def a_fresh_public_request(self):
            with clock.frozen(DAY):
                self.request, _ = request_submit(data=RequestData(**request_payload(
                    **OWNER1_COMPANY, investment_wan=3000)))

        def snapshot(self) -> tuple:
            request = Request.objects.get(pk=self.request.pk)
            case = Case.objects.filter(request=request).first()
            closure = Closure.objects.filter(case=case).values_list(
                "kind", "filed_on", "handover_confirmed_at").first() if case else None
            return (request.status, case and case.status,
                    case and CaseTransition.objects.filter(case=case).count(), closure,
                    case and tuple(CaseItem.objects.filter(case=case).order_by("pk").values_list("status", flat=True)),
                    AuditEvent.objects.exclude(event_type="access.refused").count())

        def expected(self, action: str, case: Case | None) -> str:
            """What the state allows a rightful person: "changes", "same" (an idempotent repeat) or "refused"."""
            status = Request.objects.values_list("status", flat=True).get(pk=self.request.pk)
            if action == "accept":
                return {"rejected": "refused", "accepted": "same"}.get(status, "changes")
            if action == "reject":
                return {"accepted": "refused", "rejected": "same"}.get(status, "changes")
            closure = Closure.objects.filter(case=case).first()
            items = set(case.items.values_list("status", flat=True))
            if action == "entrust":
                return "changes" if CaseStatus.ENTRUSTED in ALLOWED_CASE_CHANGES[case.status] and \
                    case.status != CaseStatus.IN_PROGRESS else "refused"
            if action == "plan":
                return "changes" if case.status in (CaseStatus.ENTRUSTED, CaseStatus.IN_PROGRESS) and \
                    items == {ItemStatus.PENDING} else "refused"
            if action == "complete":
                return "changes" if CaseStatus.COMPLETED in ALLOWED_CASE_CHANGES[case.status] and \
                    items == {ItemStatus.APPROVED} else "refused"
            if action == "terminate":
                return "changes" if CaseStatus.TERMINATED in ALLOWED_CASE_CHANGES[case.status] else "refused"
            if closure is None:
                return "refused"
            if action == "confirm_handover":
                return "same" if closure.handover_confirmed_at else "changes"
            unsigned = closure.handover.exists() and closure.handover_confirmed_at is None
            return "refused" if closure.filed_on or unsigned else "changes"

        def next_step(self) -> str | None:
            """The step that takes the case on along the happy path, or None at its end."""
            case = Case.objects.filter(request=self.request).first()
            if case is None:
                return "accept" if self.request.status != Request.Status.REJECTED else None
            closure = Closure.objects.filter(case=case).first()
            if closure is not None:
                return None if closure.filed_on else "file" if closure.handover_confirmed_at else "confirm_handover"
            if case.items.filter(status=ItemStatus.PENDING).exists() and case.status == CaseStatus.IN_PROGRESS:
                return None  # the department's turn
            return {CaseStatus.ACCEPTED: "entrust", CaseStatus.ENTRUSTED: "plan"}.get(case.status, "complete")

        @rule(pick=st.integers(min_value=0, max_value=len(WORKERS)), end=st.sampled_from([False] * 7 + [True]))
        def a_rightful_person_takes_the_next_step(self, pick, end):
            self.request.refresh_from_db()
            action = self.next_step()
            if end and action in ("entrust", "plan", "complete"):
                action = "terminate"
            if action is not None:
                rightful = MAY[action][0]
                self.step(rightful[pick % len(rightful)], action)

        @rule(who=st.one_of(st.sampled_from((*WORKERS, OWNER)), st.sampled_from(OUTSIDERS)),
              action=st.sampled_from(sorted(MAY)))
        def anyone_tries_any_step(self, who, action):
            self.step(who, action)

        def step(self, who, action):
            case = Case.objects.filter(request=self.request).first()
            if case is None and action not in ("accept", "reject"):
                return  # no case to name yet (the API answers 404 to everyone)
            allowed, event = MAY[action]
            before, outcome = self.snapshot(), "changes"
            rightful = who in allowed
            if rightful:
                outcome = self.expected(action, case)
            events = AuditEvent.objects.filter(event_type=event).count()
            with clock.frozen(DAY):
                try:
                    call(action, people[who], self.request, case)
                except (Forbidden, NotFound) as refusal:
                    assert not rightful, (who, action, before, refusal.message)
                    seen["refused: no right"] += 1
                except (Conflict, ValidationFailed) as refusal:
                    assert rightful, (who, action, before, "learnt the state:", refusal.message)
                    assert outcome == "refused", (who, action, before, refusal.message)
                    seen["refused: state"] += 1
                else:
                    assert rightful, (who, action, before, "succeeded without a right")
                    assert outcome in ("changes", "same"), (who, action, before, "the state forbids it")
                    after = AuditEvent.objects.filter(event_type=event).count()
                    assert after == events + (outcome == "changes"), (who, action, event, events, after)
                    seen[f"done: {action}"] += 1 if outcome == "changes" else 0
                    return
            assert self.snapshot() == before, (who, action, "a refused step changed something")

        @precondition(lambda self: Case.objects.filter(request=self.request, status=CaseStatus.IN_PROGRESS,
                                                       items__status=ItemStatus.PENDING).exists())
        @rule()
        def the_department_approves_the_item(self):
            """Not under test: the item's own walk (test_item_lifecycle_machine) by its rightful people."""
            item = CaseItem.objects.get(case__request=self.request)
            with clock.frozen(DAY):
                item_dispatch(actor=people["aojiang"], item=item)
                item_start(actor=people["sthj"], item=item)
                item_finish(actor=people["sthj"], item=item, approved=True, approval_no="平环建〔2026〕1号")

        @invariant()
        def a_case_changes_only_along_the_table(self):
            case = Case.objects.filter(request__pk=getattr(self, "request", Request()).pk).first()
            if case is None:
                return
            walk = list(CaseTransition.objects.filter(case=case).order_by("pk").values_list("from_status",
                                                                                          "to_status"))
            assert walk[0] == ("", CaseStatus.ACCEPTED)
            for old, new in walk[1:]:
                assert new in ALLOWED_CASE_CHANGES[old], walk
            assert (case.status in OPEN_STATUSES) == (not Closure.objects.filter(case=case).exists())

    CaseLifecycle.TestCase.settings = settings(max_examples=EXAMPLES, stateful_step_count=25, derandomize=True,
                                               deadline=None, database=None, suppress_health_check=list(HealthCheck))
    CaseLifecycle.TestCase().runTest()
    # The walk reached the ends of the table and met both kinds of refusal.
    for needed in ("done: complete", "done: terminate", "done: file", "refused: no right", "refused: state"):
        assert seen[needed], seen
