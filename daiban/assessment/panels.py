"""Home-page panels of assessment (registered in AssessmentConfig.ready)."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse

from daiban.assessment import access, sources
from daiban.assessment.figures import TOTAL, counts, derive
from daiban.assessment.item_states import overdue_now, warning_now
from daiban.assessment.periods import Period
from daiban.assessment.scoped import Scoped
from daiban.cases.models import CaseItem
from daiban.lib import clock
from daiban.lib.panels import Panel, panel_provider
from daiban.org.roles import Role


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _month_panel(user, today: dt.date) -> Panel:
    scoped = Scoped.of(user)
    figures = derive(counts(scoped, Period(today.replace(day=1), today), None).get(TOTAL, {}))
    link = reverse("assessment:dashboard") + f"?from={today.replace(day=1).isoformat()}&to={today.isoformat()}"
    rows = [
        {"text": f"收到申请 {figures['received']} 件，受理 {figures['accepted']} 件，办结 {figures['completed']} 件",
         "url": link, "css": ""},
        {"text": f"事项按时办结率 {_percent(figures['on_time_rate'])}", "url": link, "css": "",
         "note": f"办结事项 {figures['finished_items']} 项"},
        {"text": f"逾期案件 {figures['overdue']} 件", "url": link,
         "css": "state-overdue" if figures["overdue"] else "", "note": f"逾期率 {_percent(figures['overdue_rate'])}"},
    ]
    return Panel(title=f"本月代办考核（{today.month} 月）", rows=rows, link=link)


def _supervision_panel(user, today: dt.date) -> Panel:
    scoped = Scoped.of(user)
    items = scoped.over(CaseItem.objects.all())
    overdue_items = items.filter(overdue_now(today))
    overdue = overdue_items.values("case").distinct().count()
    warning = (items.filter(warning_now(today)).exclude(case__in=overdue_items.values("case"))
               .values("case").distinct().count())
    link = reverse("assessment:supervision")
    rows = [{"text": f"逾期案件 {overdue} 件，预警案件 {warning} 件", "url": link,
             "css": "state-overdue" if overdue else ""}]
    recent = scoped.over(sources.fee_alerts()).filter(raised_at__gte=clock.now() - dt.timedelta(days=30)).count()
    if recent:
        rows.append({"text": f"近 30 天索取费用或礼品线索 {recent} 条", "url": link, "css": "state-overdue"})
    return Panel(title="督查提示", rows=rows, link=link)


@panel_provider
def assessment_panels(user) -> list[Panel]:
    roles = user.roles
    today = clock.today()
    panels: list[Panel] = []
    if roles & access.SUPERVISORS:
        panels.append(_supervision_panel(user, today))
    if roles & {Role.CENTER_ADMIN, Role.UNIT_ADMIN, Role.LEADER}:
        panels.append(_month_panel(user, today))
    return panels
