"""One search box: any case or request by its numbers, its names or its contact, within the caller's scope."""
from __future__ import annotations

import pytest
from django.db import connection

from daiban.intake.models import Request
from daiban.lib.search_text import fold, query_words

pytestmark = pytest.mark.django_db


def _aojiang_case_request(person) -> Request:
    return (Request.objects.filter(unit=person("aojiang").body, case__isnull=False)
            .select_related("case", "company").order_by("pk").first())


def _found(api, q: str, limit: int = 50) -> list[str]:
    answer = api.get("search", {"q": q, "limit": limit})
    assert answer.status_code == 200, answer.content
    return [row["tracking_no"] for row in answer.json()["items"]]


def test_words_are_folded_and_cut_so_order_and_width_do_not_matter():
    assert fold("ＡＢＣ－１２３，平阳县") == "abc 123 平阳县"
    assert query_words("塑料制品项目 鳌江") == ["塑料制品", "项目", "鳌江"]


def test_a_unit_agent_finds_its_case_by_words_of_the_company_and_project_in_any_order(api_as, person):
    row = _aojiang_case_request(person)
    company_word, project_word = query_words(row.company_name)[-2], query_words(row.project_name)[0]
    api = api_as("aojiang")
    assert row.tracking_no in _found(api, f"{project_word} {company_word}")
    assert row.tracking_no in _found(api, f"{company_word}{project_word}")
    hit = next(h for h in api.get("search", {"q": row.tracking_no}).json()["items"] if h["tracking_no"] == row.tracking_no)
    assert hit["kind"] == "case" and hit["link"] == f"/cases/{row.case.pk}/"


def test_it_finds_by_tracking_number_credit_code_and_project_code(api_as, person):
    row = _aojiang_case_request(person)
    project = row.case.project
    project.project_code = "2026-330326-29-03-123456"
    project.save(update_fields=["project_code"])
    api = api_as("center")
    assert _found(api, row.tracking_no.lower()) == [row.tracking_no]
    assert row.tracking_no in _found(api, row.company.credit_code)
    assert _found(api, "2026-330326-29-03-123456") == [row.tracking_no]


def test_it_finds_a_contact_by_full_name_and_by_mobile_number_though_both_are_stored_encrypted(api_as, person):
    row = _aojiang_case_request(person)
    api = api_as("aojiang")
    assert row.tracking_no in _found(api, row.contact_name)
    assert row.tracking_no in _found(api, f"{row.contact_phone[:3]}-{row.contact_phone[3:7]}-{row.contact_phone[7:]}")
    stored = connection.cursor().execute("SELECT contact_phone FROM intake_request WHERE id = %s", [row.pk]).fetchone()[0]
    assert row.contact_phone not in str(stored)


def test_another_units_agent_and_an_unrelated_owner_find_nothing_of_it(api_as, person):
    row = _aojiang_case_request(person)
    assert _found(api_as("kunyang"), row.tracking_no) == []
    assert _found(api_as("sysadmin"), row.tracking_no) == []


def test_a_liaison_officer_finds_cases_holding_an_item_of_the_department(api_as, person):
    from daiban.cases.models import CaseItem

    item = (CaseItem.objects.filter(catalog_item__department=person("fgj").department)
            .select_related("case__request").first())
    assert item is not None
    assert item.case.request.tracking_no in _found(api_as("fgj"), item.case.request.tracking_no)


def test_an_empty_overlong_or_control_character_query_is_a_chinese_field_error(api_as):
    api = api_as("aojiang")
    # A NUL is refused at the edge for the whole query string, before the handler reads it (daiban/lib/hostile.py).
    for q, field in (("  ", "q"), ("项" * 101, "q"), ("鳌江\x00", "query")):
        answer = api.get("search", {"q": q})
        assert answer.status_code == 422
        body = answer.json()
        assert body["code"] == "validation.invalid" and body["fields"][0]["field"] == field


def test_the_search_box_on_every_staff_page_lists_hits_with_links(client, person):
    row = _aojiang_case_request(person)
    assert client.login("aojiang")
    home = client.get("/")
    assert 'action="/search/"' in home.content.decode()
    page = client.get("/search/", {"q": row.tracking_no}).content.decode()
    assert f'href="/cases/{row.case.pk}/"' in page and row.tracking_no in page
    refused = client.get("/search/", {"q": "项" * 101})
    assert refused.status_code == 422 and "不能超过 100 个字" in refused.content.decode()


def test_a_search_costs_the_same_queries_whatever_the_county_holds(api_as, person, django_assert_num_queries):
    api = api_as("center")
    # The caller's token with its user and roles, the count, the page (cases, projects and units joined in).
    with django_assert_num_queries(3):
        api.get("search", {"q": "项目"})
    template = Request.objects.filter(case__isnull=True).first() or _aojiang_case_request(person)
    copies = []
    for n in range(60):
        copy = Request.objects.get(pk=template.pk)
        copy.pk, copy.tracking_no, copy.idempotency_key = None, f"SEARCH{n:05d}", None
        copies.append(copy)
    Request.objects.bulk_create(copies)
    assert Request.objects.filter(tracking_no="SEARCH00059", search_text__contains="search00059").exists()
    with django_assert_num_queries(3):
        assert len(api.get("search", {"q": "项目", "limit": 200}).json()["items"]) > 60


def _copies(template: Request, names: list[tuple[str, str]]) -> None:
    """Requests like `template` for other companies and projects (company name, project name)."""
    copies = []
    for n, (company, project) in enumerate(names):
        copy = Request.objects.get(pk=template.pk)
        copy.pk, copy.tracking_no, copy.idempotency_key = None, f"MIX{n:07d}", None
        copy.company_name, copy.project_name = company, project
        copies.append(copy)
    Request.objects.bulk_create(copies)


MIXED = [("测试企业8812有限公司", "测试项目5123"), ("测试企业5123有限公司", "测试项目8812"),
         ("平阳县8812塑料有限公司", "年产5123吨塑料制品项目"), ("测试企业88有限公司", "测试项目512"),
         ("鳌江镇测试企业有限公司", "测试项目")]


@pytest.mark.parametrize("q", ["测试项目5123", "测试企业8812有限公司", "5123", "8812 塑料", "512", "88", "测试企业",
                               "mix000000", "企业8812", "鳌江", "测 试"])
def test_every_query_shape_finds_exactly_the_rows_holding_all_its_words_on_either_database(api_as, person, q):
    _copies(_aojiang_case_request(person), MIXED)
    expected = sorted(row.tracking_no for row in Request.objects.all()
                      if all(word in fold(row.search_text) for word in query_words(q)))
    assert expected and sorted(_found(api_as("center"), q, limit=200)) == expected


def test_the_count_stops_at_the_limit_and_says_there_are_more(api_as, client, person, monkeypatch):
    from daiban.cases import search

    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    _copies(_aojiang_case_request(person), MIXED)
    many, few = api_as("center").get("search", {"q": "测试"}).json(), api_as("center").get("search", {"q": "8812"}).json()
    assert many["total"] is None and len(many["items"]) > 3
    assert few["total"] == 3 and len(few["items"]) == 3
    assert client.login("center")
    page = client.get("/search/", {"q": "测试"}).content.decode()
    assert "找到超过 3 条，只列出最新的 3 条" in page and page.count("<tr><td><a href=") == 3


def test_a_credit_code_or_a_project_code_costs_the_same_queries_whatever_the_county_holds(
        api_as, person, django_assert_num_queries):
    row = _aojiang_case_request(person)
    api = api_as("center")
    for q in (row.company.credit_code, "2026-330326-29-03-123456", "测试项目5123"):
        with django_assert_num_queries(3):
            api.get("search", {"q": q})
    _copies(row, MIXED * 12)
    for q in (row.company.credit_code, "2026-330326-29-03-123456", "测试项目5123"):
        with django_assert_num_queries(3):
            assert api.get("search", {"q": q}).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pieces index is PostgreSQL's")
def test_on_postgresql_the_stored_pieces_hold_every_piece_python_asks_for(person):
    from daiban.lib.search_text import word_pieces

    _copies(_aojiang_case_request(person), MIXED)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'intake_request_search_pieces'")
        assert "gin (search_pieces)" in cursor.fetchone()[0]
        cursor.execute("SELECT search_text, tsvector_to_array(search_pieces) FROM intake_request")
        for text, pieces in cursor.fetchall():
            for chunk in text.split():
                assert set(word_pieces(chunk)) <= set(pieces), chunk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pieces index is PostgreSQL's")
def test_on_postgresql_a_word_mixed_with_a_number_is_one_index_look_up(person):
    from daiban.cases.search import search

    _copies(_aojiang_case_request(person), MIXED * 40)
    rows = search(person("center"), "测试企业8812有限公司")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # Scans that read rows in order are put out of reach: what is left is an index for every condition,
        # or a scan of the whole table if one condition had none.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for line, in cursor.fetchall())
    assert "intake_request_search_pieces" in plan and "Seq Scan on intake_request" not in plan, plan
