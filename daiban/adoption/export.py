"""The county's cases as a ledger in the import's own layout (导入格式台帐): what import_ledger reads back
into an empty database to rebuild the same cases, items, dates, states, teams and closures.

Unlike the assessment ledger it carries contacts unmasked (the rebuild needs them), so only the center
administrator exports it, and each export is an audit event that says so.
"""
from __future__ import annotations

import io

from django.db import transaction
from django.utils.timezone import localdate

from daiban.adoption.columns import ITEM_COLUMNS, ITEM_SHEET, LEDGER_COLUMNS
from daiban.assessment.xlsx import write_xlsx_sheets
from daiban.audit.services import audit_record
from daiban.cases.models import Case, TeamRole
from daiban.intake.models import Category
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.org.roles import Role

TEAM_SEPARATOR = "；"
_TEAM_LABELS = dict(TeamRole.choices)
_CATEGORY_LABELS = dict(Category.choices)


def team_text(members) -> str:
    """`代办员:aojiang；代办联络员:fgj` — role label and user name, as checking.parse_team reads it."""
    return TEAM_SEPARATOR.join(f"{_TEAM_LABELS[m.role]}:{m.user.username}"
                               for m in sorted(members, key=lambda m: (m.role, m.user.username)))


def _case_row(case: Case) -> list:
    request, project, closure = case.request, case.project, getattr(case, "closure", None)
    values = {
        "tracking_no": request.tracking_no, "company_name": request.company_name,
        "credit_code": project.company.credit_code, "project_name": project.name,
        "project_code": project.project_code, "location": project.location.name,
        "category": _CATEGORY_LABELS.get(project.category, ""), "industrial": "是" if project.industrial else "否",
        "investment_wan": float(project.investment_wan), "legal_rep": request.legal_rep,
        "contact_name": request.contact_name, "contact_phone": request.contact_phone,
        "received_on": localdate(request.received_at), "accepted_on": localdate(case.accepted_at),
        "status": case.get_status_display(), "closed_on": closure.closed_on if closure else None,
        "description": project.description,
        "unit": case.unit.name, "entrusted_on": case.entrusted_on, "team": team_text(case.team.all()),
        "filed_on": closure.filed_on if closure else None,
    }
    return [values[name] for name in LEDGER_COLUMNS]


def _item_rows(cases):
    for case in cases:
        for item in case.items.all():
            yield [case.request.tracking_no, item.catalog_item.code, item.started_on, item.finished_on,
                   item.get_status_display(), item.approval_no]


def ledger_export(*, actor: User) -> bytes:
    """Every case of the county, in the import's columns and 事项 sheet."""
    require_role(actor, Role.CENTER_ADMIN, action="import.ledger_export")
    assert list(ITEM_COLUMNS) == ["tracking_no", "item", "started_on", "finished_on", "status", "approval_no"]
    cases = list(Case.objects.select_related("request", "project__company", "project__location", "unit", "closure")
                 .prefetch_related("items__catalog_item", "team__user").order_by("request__tracking_no"))
    stream = io.BytesIO()
    with transaction.atomic():
        counts = write_xlsx_sheets(stream, sheets=[
            ("代办台帐", [(variants[0], 16) for variants in LEDGER_COLUMNS.values()], map(_case_row, cases)),
            (ITEM_SHEET, [(variants[0], 16) for variants in ITEM_COLUMNS.values()], _item_rows(cases)),
        ])
        audit_record(event_type="import.ledger_exported", actor=actor,
                     new={"cases": counts[0], "items": counts[1], "personal_data": "联系人、联系电话、法定代表人未遮蔽"})
    return stream.getvalue()
