"""Home-page panels of coordination (registered in CoordinationConfig.ready)."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from daiban.coordination.selectors import (
    incoming_linked,
    issue_row,
    issues_for,
    linked_standing,
    open_resolutions_of,
    prefetch_tiers,
    resolution_standing,
    waiting_signatures,
)
from daiban.coordination.states import IssueStatus
from daiban.lib import clock
from daiban.lib.panels import Panel, panel_provider
from daiban.org.roles import CASE_WORKER_ROLES, Role

MAX_ROWS = 20


def _issues(user) -> Panel:
    today = clock.today()
    rows = prefetch_tiers(issues_for(user).exclude(status=IssueStatus.CLOSED).order_by("raised_at"))
    lines = []
    for issue in rows[:MAX_ROWS]:
        row = issue_row(issue, today)
        waiting = "待代办员确认" if issue.status == IssueStatus.RESOLVED else row["status_label"]
        due = f" · 答复期限 {row['due_on']:%m-%d}（{row['warning_label']}）" if row["warning"] else ""
        lines.append({"text": f"{issue.title}", "url": reverse("coordination:issue", args=[issue.pk]),
                      "note": f"{row['project']} · 第{issue.tier}层级 · {waiting}{due}",
                      "css": f"state-{row['warning']}" if row["warning"] in ("warning", "overdue") else ""})
    return Panel(title="协调中的问题", rows=lines, empty="没有协调中的问题", link=reverse("coordination:issues"))


def _incoming(user) -> Panel:
    today = clock.today()
    lines = []
    for linked in incoming_linked(user)[:MAX_ROWS]:
        where = linked_standing(linked, today)
        lines.append({"text": f"{linked.case.project.name}", "url": reverse("coordination:linked", args=[linked.pk]),
                      "note": f"{linked.from_body.name} · {linked.get_status_display()} · 反馈期限 "
                              f"{linked.due_on:%m-%d}（{where.label}）",
                      "css": where.css if where.state in ("warning", "overdue") else ""})
    return Panel(title="待办理的联动代办请求", rows=lines, empty="没有待办理的联动代办请求",
                 link=reverse("coordination:linked_list"))


def _signatures(user) -> Panel:
    lines = [{"text": m.title, "url": reverse("coordination:meeting", args=[m.pk]),
              "note": f"{timezone.localtime(m.held_at):%m-%d %H:%M} · {m.case.project.name} · 待签名确认", "css": ""}
             for m in waiting_signatures(user)[:MAX_ROWS]]
    return Panel(title="待签名的会议记录", rows=lines, empty="没有待签名的会议记录")


def _resolutions(user) -> Panel:
    today = clock.today()
    lines = []
    for resolution in open_resolutions_of(user)[:MAX_ROWS]:
        where = resolution_standing(resolution, today)
        lines.append({"text": resolution.content[:40], "url": reverse("coordination:meeting",
                                                                      args=[resolution.meeting_id]),
                      "note": f"{resolution.department.name} · 期限 {resolution.due_on:%m-%d}（{where.label}）",
                      "css": where.css if where.state in ("warning", "overdue") else ""})
    return Panel(title="待落实的会议议定事项", rows=lines, empty="没有待落实的议定事项")


def _consultations(user) -> Panel:
    rows = issues_for(user).filter(status=IssueStatus.CONSULTING, consultations__leader=user,
                                   consultations__decided_at__isnull=True).distinct()
    lines = [{"text": i.title, "url": reverse("coordination:issue", args=[i.pk]), "note": i.case.project.name,
              "css": ""} for i in rows[:MAX_ROWS]]
    return Panel(title="待决定的疑难会商", rows=lines, empty="没有待决定的疑难会商")


@panel_provider
def coordination_panels(user) -> list[Panel]:
    panels: list[Panel] = []
    if incoming_linked(user).exists():
        panels.append(_incoming(user))
    if user.roles & CASE_WORKER_ROLES or Role.LIAISON in user.roles:
        panels.append(_issues(user))
    signatures = _signatures(user)
    if signatures.rows:
        panels.append(signatures)
    if open_resolutions_of(user).exists():
        panels.append(_resolutions(user))
    if Role.LEADER in user.roles and _consultations(user).rows:
        panels.append(_consultations(user))
    return panels
