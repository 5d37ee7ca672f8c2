"""A ledger file sent through the API or the import page: kept server-side and previewed (every row's outcome,
nothing written), then imported from the kept file, once, when the center administrator confirms it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils.timezone import localtime

from daiban.adoption.models import LedgerUpload
from daiban.adoption.reader import Ledger, read_ledger
from daiban.adoption.services import IMPORTED, REFUSED, SKIPPED, WOULD_IMPORT, ImportResult, ledger_import
from daiban.audit.services import audit_record
from daiban.lib import clock
from daiban.lib.errors import Conflict, NotFound, ValidationFailed
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.org.roles import Role

# Below Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) with room to spare: the API's edge reads the whole body
# (NUL check, Idempotency-Key fingerprint). About 20,000 ledger lines in an .xlsx.
MAX_BYTES = 1_500_000
TOO_LARGE = "文件超过 1.5 MB，请分批导入"


@dataclass(frozen=True)
class UploadOutcome:
    upload: LedgerUpload
    ledger: Ledger
    result: ImportResult

    def counts(self) -> dict[str, int]:
        return {name: self.result.count(name) for name in (WOULD_IMPORT, IMPORTED, SKIPPED, REFUSED)}


def _read(content: bytes, filename: str) -> Ledger:
    try:
        return read_ledger(content, filename)
    except ValueError as problem:
        raise ValidationFailed({"file": str(problem)}) from None


def ledger_upload(*, actor: User, content: bytes, filename: str) -> UploadOutcome:
    """Keeps the file and answers the preview: each row would be imported, is skipped (a duplicate line or
    imported before) or is refused with its Chinese reasons."""
    require_role(actor, Role.CENTER_ADMIN, action="import.ledger_upload")
    if not content:
        raise ValidationFailed({"file": "请上传台帐文件（.xlsx 或 .csv）"})
    if len(content) > MAX_BYTES:
        raise ValidationFailed({"file": TOO_LARGE})
    filename = (filename or "").strip()[-200:]
    ledger = _read(content, filename)
    result = ledger_import(actor=actor, ledger=ledger, source_file=filename, dry_run=True)
    with transaction.atomic():
        upload = LedgerUpload.objects.create(uploaded_by=actor, filename=filename, content=content,
                                             sha256=hashlib.sha256(content).hexdigest(), uploaded_at=clock.now())
        outcome = UploadOutcome(upload, ledger, result)
        audit_record(event_type="import.ledger_uploaded", actor=actor, obj=upload,
                     new={"file": filename, "sha256": upload.sha256, **outcome.counts()})
    return outcome


def ledger_upload_confirm(*, actor: User, upload_id: int) -> UploadOutcome:
    """Imports a previewed file, once: each good row in its own transaction, as import_ledger does."""
    require_role(actor, Role.CENTER_ADMIN, action="import.ledger_confirm")
    with transaction.atomic():
        upload = LedgerUpload.objects.select_for_update(no_key=True).filter(pk=upload_id).first()
        if upload is None:
            raise NotFound("没有该台帐导入文件")
        if upload.confirmed_at is not None:
            raise Conflict(f"该文件已于 {localtime(upload.confirmed_at):%Y-%m-%d %H:%M} 确认导入",
                           code="import.already_confirmed")
        upload.confirmed_at, upload.confirmed_by = clock.now(), actor
        upload.save(update_fields=["confirmed_at", "confirmed_by"])
    ledger = _read(bytes(upload.content), upload.filename)
    result = ledger_import(actor=actor, ledger=ledger, source_file=upload.filename)
    outcome = UploadOutcome(upload, ledger, result)
    with transaction.atomic():
        audit_record(event_type="import.ledger_confirmed", actor=actor, obj=upload,
                     new={"file": upload.filename, "sha256": upload.sha256, **outcome.counts()})
    return outcome
