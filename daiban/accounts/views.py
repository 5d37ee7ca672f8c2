"""The login steps (password, then code or authenticator set-up) and a person's own account page."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from daiban.accounts import sessions
from daiban.accounts.authentication import LOCKED_MESSAGE, Outcome, Step, code_step, password_step
from daiban.accounts.forms import CodeForm, LoginForm, PasswordChangeForm
from daiban.accounts.policy import (
    SecondFactor,
    demo_bypass,
    password_change_needed,
    password_expires_at,
    provider_factor_accepted,
    second_factor_needed,
)
from daiban.accounts.second_factor import (
    Factor,
    confirmed_device,
    enrolment_device,
    qr_svg,
    recovery_codes_left,
    secret_text,
)
from daiban.accounts.services import password_change, recovery_codes_renew, second_factor_enrol
from daiban.accounts.sso import sso_enabled
from daiban.lib.errors import ValidationFailed
from daiban.org.http import StaffRequest
from daiban.org.models import User

WRONG_PASSWORD = "用户名或密码错误，请重新输入。"
WRONG_CODE = "动态口令不正确、已过期或已使用过，请输入手机验证器当前显示的 6 位数字，或一个恢复码。"
PENDING_GONE = "登录已超时，请重新输入用户名和密码。"


def safe_next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return "/"


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url != "/" else url


def _begin(request: HttpRequest, user: User, factor: str) -> HttpResponse:
    sessions.session_begin(request, user, factor=factor)
    return redirect(safe_next(request))


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form, error = LoginForm(request.POST or None), ""
    if request.method == "POST" and form.is_valid():
        step = password_step(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if step.outcome is Outcome.LOCKED:
            error = LOCKED_MESSAGE
        elif not step.ok or step.user is None:
            error = WRONG_PASSWORD
        else:
            return first_factor_done(request, step.user, next_url=safe_next(request))
    elif request.method == "POST":
        error = WRONG_PASSWORD
    return render(request, "registration/login.html", {
        "form": form, "error": error, "next": safe_next(request),
        "sso_label": settings.OIDC_BUTTON_LABEL if sso_enabled() else ""})


def first_factor_done(request: HttpRequest, user: User, *, next_url: str, via: str = "password",
                      provider_vouched: bool = False) -> HttpResponse:
    """After the password or the single sign-on: the session begins, or the second factor is asked."""
    if provider_factor_accepted(user, vouched=provider_vouched):
        sessions.session_begin(request, user, factor=Factor.PROVIDER, via=via)
        return redirect(next_url)
    needed = second_factor_needed(user)
    if needed is None:
        sessions.session_begin(request, user, factor=Factor.DEMO if demo_bypass(user) else Factor.NONE, via=via)
        return redirect(next_url)
    sessions.pending_begin(request, user, via=via)
    return redirect(_with_next("/login/code/" if needed is SecondFactor.VERIFY else "/login/enrol/", next_url))


def _code_answer(request: HttpRequest, step: Step, form: CodeForm) -> HttpResponse | None:
    if step.outcome is Outcome.LOCKED:
        sessions.pending_end(request)
        messages.error(request, LOCKED_MESSAGE)
        return redirect("login")
    form.add_error("code", WRONG_CODE)
    return None


def pending_login(view: Callable[[HttpRequest, User], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A step after the password: only with a pending login (5 minutes), which it hands to the view."""

    @sensitive_post_parameters("code")
    @never_cache
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        user = sessions.pending_user(request)
        if user is None:
            messages.error(request, PENDING_GONE)
            return redirect("login")
        return view(request, user)

    return wrapper


@pending_login
def login_code(request: HttpRequest, user: User) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = code_step(request, user=user, code=form.cleaned_data["code"])
        if step.ok:
            return _begin(request, user, step.factor)
        if (answer := _code_answer(request, step, form)) is not None:
            return answer
    return render(request, "accounts/login_code.html", {"form": form, "person": user, "next": safe_next(request)})


@pending_login
def login_enrol(request: HttpRequest, user: User) -> HttpResponse:
    if second_factor_needed(user) is not SecondFactor.ENROL:
        return redirect(_with_next("/login/code/", safe_next(request)))
    device = enrolment_device(user)
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = "验证器应用为“平阳县代办服务”显示的 6 位数字。"
    if request.method == "POST" and form.is_valid():
        step = code_step(request, user=user, code=form.cleaned_data["code"], device=device)
        if step.ok:
            codes = second_factor_enrol(actor=user, device=device)
            sessions.session_begin(request, user, factor=Factor.TOTP)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": safe_next(request)})
        if (answer := _code_answer(request, step, form)) is not None:
            return answer
    return render(request, "accounts/login_enrol.html", {
        "form": form, "person": user, "qr": qr_svg(device), "secret": secret_text(device), "next": safe_next(request)})


@login_required
@never_cache
def account(request: StaffRequest) -> HttpResponse:
    user = request.user
    device = confirmed_device(user)
    return render(request, "accounts/account.html", {
        "device": device, "codes_left": recovery_codes_left(user) if device else 0,
        "expires_at": password_expires_at(user), "change": password_change_needed(user)})


@sensitive_post_parameters("current", "new_password", "repeat")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request: StaffRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = password_step(request, username=request.user.username, password=form.cleaned_data["current"])
        if step.outcome is Outcome.LOCKED:
            form.add_error(None, LOCKED_MESSAGE)
        elif not step.ok:
            form.add_error("current", "当前密码不正确")
        else:
            try:
                password_change(actor=request.user, new_password=form.cleaned_data["new_password"],
                                keep_session=request.session.session_key)
            except ValidationFailed as refusal:
                for field, message in refusal.errors.items():
                    form.add_error("new_password" if field == "password" else field, message)
            else:
                old_key = request.session.session_key
                update_session_auth_hash(request, request.user)
                sessions.session_rekey(request, old_key)
                messages.success(request, "密码已修改。")
                return redirect("accounts:mine")
    return render(request, "accounts/password_change.html", {
        "form": form, "change": password_change_needed(request.user)})


@sensitive_post_parameters("code")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: StaffRequest) -> HttpResponse:
    """Sets up an authenticator (for an account that has none) or renews the recovery codes."""
    user = request.user
    device = confirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolling = enrolment_device(user) if device is None else None
        step = code_step(request, user=user, code=form.cleaned_data["code"], device=enrolling)
        if step.ok:
            codes = (second_factor_enrol(actor=user, device=enrolling) if enrolling is not None
                     else recovery_codes_renew(actor=user))
            if enrolling is not None:
                request.session[sessions.FACTOR] = Factor.TOTP
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/accounts/"})
        if step.outcome is Outcome.LOCKED:
            form.add_error(None, LOCKED_MESSAGE)
        else:
            form.add_error("code", WRONG_CODE)
    context = {"form": form, "device": device}
    if device is None:
        pending = enrolment_device(user)
        context.update(qr=qr_svg(pending), secret=secret_text(pending))
    return render(request, "accounts/second_factor.html", context)
