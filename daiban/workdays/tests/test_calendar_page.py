"""The administrators' page at /calendar/ (mounted from daiban.workdays.urls)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import include, path

from daiban.org.services import role_grant
from daiban.urls import urlpatterns as project_urls
from daiban.workdays import views
from daiban.workdays.models import CalendarYear

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# Mounted here as well, so the page is tested whether or not the project urls include it yet.
urlpatterns = [path("calendar/", include("daiban.workdays.urls")), *project_urls]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(views, "_today", lambda: dt.date(2026, 11, 2))


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_user(username="wd_page_admin", password="correct-horse-9")
    role_grant(actor=None, user=user, role="center_admin")
    assert client.login(username=user.username, password="correct-horse-9")
    return client


def test_an_administrator_sees_the_years_around_today_and_their_sources(admin_client):
    page = admin_client.get("/calendar/").content.decode()
    for year in (2025, 2026, 2027, 2028):
        assert f"<td>{year}</td>" in page
    assert "<td>2024</td>" not in page
    assert page.count("已公布（内置数据）") == 2 and page.count("未公布（按法定节假日推算）") == 2
    assert "<td>248</td>" in page  # 2026


def test_an_administrator_imports_and_confirms_a_year_on_the_page(admin_client):
    answer = admin_client.post("/calendar/", {"action": "import", "year": "2027", "note": "示例",
                                               "text": "2027-01-01 休 元旦\n2027-02-05~2027-02-11 休 春节"})
    assert answer.status_code == 302
    page = admin_client.get("/calendar/").content.decode()
    assert "休 8 天" in page and "确认生效" in page
    answer = admin_client.post("/calendar/", {"action": "confirm", "year": "2027"})
    assert answer.status_code == 302
    assert CalendarYear.objects.get(year=2027).confirmed
    assert "已确认（管理员导入）" in admin_client.get("/calendar/").content.decode()


def test_a_bad_line_is_shown_with_the_text_kept(admin_client):
    answer = admin_client.post("/calendar/", {"action": "import", "year": "2027", "text": "2027-02-30 休"})
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "第 1 行" in page and "2027-02-30 休</textarea>" in page


def test_the_page_does_not_exist_for_an_agent(client):
    user = get_user_model().objects.create_user(username="wd_page_agent", password="correct-horse-9")
    role_grant(actor=None, user=user, role="agent")
    assert client.login(username=user.username, password="correct-horse-9")
    assert client.get("/calendar/").status_code == 404


def test_the_django_admin_shows_the_table_read_only(admin_client):
    admin_client.post("/calendar/", {"action": "import", "year": "2027", "text": "2027-01-01 休 元旦"})
    assert admin_client.get("/admin/workdays/calendaryear/").status_code == 200
    page = admin_client.get("/admin/workdays/calendaryear/2027/change/").content.decode()
    assert "2027-01-01" in page or "2027年1月1日" in page
    assert admin_client.get("/admin/workdays/calendaryear/add/").status_code == 403
