"""The outbox page: what went to the provincial platform, what did not, and the replay button."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from daiban.lib.errors import ServiceError
from daiban.org.http import StaffRequest
from daiban.org.pages import require_page_role
from daiban.provincial import selectors
from daiban.provincial.delivery import MAX_ATTEMPTS
from daiban.provincial.models import ProvincialMessage
from daiban.provincial.services import OUTBOX_ADMIN_ROLES, provincial_replay

FILTERS = [("", "全部"), ("problem", "需要处理"), ("pending", "待报送"), ("sent", "已报送"), ("failed", "报送失败")]


def _require_admin(request: StaffRequest) -> None:
    require_page_role(request.user, *OUTBOX_ADMIN_ROLES, action="provincial_outbox_page")


@login_required
@require_GET
def outbox(request: StaffRequest) -> HttpResponse:
    _require_admin(request)
    status = request.GET.get("status", "")
    status = status if status in dict(FILTERS) else ""
    page = Paginator(selectors.messages(status), 50).get_page(request.GET.get("page"))
    counts = selectors.counts()
    return render(request, "provincial/outbox.html", {
        "page": page, "status": status, "filters": [(v, label, counts.get(v)) for v, label in FILTERS],
        "configured": bool(settings.PROVINCIAL_URL), "max_attempts": MAX_ATTEMPTS})


@login_required
@require_POST
def replay(request: StaffRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    try:
        message = provincial_replay(actor=request.user, message=get_object_or_404(ProvincialMessage, pk=pk))
        messages.success(request, f"报文 {message.message_id} 已重新排队报送。")
    except ServiceError as exc:
        messages.error(request, exc.message)
    status = request.POST.get("status", "")
    return redirect(reverse("provincial:outbox") + (f"?status={status}" if status in dict(FILTERS) and status else ""))
