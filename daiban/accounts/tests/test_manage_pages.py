"""The security administrator's account pages, and a new account's first login from start to end."""
from __future__ import annotations

import re

import pytest

from conftest import StaffClient
from daiban.audit.models import AuditEvent
from daiban.org.models import User


@pytest.fixture
def secadmin(demo) -> StaffClient:
    client = StaffClient()
    assert client.login(username="secadmin")
    return client


def test_a_new_account_gets_an_initial_password_shown_once_and_sets_everything_at_first_login(secadmin, person):
    answer = secadmin.post("/accounts/manage/new/", {"username": "zhangsan", "full_name": "张三",
                                                     "mobile": "13900000001", "body": person("aojiang").body_id})
    assert answer.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', answer.content.decode()).group(1)
    user = User.objects.get(username="zhangsan")
    assert user.password_must_change and not user.roles
    assert AuditEvent.objects.filter(event_type="org.user_created", actor_name="secadmin").latest("seq").new[
        "username"] == "zhangsan"
    secadmin.post(f"/accounts/manage/{user.pk}/grant/", {"role": "agent"})
    assert User.objects.get(username="zhangsan").roles == {"agent"}

    newcomer = StaffClient()
    first = newcomer.post("/login/", {"username": "zhangsan", "password": password})
    assert first.url.startswith("/login/enrol/"), "an agent sets up the authenticator first"
    assert newcomer.login(username="zhangsan", password=password)
    assert newcomer.get("/cases/").url == "/accounts/password/", "then changes the initial password"
    newcomer.post("/accounts/password/", {"current": password, "new_password": "Zhang-san-2026",
                                          "repeat": "Zhang-san-2026"})
    assert newcomer.get("/cases/").status_code == 200


def test_a_reset_password_is_shown_once_to_the_security_administrator(secadmin, person):
    answer = secadmin.post(f"/accounts/manage/{person('kunyang').pk}/reset-password/")
    password = re.search(r'<code class="secret">([^<]+)</code>', answer.content.decode()).group(1)
    assert person("kunyang").check_password(password)
    assert password not in str(AuditEvent.objects.filter(event_type="auth.password_reset").latest("seq").new)
    assert password not in secadmin.get(f"/accounts/manage/{person('kunyang').pk}/").content.decode()


def test_the_account_list_shows_state_and_a_conflicting_role_is_refused_in_chinese(secadmin, person):
    listing = secadmin.get("/accounts/manage/?q=audit").content.decode()
    assert "auditor" in listing and "安全审计员" in listing and "aojiang" not in listing
    answer = secadmin.post(f"/accounts/manage/{person('auditor').pk}/grant/", {"role": "sys_admin"}, follow=True)
    assert "三者互斥" in answer.content.decode()
    assert person("auditor").roles == {"audit_admin"}


def test_the_security_administrators_own_page_offers_no_credential_actions(secadmin, person):
    page = secadmin.get(f"/accounts/manage/{person('secadmin').pk}/").content.decode()
    assert "reset-password" not in page and "本人" in page
    refused = secadmin.post(f"/accounts/manage/{person('secadmin').pk}/grant/", {"role": "leader"})
    assert refused.status_code == 403


@pytest.mark.parametrize("username", ["sysadmin", "center", "auditor", "aojiang"])
def test_the_account_pages_do_not_exist_for_anyone_else(client, person, username):
    assert client.login(username=username)
    assert client.get("/accounts/manage/").status_code == 404
    assert client.post(f"/accounts/manage/{person('kunyang').pk}/reset-password/").status_code == 404
    assert client.get("/accounts/").status_code == 200, "everyone has their own account page"


def test_an_unknown_action_or_account_is_not_found(secadmin):
    assert secadmin.post("/accounts/manage/999999/unlock/").status_code == 404
    assert secadmin.post(f"/accounts/manage/{User.objects.get(username='kunyang').pk}/explode/").status_code == 404


@pytest.fixture
def company(demo):
    from daiban.intake.models import Company
    from daiban.lib.validators import credit_code_check_char

    body = "91330326MA2H8K7Q9"
    return Company.objects.create(name="平阳县鳌江测试机械有限公司", credit_code=body + credit_code_check_char(body))


def test_an_owner_account_is_opened_for_a_company_by_its_credit_code_and_changes_its_password_first(secadmin,
                                                                                                      company):
    assert "开设业主账号" in secadmin.get("/accounts/manage/").content.decode()
    answer = secadmin.post("/accounts/manage/owners/new/", {
        "credit_code": company.credit_code.lower(), "username": "jingmi", "full_name": "张伟", "mobile": "13857712345"})
    password = re.search(r'<code class="secret">([^<]+)</code>', answer.content.decode()).group(1)
    owner = User.objects.get(username="jingmi")
    assert owner.roles == {"owner"} and owner.password_must_change and owner.check_password(password)
    assert list(company.owner_users.all()) == [owner]
    event = AuditEvent.objects.filter(event_type="intake.owner_account_created").latest("seq")
    assert event.actor_name == "secadmin" and event.new == {"username": "jingmi"}
    assert password not in str(list(AuditEvent.objects.values_list("new", flat=True)))

    newcomer = StaffClient()
    assert newcomer.login(username="jingmi", password=password)
    assert newcomer.get("/cases/").url == "/accounts/password/", "the initial password is changed first"


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"credit_code": "91330326MA2H"}, "credit_code", "统一社会信用代码应为 18 位"),
    ({"credit_code": "913303260000000000"}, "credit_code", "校验位不正确"),
    ({"credit_code": "91330326MA2H8K7Q1F"}, "credit_code", "未找到该统一社会信用代码的企业"),  # valid, no company
    ({"username": "aojiang"}, "username", "该用户名已被使用"),
    ({"username": "张伟"}, "username", "用户名只能包含字母、数字和 . _ -"),
    ({"mobile": "123"}, "mobile", "请填写 11 位手机号码"),
    ({"full_name": ""}, "full_name", None),
])
def test_bad_owner_account_input_is_answered_on_its_field_in_chinese(secadmin, company, fields, field, message):
    data = {"credit_code": company.credit_code, "username": "jingmi", "full_name": "张伟", "mobile": "13857712345"}
    data.update(fields)
    answer = secadmin.post("/accounts/manage/owners/new/", data)
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert list(errors) == [field]
    assert message is None or message in errors[field][0]
    assert not User.objects.filter(username="jingmi").exists()


@pytest.mark.parametrize("username", ["sysadmin", "center", "auditor", "aojiang"])
def test_no_one_else_opens_an_owner_account(client, company, username):
    assert client.login(username=username)
    assert client.get("/accounts/manage/owners/new/").status_code == 404
    assert client.post("/accounts/manage/owners/new/", {
        "credit_code": company.credit_code, "username": "jingmi", "full_name": "张伟"}).status_code == 404
    assert not User.objects.filter(username="jingmi").exists()
    assert AuditEvent.objects.filter(event_type="access.refused", actor_name=username).exists()
