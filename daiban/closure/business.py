"""Open business of a case at its end: coordination issues, linked requests and meeting resolutions still
open. A case is completed or terminated only once each is finished, or closed by the agent with a reason
on the completion (termination) page; each such closing is kept as a row and audited."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from daiban.audit.services import audit_record
from daiban.cases.models import Case
from daiban.closure.models import ClosedBusiness
from daiban.coordination.models import Issue, LinkedRequest, Resolution
from daiban.coordination.states import ISSUE_ACTIVE, LinkedStatus, ResolutionStatus
from daiban.lib import clock
from daiban.lib.errors import ValidationFailed
from daiban.org.models import User

KINDS = {"issue": "协调问题", "linked": "联动代办请求", "resolution": "会议议定事项"}


@dataclass(frozen=True)
class OpenBusiness:
    kind: str
    id: int
    title: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def field(self) -> str:
        return f"close_{self.kind}_{self.id}"

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def open_business(case: Case) -> list[OpenBusiness]:
    closed = set(ClosedBusiness.objects.filter(case=case).values_list("kind", "object_id"))
    found = [OpenBusiness("issue", i.pk, i.title) for i in Issue.objects.filter(case=case, status__in=ISSUE_ACTIVE)]
    found += [OpenBusiness("linked", r.pk, r.subject[:100])
              for r in LinkedRequest.objects.filter(case=case).exclude(status=LinkedStatus.ANSWERED)]
    found += [OpenBusiness("resolution", r.pk, r.content[:100])
              for r in Resolution.objects.filter(meeting__case=case, status=ResolutionStatus.OPEN)]
    return [b for b in found if (b.kind, b.id) not in closed]


def reasons_from(values: Mapping[str, str] | None) -> dict[str, str]:
    """{"issue:12": reason} from the API's `close_open`, or from a page's `close_issue_12` fields."""
    answer = {}
    for key, reason in (values or {}).items():
        if key.startswith("close_") and key.count("_") == 2:
            _, kind, pk = key.split("_")
            key = f"{kind}:{pk}"
        answer[key] = (reason or "").strip()
    return answer


def check_closable(case: Case, reasons: Mapping[str, str]) -> list[OpenBusiness]:
    """Each open business needs a reason; answers the open business to close."""
    still = open_business(case)
    errors = {b.field: f"{b.label}“{b.title}”尚未了结：请先办结，或填写关闭理由" for b in still if not reasons.get(b.key)}
    errors.update({b.field: "关闭理由过长（最多 300 字）" for b in still if len(reasons.get(b.key, "")) > 300})
    if errors:
        raise ValidationFailed(errors)
    return still


def close_all(*, actor: User, case: Case, business: list[OpenBusiness], reasons: Mapping[str, str], why: str) -> None:
    """Inside the completion's (termination's) transaction."""
    for b in business:
        ClosedBusiness.objects.create(case=case, kind=b.kind, object_id=b.id, title=b.title, reason=reasons[b.key],
                                      closed_by=actor, closed_at=clock.now())
        audit_record(event_type="closure.business_closed", actor=actor, obj=case,
                     new={"kind": b.kind, "id": b.id, "title": b.title, "reason": reasons[b.key], "on": why})
