"""Staff pages of coordination. Reads come from the selectors, every write from a service."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from daiban.cases.api import docx_response
from daiban.cases.models import Case
from daiban.cases.selectors import cases_for
from daiban.cases.services import require_case_worker
from daiban.cases.states import OPEN_STATUSES
from daiban.coordination import forms as f
from daiban.coordination import services
from daiban.coordination.models import Issue, Meeting
from daiban.coordination.selectors import (
    consultation_leaders,
    coordination_cases_for,
    higher_body_of,
    issue_detail,
    issue_row,
    issues_for,
    linked_detail,
    linked_requests_for,
    linked_row,
    meeting_detail,
    meetings_for,
    prefetch_tiers,
    resolution_standing,
    signed_content,
    tier_standing,
)
from daiban.coordination.services.common import staff_of, works_on
from daiban.coordination.services.issues import (
    current_tier,
    is_agent_of,
    may_act_on_issue,
    may_respond,
)
from daiban.coordination.services.linked import require_addressee
from daiban.coordination.services.meetings import may_edit_record, may_finish_resolution
from daiban.coordination.states import IssueStatus, LinkedStatus, ResolutionStatus, Tier
from daiban.lib import clock
from daiban.lib.errors import ValidationFailed
from daiban.lib.forms import show_refusal
from daiban.org.http import StaffRequest
from daiban.org.ladder import ladder_for
from daiban.org.models import User
from daiban.org.pages import staff_page
from daiban.org.permissions import is_worker, refuse, require_worker
from daiban.org.scope import get_in_scope

PER_PAGE = 50
WORKING = (IssueStatus.OPEN, IssueStatus.RESPONDED)


def _page(request: StaffRequest, rows: QuerySet) -> Page:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _choice(value: str, choices: list[tuple[str, str]]) -> str:
    return value if value in {v for v, _ in choices} else ""


# -- issues ---------------------------------------------------------------------------------------------------


@staff_page
@require_GET
def issue_list(request: StaffRequest) -> HttpResponse:
    status = _choice(request.GET.get("status", ""), IssueStatus.choices)
    show_all = request.GET.get("all") == "1"
    rows = issues_for(request.user)
    case_id = request.GET.get("case", "")
    if case_id.isdigit():
        rows = rows.filter(case_id=int(case_id))
        show_all = True
    if status:
        rows = rows.filter(status=status)
    elif not show_all:
        rows = rows.exclude(status=IssueStatus.CLOSED)
    page = _page(request, prefetch_tiers(rows.order_by("-raised_at", "-pk")))
    today = clock.today()
    page.object_list = [issue_row(i, today) for i in page.object_list]
    return render(request, "coordination/issue_list.html", {
        "page": page, "statuses": IssueStatus.choices, "status": status, "show_all": show_all,
        "tab": "issues", "open_cases": _workable_cases(request.user)})


def _workable_cases(user: User, *, higher_items: bool = False) -> list[Case]:
    """Open cases the person works on: where a new issue (or linked request) can start."""
    if not is_worker(user) or higher_body_of(user) is not None:
        return []
    rows = cases_for(user).filter(status__in=OPEN_STATUSES)
    if higher_items:
        rows = rows.filter(items__catalog_item__level__in=["city", "province"]).distinct()
    return list(rows.order_by("-accepted_at")[:200])


@staff_page
@require_GET
def issue_pick(request: StaffRequest) -> HttpResponse:
    case_id = request.GET.get("case", "")
    if not case_id.isdigit():
        messages.error(request, "请选择案件。")
        return redirect("coordination:issues")
    return redirect("coordination:issue_new", case_id=int(case_id))


@staff_page
@require_http_methods(["GET", "POST"])
def issue_new(request: StaffRequest, case_id: int) -> HttpResponse:
    case = get_in_scope(coordination_cases_for(request.user), pk=case_id, user=request.user)
    require_case_worker(request.user, case, "issue_raise_page")
    form = f.IssueForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_raise(actor=request.user, case=case, **form.cleaned_data)
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"已提出协调问题，涉及部门应于{issue.tiers.get().due_on:%Y-%m-%d}前答复。")
            return redirect("coordination:issue", pk=issue.pk)
    initial_item = request.GET.get("item", "")
    if request.method == "GET" and initial_item:
        form.initial.update(item_code=initial_item.upper(), blocks_item=True)
    return render(request, "coordination/issue_form.html", {"case": case, "form": form},
                  status=422 if form.errors else 200)


def _issue_context(request: StaffRequest, issue: Issue, **forms: Any) -> dict:
    user = request.user
    today = clock.today()
    detail = issue_detail(issue, today)
    tier = current_tier(issue)
    case_open = issue.case.status in OPEN_STATUSES
    working = case_open and issue.status in WORKING
    worker = works_on(user, issue.case)
    pending = issue.consultations.filter(decided_at__isnull=True).select_related("leader").last()
    tiers = [(t, tier_standing(t, issue, today)) for t in issue.tiers.select_related("body", "department", "opened_by")]
    rungs = ladder_for(issue.case.unit)
    can = {
        "escalate": working and issue.tier < len(rungs) and (
            worker or (tier.step in (Tier.HIGHER_BODY, Tier.AUTHORITY) and staff_of(user, tier.body))),
        "respond": working and may_respond(user, issue, tier),
        "resolve": working and (may_respond(user, issue, tier) or worker),
        "confirm": case_open and issue.status == IssueStatus.RESOLVED and is_agent_of(user, issue),
        "consult": working and worker,
        "decide": issue.status == IssueStatus.CONSULTING and pending is not None and pending.leader_id == user.pk,
        "convene": working and worker,
    }
    leaders = consultation_leaders(issue) if can["consult"] else []
    return {
        "issue": issue, "detail": detail, "tiers": tiers, "tier": tier, "can": can, "pending": pending,
        "collaboration": list(issue.case.collaboration.order_by("id")),
        "responses": issue.responses.select_related("tier", "by"),
        "ladder": rungs,
        "escalate_form": forms.get("escalate") or f.EscalateForm(current=issue.tier, rungs=rungs, initial={
            "to_tier": issue.tier + 1}),
        "respond_form": forms.get("respond") or f.RespondForm(),
        "resolve_form": forms.get("resolve") or f.ResolveForm(),
        "confirm_form": forms.get("confirm") or f.ConfirmForm(),
        "consult_form": forms.get("consult") or f.ConsultForm(leaders=leaders, initial={
            "leader": leaders[0][0].username if leaders else ""}),
        "decide_form": forms.get("decide") or f.DecideForm(),
        "meetings": issue.meetings.order_by("-held_at"),
        "case_link": cases_for(user).filter(pk=issue.case_id).exists(),
    }


ISSUE_ACTIONS = {
    # action: (form class, service call, success message)
    "escalate": (lambda data, issue: f.EscalateForm(data, current=issue.tier, rungs=ladder_for(issue.case.unit)),
                 lambda user, issue, c: services.issue_escalate(actor=user, issue=issue, **c),
                 "已升级，新层级的答复期限已记录。"),
    "respond": (lambda data, issue: f.RespondForm(data),
                lambda user, issue, c: services.issue_respond(actor=user, issue=issue, **c), "已记录答复。"),
    "resolve": (lambda data, issue: f.ResolveForm(data),
                lambda user, issue, c: services.issue_resolve(actor=user, issue=issue, **c),
                "已提出解决方案，待代办员确认。"),
    "confirm": (lambda data, issue: f.ConfirmForm(data),
                lambda user, issue, c: services.issue_confirm(actor=user, issue=issue, **c), "已记录确认结果。"),
    "consult": (lambda data, issue: f.ConsultForm(data, leaders=consultation_leaders(issue)),
                lambda user, issue, c: services.issue_consult(actor=user, issue=issue, **c),
                "已提请疑难会商。"),
    "decide": (lambda data, issue: f.DecideForm(data),
               lambda user, issue, c: services.consultation_decide(actor=user, issue=issue, **c),
               "会商决定已记录，作为解决方案交代办员确认。"),
}


@staff_page
@require_http_methods(["GET", "POST"])
def issue_page(request: StaffRequest, pk: int) -> HttpResponse:
    issue = get_in_scope(issues_for(request.user), pk=pk, user=request.user)
    if request.method == "GET":
        return render(request, "coordination/issue_detail.html", _issue_context(request, issue))
    if not may_act_on_issue(request.user, issue):  # before the form: no error or state for someone without a say
        refuse(request.user, action="issue_page", why="对该协调问题没有办理权限")
    action = request.POST.get("action", "")
    if action not in ISSUE_ACTIONS:
        messages.error(request, "未知的操作。")
        return redirect("coordination:issue", pk=issue.pk)
    make_form, call, done = ISSUE_ACTIONS[action]
    form = make_form(request.POST, issue)
    if form.is_valid():
        try:
            call(request.user, issue, form.cleaned_data)
        except ValidationFailed as refusal:
            show_refusal(form, refusal, aliases={"respond_by": "deadline_workdays"})
        else:
            messages.success(request, done)
            return redirect("coordination:issue", pk=issue.pk)
    return render(request, "coordination/issue_detail.html", _issue_context(request, issue, **{action: form}),
                  status=422)


# -- linked requests ------------------------------------------------------------------------------------------


@staff_page
@require_GET
def linked_list(request: StaffRequest) -> HttpResponse:
    today = clock.today()
    rows = linked_requests_for(request.user)
    body = higher_body_of(request.user)
    incoming = [linked_row(r, today) for r in rows.filter(to_body=body)] if body else []
    outgoing = [linked_row(r, today) for r in (rows.exclude(to_body=body) if body else rows)[:200]]
    return render(request, "coordination/linked_list.html", {
        "incoming": incoming, "outgoing": outgoing, "body": body, "tab": "linked",
        "open_cases": _workable_cases(request.user, higher_items=True)})


@staff_page
@require_http_methods(["GET", "POST"])
def linked_new(request: StaffRequest) -> HttpResponse:
    require_worker(request.user, "linked_request_page")
    case_id = request.GET.get("case") or request.POST.get("case") or ""
    if not str(case_id).isdigit():
        messages.error(request, "请选择案件：联动代办从案件（在上级审批的事项）或协调问题发起。")
        return redirect("coordination:linked_list")
    case = get_in_scope(coordination_cases_for(request.user), pk=int(case_id), user=request.user)
    require_case_worker(request.user, case, "linked_request_page")
    form = f.LinkedForm(request.POST or None, case=case, initial={"item_code": request.GET.get("item", "").upper()})
    if request.method == "POST" and form.is_valid():
        try:
            linked = services.linked_request_send(actor=request.user, case=case, **form.cleaned_data)
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"已向{linked.to_body.name}发起联动代办，反馈期限{linked.due_on:%Y-%m-%d}。")
            return redirect("coordination:linked", pk=linked.pk)
    return render(request, "coordination/linked_form.html", {"case": case, "form": form},
                  status=422 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def linked_page(request: StaffRequest, pk: int) -> HttpResponse:
    linked = get_in_scope(linked_requests_for(request.user), pk=pk, user=request.user)
    forms: dict = {}
    if request.method == "POST":
        require_addressee(request.user, linked, "linked_request_page")  # only the body asked answers; before any form
        action = request.POST.get("action", "")
        if action not in ("accept", "feedback"):
            messages.error(request, "未知的操作。")
            return redirect("coordination:linked", pk=linked.pk)
        form = f.AcceptForm(request.POST) if action == "accept" else f.FeedbackForm(request.POST)
        if form.is_valid():
            try:
                if action == "accept":
                    services.linked_request_accept(actor=request.user, linked=linked, **form.cleaned_data)
                    messages.success(request, "已接收，请协同办理并按期反馈。")
                else:
                    answered = services.linked_request_feedback(actor=request.user, linked=linked,
                                                                **form.cleaned_data)
                    messages.success(request, "已反馈。" + ("（已超过反馈期限，记为逾期反馈）" if answered.late else ""))
                return redirect("coordination:linked", pk=linked.pk)
            except ValidationFailed as refusal:
                show_refusal(form, refusal)
        forms[action] = form
    addressee = staff_of(request.user, linked.to_body)
    today = clock.today()
    return render(request, "coordination/linked_detail.html", {
        "linked": linked, "detail": linked_detail(linked, today),
        "can_accept": addressee and linked.status == LinkedStatus.SENT,
        "can_feedback": addressee and linked.status == LinkedStatus.ACCEPTED,
        "accept_form": forms.get("accept") or f.AcceptForm(),
        "feedback_form": forms.get("feedback") or f.FeedbackForm(),
    }, status=422 if forms else 200)


# -- meetings -------------------------------------------------------------------------------------------------


@staff_page
@require_GET
def meeting_list(request: StaffRequest) -> HttpResponse:
    rows = meetings_for(request.user).prefetch_related("issues")
    return render(request, "coordination/meeting_list.html", {"page": _page(request, rows), "tab": "meetings"})


def _convenable(user: User) -> list[Issue]:
    rows = issues_for(user).filter(status__in=WORKING, case__status__in=OPEN_STATUSES).order_by("-raised_at")
    return [i for i in rows[:200] if works_on(user, i.case)]


@staff_page
@require_http_methods(["GET", "POST"])
def meeting_new(request: StaffRequest) -> HttpResponse:
    require_worker(request.user, "meeting_convene_page")
    issues = _convenable(request.user)
    if not issues:
        messages.info(request, "没有可召开联席会议协调的问题：请先在案件中提出协调问题。")
        return redirect("coordination:issues")
    initial = {"issues": [request.GET["issue"]]} if request.GET.get("issue") else {}
    form = f.MeetingForm(request.POST or None, issues=issues, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Popped once: inside the comprehension it ran per issue and failed from the second one on.
        picked = data.pop("issues")
        chosen = [i for i in issues if str(i.pk) in picked]
        try:
            meeting = services.meeting_convene(actor=request.user, issues=chosen, **data)
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "已召集联席会议，会议通知已发给受邀的部门负责人。")
            return redirect("coordination:meeting", pk=meeting.pk)
    return render(request, "coordination/meeting_form.html", {"form": form},
                  status=422 if form.errors else 200)


def _resolution_inputs(request: StaffRequest) -> list[dict]:
    """The record form's resolution rows as submitted, blank rows dropped."""
    columns = [request.POST.getlist(name) for name in ("res_id", "res_content", "res_department", "res_due")]
    rows = []
    for pk, content, department, due in zip(*columns, strict=False):
        if not any(v.strip() for v in (pk, content, department, due)):
            continue
        rows.append({"id": pk.strip() or None, "content": content.strip(), "department": department.strip(),
                     "due_workdays": due.strip(), "errors": {}})
    return rows


def _resolution_rows(meeting: Meeting, submitted: list[dict] | None) -> list[dict]:
    if submitted is not None:
        rows = submitted
    else:
        rows = [{"id": r.pk, "content": r.content, "department": r.department.code, "due_workdays": r.due_workdays,
                 "done": r.status == ResolutionStatus.DONE, "errors": {}}
                for r in meeting.resolutions.select_related("department")]
    blanks = 2 if rows else 3
    return rows + [{"id": "", "content": "", "department": "", "due_workdays": "", "errors": {}}
                   for _ in range(blanks)]


def _meeting_context(request: StaffRequest, meeting: Meeting, record_form: f.RecordForm | None = None,
                     submitted: list[dict] | None = None, **extra: Any) -> dict:
    user = request.user
    today = clock.today()
    invitees = list(meeting.invitees.select_related("user", "user__department"))
    me = next((i for i in invitees if i.user_id == user.pk), None)
    signatures = list(meeting.signatures.select_related("signer").order_by("signed_at", "pk"))
    valid = {s.signer_id: s for s in signatures if s.voided_at is None}
    resolutions = [(r, resolution_standing(r, today),
                    r.status == ResolutionStatus.OPEN and meeting.recorded and may_finish_resolution(user, r))
                   for r in meeting.resolutions.select_related("department", "done_by")]
    case_open = meeting.case.status in OPEN_STATUSES
    can_edit = case_open and may_edit_record(user, meeting)
    rows = _resolution_rows(meeting, submitted) if can_edit else []
    initial = {"chair": meeting.chair, "recorder": meeting.recorder, "discussion": meeting.discussion,
               "note": meeting.note, "present": [i.user.username for i in invitees if i.present]}
    return {
        "meeting": meeting, "detail": meeting_detail(meeting, today),
        "invitees": [(i, valid.get(i.user_id)) for i in invitees],
        "signatures": signatures, "voided": [s for s in signatures if s.voided_at], "resolutions": resolutions,
        "issues": meeting.issues.select_related("case__project").order_by("pk"),
        "can_edit": can_edit, "me": me,
        "can_sign": bool(me and me.present and meeting.recorded and user.pk not in valid),
        "signed_by_me": valid.get(user.pk),
        "record_form": record_form or f.RecordForm(initial=initial, invitees=invitees),
        "resolution_rows": rows,
        "resolution_errors": any(row["errors"] for row in rows),
        "department_choices": f.department_choices(meeting.case), "sign_form": f.SignForm(
            initial={"content_hash": meeting.record_hash}),
        "signed_content": signed_content(meeting) if meeting.recorded else "",
        "all_signed": meeting.recorded and all(valid.get(i.user_id) for i in invitees if i.present)
        and any(i.present for i in invitees),
        **extra,
    }


@staff_page
@require_http_methods(["GET", "POST"])
def meeting_page(request: StaffRequest, pk: int) -> HttpResponse:
    meeting = get_in_scope(meetings_for(request.user), pk=pk, user=request.user)
    if request.method == "GET":
        return render(request, "coordination/meeting_detail.html", _meeting_context(request, meeting))
    action = request.POST.get("action", "")
    if action == "record":
        invitees = list(meeting.invitees.select_related("user"))
        form = f.RecordForm(request.POST, invitees=invitees)
        submitted = _resolution_inputs(request)
        if form.is_valid():
            rows = [{k: r[k] for k in ("id", "content", "department", "due_workdays")} for r in submitted]
            before = meeting.record_hash
            signed_before = meeting.signatures.filter(voided_at__isnull=True).exists()
            try:
                saved = services.meeting_record_save(actor=request.user, meeting=meeting, resolutions=rows,
                                                     **form.cleaned_data)
            except ValidationFailed as refusal:
                for field, message in refusal.errors.items():
                    parts = field.split(".")
                    if parts[0] == "resolutions" and len(parts) == 3 and parts[1].isdigit() \
                            and int(parts[1]) < len(submitted):
                        submitted[int(parts[1])]["errors"][parts[2]] = message
                    else:
                        form.add_error(field if field in form.fields else None, message)
            else:
                if saved.record_hash == before:
                    messages.info(request, "会议记录没有改动。")
                elif signed_before:
                    messages.warning(request, "会议记录已修改：此前的签名已因记录修改而作废，请出席人员重新签名。")
                else:
                    messages.success(request, "会议记录已保存，请出席的部门负责人签名确认。")
                return redirect("coordination:meeting", pk=meeting.pk)
        return render(request, "coordination/meeting_detail.html",
                      _meeting_context(request, meeting, record_form=form, submitted=submitted), status=422)
    if action == "sign":
        # The service checks the hash against the record; the page's SignForm only draws the hidden field.
        services.meeting_sign(actor=request.user, meeting=meeting, content_hash=request.POST.get("content_hash", ""))
        messages.success(request, "已签名确认会议记录。")
        return redirect("coordination:meeting", pk=meeting.pk)
    if action == "done":
        resolution = meeting.resolutions.filter(pk=request.POST.get("resolution") or 0).first()
        if resolution is None:
            raise Http404("没有该议定事项")
        note = request.POST.get("note", "")
        try:
            services.resolution_done(actor=request.user, resolution=resolution, note=note)
        except ValidationFailed as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"议定事项{resolution.number}已确认落实。")
        return redirect(reverse("coordination:meeting", args=[meeting.pk]) + "#resolutions")
    messages.error(request, "未知的操作。")
    return redirect("coordination:meeting", pk=meeting.pk)


@staff_page
@require_GET
def meeting_docx(request: StaffRequest, pk: int) -> HttpResponse:
    meeting = get_in_scope(meetings_for(request.user), pk=pk, user=request.user)
    if meeting.document is None:
        raise Http404("会议记录尚未填写")
    return docx_response(meeting.document)

