"""Background duties of the plan: escalation of overdue items and the half-monthly progress reports.

Each is idempotent (a unique row per escalation level and per report period) and safe when two
workers run it at once (the unique constraint decides; the loser's savepoint rolls back).
"""
from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from daiban.audit.services import audit_record
from daiban.cases.audiences import case_people
from daiban.cases.models import Case, CaseItem, TeamRole
from daiban.cases.selectors import items_of
from daiban.cases.services import public_step
from daiban.cases.states import ITEM_FINISHED, OPEN_STATUSES, CaseStatus, ItemStatus
from daiban.lib import clock
from daiban.lib.prefetch import prefetched
from daiban.notify.models import Notification
from daiban.notify.rules import RULES, To
from daiban.notify.services import notify_event
from daiban.org.models import User
from daiban.org.roles import Role
from daiban.plans.deadlines import OVERDUE, WARNING, report_up_standing, standing
from daiban.plans.expectations import beyond_practice, expectations_for
from daiban.plans.models import Escalation, ProgressReport
from daiban.plans.notices import tell_item
from daiban.plans.selectors import item_row


def _system_user() -> User:
    """The account a duty's generated documents are filed under: the center's first administrator
    (the duty's own audit events name 系统 as the actor)."""
    user = User.objects.filter(role_grants__role=Role.CENTER_ADMIN, is_active=True).order_by("pk").first()
    if user is None:  # else the document's NOT NULL author would read as "another worker made it"
        raise ImproperlyConfigured("没有启用的县代办中心管理员账号：定期生成的文书无处归档")
    return user


def escalate_overdue(*, today: dt.date | None = None) -> int:
    """预警: an item with WARNING_WORKDAYS or fewer left tells its liaison officer and agent, once per due date.
    逾期: the liaison officer, the agent and the unit administrator; at twice its limit the county center, the
    chief agent and the supervisor. Each level once. Returns how many escalations were made."""
    today = today or clock.today()
    made = 0
    items = (CaseItem.objects.filter(case__status__in=OPEN_STATUSES).exclude(status__in=ITEM_FINISHED)
             .select_related("catalog_item", "case", "case__unit", "case__project", "liaison"))
    for item in items:
        where = standing(item, today)
        if where.state == WARNING and where.due is not None:
            _warn(item, where)
        if where.state != OVERDUE:
            continue
        limit = item.catalog_item.limit_workdays
        levels = [1] + ([2] if where.elapsed is not None and where.elapsed >= 2 * limit else [])
        for level in levels:
            if level <= item.escalation_level:
                continue
            try:
                with transaction.atomic():
                    Escalation.objects.create(item=item, level=level, at=clock.now(),
                                              elapsed_workdays=where.elapsed or 0, limit_workdays=limit)
                    item.escalation_level = level
                    item.save(update_fields=["escalation_level"])
                    to = "代办联络员、代办员和代办机构管理员" if level == 1 else "县投资项目代办服务中心"
                    audit_record(event_type="item.escalated", obj=item, actor_name="系统",
                                 new={"level": level, "to": to, "due": where.due, "elapsed": where.elapsed,
                                      "limit": limit})
                    tell_item("item.overdue" if level == 1 else "item.overdue_center", item,
                              due=f"{where.due:%Y-%m-%d}", elapsed=where.elapsed or 0, limit=limit,
                              dedupe_key=f"{item.pk}:{level}")
                    made += 1
            except IntegrityError:
                continue  # another worker escalated it first
    return made


def warn_beyond_practice(*, today: dt.date | None = None) -> int:
    """Tells the agents, once per item, that an item has run past its department's 80th percentile (issue 16)."""
    today = today or clock.today()
    items = list(CaseItem.objects.filter(case__status__in=OPEN_STATUSES, started_on__isnull=False)
                 .exclude(status__in=ITEM_FINISHED)
                 .select_related("catalog_item", "case", "case__project", "case__accepted_by"))
    practice = expectations_for({item.catalog_item_id: item.catalog_item for item in items}.values())
    warned = 0
    for item in items:
        expectation = practice.get(item.catalog_item_id)
        if expectation is None or not beyond_practice(item, today, expectation):
            continue
        with transaction.atomic():
            agents = [m.user for m in item.case.team.filter(role__in=[TeamRole.AGENT, TeamRole.CHIEF_AGENT])
                      .select_related("user")] or [item.case.accepted_by]  # before a team, the accepting agent
            sent = notify_event("item.beyond_practice", people={To.AGENT: agents}, unit=item.case.unit,
                                values={"project": item.case.project.name, "item": item.catalog_item.name,
                                        "elapsed": standing(item, today).elapsed, "p80": expectation.p80},
                                link=f"/cases/{item.case_id}/", case=item.case, dedupe_key=str(item.pk))
            if sent:
                audit_record(event_type="item.beyond_practice", obj=item, actor_name="系统",
                             new={"p80": expectation.p80, "basis": expectation.basis})
                warned += 1
    return warned


def watch_reports_up(*, today: dt.date | None = None) -> int:
    """A report up still owed after 本级办结 is watched like every deadline: 预警 on its due day to the
    liaison officer, 逾期 after it to the liaison officer, the agents and the unit administrator (once each;
    rules item.report_up_due and item.report_up_late)."""
    today = today or clock.today()
    made = 0
    items = (CaseItem.objects.filter(case__status__in=OPEN_STATUSES, status=ItemStatus.IN_PROGRESS,
                                     local_done_on__isnull=False, reported_up_on__isnull=True)
             .select_related("catalog_item", "catalog_item__department", "case", "case__project", "liaison"))
    for item in items:
        where = report_up_standing(item, today)
        if where is None or where[0] not in (WARNING, OVERDUE):
            continue
        state = where[0]
        with transaction.atomic():
            sent = tell_item("item.report_up_due" if state == WARNING else "item.report_up_late", item,
                             done=f"{item.local_done_on:%Y-%m-%d}", due=f"{item.report_due_on:%Y-%m-%d}",
                             department=item.catalog_item.department.name, dedupe_key=f"{item.pk}")
            if sent:
                audit_record(event_type="item.report_up_watched", obj=item, actor_name="系统",
                             new={"state": state, "report_due_on": item.report_due_on})
                made += 1
    return made


def _warn(item: CaseItem, where) -> None:
    with transaction.atomic():
        if not Notification.objects.filter(event="item.warning", dedupe_key__startswith=f"item.warning:{item.pk}:"
                                           f"{where.due}:").exists():
            tell_item("item.warning", item, due=f"{where.due:%Y-%m-%d}", left=where.left,
                      dedupe_key=f"{item.pk}:{where.due}")
            audit_record(event_type="item.warned", obj=item, actor_name="系统",
                         new={"due": where.due, "left": where.left})


def report_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The half month the latest report day (1st or 16th, on or before today) covers."""
    if today.day >= 16:
        return today.replace(day=1), today.replace(day=15)
    previous = (today.replace(day=1) - dt.timedelta(days=1))
    return previous.replace(day=16), previous.replace(day=calendar.monthrange(previous.year, previous.month)[1])


def progress_summary(case: Case, start: dt.date, end: dt.date, today: dt.date) -> dict:
    items = items_of(case)  # the case page's items when it read them
    rows = [item_row(i, today) for i in items]
    done = [r for r in rows if r["status"] == "approved" and r["finished_on"] and start <= r["finished_on"] <= end]
    in_progress = [r for r in rows if r["status"] not in ("approved", "refused", "withdrawn", "pending")]
    pending = [r for r in rows if r["status"] == "pending"]
    warnings = [r for r in rows if r["warning"] in ("warning", "overdue")]
    next_steps = [f"{r['name']}（计划{r['planned_start']}开始）" for r in pending[:5] if r["planned_start"]]
    problems = [f"{r['name']}：{r['warning_label']}，期限{r['due_on']}" for r in warnings]
    problems += [f"协调事项：{title}" for title in _open_issue_titles(case)]
    in_person_ids = {i.pk for i in items if i.catalog_item.owner_in_person}
    in_person = [r["name"] for r in pending + in_progress if r["id"] in in_person_ids]
    owner_actions = [f"请按约定到场办理：{'、'.join(in_person)}"] if in_person else ["按代办员要求及时提供补充材料"]
    return {"done": done, "in_progress": in_progress, "next_steps": next_steps, "problems": problems,
            "owner_actions": owner_actions, "warnings": len(warnings)}


def _open_issue_titles(case: Case) -> list[str]:
    """The case's unsettled coordination issues (read in the case's row by selectors.with_plan_reads)."""
    return [issue.title for issue in prefetched(case, "coordination_issues", case.coordination_issues.all())
            if issue.status != "closed"]


def _period_of(day: dt.date) -> tuple[dt.date, dt.date]:
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    return day.replace(day=16), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def owed_periods(case: Case, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every half month owed a report up to the latest report day (1st or 16th, calendar days, holidays
    included): from the plan on, less the periods reported (by the duty or sent early), so a period the duty
    missed (the server was down) is never dropped. The duty sends these; the case page, the supervision page
    and the API show them as 未反馈 (plans.selectors.unreported_periods)."""
    plan = getattr(case, "plan", None)
    if plan is None:
        return []
    _, latest_end = report_period(today)
    made = {r.period_start for r in case.progress_reports.all()}
    periods = []
    start, end = _period_of(timezone.localtime(plan.generated_at).date())
    while end <= latest_end:
        if start not in made:
            periods.append((start, end))
        start, end = _period_of(end + dt.timedelta(days=1))
    return periods


def next_progress_period(case: Case, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The period the next report covers: the oldest one owed, else the half month running today unless
    its report was already sent early (then None: nothing to send before the next period begins)."""
    owed = owed_periods(case, today)
    if owed:
        return owed[0]
    start, end = _period_of(today)
    if getattr(case, "plan", None) is None or any(r.period_start == start for r in case.progress_reports.all()):
        return None
    return start, end


def progress_message(start: dt.date, end: dt.date, summary: dict) -> dict:
    """The values of rule case.progress_report: what the owner is sent, for the duty and the preview alike."""
    return {"period": f"{start:%m.%d}—{end:%m.%d}",
            "summary": f"本期办结{len(summary['done'])}项，办理中{len(summary['in_progress'])}项。"
            + ("；".join(summary["problems"]) if summary["problems"] else "各事项按计划推进。")}


def progress_preview(case: Case, today: dt.date) -> dict | None:
    """The next report exactly as it would be sent (same summary, same message), or None."""
    period = next_progress_period(case, today) if case.status == CaseStatus.IN_PROGRESS else None
    if period is None:
        return None
    start, end = period
    summary = progress_summary(case, start, end, today)
    values = progress_message(start, end, summary)
    subject, body = RULES["case.progress_report"].render(values)
    return {"period_start": start, "period_end": end, "early": end >= today, "summary": summary,
            "subject": subject, "body": body}


def send_progress_reports(*, today: dt.date | None = None) -> int:
    """For each active case, the report of every half month owed, each once: after an outage each missed
    period is produced on the next run."""
    today = today or clock.today()
    made = 0
    cases = (Case.objects.filter(status=CaseStatus.IN_PROGRESS, plan__isnull=False).select_related("plan")
             .prefetch_related("progress_reports"))
    for case in cases:
        for start, end in owed_periods(case, today):
            made += send_one_progress_report(case, start, end, today)
    return made


def send_one_progress_report(case: Case, start: dt.date, end: dt.date, today: dt.date, by: User | None = None) -> int:
    """One report: its document, the public step, the owner's message and the audit event. `by` is the
    agent sending it early; the duty's reports are the system's."""
    from daiban.plans.paperwork import progress_document  # it loads matplotlib (the plan's charts): only when used

    actor = by or _system_user()
    summary = progress_summary(case, start, end, today)
    try:
        with transaction.atomic():
            document = progress_document(case=case, actor=actor, period_start=start, period_end=end,
                                         summary=summary)
            ProgressReport.objects.create(case=case, period_start=start, period_end=end, summary=summary,
                                          document=document, created_at=clock.now())
            message = progress_message(start, end, summary)
            # The public progress page shows the report itself (counts, items, open issues: no personal data).
            public_step(case, f"代办进度反馈（{start:%m月%d日}—{end:%m月%d日}）已发送：{message['summary']}")
            people, contact = case_people(case)
            notify_event("case.progress_report", people={To.OWNER: people.get(To.OWNER, [])},
                         owner_contact=contact, case=case, link=f"/cases/{case.pk}/",
                         values=message,
                         dedupe_key=f"{case.pk}:{start}")
            audit_record(event_type="case.progress_reported", obj=case,
                         **({"actor": by} if by else {"actor_name": "系统"}),
                         new={"period": [start, end], "done": len(summary["done"]),
                              "in_progress": len(summary["in_progress"]), "early": by is not None})
            return 1
    except IntegrityError:
        return 0  # another worker made it
