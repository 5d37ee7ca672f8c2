"""Every request: admin pages only from the admin networks; a session past its idle or absolute
limit (or made without the login steps) is ended; a password due for change is changed first."""
from __future__ import annotations

from ipaddress import ip_address

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse

from daiban.accounts import sessions
from daiban.accounts.policy import password_change_needed, second_factor_needed
from daiban.accounts.second_factor import Factor
from daiban.audit.middleware import client_ip
from daiban.audit.services import audit_record
from daiban.lib.apierrors import error_response

# The administrators' pages and API: the Django admin, account management, the audit trail.
ADMIN_PATHS = ("/admin/", "/accounts/manage/", "/audit/", "/api/v1/audit/")
# What a person whose password must change may still open.
PASSWORD_CHANGE_PATHS = ("/accounts/password/", "/logout/", "/static/")


def from_admin_network(request) -> bool:
    try:
        address = ip_address(client_ip(request) or "")
    except ValueError:
        return False
    return any(address in network for network in settings.ADMIN_NETWORKS)


class AccountGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PATHS) and not from_admin_network(request):
            user = request.user if request.user.is_authenticated else None
            audit_record(event_type="access.refused", actor=user, outcome="denied",
                         new={"action": request.path[:200], "why": "管理页面仅允许从管理网段访问"})
            if request.path.startswith("/api/"):
                return error_response("request.unknown_path", f"没有这个接口地址：{request.path}")
            raise Http404("未找到该页面")
        if request.user.is_authenticated:
            why = sessions.session_ended_why(request)
            if why is None and sessions.session_factor(request) in (Factor.NONE, Factor.DEMO) \
                    and second_factor_needed(request.user) is not None:
                why = "需要动态口令"
            if why is not None:
                audit_record(event_type="auth.session_ended", actor=request.user, obj=request.user,
                             new={"why": why})
                request.session.flush()
                request.user = AnonymousUser()
            else:
                sessions.session_touch(request)
                change = password_change_needed(request.user, via=sessions.session_via(request))
                if change is not None and not request.path.startswith(PASSWORD_CHANGE_PATHS):
                    return self._change_password_first(request, change.message)
        return self.get_response(request)

    @staticmethod
    def _change_password_first(request, message: str):
        if request.path.startswith("/api/"):
            return error_response("auth.password_change_required", message)
        return HttpResponseRedirect(reverse("accounts:password_change"))
