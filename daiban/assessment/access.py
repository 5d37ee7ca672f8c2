"""Who reads which part of assessment, and the audit of personal data shown to leaders and inspectors."""
from __future__ import annotations

from typing import Any

from daiban.audit.services import audit_record
from daiban.intake.services import CARD_ISSUER_KINDS
from daiban.org.permissions import require_role
from daiban.org.roles import CASE_WORKER_ROLES, Role

STATS_READERS = CASE_WORKER_ROLES | {Role.LEADER, Role.INSPECTOR, Role.LIAISON}
LEDGER_READERS = CASE_WORKER_ROLES | {Role.LEADER, Role.INSPECTOR}
SUPERVISORS = frozenset({Role.CENTER_ADMIN, Role.UNIT_ADMIN, Role.LEADER, Role.INSPECTOR})
# Who may issue a supervision order (督办) from the supervision pages; inspectors only read.
SUPERVISION_ACTORS = frozenset({Role.CENTER_ADMIN, Role.UNIT_ADMIN, Role.LEADER})
# Their looking at owners' personal data is recorded (seed §7.4: 纪检监察 and leaders supervise).
AUDITED_READERS = frozenset({Role.LEADER, Role.INSPECTOR})


def require_reader(user, roles, action: str) -> None:
    require_role(user, *roles, action=action)


def require_directory_reader(user, action: str) -> None:
    department = getattr(user, "department", None)
    if department is not None and department.kind in CARD_ISSUER_KINDS:
        return
    require_role(user, *(CASE_WORKER_ROLES | {Role.LEADER, Role.INSPECTOR, Role.LIAISON}), action=action)


def personal_data_viewed(user, *, where: str, obj=None, rows: int | None = None, fields=("联系人", "联系电话")) -> None:
    """Records that a leader or an inspector was shown owners' contact data (names, phones)."""
    if not user.has_role(*AUDITED_READERS):
        return

    new: dict[str, Any] = {"page": where, "fields": list(fields)}
    if rows is not None:
        new["rows"] = rows
    audit_record(event_type="access.personal_data_viewed", actor=user, obj=obj, new=new)
