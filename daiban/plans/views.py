"""Pages of the plan and its execution. Reads come from the selectors, every write from a service.

The per-item forms post with htmx where the browser has it: a refusal comes back as the item's card with the
errors beside the fields, a success reloads the page. Without htmx they are plain POST + redirect, and a
refusal renders the item's own page (422).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daiban.cases.api import docx_response
from daiban.cases.models import Case, CaseItem, TeamRole
from daiban.cases.selectors import cases_for, local_departments_of, team_members
from daiban.cases.services import require_case_worker
from daiban.lib import clock
from daiban.lib.errors import Conflict, ValidationFailed
from daiban.lib.forms import show_refusal
from daiban.lib.links import url_for_each
from daiban.org.http import StaffRequest
from daiban.org.models import RoleGrant, User
from daiban.org.pages import staff_page
from daiban.org.permissions import require_role
from daiban.org.roles import Role
from daiban.org.scope import get_in_scope
from daiban.plans import forms as f
from daiban.plans import services
from daiban.plans.deadlines import report_up_late
from daiban.plans.selectors import (
    STAFF_ROLES,
    acting_as,
    liaison_items,
    plan_page_case,
    plan_section,
    urgent_first,
)

ACTION_LABELS = {
    "dispatch": "派单", "start": "受理（开始计时）", "pause": "暂停计时", "resume": "恢复计时",
    "local_done": "本级办结", "report_up": "上报上级", "finish": "办结", "urge": "催办", "supervise": "督办",
    "move": "调整计划日期", "withdraw": "撤回",
}


# -- forms of an item ---------------------------------------------------------------------------------------


def _dispatch_choices(item: CaseItem, memo: dict | None = None) -> tuple[list[User], str]:
    """The liaison officers of the item's local department, and the one on the case's team (the default)."""
    if memo is None or item.pk not in memo:
        memo = _dispatch_memo(item.case, [item])
    return memo[item.pk]


def _dispatch_memo(case: Case, items: list[CaseItem]) -> dict:
    """_dispatch_choices of every item about to be dispatched, read in two queries whatever the case holds."""
    local = local_departments_of(case)
    departments = {item.pk: local.get(item.catalog_item.department_id) or services.local_department(item)
                   for item in items}
    if not departments:
        return {}
    is_liaison = RoleGrant.objects.filter(user=OuterRef("pk"), role=Role.LIAISON)
    liaisons = list(User.objects.filter(Exists(is_liaison), is_active=True,
                                        department__in={d.pk for d in departments.values()}).order_by("username"))
    on_team = {member.user_id for member in team_members(case) if member.role == TeamRole.LIAISON}
    memo = {}
    for item_pk, department in departments.items():
        mine = [user for user in liaisons if user.department_id == department.pk]
        memo[item_pk] = (mine, next((user.username for user in mine if user.pk in on_team), ""))
    return memo


def action_form(action: str, item: CaseItem, data: QueryDict | None = None, *, memo: dict | None = None) -> forms.Form:
    """The form of one action on one item; ids carry the item's code so a page can hold every item's forms."""
    today = clock.today()
    auto_id = f"id_{item.catalog_item.code}_{action}_%s"
    if action == "dispatch":
        liaisons, default = _dispatch_choices(item, memo)
        return f.DispatchForm(data, liaisons=liaisons, initial={"liaison": default} if default else {},
                                auto_id=auto_id)
    forms_by_action: dict[str, tuple[type[forms.Form], dict[str, Any]]] = {
        "start": (f.StartForm, {"started_on": today}),
        "pause": (f.PauseForm, {"started_on": today}),
        "resume": (f.ResumeForm, {"ended_on": today}),
        "local_done": (f.LocalDoneForm, {"done_on": today}),
        "report_up": (f.ReportUpForm, {"reported_on": today}),
        "finish": (f.FinishForm, {"result": "approved", "finished_on": today}),
        "urge": (f.UrgeForm, {}),
        "supervise": (f.UrgeForm, {}),
        "move": (f.MoveForm, {"planned_start": item.planned_start, "planned_due": item.planned_due}),
        "withdraw": (f.ReasonForm, {}),
    }
    form_class, initial = forms_by_action[action]
    return form_class(data, initial=initial, auto_id=auto_id)


def _act(action: str, actor: User, item: CaseItem, form: forms.Form) -> str:
    """Calls the service of the action; answers the success message."""
    data = form.cleaned_data
    name = item.catalog_item.name
    if action == "dispatch":
        liaison = User.objects.filter(username=data["liaison"]).first() if data["liaison"] else None
        item = services.item_dispatch(actor=actor, item=item, liaison=liaison, note=data["note"])
        assert item.liaison is not None  # item_dispatch always names one
        return f"已将“{name}”派单至{item.liaison.display_name}。"
    if action == "start":
        item = services.item_start(actor=actor, item=item, started_on=data["started_on"])
        return f"已受理“{name}”，办理期限 {item.due_on:%Y-%m-%d}。"
    if action == "pause":
        services.item_pause(actor=actor, item=item, kind=data["kind"], reason=data["reason"],
                            started_on=data["started_on"])
        return f"“{name}”已暂停计时。"
    if action == "resume":
        item = services.item_resume(actor=actor, item=item, ended_on=data["ended_on"])
        return f"“{name}”已恢复计时，办理期限顺延至 {item.due_on:%Y-%m-%d}。"
    if action == "local_done":
        item = services.item_local_done(actor=actor, item=item, done_on=data["done_on"])
        return f"已登记“{name}”本级办结，请于 {item.report_due_on:%Y-%m-%d} 前上报上级部门。"
    if action == "report_up":
        item = services.item_report_up(actor=actor, item=item, reported_on=data["reported_on"], note=data["note"])
        due, reported_on = item.report_due_on, item.reported_up_on
        late = due is not None and reported_on is not None and report_up_late(due=due, reported_on=reported_on)
        return f"“{name}”已上报上级部门" + ("（已超过1个工作日的上报时限）。" if late else "。")
    if action == "finish":
        assert isinstance(form, f.FinishForm)
        item = services.item_finish(actor=actor, item=item, **form.service_arguments())
        return f"“{name}”{item.get_status_display()}。"
    if action in ("urge", "supervise"):
        urge = services.item_urge(actor=actor, item=item, kind=action, note=data["note"],
                                  respond_by=data["respond_by"])
        return f"已向{urge.to.display_name}发出{urge.get_kind_display()}。"
    if action == "move":
        item = services.plan_item_move(actor=actor, item=item, reason=data["reason"],
                                       planned_start=data["planned_start"], planned_due=data["planned_due"])
        return (f"“{name}”计划日期已调整为 {item.planned_start:%Y-%m-%d} 至 {item.planned_due:%Y-%m-%d}，"
                "后续事项随之顺延。")
    if action == "withdraw":
        services.item_withdraw(actor=actor, item=item, reason=data["reason"])
        return f"已撤回“{name}”。"
    raise ValueError(action)


# -- the section on the case page --------------------------------------------------------------------------


def case_section(request: StaffRequest, case: Case, *, failed: dict | None = None) -> dict:
    """The plan section's context for `request.user`: the selector's reads and, for staff, the forms."""
    section = plan_section(case, request.user)
    if section["owner"]:
        return section
    failed = failed or {}
    memo = _dispatch_memo(case, [row["item"] for row in section["rows"] if "dispatch" in row["actions"]])
    item_url = url_for_each("plans:item", case.pk)  # one reversal for all the items
    for row in section["rows"]:
        mine = failed.get(row["code"], {})
        row["url"] = item_url(row["code"])  # where each of its forms posts
        row["action_labels"] = [(action, ACTION_LABELS[action]) for action in row["actions"]]
        row["action_forms"] = [(action, label, mine.get(action) or action_form(action, row["item"], memo=memo))
                               for action, label in row["action_labels"]]
        # A refused form whose action the item no longer offers (it moved on meanwhile): say why, above the card.
        row["refusals"] = [message for action, form in mine.items() if action not in row["actions"]
                           for messages_ in form.errors.values() for message in messages_]
    today = clock.today()
    section["generate_form"] = failed.get("generate") or f.GenerateForm(initial={"start_date": today})
    section["worklog_form"] = failed.get("worklog") or f.WorkLogForm(initial={"day": today})
    section["report_form"] = failed.get("report")
    section["visit_form"] = failed.get("visit") or f.VisitForm(initial={"day": today},
                                                               items=[r["item"] for r in section["rows"]])
    return section


def _case(request: StaffRequest, case_id: int) -> Case:
    return get_in_scope(cases_for(request.user), pk=case_id, user=request.user)


def _item(case: Case, code: str) -> CaseItem:
    item = (case.items.select_related("case", "case__unit", "catalog_item", "catalog_item__department")
            .filter(catalog_item__code=code.upper()).first())
    if item is None:
        raise Http404("本案没有该委托事项")
    return item


def _next(request: StaffRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _is_htmx(request: StaffRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _succeeded(request: StaffRequest, message: str, url: str) -> HttpResponse:
    messages.success(request, message)
    if _is_htmx(request):
        response = HttpResponse("")
        response["HX-Refresh"] = "true"  # the whole page changes: dates, charts, colours
        return response
    return redirect(url)


def _case_url(case: Case, anchor: str = "plan") -> str:
    return reverse("cases:case", args=[case.pk]) + f"#{anchor}"


@staff_page
@require_GET
def plan_page(request: StaffRequest, case_id: int) -> HttpResponse:
    """The plan and its execution on a page of its own (the case page shows the same section), read as the case
    page reads it: a fixed number of queries whatever the case holds."""
    case = plan_page_case(request.user, case_id)
    return render(request, "plans/plan_page.html", {"case": case, "plan_section": case_section(request, case)})


@staff_page
@require_http_methods(["GET", "POST"])
def item_page(request: StaffRequest, case_id: int, code: str) -> HttpResponse:
    """One item: its records and the actions the viewer may take. The item forms post here."""
    case = _case(request, case_id)
    require_role(request.user, *STAFF_ROLES, action="plan_item_page")
    item = _item(case, code)
    back = _next(request, _case_url(case, f"item-{item.catalog_item.code}"))
    if request.method == "GET":
        return _item_answer(request, case, item.catalog_item.code, back, {})
    action = request.POST.get("action", "")
    _require_item_actor(request.user, item, action)
    if action not in ACTION_LABELS:
        messages.error(request, "未知的操作。")
        return redirect(back)
    form = action_form(action, item, request.POST)
    if form.is_valid():
        try:
            message = _act(action, request.user, item, form)
        except ValidationFailed as refusal:
            show_refusal(form, refusal, aliases={"item": "__all__"})
        except Conflict as conflict:
            form.add_error(None, conflict.message)
        else:
            return _succeeded(request, message, back)
    return _item_answer(request, case, item.catalog_item.code, back, {action: form})


def _require_item_actor(user: User, item: CaseItem, action: str) -> None:
    """Permission before the form is read: someone who has no say on the item learns nothing of it from a form
    error or a state message (the service checks the same again, with the state)."""
    if action == "supervise":
        require_role(user, Role.UNIT_ADMIN, Role.CENTER_ADMIN, Role.LEADER, action="item_supervise")
    else:
        services.require_item_say(user, item, "plan_item_page")


def _item_answer(request: StaffRequest, case: Case, code: str, back: str, failed: dict) -> HttpResponse:
    section = case_section(request, case, failed={code: failed})
    row = next(r for r in section["rows"] if r["code"] == code)
    row["open"] = True
    context = {"case": case, "s": section, "row": row, "next": back, "open_action": next(iter(failed), "")}
    if _is_htmx(request) and request.method == "POST":
        return render(request, "plans/_item_card.html", context)  # swapped in place of the card
    return render(request, "plans/item_page.html", context, status=422 if failed else 200)


def _section_form(request: StaffRequest, case_id: int, *, key: str, form_class: type[forms.Form],
                  save: Callable[[Case, dict[str, Any]], str], anchor: str, partial: str,
                  **form_kwargs: Any) -> HttpResponse:
    """A case-level form (plan, work log, visit): success redirects; a refusal shows the form with its errors."""
    case = _case(request, case_id)
    require_case_worker(request.user, case, f"plan_{key}")  # before the form: no form error for outsiders
    kwargs: dict[str, Any] = {"items": list(case.items.select_related("catalog_item"))} if key == "visit" else {}
    form = form_class(request.POST, **kwargs)
    back = _next(request, _case_url(case, anchor))
    if form.is_valid():
        try:
            message = save(case, form.cleaned_data)
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
        else:
            return _succeeded(request, message, back)
    context = {"case": case, "s": case_section(request, case, failed={key: form}), "next": back}
    if _is_htmx(request):
        return render(request, partial, context)
    return render(request, "plans/form_page.html", {**context, "partial": partial}, status=422)


@staff_page
@require_POST
def plan_generate(request: StaffRequest, case_id: int) -> HttpResponse:
    def save(case: Case, data: dict[str, Any]) -> str:
        plan = services.plan_generate(actor=request.user, case=case, start_date=data["start_date"])
        permit = f"，预计 {plan.projected_permit_date:%Y-%m-%d} 取得施工许可" if plan.projected_permit_date else ""
        return f"已生成代办任务分解计划表{permit}。"

    return _section_form(request, case_id, key="generate", form_class=f.GenerateForm, save=save, anchor="plan",
                         partial="plans/_plan_head.html")


@staff_page
@require_POST
def worklog_add(request: StaffRequest, case_id: int) -> HttpResponse:
    def save(case: Case, data: dict[str, Any]) -> str:
        services.worklog_add(actor=request.user, case=case, day=data["day"], content=data["content"])
        return "已记录工作日志。"

    return _section_form(request, case_id, key="worklog", form_class=f.WorkLogForm, save=save, anchor="worklog",
                         partial="plans/_worklog.html")


@staff_page
@require_POST
def visit_add(request: StaffRequest, case_id: int) -> HttpResponse:
    def save(case: Case, data: dict[str, Any]) -> str:
        item = case.items.filter(catalog_item__code=data["item"]).first() if data["item"] else None
        services.visit_record(actor=request.user, case=case, day=data["day"], reason=data["reason"], item=item)
        count = case.visits.count()
        return "已登记业主到场。" + (f"本案业主已到场 {count} 次，超过“最多跑一次”。" if count > 1 else "")

    return _section_form(request, case_id, key="visit", form_class=f.VisitForm, save=save, anchor="visits",
                         partial="plans/_visits.html")


@staff_page
@require_POST
def progress_report_send(request: StaffRequest, case_id: int) -> HttpResponse:
    def save(case: Case, data: dict[str, Any]) -> str:
        report = services.progress_report_send_early(actor=request.user, case=case)
        return f"已发送{report.period_start:%m月%d日}—{report.period_end:%m月%d日}的进度反馈。"

    return _section_form(request, case_id, key="report", form_class=f.SendReportForm, save=save,
                         anchor="progress-reports", partial="plans/_reports.html")


@staff_page
@require_GET
def progress_document(request: StaffRequest, case_id: int, report_id: int) -> HttpResponse:
    report = _case(request, case_id).progress_reports.select_related("document").filter(pk=report_id).first()
    if report is None:
        raise Http404("没有该期进度反馈")
    return docx_response(report.document)


# -- the liaison officer's items ---------------------------------------------------------------------------


@staff_page
@require_GET
def my_items(request: StaffRequest) -> HttpResponse:
    """派至本部门的事项: what the liaison officer acts on, overdue first."""
    require_role(request.user, Role.LIAISON, action="plan_my_items")
    finished = request.GET.get("show") == "finished"
    rows = urgent_first(liaison_items(request.user, finished=finished))
    if finished:
        rows.sort(key=lambda r: r["finished_on"] or r["due_on"] or clock.today(), reverse=True)
        rows = rows[:100]
    for row in rows:
        row["quick"] = "start" if row["status"] == "dispatched" and _acts_as_liaison(request.user, row["item"]) \
            else ""
    return render(request, "plans/my_items.html", {"rows": rows, "finished": finished,
                                                    "department": request.user.department})


def _acts_as_liaison(user: User, item: CaseItem) -> bool:
    return "liaison" in acting_as(user, item)
