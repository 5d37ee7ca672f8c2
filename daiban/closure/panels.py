"""Home-page panels of closing and evaluation, by who is looking (registered in ClosureConfig.ready)."""
from __future__ import annotations

from django.urls import reverse

from daiban.closure import selectors
from daiban.closure.models import ReturnVisit
from daiban.lib import clock
from daiban.lib.panels import Panel, panel_provider
from daiban.org.roles import CASE_WORKER_ROLES, Role

MAX_ROWS = 10
CSS = {"overdue": "state-overdue", "warning": "state-warning", "normal": ""}


def _case_url(case) -> str:
    return reverse("closure:case", args=[case.pk])


def _ready(user) -> Panel:
    rows = [{"text": f"{c.request.tracking_no} {c.project.name}", "url": _case_url(c), "note": "委托事项已全部办结",
             "css": ""} for c in selectors.closure_cases(user, "ready")[:MAX_ROWS]]
    return Panel(title="待办结的案件", rows=rows, empty="没有待办结的案件",
                 link=reverse("closure:list") + "?show=ready")


def _unfiled(user) -> Panel:
    today, rows = clock.today(), []
    for case in selectors.closure_cases(user, "unfiled")[:MAX_ROWS]:
        where = selectors.standing_of(case.closure, today)
        rows.append({"text": f"{case.request.tracking_no} {case.project.name}", "url": _case_url(case),
                     "note": f"{case.closure.form_name} · 归档期限 {where.due:%m-%d}（{where.label}）",
                     "css": CSS[where.state]})
    return Panel(title="办结单/终止单待归档", rows=rows, empty="没有待归档的办结单或终止单",
                 link=reverse("closure:list") + "?show=unfiled")


def _my_visits(user) -> Panel | None:
    visits = (ReturnVisit.objects.filter(visitor=user, done_on__isnull=True)
              .select_related("case", "case__project", "case__request").order_by("planned_on")[:MAX_ROWS])
    if not visits:
        return None
    rows = [{"text": f"{v.case.request.tracking_no} {v.case.project.name}", "url": _case_url(v.case) + "#visits",
             "note": f"{v.get_channel_display()} · {v.planned_on:%m-%d}",
             "css": "state-warning" if v.planned_on <= clock.today() else ""} for v in visits]
    return Panel(title="待回访", rows=rows)


def _owner(user) -> Panel:
    rows = []
    for case in selectors.closure_cases(user, "unevaluated")[:MAX_ROWS]:
        closure = case.closure
        unsigned = closure.handover.exists() and closure.handover_confirmed_at is None
        todo = "请签收资料清单" if unsigned else "请评价代办服务"
        rows.append({"text": case.project.name, "url": _case_url(case),
                     "note": f"{closure.get_kind_display()} · {todo}", "css": ""})
    return Panel(title="待签收和评价", rows=rows, empty="没有需要您签收或评价的项目", link=reverse("closure:list"))


def _fee_alerts() -> Panel:
    rows = [{"text": f"{a.case.project.name}", "url": reverse("closure:fee_alerts"),
             "note": f"{a.raised_at:%Y-%m-%d} · {a.case.unit.name}", "css": ""}
            for a in selectors.fee_alerts()[:MAX_ROWS]]
    return Panel(title="索取费用或礼品线索", rows=rows, empty="暂无线索", link=reverse("closure:fee_alerts"))


@panel_provider
def closure_panels(user) -> list[Panel]:
    panels: list[Panel] = []
    roles = user.roles
    if roles & CASE_WORKER_ROLES:
        panels += [_ready(user), _unfiled(user)]
        visits = _my_visits(user)
        if visits:
            panels.append(visits)
    if Role.OWNER in roles:
        panels.append(_owner(user))
    if Role.INSPECTOR in roles:
        panels.append(_fee_alerts())
    return panels
