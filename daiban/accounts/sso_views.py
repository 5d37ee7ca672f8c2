"""The single sign-on steps of the login page: off to the provider, and back (docs/sso.md)."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from daiban.accounts.authentication import LOCKED_MESSAGE, Outcome, sso_refused, sso_step
from daiban.accounts.sessions import ID_TOKEN
from daiban.accounts.sso import (
    NEXT,
    SsoRefused,
    provider_logout_url,
    provider_second_factor,
    sso_enabled,
    sso_identity,
    sso_redirect,
)
from daiban.accounts.views import first_factor_done, safe_next

UNREACHABLE = "统一身份认证服务暂时无法访问，请稍后再试，或使用用户名和密码登录。"
NOT_PROVEN = "统一身份认证未能完成（可能已超时或被重复提交），请重新登录。"


def _enabled(view):
    def wrapper(request):
        if not sso_enabled():
            raise Http404("未启用统一身份认证")
        return view(request)

    wrapper.__name__ = view.__name__
    return never_cache(require_GET(wrapper))


@_enabled
def sso_start(request):
    try:
        return sso_redirect(request, next_url=safe_next(request))
    except SsoRefused as refusal:
        sso_refused(name="", why=refusal.why)
        messages.error(request, UNREACHABLE)
        return redirect("login")


@_enabled
def sso_callback(request):
    next_url = request.session.pop(NEXT, "/")
    try:
        identity = sso_identity(request)
    except SsoRefused as refusal:
        sso_refused(name="", why=refusal.why)
        messages.error(request, UNREACHABLE if refusal.unreachable else NOT_PROVEN)
        return redirect("login")
    step = sso_step(request, claim_value=identity.claim_value)
    if step.outcome is Outcome.LOCKED:
        messages.error(request, LOCKED_MESSAGE)
        return redirect("login")
    if not step.ok or step.user is None:
        messages.error(request, f"统一身份认证已通过，但{step.why}，不能登录本系统。请联系安全保密管理员。")
        return redirect("login")
    request.session[ID_TOKEN] = identity.id_token  # kept through the code step: login() keeps the session's data
    return first_factor_done(request, step.user, next_url=next_url, via="sso",
                             provider_vouched=provider_second_factor(identity))


@never_cache
@require_POST
def logout_view(request):
    """Ends our session (audited by accounts.signals) and, for a session begun by single sign-on, sends the
    browser on to end the provider's too, so the next person at this computer is not signed straight back in."""
    leave_by = provider_logout_url(request, id_token=request.session.get(ID_TOKEN, ""))
    logout(request)
    return redirect(leave_by or settings.LOGOUT_REDIRECT_URL)
