"""The staff pages of requests: the list, window/phone registration, first contact and review."""
from __future__ import annotations

import re

import pytest

from conftest import request_payload
from daiban.cases.models import Case
from daiban.intake.models import Company, Request
from daiban.lib import clock


@pytest.fixture
def new_request(api_as):
    def make(**overrides) -> Request:
        body = api_as(None).post("public/requests", request_payload(**overrides)).json()
        return Request.objects.get(tracking_no=body["tracking_no"])

    return make


@pytest.fixture
def browse(client, person):
    """browse("aojiang") -> the test client, logged in as that person."""

    def login(username: str):
        assert client.login(username=username)
        return client

    return login


def form_fields(**overrides) -> dict:
    """The registration form's fields for the typical 鳌江镇 project (location as the select sends it)."""
    payload = request_payload()
    fields = {**{k: v for k, v in payload.items() if k not in ("industrial", "location")},
              "location": "330326101", "industrial": "yes", "source": "window", "token": "tok-1"}
    fields.update(overrides)
    return fields


def field_errors(html: str) -> str:
    return " ".join(re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S))


def test_the_list_shows_the_units_requests_and_not_another_units(browse, new_request):
    row = new_request()
    page = browse("aojiang").get("/cases/requests/")
    assert page.status_code == 200
    assert row.tracking_no in page.content.decode() and "窗口/电话登记" in page.content.decode()
    assert row.tracking_no not in browse("kunyang").get("/cases/requests/").content.decode()


@pytest.mark.parametrize("today, css, label", [
    ("2026-03-02", "state-normal", "未到期"),
    ("2026-03-03", "state-warning", "今日到期"),
    ("2026-03-05", "state-overdue", "已逾期"),
])
def test_the_first_contact_deadline_is_marked_green_yellow_or_red(browse, new_request, today, css, label):
    with clock.frozen("2026-03-02"):  # a Monday: first contact due Tuesday 2026-03-03
        new_request()
    with clock.frozen(today):
        html = browse("aojiang").get("/cases/requests/").content.decode()
    assert "2026-03-03" in html
    assert label in html
    if css == "state-normal":
        assert '<span class="state-normal">未到期</span>' in html
    else:
        assert f'<tr class="{css}">' in html


def test_the_list_filters_by_status_and_answers_htmx_with_the_rows_only(browse, new_request):
    row = new_request()
    aojiang = browse("aojiang")
    assert row.tracking_no not in aojiang.get("/cases/requests/", {"status": "accepted"}).content.decode()
    partial = aojiang.get("/cases/requests/", {"status": "new", "source": "online"}, headers={"HX-Request": "true"})
    assert row.tracking_no in partial.content.decode() and "<html" not in partial.content.decode()


def test_the_unit_filter_is_offered_to_county_wide_readers_only(browse, new_request):
    new_request()
    assert 'name="unit"' in browse("center").get("/cases/requests/").content.decode()
    assert 'name="unit"' not in browse("aojiang").get("/cases/requests/").content.decode()


def test_the_registration_form_carries_a_fresh_token(browse):
    html = browse("aojiang").get("/cases/requests/new/").content.decode()
    token = re.search(r'name="token" value="([0-9a-f]{32})"', html)
    assert token and "鳌江园区" in html and "大建大美" in html and "电话登记" in html


def test_bad_registration_input_shows_chinese_field_errors_and_writes_nothing(browse):
    before = (Request.objects.count(), Company.objects.count())
    answer = browse("aojiang").post("/cases/requests/new/", form_fields(
        company_name="", credit_code="91330326MA2H8K7Q30", contact_phone="1385771234", investment_wan="abc",
        location=""))
    assert answer.status_code == 422
    errors = field_errors(answer.content.decode())
    for message in ("请填写单位名称", "校验位", "11 位", "总投资应为数字", "建设地点应为平阳县的乡镇或园区"):
        assert message in errors
    assert (Request.objects.count(), Company.objects.count()) == before


def test_a_unit_cannot_register_a_project_of_another_locality(browse):
    answer = browse("kunyang").post("/cases/requests/new/", form_fields())
    assert answer.status_code == 422
    assert "不属于您所在代办机构的辖区" in field_errors(answer.content.decode())
    assert not Request.objects.filter(idempotency_key__endswith=":tok-1").exists()


def test_a_double_submission_with_the_same_token_registers_once(browse):
    aojiang = browse("aojiang")
    first = aojiang.post("/cases/requests/new/", form_fields(source="phone", token="double-click-1"))
    again = aojiang.post("/cases/requests/new/", form_fields(source="phone", token="double-click-1"))
    rows = Request.objects.filter(idempotency_key__endswith=":double-click-1")
    assert rows.count() == 1
    row = rows.get()
    assert row.source == "phone" and row.registered_by.username == "aojiang" and row.written_request
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/cases/requests/{row.pk}/"
    assert "没有重复登记" in aojiang.get(again["Location"]).content.decode()


def test_the_inspector_may_not_open_or_post_the_registration_form(browse):
    inspector = browse("inspector")
    assert "窗口/电话登记" not in inspector.get("/cases/requests/").content.decode()
    assert inspector.get("/cases/requests/new/").status_code == 403
    assert inspector.post("/cases/requests/new/", form_fields(location="330326101")).status_code == 403
    assert not Request.objects.filter(idempotency_key__endswith=":tok-1").exists()


def test_the_detail_opens_in_scope_and_answers_404_outside(browse, new_request):
    row = new_request()
    page = browse("aojiang").get(f"/cases/requests/{row.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert row.project_name in html and "已收到代办申请" in html and 'value="accept"' in html
    assert browse("kunyang").get(f"/cases/requests/{row.pk}/").status_code == 404
    assert browse("kunyang").post(f"/cases/requests/{row.pk}/", {"action": "accept"}).status_code == 404
    assert browse("aojiang").get("/cases/requests/999999/").status_code == 404


def test_first_contact_is_recorded_and_needs_a_note(browse, new_request):
    row = new_request()
    aojiang = browse("aojiang")
    empty = aojiang.post(f"/cases/requests/{row.pk}/", {"action": "contact", "note": " "})
    assert empty.status_code == 422 and "请填写联系情况" in field_errors(empty.content.decode())
    done = aojiang.post(f"/cases/requests/{row.pk}/", {"action": "contact", "note": "已电话联系张经理"})
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.status == "contacted" and row.first_contact_note == "已电话联系张经理"


def contacted(browse, row) -> None:
    browse("aojiang").post(f"/cases/requests/{row.pk}/", {"action": "contact", "note": "已电话联系张经理"})


def test_a_request_cannot_be_accepted_before_the_first_contact_is_recorded(browse, new_request):
    row = new_request()
    answer = browse("aojiang").post(f"/cases/requests/{row.pk}/", {
        "action": "accept", "in_county": "on", "industrial_policy": "on", "voluntary": "on"})
    assert answer.status_code == 422 and "请先在“首次联系”中记录与企业联系的情况" in answer.content.decode()
    assert not Case.objects.filter(request=row).exists()


def test_accepting_with_no_check_ticked_asks_to_confirm_instead_of_giving_verdicts(browse, new_request):
    row = new_request()
    contacted(browse, row)
    answer = browse("aojiang").post(f"/cases/requests/{row.pk}/", {"action": "accept"})
    page = answer.content.decode()
    assert answer.status_code == 422 and "请逐项勾选确认受理条件后再受理" in page
    assert "县域范围内，不予受理" not in page and "不符合产业导向，不予受理" not in page
    assert not Case.objects.filter(request=row).exists()


def test_accepting_through_the_page_creates_the_case(browse, new_request):
    row = new_request()
    contacted(browse, row)
    answer = browse("aojiang").post(f"/cases/requests/{row.pk}/", {
        "action": "accept", "in_county": "on", "industrial_policy": "on", "voluntary": "on"})
    case = Case.objects.get(request=row)
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{case.pk}/"
    assert case.status == "accepted"


def test_accepting_without_every_eligibility_check_is_refused_with_the_reason(browse, new_request):
    row = new_request()
    contacted(browse, row)
    answer = browse("aojiang").post(f"/cases/requests/{row.pk}/", {"action": "accept", "in_county": "on",
                                                                    "voluntary": "on"})
    assert answer.status_code == 422
    assert "项目不符合产业导向" in field_errors(answer.content.decode())
    assert not Case.objects.filter(request=row).exists()


def test_a_rejection_needs_a_reason(browse, new_request):
    row = new_request()
    aojiang = browse("aojiang")
    empty = aojiang.post(f"/cases/requests/{row.pk}/", {"action": "reject", "reason": ""})
    assert empty.status_code == 422 and "请填写不予受理的理由" in field_errors(empty.content.decode())
    aojiang.post(f"/cases/requests/{row.pk}/", {"action": "reject", "reason": "项目不在本县产业导向目录内"})
    row.refresh_from_db()
    assert row.status == "rejected" and row.reject_reason == "项目不在本县产业导向目录内"
    page = aojiang.get(f"/cases/requests/{row.pk}/").content.decode()
    assert 'value="accept"' not in page


def test_accepting_a_rejected_request_is_a_conflict_shown_as_a_message(browse, new_request):
    row = new_request()
    aojiang = browse("aojiang")
    aojiang.post(f"/cases/requests/{row.pk}/", {"action": "reject", "reason": "不符合条件"})
    answer = aojiang.post(f"/cases/requests/{row.pk}/", {
        "action": "accept", "in_county": "on", "industrial_policy": "on", "voluntary": "on"}, follow=True)
    assert "该申请已不予受理" in answer.content.decode()
    assert not Case.objects.filter(request=row).exists()


def test_the_inspector_reads_the_request_without_forms_and_cannot_accept(browse, new_request):
    row = new_request()
    inspector = browse("inspector")
    page = inspector.get(f"/cases/requests/{row.pk}/")
    assert page.status_code == 200 and 'name="action"' not in page.content.decode()
    refused = inspector.post(f"/cases/requests/{row.pk}/", {
        "action": "accept", "in_county": "on", "industrial_policy": "on", "voluntary": "on"})
    assert refused.status_code == 403 and "没有执行此操作的权限" in refused.content.decode()
    row.refresh_from_db()
    assert row.status == "new"


def test_the_home_page_lists_requests_waiting_for_first_contact(browse, new_request):
    with clock.frozen("2026-03-02"):
        late = new_request(project_name="逾期未联系的项目")
    with clock.frozen("2026-03-10"):
        fresh = new_request()
        html = browse("aojiang").get("/").content.decode()
        center = browse("center").get("/").content.decode()
    assert "待联系的代办申请" in html and late.tracking_no in html and fresh.tracking_no in html
    assert html.index(late.tracking_no) < html.index(fresh.tracking_no), "overdue ones come first"
    assert '<li class="state-overdue">' in html
    assert "全县代办概况" in center and late.tracking_no in center
