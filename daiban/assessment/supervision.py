"""督查 (seed §5.2.4 监督员, §7.4): what leaders, inspectors and the agency bodies supervise, in one place.

Cases running late, escalations, fee alerts, joint-meeting records and owners' evaluations, each
limited to the reader's data scope. Owners' contact data appears only on a case's sheet, and a
leader's or an inspector's look at it is recorded (access.personal_data_viewed, in the view).
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Q, Subquery

from daiban.assessment import sources
from daiban.assessment.item_states import case_warning, overdue_now, warning_now
from daiban.assessment.ledger import count_of
from daiban.assessment.scoped import Scoped
from daiban.cases.models import Case, CaseItem, TeamMember, TeamRole
from daiban.cases.selectors import cases_for
from daiban.cases.states import ITEM_FINISHED, CaseStatus
from daiban.lib.errors import ValidationFailed
from daiban.org.scope import get_in_scope
from daiban.plans.deadlines import LABELS as WARNING_LABELS
from daiban.plans.models import ItemUrge
from daiban.plans.selectors import item_row, unreported_periods
from daiban.plans.services import item_urge

LIST_ROWS = 100


def late_cases(scoped: Scoped, today: dt.date):
    """Open cases with an overdue item or one in its warning window, overdue first."""
    items = CaseItem.objects.filter(case=OuterRef("pk"))
    level = Subquery(items.order_by("-escalation_level").values("escalation_level")[:1])
    return (scoped.cases().annotate(warning=case_warning(today)).filter(warning__in=["overdue", "warning"])
            .annotate(overdue_items=count_of(items.filter(overdue_now(today))),
                      warning_items=count_of(items.filter(warning_now(today))), level=level)
            .select_related("request", "project", "unit").order_by("-overdue_items", "-warning_items", "accepted_at"))


def unreported_cases(scoped: Scoped, today: dt.date) -> list[dict]:
    """Cases in progress with a half month due and not reported (未反馈), the oldest missing period first."""
    cases = (scoped.cases().filter(status=CaseStatus.IN_PROGRESS, plan__isnull=False)
             .select_related("plan", "request", "project", "unit").prefetch_related("progress_reports"))
    rows = [{"case": c, "periods": periods} for c in cases if (periods := unreported_periods(c, today))]
    return sorted(rows, key=lambda row: (row["periods"][0]["period_start"], row["case"].pk))


def overview(user, today: dt.date) -> dict:
    scoped = Scoped.of(user)
    late = late_cases(scoped, today)
    agents = dict(TeamMember.objects.filter(role=TeamRole.AGENT, case__in=[c.pk for c in late[:LIST_ROWS]])
                  .values_list("case_id", "user__full_name"))
    late_rows = [{"case": c, "agent": agents.get(c.pk, ""), "label": WARNING_LABELS.get(c.warning, "")}
                 for c in late[:LIST_ROWS]]
    evaluations = scoped.over(sources.owner_evaluations())
    fee_alerts = scoped.over(sources.fee_alerts())
    meetings = scoped.over(sources.meeting_records())
    issues = scoped.over(sources.escalated_issues())
    return {
        "late": late_rows, "late_count": late.count(), "unreported": unreported_cases(scoped, today)[:LIST_ROWS],
        "escalations": scoped.over(sources.escalations(), "item__case").order_by("-at")[:LIST_ROWS],
        "issues": issues.order_by("-raised_at")[:LIST_ROWS],
        "fee_alerts": fee_alerts.order_by("-raised_at")[:LIST_ROWS],
        "meetings": (meetings.annotate(signatures_valid=Count("signatures",
                                                              filter=Q(signatures__voided_at__isnull=True)))
                     .order_by("-held_at")[:LIST_ROWS]),
        "evaluations": (evaluations.select_related("case", "case__request", "case__project")
                        .order_by("score", "-submitted_at")[:LIST_ROWS]),
        "today": today,
    }


def case_sheet(user, pk: int, today: dt.date) -> dict:
    case = get_in_scope(cases_for(user), pk=pk, user=user)
    items = [item_row(i, today) for i in case.items.select_related("catalog_item", "catalog_item__department",
                                                                      "liaison")]

    def of_case(queryset):
        return list(queryset.filter(case=case))

    return {
        "case": case, "items": items,
        "open_items": [i for i in items if i["status"] not in ITEM_FINISHED],
        "team": case.team.select_related("user").order_by("role"),
        "escalations": sources.escalations().filter(item__case=case).order_by("-at"),
        "urges": ItemUrge.objects.filter(item__case=case).select_related("item__catalog_item", "by", "to"),
        "fee_alerts": of_case(sources.fee_alerts()), "meetings": of_case(sources.meeting_records()),
        "evaluations": of_case(sources.owner_evaluations()), "issues": of_case(sources.escalated_issues()),
        "today": today,
    }


def order(*, actor, case_id: int, data) -> ItemUrge:
    """督办 of one open item of the case, through the plans service (which checks the role again)."""
    case: Case = get_in_scope(cases_for(actor), pk=case_id, user=actor)
    item_id = str(data.get("item") or "")
    item = case.items.select_related("catalog_item", "case").filter(pk=int(item_id)).first() \
        if item_id.isdigit() else None
    if item is None or item.status in ITEM_FINISHED:
        raise ValidationFailed({"item": "请选择本案件尚未办结的事项"})
    respond_by = None
    if (text := (data.get("respond_by") or "").strip()):
        try:
            respond_by = dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationFailed({"respond_by": "要求办结日期格式应为 YYYY-MM-DD"}) from None
    return item_urge(actor=actor, item=item, kind=ItemUrge.Kind.SUPERVISE, note=data.get("note") or "",
                     respond_by=respond_by)
