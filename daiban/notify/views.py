"""The person's messages, and the administrators' view of deliveries that did not go out."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from daiban.lib.errors import ServiceError
from daiban.notify import selectors
from daiban.notify.models import Notification
from daiban.notify.services import (
    DELIVERY_ADMIN_ROLES,
    notification_mark_read,
    notification_resend,
    notifications_mark_all_read,
)
from daiban.org.http import StaffRequest
from daiban.org.pages import require_page_role


@login_required
@require_GET
def inbox(request: StaffRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: StaffRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    try:
        notification_mark_read(actor=request.user, notification=notification)
    except ServiceError:
        raise Http404 from None
    if request.headers.get("HX-Request"):
        # The context processor counts after the change, so the top bar is updated out of band.
        return render(request, "notify/_message.html", {"n": notification, "swap_count": True})
    return redirect("notify:inbox")


@login_required
@require_POST
def mark_all_read(request: StaffRequest) -> HttpResponse:
    notifications_mark_all_read(actor=request.user)
    return redirect("notify:inbox")


def _require_admin(request: StaffRequest) -> None:
    require_page_role(request.user, *DELIVERY_ADMIN_ROLES, action="notify_failures_page")


@login_required
@require_GET
def failures(request: StaffRequest) -> HttpResponse:
    _require_admin(request)
    page = Paginator(selectors.delivery_problems(), 50).get_page(request.GET.get("page"))
    return render(request, "notify/failures.html", {"page": page})


@login_required
@require_POST
def resend(request: StaffRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    try:
        notification = notification_resend(actor=request.user, notification=get_object_or_404(Notification, pk=pk))
        messages.success(request, f"{notification}已重新排队发送。")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("notify:failures")
