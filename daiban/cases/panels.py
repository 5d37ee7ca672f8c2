"""Home-page panels of requests and cases, by who is looking (registered in CasesConfig.ready)."""
from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse

from daiban.cases.models import CaseDocument
from daiban.cases.selectors import cases_for
from daiban.cases.states import OPEN_STATUSES, CaseStatus
from daiban.intake.models import Request
from daiban.intake.selectors import first_contact_overdue, requests_for
from daiban.lib import clock
from daiban.lib.panels import Panel, panel_provider
from daiban.org.roles import CASE_WORKER_ROLES, COUNTY_WIDE_ROLES, Role
from daiban.org.scope import scope_of

MAX_ROWS = 20


def contact_mark(row: Request) -> tuple[str, str]:
    """(css class, label) of a request's first-contact deadline: red when late, yellow on the day it falls due."""
    if row.first_contact_at is not None:
        return ("tag bad", "逾期联系") if first_contact_overdue(row) else ("tag good", "已按时联系")
    if row.status != Request.Status.NEW:
        return "", ""
    if first_contact_overdue(row):
        return "state-overdue", "已逾期"
    if row.first_contact_due == clock.today():
        return "state-warning", "今日到期"
    return "state-normal", "未到期"


def _waiting_requests(user) -> Panel:
    rows = requests_for(user).filter(status=Request.Status.NEW).order_by("first_contact_due", "received_at")
    total = rows.count()
    lines = []
    for row in rows[:MAX_ROWS]:
        css, label = contact_mark(row)
        lines.append({"text": f"{row.tracking_no} {row.project_name}", "css": css,
                      "url": reverse("cases:request", args=[row.pk]),
                      "note": f"{row.company_name} · 首次联系期限 {row.first_contact_due:%m-%d}（{label}）"})
    more = f"共 {total} 件，仅列出最早到期的 {MAX_ROWS} 件" if total > MAX_ROWS else ""
    return Panel(title="待联系的代办申请", rows=lines, empty=more or "没有待联系的申请",
                 link=reverse("cases:requests") + "?status=new")


def _awaiting_agreement(user) -> Panel:
    # The agreement's current version: a version issued again (the team named, say) waits for its own signature.
    current = (CaseDocument.objects.filter(case=OuterRef("pk"), kind=CaseDocument.Kind.AGREEMENT)
               .order_by("-version").values("signed_at")[:1])
    cases = (cases_for(user).filter(status__in=[CaseStatus.ACCEPTED, CaseStatus.ENTRUSTED])
             .annotate(agreement_signed_at=Subquery(current)).filter(agreement_signed_at__isnull=True)
             .order_by("accepted_at"))
    lines = [{"text": f"{c.request.tracking_no} {c.project.name}", "url": reverse("cases:case", args=[c.pk]),
              "note": "待选择委托事项" if c.status == CaseStatus.ACCEPTED else "协议待签署",
              "css": ""} for c in cases[:MAX_ROWS]]
    return Panel(title="已受理待签协议", rows=lines, empty="没有待签协议的案件",
                 link=reverse("cases:list") + "?status=accepted")


def _county_counts(user) -> Panel:
    requests = requests_for(user).aggregate(
        new=Count("pk", filter=Q(status=Request.Status.NEW)),
        late=Count("pk", filter=Q(status=Request.Status.NEW, first_contact_due__lt=clock.today())),
        contacted=Count("pk", filter=Q(status=Request.Status.CONTACTED)))
    cases = dict(cases_for(user).order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    lines = [
        {"text": f"待联系申请 {requests['new']} 件", "note": f"其中逾期 {requests['late']} 件" if requests["late"] else "",
         "css": "state-overdue" if requests["late"] else "", "url": reverse("cases:requests") + "?status=new"},
        {"text": f"已联系待审查 {requests['contacted']} 件", "url": reverse("cases:requests") + "?status=contacted"},
    ]
    lines += [{"text": f"{label} {cases.get(value, 0)} 件", "url": reverse("cases:list") + f"?status={value}"}
              for value, label in CaseStatus.choices]
    return Panel(title="全县代办概况", rows=lines, link=reverse("cases:list"))


def _own_cases(user, title: str, empty: str) -> Panel:
    cases = cases_for(user).filter(status__in=OPEN_STATUSES).order_by("-accepted_at")
    lines = [{"text": f"{c.request.tracking_no} {c.project.name}", "url": reverse("cases:case", args=[c.pk]),
              "note": f"{c.get_status_display()} · {c.unit.name}", "css": ""} for c in cases[:MAX_ROWS]]
    return Panel(title=title, rows=lines, empty=empty, link=reverse("cases:list"))


@panel_provider
def request_and_case_panels(user) -> list[Panel]:
    panels: list[Panel] = []
    roles = user.roles
    if roles & CASE_WORKER_ROLES:
        panels += [_waiting_requests(user), _awaiting_agreement(user)]
    if roles & COUNTY_WIDE_ROLES or (roles & CASE_WORKER_ROLES and scope_of(user).county_wide):
        panels.append(_county_counts(user))
    if Role.OWNER in roles:
        panels.append(_own_cases(user, "我的代办项目", "暂无代办项目"))
    if Role.LIAISON in roles and user.department_id:
        panels.append(_own_cases(user, "涉及本部门事项的案件", "暂无涉及本部门事项的在办案件"))
    return panels
