"""Bringing a county's existing ledger in: one service per ledger row, writing the rows as they were.

The rows are historical facts, so they are written directly (request, case, items, team, closure) rather
than replayed through the live state machine; each imported row gets one `import.case_imported` event.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone

from daiban.adoption.checking import CLOSED, LedgerEntry, check_item, check_row
from daiban.adoption.columns import norm
from daiban.adoption.models import LedgerRow
from daiban.adoption.reader import Ledger
from daiban.audit.services import audit_record
from daiban.cases import hooks as team_hooks
from daiban.cases.models import Case, CaseItem, CaseTransition, Project, TeamMember, TeamRole
from daiban.closure.deadlines import filing_due
from daiban.closure.models import Closure
from daiban.intake.models import Company, Request, Source
from daiban.lib import clock
from daiban.lib.codes import new_query_code
from daiban.numbering.counters import next_number
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.org.roles import Role

IMPORTED = "imported"
SKIPPED = "skipped"  # already imported by an earlier run, or a duplicate line of this file
REFUSED = "refused"
WOULD_IMPORT = "would_import"  # dry run
logger = logging.getLogger(__name__)
OUTCOME_LABELS = {IMPORTED: "已导入", SKIPPED: "已存在，跳过", REFUSED: "未导入", WOULD_IMPORT: "可导入"}


@dataclass
class RowOutcome:
    line: int
    key: str
    outcome: str
    errors: list[str] = field(default_factory=list)
    tracking_no: str = ""

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass
class ImportResult:
    rows: list[RowOutcome]
    dry_run: bool

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _tracking_no(day: dt.date) -> str:
    """DR (导入) + the registration day + that day's count, for ledger rows without a 登记编号."""
    prefix = f"DR{day:%Y%m%d}"
    return f"{prefix}{next_number(f'tracking_no:{prefix}'):04d}"


def _lead_agent(unit) -> User | None:
    return (User.objects.filter(body=unit, is_active=True, role_grants__role=Role.AGENT)
            .order_by("pk").first())


def ledger_row_import(*, actor: User, entry: LedgerEntry, source_file: str = "") -> Request:
    """Writes one checked ledger row as it was: request, project, case, items, team, closure."""
    require_role(actor, Role.CENTER_ADMIN, action="import.ledger_row")
    v = entry.values
    received, accepted = _at(v["received_on"]), _at(v["accepted_on"])
    with transaction.atomic():
        company, _ = Company.objects.get_or_create(
            credit_code=v["credit_code"], defaults={"name": v["company_name"], "legal_rep": v["legal_rep"]})
        request = Request.objects.create(
            tracking_no=v["tracking_no"] or _tracking_no(v["received_on"]), query_code=new_query_code(),
            source=Source.WINDOW, status=Request.Status.ACCEPTED, unit=v["unit"], company=company,
            company_name=v["company_name"], legal_rep=v["legal_rep"], contact_name=v["contact_name"],
            contact_phone=v["contact_phone"], project_name=v["project_name"], project_code=v["project_code"],
            location=v["location"], category=v["category"], industrial=v["industrial"],
            investment_wan=v["investment_wan"], description=v["description"], registered_by=actor,
            written_request=True, received_at=received, deemed_day=v["received_on"],
            first_contact_due=v["received_on"], first_contact_at=received, first_contact_note="台帐导入",
            reviewed_at=accepted, reviewed_by=actor)
        project = Project.objects.create(
            name=v["project_name"], company=company, location=v["location"], category=v["category"],
            industrial=v["industrial"], investment_wan=v["investment_wan"], project_code=v["project_code"],
            description=v["description"])
        case = Case.objects.create(request=request, project=project, unit=v["unit"], status=v["status"],
                                   accepted_at=accepted, accepted_by=actor, entrusted_on=v["entrusted_on"])
        CaseTransition.objects.create(case=case, from_status="", to_status=v["status"], at=accepted, by=actor,
                                      note="导入")
        for item in entry.items:
            CaseItem.objects.create(case=case, catalog_item=item.catalog_item, status=item.status,
                                    started_on=item.started_on, finished_on=item.finished_on,
                                    approval_no=item.approval_no)
        if v["team"] is not None:
            TeamMember.objects.bulk_create(TeamMember(case=case, user=user, role=role) for user, role in v["team"])
        elif agent := _lead_agent(v["unit"]):
            TeamMember.objects.create(case=case, user=agent, role=TeamRole.AGENT)
        team_hooks.run(case.pk)
        if v["status"] in CLOSED:
            kind = Closure.Kind.COMPLETION if v["status"] == CLOSED[0] else Closure.Kind.TERMINATION
            due = filing_due(v["closed_on"])
            # A closed ledger case was filed on paper when it closed (imported as filed that day), unless the
            # ledger has a 归档日期 column, which is taken as it is.
            Closure.objects.create(case=case, kind=kind, closed_on=v["closed_on"], closed_at=_at(v["closed_on"]),
                                   closed_by=actor, opinion="台帐导入", filing_due_on=due.date,
                                   filing_due_provisional=due.provisional, filed_on=v["filed_on"],
                                   filed_at=clock.now() if v["filed_on"] else None,
                                   filed_by=actor if v["filed_on"] else None)
        LedgerRow.objects.create(key=entry.key, request=request, source_file=source_file[:200],
                                 imported_at=clock.now())
        audit_record(event_type="import.case_imported", actor=actor, obj=case,
                     new={"导入": True, "line": entry.line, "key": entry.key, "file": source_file,
                          "status": v["status"], "items": len(entry.items)})
    return request


def ledger_import(*, actor: User, ledger: Ledger, source_file: str = "", dry_run: bool = False) -> ImportResult:
    """Checks every row, then imports each good one in its own transaction (a dry run rolls each back)."""
    require_role(actor, Role.CENTER_ADMIN, action="import.ledger")
    today = clock.today()
    entries: dict[str, LedgerEntry] = {}
    outcomes: list[RowOutcome] = []
    for line, raw in ledger.rows:
        entry = check_row(line, raw, today=today)
        if entry.key in entries:
            outcomes.append(RowOutcome(line, entry.key, SKIPPED, [f"与第 {entries[entry.key].line} 行重复"]))
            continue
        entries[entry.key] = entry
    for line, raw in ledger.items:
        key = norm(raw.get("tracking_no")).upper()
        if key not in entries:
            outcomes.append(RowOutcome(line, key, REFUSED, [f"事项表第 {line} 行：登记编号“{key}”不在台帐中"]))
            continue
        check_item(raw, entries[key], today=today)
    done = set(LedgerRow.objects.filter(key__in=entries).values_list("key", flat=True))
    for entry in entries.values():
        if entry.key in done:
            outcomes.append(RowOutcome(entry.line, entry.key, SKIPPED, ["此前已导入"]))
        elif entry.errors:
            outcomes.append(RowOutcome(entry.line, entry.key, REFUSED, entry.errors))
        else:
            outcomes.append(_import_one(actor, entry, source_file, dry_run))
    outcomes.sort(key=lambda row: row.line)
    return ImportResult(rows=outcomes, dry_run=dry_run)


class _DryRun(Exception):
    pass


def _import_one(actor: User, entry: LedgerEntry, source_file: str, dry_run: bool) -> RowOutcome:
    try:
        with transaction.atomic():
            request = ledger_row_import(actor=actor, entry=entry, source_file=source_file)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return RowOutcome(entry.line, entry.key, WOULD_IMPORT, tracking_no=request.tracking_no)
    except DatabaseError:  # a row the checks let through but the database refused: listed, not fatal
        logger.exception("ledger row %s (%s) was refused by the database", entry.line, entry.key)
        if LedgerRow.objects.filter(key=entry.key).exists():  # a parallel run imported it meanwhile
            return RowOutcome(entry.line, entry.key, SKIPPED, ["此前已导入"])
        if Request.objects.filter(tracking_no=entry.values["tracking_no"]).exists():
            return RowOutcome(entry.line, entry.key, REFUSED,
                              [f"登记编号{entry.values['tracking_no']}已被系统中其他登记使用"])
        return RowOutcome(entry.line, entry.key, REFUSED, ["写入失败，请核对该行数据后重试"])
    return RowOutcome(entry.line, entry.key, IMPORTED, tracking_no=request.tracking_no)
