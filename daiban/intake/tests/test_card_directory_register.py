"""Cards and the directory are one register: a card links (or creates) the entry; a request links to both."""
from __future__ import annotations

import pytest

from conftest import credit_code, request_payload
from daiban.assessment.ledger import directory_rows
from daiban.intake.models import DirectoryEntry, Request
from daiban.intake.services import card_issue, directory_add, request_submit
from daiban.intake.validation import RequestData

pytestmark = pytest.mark.django_db
CODE = credit_code("91330326MA2R7Y5K8")


def test_a_card_for_a_company_not_in_the_directory_records_it_there(person):
    card = card_issue(actor=person("zsj"), company_name="平阳县登记测试有限公司", credit_code=CODE,
                      project_name="智能装备项目")
    entry = card.directory_entry
    assert entry is not None and entry.credit_code == CODE and entry.project_name == "智能装备项目"
    assert entry.category == "investment_promotion" and "待补充" in entry.description


def test_a_card_links_the_entry_the_company_already_has(person):
    entry = directory_add(actor=person("zsj"), category="investment_promotion", project_name="智能装备项目",
                          company_name="平阳县登记测试有限公司", location="鳌江镇", investment_wan="5000",
                          credit_code=CODE)
    card = card_issue(actor=person("zsj"), company_name="平阳县登记测试有限公司", credit_code=CODE,
                      project_name="智能装备项目")
    assert card.directory_entry == entry
    assert DirectoryEntry.objects.filter(credit_code=CODE).count() == 1


def test_a_request_by_the_card_holder_links_card_and_entry_and_the_counts_show_it(person, api_as):
    entry = directory_add(actor=person("zsj"), category="investment_promotion", project_name="智能装备项目",
                          company_name="平阳县登记测试有限公司", location="鳌江镇", investment_wan="5000",
                          credit_code=CODE)
    card = card_issue(actor=person("zsj"), company_name="平阳县登记测试有限公司", credit_code=CODE,
                      project_name="智能装备项目")
    request, _ = request_submit(data=RequestData(**request_payload(credit_code=CODE)))  # no card number given
    request = Request.objects.get(pk=request.pk)
    assert request.card == card and request.directory_entry == entry
    card.refresh_from_db()
    entry.refresh_from_db()
    assert card.redeemed_at is not None and entry.status == DirectoryEntry.Status.IN_AGENCY
    [row] = [r for r in directory_rows({}) if r["pk"] == entry.pk]
    assert (row["request_count"], row["card_count"]) == (1, 1)
    listed = api_as("zsj").get("/api/v1/directory", {"limit": 200}).json()["items"]
    [mine] = [r for r in listed if r["id"] == entry.pk]
    assert mine["request_count"] == 1 and mine["cards"] == [card.number]
