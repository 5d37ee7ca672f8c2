"""Staff pages of requests and cases. Reads come from the selectors, every write from a service."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from daiban.cases import agency_team
from daiban.cases.api import docx_response
from daiban.cases.forms import (
    AcceptForm,
    AddressForm,
    AgreementForm,
    CollaborationForm,
    ContactForm,
    RejectForm,
    RequestForm,
    SignForm,
    TeamForm,
)
from daiban.cases.models import Case, CaseDocument, TeamMember, TeamRole
from daiban.cases.panels import contact_mark
from daiban.cases.selectors import (
    case_detail,
    cases_for,
    collaboration_of,
    current_document,
    document_versions,
    items_of,
    team_members,
    team_of,
)
from daiban.cases.services import (
    case_agreement_set,
    case_company_address_set,
    case_designate_major,
    case_team_set,
    collaboration_update,
    document_sign,
    request_accept,
    require_case_worker,
)
from daiban.cases.states import OPEN_STATUSES, CaseStatus
from daiban.catalog.models import STAGE_ORDER
from daiban.catalog.selectors import active_items
from daiban.intake.models import DirectoryEntry, Request, Source
from daiban.intake.personal import owner_documents_release
from daiban.intake.selectors import requests_for
from daiban.intake.services import request_contact, request_data_from_directory, request_register, request_reject
from daiban.lib.errors import ValidationFailed
from daiban.lib.forms import show_refusal
from daiban.lib.pagination import keyset_page
from daiban.org.http import StaffRequest
from daiban.org.models import User
from daiban.org.pages import staff_page
from daiban.org.permissions import is_worker, require_role, require_unit_worker, require_worker
from daiban.org.roles import Role
from daiban.org.scope import get_in_scope, scope_of
from daiban.org.selectors import unit_choices

PER_PAGE = 50
SIGNABLE = (CaseDocument.Kind.REGISTRATION, CaseDocument.Kind.AGREEMENT)


def _choice(value: str, choices: list[tuple[str, str]]) -> str:
    return value if value in {v for v, _ in choices} else ""


def _units(user: User) -> list[tuple[int, str]] | None:
    """The unit filter's options, for county-wide readers only."""
    if not scope_of(user).county_wide:
        return None
    return unit_choices()


def _unit(request: StaffRequest, units: list[tuple[int, str]] | None) -> int | None:
    """The unit the list is filtered by (?unit=), for a reader who has the filter."""
    unit = request.GET.get("unit", "")
    return int(unit) if units is not None and unit.isdigit() else None


def _list_page(request: StaffRequest, template: str, context: dict, rows: QuerySet, *, order: str,
               mark: Callable[[Any], tuple[str, str]] | None = None) -> HttpResponse:
    """`mark` gives each row's (css class, label), shown as `marked`: (row, css class, label)."""
    page = keyset_page(rows, cursor=request.GET.get("after"), order=order, per_page=PER_PAGE)
    query = request.GET.copy()
    query.pop("after", None)
    context.update(page=page, query=query.urlencode(), marked=[(row, *mark(row)) for row in page.rows] if mark else [])
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    response = render(request, template.replace(".html", "_rows.html") if partial else template, context)
    response["Vary"] = "HX-Request"
    return response


# 代办登记 ----------------------------------------------------------------------------------------------


@staff_page
@require_GET
def request_list(request: StaffRequest) -> HttpResponse:
    status = _choice(request.GET.get("status", ""), Request.Status.choices)
    source = _choice(request.GET.get("source", ""), Source.choices)
    units = _units(request.user)
    unit = _unit(request, units)
    rows = requests_for(request.user).select_related("case")
    if status:
        rows = rows.filter(status=status)
    if source:
        rows = rows.filter(source=source)
    if unit is not None:
        rows = rows.filter(unit_id=unit)
    context = {"statuses": Request.Status.choices, "sources": Source.choices, "status": status, "source": source,
               "units": units, "unit": unit, "can_register": is_worker(request.user)}
    return _list_page(request, "cases/request_list.html", context, rows, mark=contact_mark, order="-received_at")


@staff_page
@require_http_methods(["GET", "POST"])
def request_new(request: StaffRequest) -> HttpResponse:
    require_worker(request.user, "request_register_page")
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            try:
                row, created = request_register(actor=request.user, data=form.request_data(),
                                                source=form.cleaned_data["source"],
                                                idempotency_key=form.cleaned_data["token"])
            except ValidationFailed as refusal:
                show_refusal(form, refusal)
            else:
                if created:
                    messages.success(request, f"已登记代办申请 {row.tracking_no}，查询码 {row.query_code}"
                                              f"（请告知企业，用于查询进度）。")
                else:
                    messages.info(request, f"该登记表已提交过（{row.tracking_no}），没有重复登记。")
                return redirect("cases:request", pk=row.pk)
        return render(request, "cases/request_form.html", {"form": form}, status=422)
    initial = {}
    if (entry_id := request.GET.get("directory", "")).isdigit():
        entry = DirectoryEntry.objects.select_related("location").filter(pk=int(entry_id)).first()
        if entry is None:
            raise Http404("目录库中没有该项目")
        initial = RequestForm.initial_from(request_data_from_directory(entry))
    return render(request, "cases/request_form.html", {"form": RequestForm(initial=initial)})


def _request_context(request: StaffRequest, row: Request, **forms: Any) -> dict:
    worker = is_worker(request.user)
    pending = row.status in (Request.Status.NEW, Request.Status.CONTACTED)
    css, label = contact_mark(row)
    return {
        "row": row, "steps": row.public_steps.all(), "mark_css": css, "mark_label": label,
        "case": getattr(row, "case", None) if row.status == Request.Status.ACCEPTED else None,
        "can_contact": worker and pending and row.first_contact_at is None,
        "can_review": worker and pending,
        "contact_form": forms.get("contact_form") or ContactForm(),
        "accept_form": forms.get("accept_form") or AcceptForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
    }


@staff_page
@require_http_methods(["GET", "POST"])
def request_detail(request: StaffRequest, pk: int) -> HttpResponse:
    scoped = requests_for(request.user).select_related("card", "directory_entry", "first_contact_by", "reviewed_by",
                                                        "registered_by")
    row = get_in_scope(scoped, pk=pk, user=request.user)
    if request.method == "GET":
        return render(request, "cases/request_detail.html", _request_context(request, row))
    require_unit_worker(request.user, row.unit_id, action="request_page", what="登记")  # before the form
    action = request.POST.get("action", "")
    try:
        if action == "contact":
            form: Form = ContactForm(request.POST)
            if form.is_valid():
                request_contact(actor=request.user, request=row, note=form.cleaned_data["note"])
                messages.success(request, "已记录首次联系。")
                return redirect("cases:request", pk=row.pk)
            forms = {"contact_form": form}
        elif action == "accept":
            form = AcceptForm(request.POST)
            if form.is_valid():
                case = request_accept(actor=request.user, request=row, contact_first=True, **form.cleaned_data)
                messages.success(request, "已受理，案件已建立。请与企业确定委托代办事项。")
                return redirect("cases:case", pk=case.pk)
            forms = {"accept_form": form}
        elif action == "reject":
            form = RejectForm(request.POST)
            if form.is_valid():
                request_reject(actor=request.user, request=row, reason=form.cleaned_data["reason"])
                messages.success(request, "已作不予受理，理由已告知企业（进度查询可见）。")
                return redirect("cases:request", pk=row.pk)
            forms = {"reject_form": form}
        else:
            messages.error(request, "未知的操作。")
            return redirect("cases:request", pk=row.pk)
    except ValidationFailed as refusal:
        show_refusal(form, refusal)
        forms = {f"{action}_form": form}
    return render(request, "cases/request_detail.html", _request_context(request, row, **forms), status=422)


# 代办案件 ----------------------------------------------------------------------------------------------


@staff_page
@require_GET
def case_list(request: StaffRequest) -> HttpResponse:
    status = _choice(request.GET.get("status", ""), CaseStatus.choices)
    units = _units(request.user)
    unit = _unit(request, units)
    agents = TeamMember.objects.filter(role=TeamRole.AGENT).select_related("user")
    rows = cases_for(request.user).prefetch_related(Prefetch("team", queryset=agents, to_attr="agents"))
    if status:
        rows = rows.filter(status=status)
    if unit is not None:
        rows = rows.filter(unit_id=unit)
    context = {"statuses": CaseStatus.choices, "status": status, "units": units, "unit": unit}
    return _list_page(request, "cases/case_list.html", context, rows, order="-accepted_at")


def _case(request: StaffRequest, pk: int) -> Case:
    return get_in_scope(cases_for(request.user), pk=pk, user=request.user)


def user_owns(user: User, case: Case) -> bool:
    return user.has_role(Role.OWNER) and case.project.company.owner_users.filter(pk=user.pk).exists()


def _rule_notes(case: Case) -> list[str]:
    need = agency_team.requirements(case)
    notes = [agency_team.RULE_MESSAGES["agent"]]
    notes += [agency_team.rule_message(rule) for rule in ("lead_leader", "supervisor", "chief_agent")
              if getattr(need, rule)]
    if need.chief_agent:
        notes.append(agency_team.RULE_MESSAGES["liaisons"])
    return notes


def case_context(request: StaffRequest, case: Case, **forms: Any) -> dict:
    """The case page's own sections (daiban/desk/case_page.py adds the plan and the coordination marks)."""
    user = request.user
    worker = is_worker(user)
    is_open = case.status in OPEN_STATUSES
    detail = case_detail(case)
    items = items_of(case)
    members = sorted(team_members(case), key=lambda m: (m.role, m.user.username))
    # One line per kind: a case's many progress reports and meeting records are listed in their own sections.
    lines = list({line["current"].kind: line for line in document_versions(case)}.values())
    collaboration = collaboration_of(case)
    collaboration_forms = forms.get("collaboration_forms", {})
    phase_forms = [(phase, collaboration_forms.get(phase.phase) or CollaborationForm(
        auto_id=f"id_{phase.phase}_%s", initial={"phase": phase.phase, "handed_over_at": phase.handed_over_at,
                                                 "handed_over_to": phase.handed_over_to, "note": phase.note}))
                   for phase in collaboration]
    sign_forms = forms.get("sign_forms", {})
    for line in lines:
        document = line["current"]
        document.sign_form = sign_forms.get(document.kind) or SignForm(initial={"kind": document.kind})
        document.signable = worker and document.kind in SIGNABLE and document.signed_at is None
    is_owner = user_owns(user, case)
    return {
        "address_form": forms.get("address_form") or AddressForm(),
        "case": case, "detail": detail, "items": items, "members": members,
        "documents": lines,
        "transitions": case.transitions.select_related("by"), "collaboration": collaboration,
        "phase_forms": phase_forms,
        "rule_notes": _rule_notes(case), "worker": worker and is_open, "can_sign": worker,
        "can_choose_items": (worker or is_owner) and case.status in (CaseStatus.ACCEPTED, CaseStatus.ENTRUSTED),
        "can_designate": user.has_role(Role.CENTER_ADMIN) and is_open,
    }


def case_post(request: StaffRequest, case: Case) -> HttpResponse | dict:
    """The case page's own POSTs (a signature, a collaboration phase, the company address, the major-project mark):
    the redirect after success, or the refused forms for the page to show again (daiban/desk/case_page.py)."""
    action = request.POST.get("action", "")
    if action == "major":  # permission before the form is read or the state looked at
        require_role(request.user, Role.CENTER_ADMIN, action="case_designate_major")
    else:
        require_case_worker(request.user, case, "case_page")
    forms: dict = {}
    if action == "sign":
        form: Form = SignForm(request.POST)
        if form.is_valid():
            try:
                document_sign(actor=request.user, case=case, kind=form.cleaned_data["kind"],
                              owner_signatory=form.cleaned_data["owner_signatory"])
            except ValidationFailed as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, "已登记业主签字（盖章）。")
                return redirect("cases:case", pk=case.pk)
        forms["sign_forms"] = {request.POST.get("kind"): form}
    elif action == "collaboration":
        form = CollaborationForm(request.POST, auto_id=f"id_{request.POST.get('phase', '')}_%s")
        if form.is_valid():
            try:
                collaboration_update(actor=request.user, case=case, **form.cleaned_data)
            except ValidationFailed as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, "已更新三部门协同记录。")
                return redirect(reverse("cases:case", args=[case.pk]) + "#collaboration")
        forms["collaboration_forms"] = {request.POST.get("phase"): form}
    elif action == "company_address":
        form = AddressForm(request.POST)
        if form.is_valid():
            try:
                case_company_address_set(actor=request.user, case=case, address=form.cleaned_data["address"])
            except ValidationFailed as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, "已保存单位地址；已出具的文书据此出具了新版次。")
                return redirect("cases:case", pk=case.pk)
        forms["address_form"] = form
    elif action == "major":
        major = request.POST.get("major", "1") == "1"
        case_designate_major(actor=request.user, case=case, major=major)
        messages.success(request, "已认定为重大项目。" if major else "已取消重大项目认定。")
        return redirect("cases:case", pk=case.pk)
    else:
        messages.error(request, "未知的操作。")
        return redirect("cases:case", pk=case.pk)
    return forms


@staff_page
@require_GET
def case_document(request: StaffRequest, pk: int, kind: str) -> HttpResponse:
    case = _case(request, pk)
    document = current_document(case, kind)
    if document is None:
        raise Http404("尚未生成该文书")
    owner_documents_release(actor=request.user, request=case.request, what=document.get_kind_display())
    return docx_response(document)


@staff_page
@require_GET
def case_document_version(request: StaffRequest, pk: int, serial: str, version: int) -> HttpResponse:
    """Any version of a document, as the archive keeps it."""
    case = _case(request, pk)
    document = case.documents.filter(serial_no=serial, version=version).first()
    if document is None:
        raise Http404("没有该文书的这一版次")
    owner_documents_release(actor=request.user, request=case.request,
                            what=f"{document.get_kind_display()}{document.version_label}")
    return docx_response(document)


@staff_page
@require_http_methods(["GET", "POST"])
def case_agreement(request: StaffRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    owner = user_owns(request.user, case)
    if not owner:
        require_worker(request.user, "case_agreement_page")
    items = list(active_items())
    if request.method == "POST":
        form = AgreementForm(request.POST, items=items)
        if form.is_valid():
            try:
                case_agreement_set(actor=request.user, case=case, item_codes=form.cleaned_data["item_codes"])
            except ValidationFailed as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, f"已确定委托代办事项 {len(form.cleaned_data['item_codes'])} 项，"
                                          "委托代办协议已生成，请打印后由业主签字盖章。")
                return redirect("cases:case", pk=case.pk)
        chosen = set(request.POST.getlist("item_codes"))
    else:
        form = AgreementForm(items=items)
        chosen = set(case.items.values_list("catalog_item__code", flat=True))
    groups = [{"label": stage.label, "stage": stage.value, "items": [i for i in items if i.stage == stage]}
              for stage in STAGE_ORDER]
    return render(request, "cases/agreement.html", {
        "case": case, "form": form, "groups": [g for g in groups if g["items"]], "chosen": chosen,
    }, status=422 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def case_team(request: StaffRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    require_worker(request.user, "case_team_page")
    need = agency_team.requirements(case)
    if request.method == "POST":
        form = TeamForm(request.POST, case=case, department_ids=need.department_ids)
        if form.is_valid():
            chosen = form.cleaned_data
            try:
                case_team_set(actor=request.user, case=case, agent=chosen["agent"],
                              chief_agent=chosen["chief_agent"] or None, lead_leader=chosen["lead_leader"] or None,
                              supervisor=chosen["supervisor"] or None, liaisons=chosen["liaisons"])
            except ValidationFailed as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, "已确定代办团队。")
                return redirect("cases:case", pk=case.pk)
    else:
        current = team_of(case)
        initial = current if current["agent"] else agency_team.propose(case).as_usernames()
        form = TeamForm(initial=initial, case=case, department_ids=need.department_ids)
    return render(request, "cases/team.html", {
        "case": case, "form": form, "rule_notes": _rule_notes(case), "proposed": not team_of(case)["agent"],
    }, status=422 if form.errors else 200)
