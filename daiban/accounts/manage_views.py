"""The security administrator's pages: accounts, roles and credentials (三权分立). For anyone else
these pages do not exist (404); they answer only from DAIBAN_ADMIN_NETWORKS (middleware)."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from daiban.accounts import services
from daiban.accounts.forms import AccountOpenForm, OwnerAccountOpenForm, RoleForm
from daiban.accounts.lockout import locks
from daiban.accounts.selectors import account_state, accounts_list
from daiban.lib.errors import ValidationFailed
from daiban.org.models import User
from daiban.org.pages import require_page_role, staff_page
from daiban.org.roles import Role
from daiban.org.services import role_grant, role_revoke


def _security_admin(request) -> None:
    require_page_role(request.user, Role.SECURITY_ADMIN, action="accounts_manage")


def _account(pk: int) -> User:
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise Http404("未找到该账号")
    return user


@staff_page
@never_cache
def account_list(request):
    _security_admin(request)
    query = request.GET.get("q", "").strip()[:50]
    page = Paginator(accounts_list(query=query), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/manage_list.html", {"page": page, "q": query, "locked": locks()})


@staff_page
@never_cache
def account_detail(request, pk: int):
    _security_admin(request)
    user = _account(pk)
    return render(request, "accounts/manage_user.html", {
        "state": account_state(user), "person": user, "roles": sorted(user.roles),
        "role_form": RoleForm(), "Role": Role, "myself": user.pk == request.user.pk})


@staff_page
@never_cache
def account_open(request):
    _security_admin(request)
    return _open_with(request, AccountOpenForm(request.POST or None), services.account_open,
                      "accounts/manage_new.html")


def _open_with(request, form, open_account, template: str):
    """The form's page; on a valid POST the account is opened and its initial password shown once."""
    if request.method == "POST" and form.is_valid():
        try:
            user, password = open_account(actor=request.user, **form.cleaned_data)
        except ValidationFailed as refusal:
            for field, message in refusal.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            return render(request, "accounts/manage_password.html", {"person": user, "password": password,
                                                                      "opened": True})
    return render(request, template, {"form": form})


@staff_page
@never_cache
def owner_account_open(request):
    """开设业主账号: a company's owner account, by the company's credit code."""
    _security_admin(request)
    return _open_with(request, OwnerAccountOpenForm(request.POST or None), services.owner_account_open,
                      "accounts/manage_owner_new.html")


@require_POST
@staff_page
@never_cache
def account_action(request, pk: int, action: str):
    _security_admin(request)
    user = _account(pk)
    actor = request.user
    if action == "reset-password":
        password = services.password_reset(actor=actor, user=user)
        return render(request, "accounts/manage_password.html", {"person": user, "password": password})
    try:
        if action == "unlock":
            done = services.account_unlock(actor=actor, user=user)
            messages.success(request, "已解除锁定。" if done else "该账号未被锁定。")
        elif action == "reset-second-factor":
            services.second_factor_reset(actor=actor, user=user)
            messages.success(request, "已重置动态口令：该账号下次登录时须重新设置手机验证器。")
        elif action in ("disable", "enable"):
            services.account_set_active(actor=actor, user=user, active=action == "enable")
            messages.success(request, "账号已启用。" if action == "enable" else "账号已停用，其会话和接口令牌已失效。")
        elif action in ("grant", "revoke"):
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationFailed({"role": "请选择角色"})
            change = role_grant if action == "grant" else role_revoke
            change(actor=actor, user=user, role=form.cleaned_data["role"])
            messages.success(request, f"已{'授予' if action == 'grant' else '撤销'}角色：{Role(form.cleaned_data['role']).label}")
        else:
            raise Http404("未知操作")
    except ValidationFailed as refusal:
        messages.error(request, refusal.message)
    return redirect("accounts:manage_user", pk=user.pk)
