"""Staff pages of the front door: consultations, the project directory and contact cards."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from daiban.intake.forms import DIRECTORY_CATEGORIES, CardForm, ConsultationForm, DirectoryForm
from daiban.intake.models import Consultation, ContactCard, DirectoryEntry
from daiban.intake.personal import SUBJECTS, personal_data_reveal
from daiban.intake.services import CARD_ISSUER_KINDS, card_issue, consultation_log, directory_add
from daiban.lib.errors import ValidationFailed
from daiban.lib.forms import show_refusal
from daiban.org.http import StaffRequest
from daiban.org.models import User
from daiban.org.pages import staff_page
from daiban.org.permissions import is_worker, require_role
from daiban.org.roles import CASE_WORKER_ROLES, Role
from daiban.org.scope import scope_of

PER_PAGE = 50


def _card_issuer(user: User) -> bool:
    """Staff of the investment-promotion, commerce or government-investment body."""
    return user.department is not None and user.department.kind in CARD_ISSUER_KINDS


@staff_page
@require_http_methods(["GET", "POST"])
def consultations(request: StaffRequest) -> HttpResponse:
    user = request.user
    require_role(user, *CASE_WORKER_ROLES, Role.INSPECTOR, Role.LEADER, action="consultations_page")
    form = ConsultationForm()
    if request.method == "POST":
        require_role(user, *CASE_WORKER_ROLES, action="consultation_log")  # before the form: readers learn nothing
        form = ConsultationForm(request.POST)
        if form.is_valid():
            try:
                consultation_log(actor=user, **form.cleaned_data)
            except ValidationFailed as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, "已记录咨询。")
                return redirect("intake:consultations")
    rows = Consultation.objects.select_related("body", "staff", "request").order_by("-created_at")
    if not scope_of(user).county_wide:
        rows = rows.filter(body_id=user.body_id) if user.body_id else rows.none()
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "intake/consultations.html", {
        "form": form, "page": page, "can_log": is_worker(user), "county_wide": scope_of(user).county_wide,
    }, status=422 if form.errors else 200)


def _directory_reader(user: User) -> None:
    if not _card_issuer(user):
        require_role(user, *CASE_WORKER_ROLES, Role.LEADER, Role.INSPECTOR, Role.LIAISON, action="directory_page")


@staff_page
@require_http_methods(["GET", "POST"])
def directory(request: StaffRequest) -> HttpResponse:
    user = request.user
    _directory_reader(user)
    entry_form, card_form = DirectoryForm(prefix="entry"), CardForm(prefix="card")
    action = request.POST.get("action", "")
    if request.method == "POST" and not _card_issuer(user):  # the writers of the directory, before any form
        require_role(user, Role.CENTER_ADMIN, action="directory_add")
    if request.method == "POST" and action == "entry":
        entry_form = DirectoryForm(request.POST, prefix="entry")
        if entry_form.is_valid():
            try:
                entry = directory_add(actor=user, **entry_form.service_arguments())
            except ValidationFailed as refusal:
                show_refusal(entry_form, refusal)
            else:
                messages.success(request, f"已将“{entry.project_name}”录入项目目录库。")
                return redirect("intake:directory")
    elif request.method == "POST" and action == "card":
        card_form = CardForm(request.POST, prefix="card")
        if card_form.is_valid():
            try:
                card = card_issue(actor=user, **card_form.cleaned_data)
            except ValidationFailed as refusal:
                show_refusal(card_form, refusal)
            else:
                messages.success(request, f"已发放代办联系卡 {card.number}，请交企业持卡申请代办。")
                return redirect("intake:directory")
    elif request.method == "POST":
        messages.error(request, "未知的操作。")
        return redirect("intake:directory")

    category = request.GET.get("category", "")
    category = category if category in dict(DIRECTORY_CATEGORIES) else ""
    entries = DirectoryEntry.objects.select_related("location", "source_department").order_by("-created_at")
    if category:
        entries = entries.filter(category=category)
    cards = ContactCard.objects.select_related("issuer", "company", "issued_by").order_by("-issued_at")
    if _card_issuer(user) and not scope_of(user).county_wide and not is_worker(user):
        cards = cards.filter(issuer_id=user.department_id)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "intake/directory.html", {
        "page": page, "categories": DIRECTORY_CATEGORIES, "category": category,
        "query": f"category={category}" if category else "",
        "cards": cards[:100], "card_count": cards.count(),
        "entry_form": entry_form, "card_form": card_form,
        "can_add": _card_issuer(user) or user.has_role(Role.CENTER_ADMIN), "can_issue": _card_issuer(user),
        "can_register": is_worker(user),
        "open_statuses": (DirectoryEntry.Status.TRACKING, DirectoryEntry.Status.SIGNED),
    }, status=422 if entry_form.errors or card_form.errors else 200)


@staff_page
@require_POST
def reveal(request: StaffRequest) -> HttpResponse:
    """The full personal data of one record, for those with the right; recorded (intake/personal.py)."""
    subject, pk = request.POST.get("subject", ""), request.POST.get("id", "")
    fields = personal_data_reveal(actor=request.user, subject=subject, pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    kind = SUBJECTS[subject]
    return render(request, "intake/reveal.html", {"fields": fields, "label": kind.label, "back": back,
                                                  "obj": kind.model._default_manager.get(pk=pk)})
