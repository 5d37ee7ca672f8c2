"""Who may see a person's full number or name, and the one way to see it.

Pages, exports and API answers show personal data masked (daiban/lib/personal.py). A full value is
shown only through `personal_data_reveal`, which checks the right first, then the data scope, and
writes an `access.personal_data_revealed` event naming the fields (never their values).

The right (PIPL: 最小必要): case workers (who must call the owner within one working day) for the
requests, companies and consultations of their agency bodies, and the discipline inspector county
-wide (fee complaints); the department that reported a directory project for its own entries;
any member of staff for a colleague's mobile number. Leaders, liaison officers, the three
administrators and owners see masks only.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from daiban.audit.refusals import audit_refusal
from daiban.audit.services import audit_record
from daiban.intake.models import Company, Consultation, DirectoryEntry, Request
from daiban.lib.errors import NotFound, ValidationFailed
from daiban.lib.personal import EncryptedCharField
from daiban.org.models import User
from daiban.org.permissions import refuse
from daiban.org.roles import CASE_WORKER_ROLES, STAFF_ROLES, Role
from daiban.org.scope import scope_of

REVEALERS = CASE_WORKER_ROLES | {Role.INSPECTOR}


@dataclass(frozen=True)
class Subject:
    model: type[models.Model]
    label: str


SUBJECTS: dict[str, Subject] = {
    "request": Subject(Request, "代办登记"),
    "company": Subject(Company, "企业"),
    "directory": Subject(DirectoryEntry, "目录库项目"),
    "consultation": Subject(Consultation, "咨询记录"),
    "user": Subject(User, "工作人员"),
}


def personal_fields(model: type[models.Model]) -> list[EncryptedCharField]:
    return [field for field in model._meta.fields if isinstance(field, EncryptedCharField)]


def _may_ever_reveal(user, subject: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if subject == "user":
        return bool(user.roles & STAFF_ROLES)
    if subject == "directory":
        return user.has_role(*REVEALERS) or user.department_id is not None
    return user.has_role(*REVEALERS)


def can_reveal(user, subject: str, obj: Any) -> bool:
    """The one rule of who may see the full personal data of `obj` (see the module's docstring)."""
    if not _may_ever_reveal(user, subject):
        return False
    if subject == "user":
        return bool(obj.roles & STAFF_ROLES)
    if subject == "directory":
        return user.has_role(*REVEALERS) or user.department_id == obj.source_department_id
    scope = scope_of(user)
    if subject == "request":
        return scope.covers_body(obj.unit_id)
    if subject == "consultation":
        return scope.covers_body(obj.body_id)
    if subject == "company":
        return scope.county_wide or obj.requests.filter(unit_id__in=scope.body_ids).exists()
    return False


def personal_data_reveal(*, actor: User, subject: str, pk: int | str) -> dict[str, str]:
    """The full personal data of one record, as {field label: value}; recorded as an audit event.

    Without any right to reveal: 403 (recorded). With the right but not for this record, or no such
    record: 404 (recorded), as for anything outside one's data scope."""
    kind = SUBJECTS.get(subject)
    if kind is None:
        raise ValidationFailed({"subject": "应为 " + "、".join(SUBJECTS)})
    if not _may_ever_reveal(actor, subject):
        refuse(actor, action="personal_data_reveal", required_roles=sorted(REVEALERS),
               why=f"无权查看{kind.label}的完整个人信息")
    obj = kind.model._default_manager.filter(pk=pk).first() if str(pk).isdigit() else None
    if obj is None or not can_reveal(actor, subject, obj):
        audit_refusal(actor=actor, new={"action": "personal_data_reveal", "object_type": kind.model._meta.label_lower,
                                        "object_id": str(pk)})
        raise NotFound("未找到该对象，或不在您的数据范围内")
    fields = personal_fields(kind.model)
    with transaction.atomic():
        audit_record(event_type="access.personal_data_revealed", actor=actor, obj=obj,
                     new={"subject": subject, "fields": [str(field.verbose_name) for field in fields]})
    return {str(field.verbose_name): getattr(obj, field.attname) for field in fields}


def owner_documents_release(*, actor: User, request: Request, what: str) -> None:
    """Before a case's official forms leave the system (a .docx, the archive). The forms given to
    the owner carry the owner's data in full, as the owner signs them: only the owner itself and
    those who may reveal the request's personal data take them, and each time is recorded."""
    own = actor.has_role(Role.OWNER) and request.company.owner_users.filter(pk=actor.pk).exists()
    if not own and not can_reveal(actor, "request", request):
        refuse(actor, action="owner_documents", required_roles=sorted(REVEALERS),
               why="文书含业主完整联系信息，无权下载")
    with transaction.atomic():
        audit_record(event_type="access.personal_data_revealed", actor=actor, obj=request,
                     new={"subject": "request", "document": what})
