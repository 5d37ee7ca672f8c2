"""The staff workbench: a home page per role showing what waits for that person."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from daiban.audit.events import EVENT_TYPES
from daiban.audit.models import AuditEvent, VerifyRun
from daiban.audit.runs import verify_latest
from daiban.cases.search import SearchPaginator, hit, search
from daiban.desk.audit_trail import verify_start
from daiban.desk.selectors import system_status, waiting_for
from daiban.lib.county_rules import county_rules
from daiban.lib.errors import ValidationFailed
from daiban.org.http import StaffRequest
from daiban.org.pages import require_page_role
from daiban.org.roles import Role


@login_required
def home(request: StaffRequest) -> HttpResponse:
    return render(request, "desk/home.html", {"panels": waiting_for(request.user)})


@login_required
def audit_log(request: StaffRequest) -> HttpResponse:
    # Only the audit administrator reads the trail; for anyone else the page does not exist.
    require_page_role(request.user, Role.AUDIT_ADMIN, action="audit_log")
    events = AuditEvent.objects.order_by("-seq")
    event_type = request.GET.get("type", "")
    if event_type:
        events = events.filter(event_type=event_type)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "desk/audit_log.html", {"page": page, "run": verify_latest(), "event_type": event_type,
                                                   "event_types": EVENT_TYPES.items()})


@require_POST
@login_required
def audit_verify_start(request: StaffRequest) -> HttpResponse:
    """Starts a verification in the background (or follows the one under way); the page polls its progress."""
    require_page_role(request.user, Role.AUDIT_ADMIN, action="audit_verify")
    verify_start(actor=request.user, fresh=True)
    return redirect("desk:audit_log")


@login_required
def audit_verify_progress(request: StaffRequest, pk: int) -> HttpResponse:
    require_page_role(request.user, Role.AUDIT_ADMIN, action="audit_verify")
    return render(request, "desk/_verify_run.html", {"run": get_object_or_404(VerifyRun, pk=pk)})


@login_required
@require_GET
def rules(request: StaffRequest) -> HttpResponse:
    """The county's own rules: what the seed leaves open and the county sets, with the setting holding each."""
    return render(request, "desk/rules.html", {"rules": county_rules()})


@login_required
def search_page(request: StaffRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    context: dict[str, Any] = {"search_q": q, "hits": None, "error": None}
    try:
        page = SearchPaginator(search(request.user, q), 30).get_page(request.GET.get("page"))
    except ValidationFailed as failure:
        context["error"] = failure.errors.get("q", failure.message)
        return render(request, "desk/search.html", context, status=200 if not q.strip() else 422)
    context.update(page=page, hits=[hit(row) for row in page.object_list])
    return render(request, "desk/search.html", context)


@login_required
def system(request: StaffRequest) -> HttpResponse:
    """The center's system page: what /readyz checks, each worker's heartbeat, and stale exports."""
    require_page_role(request.user, Role.CENTER_ADMIN, Role.SYS_ADMIN, action="system_page")
    return render(request, "desk/system.html", system_status())
