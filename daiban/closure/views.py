"""Pages of completion, termination, filing, the archive, return visits and evaluations. Reads come from
the selectors, every write from a service; a closed case shows no form that would change it."""
from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from daiban.audit.middleware import client_ip
from daiban.cases.models import Case
from daiban.cases.selectors import cases_for, is_case_owner
from daiban.cases.services import require_case_worker
from daiban.cases.states import OPEN_STATUSES, CaseStatus, ItemStatus
from daiban.closure import business, evaluations, selectors, services
from daiban.closure.api import zip_response
from daiban.closure.forms import (
    CompleteForm,
    ConfirmForm,
    EvaluationForm,
    FileForm,
    HandoverFormSet,
    RatingForm,
    TerminateForm,
    VisitForm,
    VisitRecordForm,
    handover_lines,
)
from daiban.closure.models import Closure, DepartmentRating, OwnerEvaluation, ReturnVisit
from daiban.intake.personal import owner_documents_release
from daiban.lib import clock, ratelimit
from daiban.lib.errors import Conflict, NotFound, ValidationFailed
from daiban.lib.forms import show_refusal
from daiban.org.http import StaffRequest
from daiban.org.models import User
from daiban.org.pages import require_page_role, staff_page
from daiban.org.permissions import is_worker, require_role, require_worker
from daiban.org.roles import CASE_WORKER_ROLES, Role
from daiban.org.scope import get_in_scope

PER_PAGE = 50
SHOW = [("", "全部"), ("ready", "待办结"), ("unfiled", "待归档"), ("completed", "已办结"), ("terminated", "已终止"),
        ("unevaluated", "待评价")]


def _case(request: StaffRequest, pk: int) -> Case:
    return get_in_scope(cases_for(request.user), pk=pk, user=request.user)


def _open_business(case: Case, post: QueryDict | None = None, errors: dict[str, str] | None = None) -> list[dict]:
    """The case's open business as the completion (termination) page lists it, with the reasons typed."""
    errors = errors or {}
    return [{"label": b.label, "title": b.title, "field": b.field, "reason": post.get(b.field, "") if post else "",
             "error": errors.get(b.field, "")} for b in business.open_business(case)]


def _closing_reasons(post: QueryDict) -> dict[str, str]:
    return {key: post.get(key, "") for key in post if key.startswith("close_")}


def _split_business_errors(refusal: ValidationFailed) -> tuple[dict, ValidationFailed | None]:
    mine = {k: v for k, v in refusal.errors.items() if k.startswith("close_")}
    rest = {k: v for k, v in refusal.errors.items() if k not in mine}
    return mine, (ValidationFailed(rest) if rest else None)


def _handover_errors(refusal: ValidationFailed, formset: BaseFormSet, form: forms.Form, field: str) -> None:
    """Puts "<field>.<n>.<part>" refusals on line n of the formset; the rest on the main form."""
    rest = {}
    for key, message in refusal.errors.items():
        parts = key.split(".")
        if parts[0] == field and len(parts) == 3 and parts[1].isdigit():
            filled = [f for f in formset.forms if f.line()]
            index = int(parts[1]) - 1
            if index < len(filled):
                filled[index].add_error(parts[2] if parts[2] in filled[index].fields else None, message)
                continue
        rest[key] = message
    if rest:
        show_refusal(form, ValidationFailed(rest), aliases={field: "__all__"} if field not in form.fields else None)


# -- lists -----------------------------------------------------------------------------------------------


@staff_page
@require_GET
def closure_list(request: StaffRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    show = show if show in dict(SHOW) else ""
    page = Paginator(selectors.closure_cases(request.user, show), PER_PAGE).get_page(request.GET.get("page"))
    today = clock.today()
    rows = []
    for case in page.object_list:
        closure = getattr(case, "closure", None) if case.status not in OPEN_STATUSES else None
        rows.append((case, closure, selectors.standing_of(closure, today) if closure else None))
    return render(request, "closure/list.html", {"page": page, "rows": rows, "show": show, "filters": SHOW})


@staff_page
@require_GET
def fee_alerts(request: StaffRequest) -> HttpResponse:
    require_page_role(request.user, Role.INSPECTOR, action="fee_alerts_page")
    page = Paginator(selectors.fee_alerts(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "closure/fee_alerts.html", {"page": page})


# -- a case's closure page ---------------------------------------------------------------------------------


def _unit_staff(case: Case) -> list[User]:
    return list(User.objects.filter(is_active=True, role_grants__role__in=CASE_WORKER_ROLES)
                .filter(body__in=[case.unit_id, *([case.unit.parent_id] if case.unit.parent_id else [])])
                .distinct().order_by("username"))


def _context(request: StaffRequest, case: Case, **forms: Any) -> dict:
    user = request.user
    worker = is_worker(user)
    owner = is_case_owner(user, case)
    closure = Closure.objects.filter(case=case).select_related("document", "closed_by", "filed_by",
                                                               "handover_recorded_by").first()
    items = case.items.select_related("catalog_item", "catalog_item__department", "liaison")
    context = {"case": case, "closure": closure, "worker": worker, "owner": owner,
               "items": [{"item": i, "on_time": selectors.on_time(i)} for i in items],
               "is_open": case.status in OPEN_STATUSES, "issued_link": forms.get("issued_link")}
    if closure is None:
        context["readiness"] = selectors.readiness(case)
        context["can_terminate"] = (worker or owner) and case.status in OPEN_STATUSES
        return context
    record_forms = forms.get("record_forms", {})
    visits = [(visit, visit.done_on is None and (worker or visit.visitor_id == user.pk),
               record_forms.get(visit.pk) or VisitRecordForm(auto_id=f"id_v{visit.pk}_%s",
                                                             initial={"done_on": clock.today()}))
              for visit in case.return_visits.select_related("visitor", "recorded_by")]
    evaluation = OwnerEvaluation.objects.filter(case=case).first()
    handover = list(closure.handover.all())
    ratings = list(DepartmentRating.objects.filter(case=case).select_related("department", "liaison"))
    context.update({
        "standing": selectors.standing_of(closure), "handover": handover,
        "visits": visits, "evaluation": evaluation, "ratings": ratings,
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "file_form": forms.get("file_form")
        or FileForm(initial={"filed_on": clock.today(), "opinion": closure.opinion}),
        "visit_form": forms.get("visit_form")
        or VisitForm(staff=_unit_staff(case), initial={"planned_on": clock.today()}),
        "can_confirm": closure.handover_confirmed_at is None and bool(handover) and (worker or owner),
        "can_file": worker and closure.filed_on is None,
        "can_confirm_backfill": (closure.backfilled and closure.backfill_confirmed_at is None
                                 and user.has_role(Role.UNIT_ADMIN) and closure.filed_by_id != user.pk),
        "can_rate": worker and not ratings and bool(evaluations.rated_departments(case)),
        "can_evaluate": owner and evaluation is None,
    })
    context["needs_confirm_first"] = bool(handover) and closure.handover_confirmed_at is None
    return context


@staff_page
@require_http_methods(["GET", "POST"])
def case_closure(request: StaffRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if request.method == "GET":
        return render(request, "closure/case.html", _context(request, case))
    if not is_case_owner(request.user, case):  # permission before the form is read or the state looked at
        require_case_worker(request.user, case, "closure_page")
    handler = _ACTIONS.get(request.POST.get("action", ""))
    if handler is None:
        messages.error(request, "未知的操作。")
        return redirect("closure:case", pk=case.pk)
    return handler(request, case)


def _again(request: StaffRequest, case: Case, **forms: Any) -> HttpResponse:
    return render(request, "closure/case.html", _context(request, case, **forms), status=422)


def _back(case: Case, anchor: str) -> HttpResponse:
    return redirect(reverse("closure:case", args=[case.pk]) + anchor)


def _confirm(request: StaffRequest, case: Case) -> HttpResponse:
    owner = is_case_owner(request.user, case)
    form = ConfirmForm(request.POST)
    if owner or form.is_valid():
        try:
            services.handover_confirm(actor=request.user, case=case,
                                      signatory="" if owner else form.cleaned_data["signatory"])
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "已登记业主签收资料清单。")
            return _back(case, "#closure")
    return _again(request, case, confirm_form=form)


def _file(request: StaffRequest, case: Case) -> HttpResponse:
    form = FileForm(request.POST)
    if form.is_valid():
        try:
            closure = services.closure_file(actor=request.user, case=case, filed_on=form.cleaned_data["filed_on"],
                                            opinion=form.cleaned_data["opinion"],
                                            backfill_reason=form.cleaned_data["backfill_reason"])
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            if closure.backfilled:
                messages.success(request, "已登记补录归档，待代办机构管理员确认后按补录日期判断是否按时。")
            elif closure.filed_late:
                messages.warning(request, f"已归档。归档期限为{closure.filing_due_on:%Y年%m月%d日}，本次为逾期归档。")
            else:
                messages.success(request, "已按时归档。")
            return _back(case, "#closure")
    return _again(request, case, file_form=form)


def _visit(request: StaffRequest, case: Case) -> HttpResponse:
    form = VisitForm(request.POST, staff=_unit_staff(case))
    if form.is_valid():
        try:
            evaluations.visit_schedule(actor=request.user, case=case, planned_on=form.cleaned_data["planned_on"],
                                       visitor=User.objects.filter(username=form.cleaned_data["visitor"]).first(),
                                       channel=form.cleaned_data["channel"])
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "已安排回访，已通知回访人。")
            return _back(case, "#visits")
    return _again(request, case, visit_form=form)


def _visit_record(request: StaffRequest, case: Case) -> HttpResponse:
    visit_id = request.POST.get("visit", "")
    visit = ReturnVisit.objects.filter(case=case, pk=int(visit_id)).first() if visit_id.isdigit() else None
    if visit is None:
        raise NotFound("本案没有该回访")
    form = VisitRecordForm(request.POST, auto_id=f"id_v{visit.pk}_%s")
    if form.is_valid():
        try:
            evaluations.visit_record(actor=request.user, visit=visit, **form.service_arguments())
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "已记录回访情况。")
            return _back(case, "#visits")
    return _again(request, case, record_forms={visit.pk: form})


def _link(request: StaffRequest, case: Case) -> HttpResponse:
    link, token = evaluations.evaluation_link_issue(actor=request.user, case=case)
    # Shown on this answer only (not in a message kept in the session): the link itself is kept as a digest.
    issued = {"url": request.build_absolute_uri(evaluations.link_path(token)), "expires_at": link.expires_at}
    return render(request, "closure/case.html", _context(request, case, issued_link=issued))


def _confirm_backfill(request: StaffRequest, case: Case) -> HttpResponse:
    services.closure_backfill_confirm(actor=request.user, case=case)
    messages.success(request, "已确认补录归档。")
    return _back(case, "#closure")


_ACTIONS = {"confirm": _confirm, "file": _file, "confirm_backfill": _confirm_backfill, "visit": _visit,
            "visit_record": _visit_record, "link": _link}


@staff_page
@require_http_methods(["GET", "POST"])
def complete(request: StaffRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    require_worker(request.user, "case_complete_page")
    if case.status not in OPEN_STATUSES:
        messages.info(request, "案件已办结或终止，只能查阅。")
        return redirect("closure:case", pk=case.pk)
    readiness = selectors.readiness(case)
    business_errors: dict = {}
    if request.method == "POST":
        form, formset = CompleteForm(request.POST), HandoverFormSet(request.POST, prefix="handover")
        if form.is_valid() and formset.is_valid():
            try:
                services.case_complete(actor=request.user, case=case, handover=handover_lines(formset),
                                       opinion=form.cleaned_data["opinion"],
                                       close_open=_closing_reasons(request.POST))
            except ValidationFailed as refusal:
                business_errors, rest = _split_business_errors(refusal)
                if rest is not None:
                    _handover_errors(rest, formset, form, "handover")
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, "已办结，代办项目办结单已生成。请业主签收移交资料后，在 2 个工作日内归档。")
                return redirect("closure:case", pk=case.pk)
    else:
        approved = case.items.filter(status=ItemStatus.APPROVED).select_related("catalog_item")
        initial = [{"document": f"{i.catalog_item.name}批准文件（{i.approval_no}）", "copies": 1, "original": "1"}
                   for i in approved]
        form, formset = CompleteForm(), HandoverFormSet(prefix="handover", initial=initial)
    errors = bool(form.errors or any(f.errors for f in formset.forms) or formset.non_form_errors() or business_errors)
    return render(request, "closure/complete.html", {
        "case": case, "form": form, "formset": formset, "readiness": readiness,
        "open_business": _open_business(case, request.POST if request.method == "POST" else None, business_errors),
        "items": [{"item": i, "on_time": selectors.on_time(i)}
                  for i in case.items.select_related("catalog_item", "catalog_item__department")],
    }, status=422 if errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def terminate(request: StaffRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    owner = is_case_owner(request.user, case)
    if not owner:
        require_worker(request.user, "case_terminate_page")
    if case.status not in OPEN_STATUSES:
        messages.info(request, "案件已办结或终止，只能查阅。")
        return redirect("closure:case", pk=case.pk)
    business_errors: dict = {}
    if request.method == "POST":
        form, formset = TerminateForm(request.POST), HandoverFormSet(request.POST, prefix="returned")
        if form.is_valid() and formset.is_valid():
            try:
                services.case_terminate(actor=request.user, case=case, reason=form.cleaned_data["reason"],
                                        reason_kind=form.cleaned_data["reason_kind"],
                                        returned=handover_lines(formset), close_open=_closing_reasons(request.POST))
            except ValidationFailed as refusal:
                business_errors, rest = _split_business_errors(refusal)
                if rest is not None:
                    _handover_errors(rest, formset, form, "returned")
            else:
                messages.success(request, "委托代办已终止，代办项目委托终止单已生成。请在 2 个工作日内归档。")
                return redirect("closure:case", pk=case.pk)
    else:
        form, formset = TerminateForm(), HandoverFormSet(prefix="returned")
    errors = bool(form.errors or any(f.errors for f in formset.forms) or business_errors)
    open_items = case.items.exclude(status__in=[ItemStatus.APPROVED, ItemStatus.REFUSED, ItemStatus.WITHDRAWN])
    return render(request, "closure/terminate.html", {
        "case": case, "form": form, "formset": formset, "owner": owner,
        "open_business": [] if owner else _open_business(case, request.POST if request.method == "POST" else None,
                                                         business_errors),
        "open_items": open_items.select_related("catalog_item"),
    }, status=422 if errors else 200)


@staff_page
@require_GET
def archive(request: StaffRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if case.status not in (CaseStatus.COMPLETED, CaseStatus.TERMINATED):
        raise Http404("案件尚未办结或终止，暂无案卷")
    owner_documents_release(actor=request.user, request=case.request, what="案卷")
    return zip_response(case)


@staff_page
@require_http_methods(["GET", "POST"])
def department_ratings(request: StaffRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    require_worker(request.user, "department_ratings_page")
    departments = evaluations.rated_departments(case)
    existing = list(DepartmentRating.objects.filter(case=case).select_related("department", "liaison"))
    rows: list[dict[str, Any]] = [{"code": code, "department": dept, "liaison": liaison,
             "form": RatingForm(request.POST or None, prefix=code) if not existing else None}
            for code, (dept, liaison) in departments.items()]
    if request.method == "POST" and not existing:
        if all(row["form"].is_valid() for row in rows):
            try:
                evaluations.department_ratings_submit(actor=request.user, case=case, ratings=[
                    {"department": row["code"], **row["form"].cleaned_data} for row in rows])
            except ValidationFailed as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, "已提交对审批部门及代办联络员的评价，评价结果已留档。")
                return redirect(reverse("closure:case", args=[case.pk]) + "#evaluation")
        return render(request, "closure/ratings.html", {"case": case, "rows": rows, "existing": existing},
                      status=422)
    return render(request, "closure/ratings.html", {"case": case, "rows": rows, "existing": existing})


# -- the owner's evaluation ---------------------------------------------------------------------------------


def _evaluation_page(request: HttpRequest, *, case: Case | None, form: EvaluationForm | None,
                     done: OwnerEvaluation | None = None, problem: str = "", status: int = 200, public: bool = False,
                     window: bool = False) -> HttpResponse:
    return render(request, "closure/evaluate.html", {"case": case, "form": form, "done": done, "problem": problem,
                                                     "public": public, "window": window}, status=status)


@staff_page
@require_http_methods(["GET", "POST"])
def evaluate(request: StaffRequest, pk: int) -> HttpResponse:
    """The owner's own page, logged in."""
    case = _case(request, pk)
    if not is_case_owner(request.user, case):
        require_role(None, Role.OWNER, action="evaluation_page")
    done = OwnerEvaluation.objects.filter(case=case).first()
    if done is not None or case.status in OPEN_STATUSES:
        problem = "" if done else "代办项目办结或终止后才能评价。"
        return _evaluation_page(request, case=case, form=None, done=done, problem=problem)
    form = EvaluationForm(request.POST or None, items=evaluations.items_to_grade(case))
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = evaluations.evaluation_submit(actor=request.user, case=case, answers=form.answers())
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            return _evaluation_page(request, case=case, form=None, done=evaluation)
    return _evaluation_page(request, case=case, form=form, status=422 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def evaluate_at_window(request: StaffRequest, pk: int) -> HttpResponse:
    """The unit's staff records the owner's evaluation as given at the service window (评价器 or paper form)."""
    case = _case(request, pk)
    require_worker(request.user, "evaluation_record_at_window")
    done = OwnerEvaluation.objects.filter(case=case).first()
    if done is not None or case.status in OPEN_STATUSES:
        problem = "" if done else "代办项目办结或终止后才能评价。"
        return _evaluation_page(request, case=case, form=None, done=done, problem=problem, window=True)
    form = EvaluationForm(request.POST or None, items=evaluations.items_to_grade(case))
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = evaluations.evaluation_record_at_window(actor=request.user, case=case,
                                                                 answers=form.answers())
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            return _evaluation_page(request, case=case, form=None, done=evaluation, window=True)
    return _evaluation_page(request, case=case, form=form, status=422 if form.errors else 200, window=True)


@require_http_methods(["GET", "POST"])
def evaluate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link: no login, a phone's screen; spent by the evaluation it allows."""
    try:
        ratelimit.check("evaluation-link", client_ip(request) or "-", limit=settings.PUBLIC_QUERY_LIMIT,
                        window_seconds=settings.PUBLIC_WINDOW_SECONDS)
        link = evaluations.evaluation_link_find(token)
    except ratelimit.RateLimited as refusal:
        return _evaluation_page(request, case=None, form=None, problem=refusal.message, status=429, public=True)
    except NotFound as missing:
        return _evaluation_page(request, case=None, form=None, problem=missing.message, status=404, public=True)
    problem = evaluations.link_problem(link)
    if problem:
        return _evaluation_page(request, case=link.case, form=None, problem=problem, status=410, public=True)
    form = EvaluationForm(request.POST or None, items=evaluations.items_to_grade(link.case))
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = evaluations.evaluation_submit_by_link(token=token, answers=form.answers())
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        except Conflict as conflict:
            return _evaluation_page(request, case=link.case, form=None, problem=conflict.message, status=409,
                                    public=True)
        else:
            return _evaluation_page(request, case=link.case, form=None, done=evaluation, public=True)
    return _evaluation_page(request, case=link.case, form=form, status=422 if form.errors else 200, public=True)
