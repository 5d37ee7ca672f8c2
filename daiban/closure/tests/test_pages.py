"""The closure pages: forms that answer field by field in Chinese, and only the actions a person may take."""
from __future__ import annotations

import pytest

from daiban.closure.models import DepartmentRating, OwnerEvaluation
from daiban.lib import clock

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username)
    return client


def test_the_agent_completes_a_case_on_its_form_with_the_handover_prefilled(build, client):
    case = build.case()
    build.finish_all(case, on="2026-09-01")
    login(client, build.agent)
    home = client.get("/").content.decode()
    assert "待办结的案件" in home and case.project.name in home
    page = client.get(f"/closure/cases/{case.pk}/complete/").content.decode()
    assert f"企业投资项目备案（赋码）批准文件（2609-330326-04-01-{case.pk:06d}）" in page
    form = {"handover-TOTAL_FORMS": "2", "handover-INITIAL_FORMS": "0", "handover-MIN_NUM_FORMS": "0",
            "handover-MAX_NUM_FORMS": "1000", "handover-0-document": "", "handover-0-copies": "1",
            "handover-0-original": "1", "handover-1-document": "环评批复", "handover-1-copies": "0",
            "handover-1-original": "0", "opinion": ""}
    bad = client.post(f"/closure/cases/{case.pk}/complete/", form)
    assert bad.status_code == 422 and "份数至少为 1" in bad.content.decode()
    empty = client.post(f"/closure/cases/{case.pk}/complete/", {**form, "handover-1-document": ""})
    assert empty.status_code == 422 and "请填写移交资料清单" in empty.content.decode()
    with clock.frozen("2026-09-02"):
        done = client.post(f"/closure/cases/{case.pk}/complete/", {**form, "handover-1-copies": "2"})
    assert done.status_code == 302 and done["Location"] == f"/closure/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.status == "completed" and case.closure.handover.get().copies == 2
    page = client.get(f"/closure/cases/{case.pk}/").content.decode()
    assert "代办项目办结单" in page and "下载案卷（.zip）" in page and "登记业主签收" in page


def test_the_owner_asks_to_terminate_on_its_page_and_a_missing_reason_is_named(build, client):
    case = build.case("entrusted")
    login(client, build.owner(case))
    assert "申请终止委托代办" in client.get(f"/closure/cases/{case.pk}/").content.decode()
    form = {"reason_kind": "owner_request", "reason": "", "returned-TOTAL_FORMS": "1", "returned-INITIAL_FORMS": "0",
            "returned-MIN_NUM_FORMS": "0", "returned-MAX_NUM_FORMS": "1000", "returned-0-document": "",
            "returned-0-copies": "1", "returned-0-original": "1"}
    bad = client.post(f"/closure/cases/{case.pk}/terminate/", form)
    assert bad.status_code == 422 and "请填写终止原因的具体情况" in bad.content.decode()
    with clock.frozen("2026-09-03"):
        done = client.post(f"/closure/cases/{case.pk}/terminate/", {**form, "reason": "投资方变更"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == "terminated" and case.closure.requested_by_owner


def test_signing_filing_visiting_and_the_link_on_the_case_page(build, client, person):
    case = build.completed(on="2026-09-30")
    login(client, build.agent)
    url = f"/closure/cases/{case.pk}/"
    unnamed = client.post(url, {"action": "confirm", "signatory": ""})
    assert unnamed.status_code == 422 and "请填写业主签收人姓名" in unnamed.content.decode()
    assert client.post(url, {"action": "confirm", "signatory": "张伟"}).status_code == 302
    with clock.frozen("2026-10-10"):
        bad = client.post(url, {"action": "file", "filed_on": "2026-13-01"})
        assert bad.status_code == 422 and "日期格式应为 YYYY-MM-DD" in bad.content.decode()
        filed = client.post(url, {"action": "file", "filed_on": "2026-10-10", "opinion": "同意归档"}, follow=True)
        assert "本次为逾期归档" in filed.content.decode() and "逾期归档" in filed.content.decode()
        visit = client.post(url, {"action": "visit", "planned_on": "2026-10-12", "visitor": "ajadmin",
                                  "channel": "phone"})
        assert visit.status_code == 302
        link = client.post(url, {"action": "link"}).content.decode()
    assert "业主评价链接（仅显示这一次）" in link and "http://testserver/closure/evaluate/" in link
    assert "/closure/evaluate/" not in client.get(url).content.decode().split("评价</h2>")[0]
    login(client, person("ajadmin"))
    with clock.frozen("2026-10-12"):
        recorded = client.post(url, {"action": "visit_record", "visit": case.return_visits.get().pk,
                                     "done_on": "2026-10-12", "note": "电话回访，业主满意", "fee_asked": "no"})
    assert recorded.status_code == 302 and case.return_visits.get().note == "电话回访，业主满意"


def test_the_owner_evaluates_on_its_own_page_once(build, client):
    case = build.completed(on="2026-09-30")
    login(client, build.owner(case))
    assert "评价代办服务" in client.get(f"/closure/cases/{case.pk}/").content.decode()
    assert "待签收和评价" in client.get("/").content.decode()
    page = f"/closure/cases/{case.pk}/evaluate/"
    bad = client.post(page, {"comments": "好"})
    assert bad.status_code == 422 and "请选择评价等级" in bad.content.decode()
    done = client.post(page, {"attitude": "5", "efficiency": "5", "quality": "4", "overall": "5", "fee_asked": "no"})
    assert "评价已提交" in done.content.decode()
    assert "评价提交后不能修改" in client.get(page).content.decode()
    assert OwnerEvaluation.objects.get(case=case).via == "account"


def test_the_agent_rates_the_departments_on_one_form(build, client):
    case = build.completed(on="2026-09-30")
    login(client, build.agent)
    page = client.get(f"/closure/cases/{case.pk}/department-ratings/").content.decode()
    assert "发展和改革局" in page and "生态环境局" in page and "张立新" in page
    scores = {"attitude": "5", "efficiency": "4", "quality": "5", "overall": "5", "comment": ""}
    half = {f"fgj-{k}": v for k, v in scores.items()}
    bad = client.post(f"/closure/cases/{case.pk}/department-ratings/", half)
    assert bad.status_code == 422 and "请选择评价等级" in bad.content.decode()
    both = {**half, **{f"sthj-{k}": v for k, v in scores.items()}}
    assert client.post(f"/closure/cases/{case.pk}/department-ratings/", both).status_code == 302
    assert DepartmentRating.objects.filter(case=case).count() == 2
    assert "评价提交后留档，不能修改" in client.get(f"/closure/cases/{case.pk}/department-ratings/").content.decode()


def test_the_list_shows_filing_states_and_readers_see_no_buttons(build, client, person):
    case = build.completed(on="2026-09-30")
    login(client, person("leader"))
    with clock.frozen("2026-10-12"):
        listing = client.get("/closure/?show=unfiled").content.decode()
        assert case.project.name in listing and "逾期" in listing
        page = client.get(f"/closure/cases/{case.pk}/").content.decode()
    assert 'name="action"' not in page and "下载案卷" in page
    login(client, build.agent)
    with clock.frozen("2026-10-09"):
        home = client.get("/").content.decode()
    assert "办结单/终止单待归档" in home and "预警" in home


def test_the_unit_records_at_the_window_the_grade_the_owner_gave_there_once(build, client, person):
    case = build.completed(on="2026-09-30")
    login(client, build.agent)
    assert "窗口录入业主评价" in client.get(f"/closure/cases/{case.pk}/").content.decode()
    page = f"/closure/cases/{case.pk}/evaluate/window/"
    bad = client.post(page, {"comments": "好"})
    assert bad.status_code == 422 and "请选择评价等级" in bad.content.decode()
    done = client.post(page, {"grade": "dissatisfied", "comments": "材料退回两次", "fee_asked": "no"})
    assert "评价已提交" in done.content.decode()
    evaluation = OwnerEvaluation.objects.get(case=case)
    assert (evaluation.via, evaluation.grade) == ("window", "dissatisfied")
    assert "评价提交后不能修改" in client.get(page).content.decode()
    login(client, person("inspector"))
    assert client.get(page).status_code in (403, 404)  # a reader records nothing
