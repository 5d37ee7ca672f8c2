"""三权分立 (8.1.4.2): only the security administrator manages accounts, roles and credentials, and
never its own; the system administrator keeps reference data only; the audit administrator only
reads and verifies the trail. /admin/ follows the same rules, and answers only from DAIBAN_ADMIN_NETWORKS."""
from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from conftest import DEMO_PASSWORD, StaffClient
from daiban.accounts import services
from daiban.audit.models import AuditEvent
from daiban.lib.errors import Forbidden
from daiban.org.models import RoleGrant, User
from daiban.org.roles import Role
from daiban.org.services import role_grant, role_revoke, user_create

ADMINISTRATORS = ["sysadmin", "secadmin", "auditor"]


def credential_actions(actor: User, target: User):
    return {
        "password_reset": lambda: services.password_reset(actor=actor, user=target),
        "second_factor_reset": lambda: services.second_factor_reset(actor=actor, user=target),
        "account_unlock": lambda: services.account_unlock(actor=actor, user=target),
        "account_disable": lambda: services.account_set_active(actor=actor, user=target, active=False),
        "role_grant": lambda: role_grant(actor=actor, user=target, role=Role.LEADER),
        "role_revoke": lambda: role_revoke(actor=actor, user=target, role=sorted(target.roles)[0]),
    }


@pytest.mark.parametrize("actor", ["sysadmin", "auditor", "center", "kyadmin", "inspector"])
@pytest.mark.parametrize("target", ADMINISTRATORS)
def test_nobody_but_the_security_administrator_touches_an_administrators_credentials_or_roles(person, actor, target):
    before = person(target)
    for action, attempt in credential_actions(person(actor), before).items():
        with pytest.raises(Forbidden):
            attempt()
        refused = AuditEvent.objects.filter(event_type="access.refused").latest("seq")
        assert refused.actor_name == actor and refused.new["action"] == action
    after = person(target)
    assert (after.password, after.is_active, after.roles) == (before.password, True, before.roles)


@pytest.mark.parametrize("target", ["sysadmin", "auditor", "aojiang"])
def test_the_security_administrator_manages_other_accounts(person, target):
    secadmin = person("secadmin")
    for action, attempt in credential_actions(secadmin, person(target)).items():
        if action == "role_grant" and person(target).roles & {Role.SYS_ADMIN, Role.AUDIT_ADMIN}:
            continue  # a leader's role on an administrator is allowed, but not needed here
        attempt()
    kinds = set(AuditEvent.objects.filter(actor_name="secadmin").values_list("event_type", flat=True))
    assert {"auth.password_reset", "auth.second_factor_reset", "org.user_disabled", "org.role_revoked"} <= kinds


def test_the_security_administrator_cannot_touch_its_own_account(person):
    secadmin = person("secadmin")
    for attempt in credential_actions(secadmin, secadmin).values():
        with pytest.raises(Forbidden):
            attempt()
    assert person("secadmin").roles == {Role.SECURITY_ADMIN}
    assert person("secadmin").check_password(DEMO_PASSWORD)


def test_the_security_administrator_cannot_give_itself_another_role(person):
    for role in Role:
        with pytest.raises(Forbidden):
            role_grant(actor=person("secadmin"), user=person("secadmin"), role=role)
    assert RoleGrant.objects.filter(user=person("secadmin")).count() == 1


@pytest.mark.parametrize("actor", ["sysadmin", "center", "auditor"])
def test_only_the_security_administrator_opens_accounts(person, actor):
    with pytest.raises(Forbidden):
        services.account_open(actor=person(actor), username="clerk2", full_name="新员工")
    user, password = services.account_open(actor=person("secadmin"), username="clerk2", full_name="新员工")
    assert user.check_password(password) and user.password_must_change


def test_the_system_administrator_cannot_reset_the_auditors_password_in_the_admin(client, person):
    """The issue's attack: the system administrator resets the audit administrator's password in /admin/."""
    assert client.login(username="sysadmin")
    auditor = person("auditor")
    url = reverse("admin:auth_user_password_change", args=[auditor.pk])
    assert client.get(url).status_code == 403
    answer = client.post(url, {"password1": "Hacked-pass-99", "password2": "Hacked-pass-99"})
    assert answer.status_code == 403
    assert person("auditor").check_password(DEMO_PASSWORD)
    assert not StaffClient().login(username="auditor", password="Hacked-pass-99")


def _admin_pages() -> dict[str, list[str]]:
    """Every page of every model registered in the admin, by "app.model"."""
    pages: dict[str, list[str]] = {}
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        first = model._default_manager.order_by("pk").first()
        urls = [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
        if first is not None:
            urls += [reverse(f"{info}_change", args=[first.pk]), reverse(f"{info}_history", args=[first.pk]),
                     reverse(f"{info}_delete", args=[first.pk])]
        if model is User:
            urls.append(reverse("admin:auth_user_password_change", args=[first.pk]))
        pages[model._meta.label_lower] = urls
    return pages


# Who may read which admin pages. Reference data: the system administrator and the center; accounts:
# the security administrator, to view only. Nobody else has any admin page.
REFERENCE_KEEPERS = {"sysadmin", "center"}
# One person per role: the three administrators, the center and a unit administrator, an agent, a chief
# agent, a liaison officer, a leader, the inspector and a project owner.
ROLES_TO_WALK = ["sysadmin", "center", "secadmin", "auditor", "kyadmin", "aojiang", "chief", "fgj", "leader",
                 "inspector", "owner1"]


@pytest.mark.parametrize("username", ROLES_TO_WALK)
def test_every_admin_page_answers_each_role_by_the_rules(client, demo, username):
    assert client.login(username=username)
    pages = _admin_pages()
    assert "org.user" in pages and len(pages) >= 5
    index = client.get("/admin/")
    assert index.status_code == (200 if username in REFERENCE_KEEPERS | {"secadmin"} else 302)
    for model, urls in pages.items():
        changelist, add, *object_pages = urls
        if model == "org.user":
            readable = username == "secadmin"
            writable = False
        else:
            readable = writable = username in REFERENCE_KEEPERS
        got = client.get(changelist).status_code
        assert got == 200 if readable else got in (302, 403), (model, changelist, got)
        for url in [add, *object_pages]:
            got = client.get(url).status_code
            view_only = "/change/" in url or "/history/" in url
            if not readable:
                assert got in (302, 403), (username, url, got)
            elif model == "org.user":
                assert got == (200 if view_only else 403), (username, url, got)
            else:
                assert got in (200, 403) and (got == 200 or not view_only), (username, url, got)
        if not writable and object_pages:
            posted = client.post(object_pages[0], {"username": "changed", "name": "改名"})
            # Refused, or sent to the login: never a save (which would redirect to the list).
            assert posted.status_code == 403 or "/admin/login/" in posted.get("Location", ""), \
                (username, object_pages[0], posted.status_code)
    assert not User.objects.filter(username="changed").exists()


def test_the_auditor_reads_and_verifies_the_trail_and_nothing_else(client, person):
    from daiban.org.scope import scope_of

    assert scope_of(person("auditor")).read_only and scope_of(person("auditor")).empty
    assert client.login(username="auditor")
    assert client.get("/audit/?verify=1").status_code == 200
    assert client.get("/accounts/manage/").status_code == 404
    assert client.get("/admin/").status_code == 302
    with pytest.raises(Forbidden):
        user_create(actor=person("auditor"), username="x2", password="Xin-ren-2026", full_name="某")


def test_the_system_administrator_keeps_reference_data_and_reads_no_trail_nor_accounts(client, person):
    assert client.login(username="sysadmin")
    assert client.get("/admin/org/region/").status_code == 200
    assert client.get("/admin/org/user/").status_code == 403
    assert client.get("/accounts/manage/").status_code == 404
    assert client.get("/audit/").status_code == 404


@pytest.mark.parametrize("path, username", [("/admin/", "sysadmin"), ("/accounts/manage/", "secadmin"),
                                            ("/audit/", "auditor"), ("/api/v1/audit/verify", "auditor")])
def test_admin_pages_answer_only_from_the_admin_networks(client, demo, settings, path, username):
    from ipaddress import ip_network

    assert client.login(username=username)
    assert client.get(path).status_code == 200, "from the default network, loopback"
    outside = client.get(path, REMOTE_ADDR="203.0.113.7")
    assert outside.status_code == 404
    if path.startswith("/api/"):
        assert outside.json()["code"] == "request.unknown_path", "as if it did not exist"
    refused = AuditEvent.objects.filter(event_type="access.refused").latest("seq")
    assert refused.new["why"] == "管理页面仅允许从管理网段访问" and refused.ip == "203.0.113.7"
    settings.ADMIN_NETWORKS = (ip_network("203.0.113.0/24"),)
    assert client.get(path, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get(path).status_code == 404
    assert client.get("/accounts/", REMOTE_ADDR="198.51.100.1").status_code == 200, "other pages answer anywhere"


def test_a_forged_forwarded_address_does_not_open_the_admin_pages(client, demo, settings):
    from ipaddress import ip_network

    assert client.login(username="secadmin")
    forged = client.get("/accounts/manage/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert forged.status_code == 404
    settings.TRUSTED_PROXIES = (ip_network("10.0.0.5/32"),)
    via_proxy = {"REMOTE_ADDR": "10.0.0.5"}
    assert client.get("/accounts/manage/", HTTP_X_FORWARDED_FOR="127.0.0.1", **via_proxy).status_code == 200
    assert client.get("/accounts/manage/", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.7",
                      **via_proxy).status_code == 404, "the proxy saw 203.0.113.7; the rest is the client's say"
