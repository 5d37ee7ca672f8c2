"""The demo county rebuilt from a ledger file alone: its cases exported in the import's layout, the
database emptied down to the organisation, the catalog and the staff, the file imported, and every case
found again with the same items, dates, states, team and closure."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils.timezone import localdate
from openpyxl import load_workbook

from conftest import DEMO_PASSWORD
from daiban.adoption.export import ledger_export
from daiban.adoption.reader import read_ledger
from daiban.adoption.services import IMPORTED, ledger_import
from daiban.audit.models import AuditEvent
from daiban.cases.models import Case
from daiban.catalog import demo as catalog_demo
from daiban.lib.errors import Forbidden
from daiban.org.demo import load_demo_people
from daiban.org.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def county_facts() -> dict[str, dict]:
    """Each case by tracking number, field by field: what a ledger carries."""
    facts = {}
    for case in (Case.objects.select_related("request", "project__company", "project__location", "unit", "closure")
                 .prefetch_related("items__catalog_item", "team__user")):
        request, project, closure = case.request, case.project, getattr(case, "closure", None)
        facts[request.tracking_no] = {
            "company": (request.company_name, project.company.credit_code, request.legal_rep),
            "contact": (request.contact_name, request.contact_phone),
            "project": (project.name, project.project_code, project.location.name, project.category,
                        project.industrial, project.investment_wan, project.description),
            "unit": case.unit.name, "status": case.status,
            "dates": (localdate(request.received_at), localdate(case.accepted_at), case.entrusted_on),
            "items": sorted((i.catalog_item.code, i.status, i.started_on, i.finished_on, i.approval_no)
                            for i in case.items.all()),
            "team": sorted((m.user.username, m.role) for m in case.team.all()),
            "closure": closure and (closure.kind, closure.closed_on, closure.filed_on),
        }
    return facts


def test_the_demo_county_is_rebuilt_from_its_exported_ledger_alone(demo):
    content = ledger_export(actor=User.objects.get(username="center"))
    before = county_facts()
    assert len(before) >= 5 and any(f["closure"] for f in before.values()) and any(f["items"] for f in before.values())
    assert AuditEvent.objects.filter(event_type="import.ledger_exported").exists()

    call_command("flush", interactive=False, verbosity=0)  # an empty database …
    load_demo_people(DEMO_PASSWORD)  # … with the organisation and the staff (import_staff's part) …
    catalog_demo.load(password=DEMO_PASSWORD)  # … and the item catalog
    assert not Case.objects.exists()

    result = ledger_import(actor=User.objects.get(username="center"), ledger=read_ledger(content, "导入格式台帐.xlsx"))
    refused = {row.key: row.errors for row in result.rows if row.outcome != IMPORTED}
    assert refused == {}
    assert result.count(IMPORTED) == len(before)
    after = county_facts()
    for tracking_no, facts in before.items():
        assert after[tracking_no] == facts, tracking_no
    assert after == before


def test_the_export_has_the_import_headers_and_is_the_center_administrators_alone(demo, person):
    book = load_workbook(io.BytesIO(ledger_export(actor=person("center"))))
    assert [c.value for c in book.worksheets[0][1]][:3] == ["登记编号", "企业名称", "统一社会信用代码"]
    assert "代办团队" in [c.value for c in book.worksheets[0][1]] and "事项" in book.sheetnames
    with pytest.raises(Forbidden):
        ledger_export(actor=person("aojiang"))
