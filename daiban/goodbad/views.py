"""Pages of the 差评 records: the list in one's scope, and one record with the form of its stage."""
from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from daiban.goodbad import selectors, services
from daiban.goodbad.forms import AnswerForm, RectifyForm, ReviewForm, VerifyForm
from daiban.goodbad.models import BadReview
from daiban.goodbad.people import is_concerned
from daiban.goodbad.states import ReviewStatus
from daiban.lib.errors import ValidationFailed
from daiban.lib.forms import show_refusal
from daiban.org.http import StaffRequest
from daiban.org.models import User
from daiban.org.pages import staff_page
from daiban.org.permissions import refuse
from daiban.org.roles import Role
from daiban.org.scope import get_in_scope

PER_PAGE = 30
# status → (its form, its service, what the page says when done)
# Each open status: the form the page shows, the service it calls, what the page says once done.
STAGES: dict[str, tuple[type[forms.Form], Callable[..., BadReview], str]] = {
    ReviewStatus.VERIFYING: (VerifyForm, services.bad_review_verify, "已登记核实结论。"),
    ReviewStatus.APPEALED: (ReviewForm, services.bad_review_appeal_review, "已登记复核结论。"),
    ReviewStatus.RECTIFYING: (RectifyForm, services.bad_review_rectify, "已登记整改情况。"),
    ReviewStatus.ANSWERING: (AnswerForm, services.bad_review_answer, "已登记答复，差评整改办结。"),
}


@staff_page
@require_GET
def review_list(request: StaffRequest) -> HttpResponse:
    rows = selectors.bad_reviews_for(request.user)
    status = request.GET.get("status", "")
    if status in ReviewStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    shown = [(review, selectors.standing(review), selectors.standing_label(review)) for review in page.object_list]
    return render(request, "goodbad/list.html", {"page": page, "rows": shown, "status": status,
                                                 "statuses": ReviewStatus.choices})


def _may_act(user: User, review: BadReview) -> bool:
    if review.status == ReviewStatus.APPEALED:
        return user.has_role(Role.CENTER_ADMIN)
    return review.status != ReviewStatus.CLOSED and is_concerned(user, review)


@staff_page
@require_http_methods(["GET", "POST"])
def review_detail(request: StaffRequest, pk: int) -> HttpResponse:
    review = get_in_scope(selectors.bad_reviews_for(request.user), pk=pk, user=request.user)
    form = None
    if request.method == "POST" and not (review.status in STAGES and _may_act(request.user, review)):
        refuse(request.user, action="bad_review_page", why="该差评当前不由您办理")  # before any form is read
    if review.status in STAGES and _may_act(request.user, review):
        form_class, service, done = STAGES[review.status]
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                service(actor=request.user, review=review, **form.cleaned_data)
            except ValidationFailed as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, done)
                return redirect(request.path)
    return render(request, "goodbad/detail.html", {
        "review": review, "row": selectors.review_row(review), "form": form,
        "steps": review.steps.select_related("by")}, status=422 if form is not None and form.errors else 200)
