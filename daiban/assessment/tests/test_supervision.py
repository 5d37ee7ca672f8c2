"""督查: leaders and inspectors see what runs late; their look at owners' contacts is audited; inspectors only read."""
from __future__ import annotations

import pytest

from conftest import DEMO_PASSWORD
from daiban.assessment.tests.builders import CaseSpec, ItemSpec, at, build
from daiban.audit.models import AuditEvent
from daiban.plans.models import Escalation, ItemUrge


@pytest.fixture
def late_case(person):
    case = build(CaseSpec("昆阳镇", "2025-03-10", "2025-03-11", agent="kunyang", project="昆阳商业综合体项目",
                          contact_name="林佳", contact_phone="13867704504",
                          items=[ItemSpec("G02", "2025-03-20"), ItemSpec("L02", "2025-03-12", "2025-03-13")]))
    item = case.items.get(catalog_item__code="G02")
    Escalation.objects.create(item=item, level=1, at=case.accepted_at, elapsed_workdays=6, limit_workdays=5)
    return case


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_the_supervision_list_shows_late_cases_and_escalations_without_contacts(late_case, client):
    html = login(client, "leader").get("/assessment/supervision/").content.decode()
    assert "昆阳商业综合体项目" in html and "逾期升级" in html and "代办机构管理员" in html
    assert f"/assessment/supervision/{late_case.pk}/" in html
    assert "13867704504" not in html and "林佳" not in html
    assert not AuditEvent.objects.filter(event_type="access.personal_data_viewed").exists()


@pytest.mark.parametrize("username", ["leader", "inspector"])
def test_a_supervisors_look_at_the_owners_contacts_is_audited(late_case, client, username):
    page = login(client, username).get(f"/assessment/supervision/{late_case.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "林*" in html and "138****4504" in html and "13867704504" not in html and "林佳" not in html
    # The inspector may reveal the full contact (recorded); a leader sees the mask only.
    assert ('name="subject" value="request"' in html) == (username == "inspector")
    event = AuditEvent.objects.get(event_type="access.personal_data_viewed", actor_name=username)
    assert (event.object_type, event.object_id) == ("cases.case", str(late_case.pk))
    assert event.new["page"] == "supervision_case" and "联系电话" in event.new["fields"]


def test_an_inspector_gets_no_forms_and_any_post_is_refused(late_case, client):
    html = login(client, "inspector").get(f"/assessment/supervision/{late_case.pk}/").content.decode()
    assert "发出督办" not in html and 'name="item"' not in html
    item = late_case.items.get(catalog_item__code="G02")
    refused = client.post(f"/assessment/supervision/{late_case.pk}/", {"item": item.pk, "note": "请尽快办结"})
    assert refused.status_code == 403
    assert client.post("/assessment/supervision/", {"anything": "1"}).status_code == 403
    assert not ItemUrge.objects.exists()
    assert AuditEvent.objects.filter(event_type="access.refused", actor_name="inspector", outcome="denied").count() == 2


def test_a_leader_issues_a_supervision_order_from_the_case_sheet(late_case, client):
    item = late_case.items.get(catalog_item__code="G02")
    login(client, "leader")
    assert "发出督办" in client.get(f"/assessment/supervision/{late_case.pk}/").content.decode()
    answer = client.post(f"/assessment/supervision/{late_case.pk}/", {"item": item.pk, "note": "请于三日内办结"})
    assert answer.status_code == 302
    order = ItemUrge.objects.get()
    assert (order.kind, order.item_id, order.by.username, order.to.username) == ("supervise", item.pk, "leader", "zrj")


def test_a_finished_item_cannot_be_ordered(late_case, client):
    done = late_case.items.get(catalog_item__code="L02")
    login(client, "leader").post(f"/assessment/supervision/{late_case.pk}/", {"item": done.pk, "note": "x"})
    assert not ItemUrge.objects.exists()


def test_agents_do_not_supervise_and_units_see_only_their_own_cases(late_case, client):
    assert login(client, "kunyang").get("/assessment/supervision/").status_code == 403
    assert login(client, "ajadmin").get(f"/assessment/supervision/{late_case.pk}/").status_code == 404
    assert "昆阳商业综合体项目" not in client.get("/assessment/supervision/").content.decode()
    assert login(client, "kyadmin").get(f"/assessment/supervision/{late_case.pk}/").status_code == 200


def test_joint_meetings_show_whether_their_record_was_filled_in(late_case, client, person):
    from daiban.coordination.models import Meeting

    Meeting.objects.create(case=late_case, title="商业综合体规划许可协调会", agenda="规划许可前置条件",
                           held_at=at("2025-03-24 14:30"), place="县行政服务中心三楼会议室",
                           convened_by=person("kunyang"), convener_body=person("kunyang").body,
                           created_at=at("2025-03-21"))
    html = login(client, "inspector").get("/assessment/supervision/").content.decode()
    meetings = html[html.index("联席会议记录"):]
    assert "商业综合体规划许可协调会" in meetings and "未填写" in meetings
