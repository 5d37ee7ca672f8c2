"""A form whose data change is issued again under its serial as its next version (版次); the archive keeps every
version, a signature belongs to the version signed, and a form whose data did not change is not issued again
(issue 9 §4)."""
from __future__ import annotations

import pytest

from conftest import request_payload
from daiban.cases.models import Case, CaseDocument
from daiban.cases.paperwork import documents_reissue, entrustment_of
from daiban.documents.layout import read_text
from daiban.intake.models import Request
from daiban.lib import clock
from daiban.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(api_as):
    """A 鳌江镇 request accepted by its agent: the case id and the agent's API client."""
    body = api_as(None).post("public/requests", request_payload(investment_wan=3000, category="other")).json()
    row = Request.objects.get(tracking_no=body["tracking_no"])
    agent = api_as("aojiang")
    return agent.post(f"requests/{row.pk}/accept").json()["case_id"], agent


def versions(case_id: int, kind: str) -> list[CaseDocument]:
    return list(CaseDocument.objects.filter(case_id=case_id, kind=kind).order_by("version"))


def text(document: CaseDocument) -> str:
    return read_text(bytes(document.content))


def test_setting_the_team_after_the_agreement_issues_a_second_version_naming_the_agent(accepted):
    case_id, agent = accepted
    agent.post(f"cases/{case_id}/agreement", {"item_codes": ["L02", "L05"]})
    assert agent.put(f"cases/{case_id}/team", {"agent": "aojiang", "liaisons": ["fgj", "sthj"]}).status_code == 200
    first, second = versions(case_id, "agreement")
    assert (first.version, second.version) == (1, 2) and first.serial_no == second.serial_no
    assert "代办员：待确定代办团队后载明" in text(first) and f"编号：{first.serial_no}　第1版" in text(first)
    named = text(second)
    assert f"编号：{first.serial_no}　第2版" in named and "代办员：王" in named and "待确定代办团队" not in named


def test_issuing_again_with_nothing_changed_makes_no_version(accepted):
    case_id, agent = accepted
    agent.post(f"cases/{case_id}/agreement", {"item_codes": ["L02", "L05"]})
    agent.put(f"cases/{case_id}/team", {"agent": "aojiang", "liaisons": ["fgj", "sthj"]})
    agent.put(f"cases/{case_id}/team", {"agent": "aojiang", "liaisons": ["fgj", "sthj"]})
    agent.post(f"cases/{case_id}/agreement", {"item_codes": ["L02", "L05"]})
    case = Case.objects.get(pk=case_id)
    assert documents_reissue(case=case, actor=User.objects.get(username="aojiang"), reason="无变化") == []
    assert [d.version for d in versions(case_id, "agreement")] == [1, 2]  # no gap, no bump
    assert [d.version for d in versions(case_id, "registration")] == [1, 2]


def test_a_new_version_is_unsigned_until_signed_again_and_the_signed_one_stays(accepted):
    case_id, agent = accepted
    agent.post(f"cases/{case_id}/agreement", {"item_codes": ["L02"]})
    agent.post(f"cases/{case_id}/documents/agreement/sign", {"owner_signatory": "张伟"})
    answer = agent.put(f"cases/{case_id}/team", {"agent": "aojiang", "liaisons": ["fgj"]})
    assert answer.status_code == 200
    detail = agent.get(f"cases/{case_id}").json()
    agreement = next(d for d in detail["documents"] if d["kind"] == "agreement")
    assert (agreement["version"], agreement["signed"]) == (2, False)
    assert [(v["version"], v["signed"]) for v in agreement["versions"]] == [(2, False), (1, True)]
    agent.post(f"cases/{case_id}/documents/agreement/sign", {"owner_signatory": "张伟"})
    assert [d.signed_at is not None for d in versions(case_id, "agreement")] == [True, True]


def test_the_registration_form_states_the_entrustment_of_the_agreement_once_it_is_chosen(accepted):
    case_id, agent = accepted
    before = text(versions(case_id, "registration")[0])
    assert "☐全程代办　☐部分代办\n（签订委托代办协议时确定）" in before
    agent.post(f"cases/{case_id}/agreement", {"item_codes": ["L02", "L05"]})
    registration, agreement = text(versions(case_id, "registration")[-1]), text(versions(case_id, "agreement")[-1])
    assert "第2版" in registration
    assert "☐全程代办　☑部分代办\n事项如下（共2项）：" in registration and "委托乙方部分代办" in agreement
    assert "共2项" in agreement
    for line in ("L02　企业投资项目备案（赋码）", "L05　"):
        assert line in registration
    case = Case.objects.get(pk=case_id)
    assert [item.code for item in entrustment_of(case).items] == ["L02", "L05"]


def test_every_item_a_project_needs_is_full_service_in_both_forms(accepted):
    from daiban.cases.paperwork import full_service
    from daiban.catalog.models import CatalogItem

    case_id, agent = accepted
    needed = CatalogItem.objects.filter(active=True, optional=False, only_if_needed=False)
    # One of each pair of alternatives (环评报告表 or 报告书): the other is not entrusted too.
    codes, skipped = [], set()
    for item in needed.prefetch_related("alternatives").order_by("sort", "code"):
        if item.code in skipped:
            continue
        codes.append(item.code)
        skipped |= {other.code for other in item.alternatives.all()}
    assert full_service(set(codes)) and not full_service(set(codes[1:]))
    assert agent.post(f"cases/{case_id}/agreement", {"item_codes": codes}).status_code == 200
    registration, agreement = text(versions(case_id, "registration")[-1]), text(versions(case_id, "agreement")[-1])
    assert "☑全程代办　☐部分代办" in registration and "委托乙方全程代办" in agreement


def test_the_project_code_reissues_the_forms_that_print_it(accepted):
    case_id, agent = accepted
    agent.post(f"cases/{case_id}/agreement", {"item_codes": ["L02"]})
    code = f"{clock.today():%y%m}-330326-04-01-{case_id:06d}"
    assert agent.put(f"cases/{case_id}/project-code", {"project_code": code}).status_code == 200
    for kind in ("registration", "agreement"):
        older, latest = versions(case_id, kind)[-2:]
        assert code not in text(older) and code in text(latest) and latest.version == older.version + 1


def test_every_version_is_listed_and_downloadable_by_the_api_and_the_page(accepted, client):
    case_id, agent = accepted
    agent.post(f"cases/{case_id}/agreement", {"item_codes": ["L02"]})
    agent.put(f"cases/{case_id}/team", {"agent": "aojiang", "liaisons": ["fgj"]})
    listed = agent.get(f"cases/{case_id}/documents").json()
    rows = [(row["kind"], row["version"]) for row in listed["items"]]
    assert ("agreement", 1) in rows and ("agreement", 2) in rows and ("registration", 2) in rows
    first = next(row for row in listed["items"] if row["kind"] == "agreement" and row["version"] == 1)
    assert first["serial"].startswith("XY") and first["download"].endswith(f"/{first['serial']}/1.docx")
    old = agent.get(first["download"].removeprefix("/api/v1/"))
    assert old.status_code == 200 and "待确定代办团队" in read_text(old.content)
    assert agent.get(f"cases/{case_id}/documents/{first['serial']}/9.docx").status_code == 404
    assert client.login(username="aojiang")
    page = client.get(f"/cases/{case_id}/").content.decode()
    assert "第2版" in page and "历次版本（1）" in page
    assert client.get(f"/cases/{case_id}/documents/{first['serial']}/1.docx").status_code == 200


def test_a_case_whose_agreement_was_issued_again_waits_again_for_its_signature(accepted, client):
    import re

    case_id, agent = accepted
    agent.post(f"cases/{case_id}/agreement", {"item_codes": ["L02"]})
    agent.post(f"cases/{case_id}/documents/agreement/sign", {"owner_signatory": "张伟"})
    waiting = re.compile(rf'<a href="/cases/{case_id}/">[^<]*</a> <span class="muted">协议待签署</span>')
    assert client.login(username="aojiang")
    assert not waiting.search(client.get("/").content.decode())
    agent.put(f"cases/{case_id}/team", {"agent": "aojiang", "liaisons": ["fgj"]})
    assert waiting.search(client.get("/").content.decode())
