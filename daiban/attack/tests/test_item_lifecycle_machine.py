"""A hypothesis state machine over an entrusted item's lifecycle, driven through the API by random people: the
unit's agent, the item's department liaison, and three who have no say (another department's liaison, another
unit's agent, the inspector). No forbidden transition ever succeeds; those without rights always get 403 or 404
and so never learn the item's state from a 409 or a 422 (issue 10 §5)."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from conftest import request_payload
from daiban.cases.models import CaseItem
from daiban.cases.services import case_agreement_set, request_accept
from daiban.cases.states import ALLOWED_ITEM_CHANGES
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib import clock

pytestmark = pytest.mark.django_db
DAY = "2026-06-01"
# Who may act as which side of ALLOWED_ITEM_CHANGES; everyone else has no say on this item.
SIDES = {"aojiang": "agent", "sthj": "liaison"}
OUTSIDERS = ("zrj", "kunyang", "inspector")
ACTIONS = {
    "dispatch": {}, "start": {"started_on": DAY}, "pause": {"kind": "correction", "reason": "材料需补正"},
    "resume": {"ended_on": DAY}, "finish": {"approval_no": "平环建〔2026〕1号"},
    "refuse": {"approved": False, "note": "不符合条件"}, "withdraw": {"reason": "业主撤回"},
    "report-up": {"reported_on": DAY},
}


def test_no_forbidden_item_transition_ever_succeeds(api_as, person):
    with clock.frozen(DAY):
        request, _ = request_submit(data=RequestData(**request_payload(investment_wan=3000)))
        case = request_accept(actor=person("aojiang"), request=request)
        case_agreement_set(actor=person("aojiang"), case=case, item_codes=["L05"])
        assert api_as("aojiang").post(f"cases/{case.pk}/plan", {"start_date": DAY}).status_code == 201
        callers = {name: api_as(name) for name in (*SIDES, *OUTSIDERS)}
    item = CaseItem.objects.get(case=case, catalog_item__code="L05")
    seen = Counter()

    class ItemLifecycle(RuleBasedStateMachine):
        @initialize()
        def fresh_item(self):
            CaseItem.objects.filter(pk=item.pk).update(status="pending")
            self.status = "pending"

        @rule(who=st.sampled_from([*SIDES, *OUTSIDERS]), action=st.sampled_from(sorted(ACTIONS)))
        def act(self, who, action):
            path = "finish" if action == "refuse" else action
            with clock.frozen(DAY):
                answer = callers[who].post(f"cases/{case.pk}/items/L05/{path}", ACTIONS[action])
            after = CaseItem.objects.values_list("status", flat=True).get(pk=item.pk)
            if who in OUTSIDERS:
                assert answer.status_code in (403, 404), (who, action, self.status, answer.content)
            if 200 <= answer.status_code < 300:
                change = (self.status, after)
                assert change in ALLOWED_ITEM_CHANGES, (who, action, change)
                assert SIDES.get(who) in ALLOWED_ITEM_CHANGES[change], (who, action, change)
            else:
                assert after == self.status, (who, action, answer.status_code)
            assert answer.status_code < 500
            seen["changed" if after != self.status else "refused"] += 1
            self.status = after

        @invariant()
        def the_database_agrees(self):
            if hasattr(self, "status"):
                assert CaseItem.objects.values_list("status", flat=True).get(pk=item.pk) == self.status

    ItemLifecycle.TestCase.settings = settings(max_examples=8, stateful_step_count=10, derandomize=True,
                                               deadline=None, database=None,
                                               suppress_health_check=list(HealthCheck))
    ItemLifecycle.TestCase().runTest()
    assert seen["changed"] and seen["refused"], seen  # the walk went somewhere and met refusals
