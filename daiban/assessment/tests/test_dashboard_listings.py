"""The dashboard shows the first rows of each long table and links to all of them: the whole ranking, the 好差评
rankings and the team records, a page at a time, with the dashboard's access check and scope."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import DEMO_PASSWORD
from daiban.assessment import views
from daiban.assessment.periods import parse_period
from daiban.assessment.scoped import Scoped
from daiban.assessment.selectors import stats
from daiban.assessment.team_records import team_summary
from daiban.assessment.tests.builders import CaseSpec, ItemSpec, build
from daiban.closure import evaluations
from daiban.closure.tests.conftest import Builder
from daiban.goodbad.stats import figures as good_bad_figures
from daiban.lib import clock

pytestmark = pytest.mark.django_db
MARCH = {"from": "2025-03-01", "to": "2025-03-31"}
TOWNS = ("鳌江镇", "昆阳镇", "萧江镇")


@pytest.fixture
def three_units(demo):
    for n, town in enumerate(TOWNS):
        for _ in range(n + 1):  # 鳌江镇 one case, 昆阳镇 two, 萧江镇 three: ranked by accepted, 萧江镇 first
            build(CaseSpec(town, "2025-03-03", "2025-03-04", items=[ItemSpec("L05", "2025-03-05", "2025-03-14")]))


@pytest.fixture
def short_tables(monkeypatch):
    """Two rows on the dashboard, two a page: the province's long tables at the demo county's size."""
    monkeypatch.setattr(views, "TOP", 2)
    monkeypatch.setattr(views, "PER_PAGE", 2)


def login(client, username: str):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def names_in(html: str, names) -> list[str]:
    return sorted((n for n in names if n in html), key=html.index)


def test_the_dashboard_shows_the_first_ranks_and_links_the_whole_ranking(three_units, short_tables, client):
    html = login(client, "center").get("/assessment/", {**MARCH, "by": "unit"}).content.decode()
    ranked = [row["name"] for row in stats(Scoped.county(), parse_period("2025-03-01", "2025-03-31"), "unit")["rows"]]
    section = html[html.index("rank-table"):html.index('id="drill"')]
    assert names_in(section, ranked) == ranked[:2]
    assert f"查看全部 {len(ranked)} 个代办机构" in section
    assert "/assessment/ranking/?from=2025-03-01&amp;to=2025-03-31&amp;by=unit&amp;order=accepted" in section


def test_the_whole_ranking_pages_with_the_full_rankings_numbers_and_drill_links(three_units, short_tables, client):
    period = parse_period("2025-03-01", "2025-03-31")
    rows = stats(Scoped.county(), period, "unit", "accepted")["rows"]
    assert len(rows) > 2
    login(client, "center")
    first = client.get("/assessment/ranking/", {**MARCH, "by": "unit", "order": "accepted"}).content.decode()
    assert names_in(first, [r["name"] for r in rows]) == [r["name"] for r in rows[:2]]
    assert f'/assessment/drill/unit/{rows[0]["key"]}/?from=2025-03-01&amp;to=2025-03-31' in first
    assert "第 1 / " in first and "page=2" in first
    last_number = (len(rows) + 1) // 2
    last = client.get("/assessment/ranking/", {**MARCH, "by": "unit", "page": last_number}).content.decode()
    shown = rows[2 * (last_number - 1):]
    assert names_in(last, [r["name"] for r in rows]) == [r["name"] for r in shown]
    assert f'<td class="num">{shown[0]["rank"]}</td>' in last  # the full ranking's number, not 1


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999999", "1.5", ""])
def test_a_bad_page_number_shows_a_page_and_never_fails(three_units, short_tables, client, page):
    login(client, "center")
    for path in ("/assessment/ranking/", "/assessment/good-bad/units/", "/assessment/team/people/"):
        answer = client.get(path, {**MARCH, "page": page})
        assert answer.status_code == 200, path
        assert "第 " in answer.content.decode() or "共 " in answer.content.decode()


def test_a_bad_period_or_breakdown_on_a_listing_is_told_in_chinese(three_units, client):
    html = login(client, "center").get("/assessment/ranking/", {"from": "2025-02-30", "by": "company"}).content.decode()
    assert "开始日期格式应为 YYYY-MM-DD" in html and "统计维度不正确" in html
    assert client.get("/assessment/good-bad/companies/", MARCH).status_code == 404
    assert client.get("/assessment/team/companies/", MARCH).status_code == 404


def test_readers_outside_the_dashboard_are_refused_and_units_see_their_own_rows(three_units, client):
    for path in ("/assessment/ranking/", "/assessment/good-bad/units/", "/assessment/team/people/"):
        assert login(client, "owner1").get(path, MARCH).status_code == 403
        client.logout()
        assert client.get(path, MARCH).status_code == 302  # to the login page
    html = login(client, "kyadmin").get("/assessment/ranking/", {**MARCH, "by": "unit"}).content.decode()
    assert "昆阳镇投资项目代办服务站" in html and "鳌江镇投资项目代办服务站" not in html
    people = client.get("/assessment/team/people/", MARCH).content.decode()
    assert "/api/v1/team-records/" in people and "鳌江镇投资项目代办服务站" not in people


def test_the_team_listing_pages_through_every_person_of_the_scope(demo, short_tables, client):
    period = parse_period("2025-03-01", "2025-03-31")
    people = team_summary(Scoped.county(), period)["people"]
    login(client, "center")
    pages = (len(people) + 1) // 2
    seen = []
    for number in range(1, pages + 1):
        html = client.get("/assessment/team/people/", {**MARCH, "page": number}).content.decode()
        seen += [p["user_id"] for p in people if f"/api/v1/team-records/{p['user_id']}.xlsx?" in html]
    assert seen == [p["user_id"] for p in people]
    dashboard = client.get("/assessment/", MARCH).content.decode()
    assert f"查看全部 {len(people)} 名代办人员" in dashboard
    assert "/assessment/team/people/?from=2025-03-01&amp;to=2025-03-31" in dashboard


@pytest.fixture
def graded(person):
    builder = Builder(person)
    for grade in ("satisfied", "dissatisfied"):
        case = builder.completed(on="2026-10-30", start="2026-10-12")
        l02, l05 = (builder.item(case, code) for code in ("L02", "L05"))
        with clock.frozen("2026-11-02"):
            evaluations.evaluation_submit(actor=builder.owner(case), case=case, answers=evaluations.OwnerAnswers(
                grade=grade, fee_asked=False, items=({"item": l02.pk, "grade": "very_satisfied"},
                                                     {"item": l05.pk, "grade": "dissatisfied"})))


def test_the_good_bad_listing_pages_through_the_whole_ranking(graded, short_tables, client, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 1)
    november = {"from": "2026-11-01", "to": "2026-11-30"}
    departments = good_bad_figures(parse_period("2026-11-01", "2026-11-30"))["departments"]
    assert len(departments) == 2
    login(client, "center")
    for number, row in enumerate(departments, 1):
        html = client.get("/assessment/good-bad/departments/", {**november, "page": number}).content.decode()
        assert f"<td>{row['rank']}</td><td>{row['name']}</td>" in html
        assert names_in(html, [d["name"] for d in departments]) == [row["name"]]


def test_the_dashboard_reads_as_many_queries_for_one_unit_as_for_many_units_and_agents(demo, client):
    login(client, "center")

    def queries() -> int:
        client.get("/assessment/", MARCH)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/assessment/", MARCH).status_code == 200
        return len(captured)

    build(CaseSpec("鳌江镇", "2025-03-03", "2025-03-04", agent="aojiang", items=[ItemSpec("L05", "2025-03-05")]))
    one = queries()
    for town in ("昆阳镇", "萧江镇", "水头镇", "万全镇", "腾蛟镇"):
        for day in ("03", "10", "17"):
            build(CaseSpec(town, f"2025-03-{day}", f"2025-03-{day}", items=[ItemSpec("L02", f"2025-03-{day}")]))
    assert queries() == one
