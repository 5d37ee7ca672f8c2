"""The ledger import for integrators: send a file (a preview comes back), confirm it, or export the county in the
import's layout. The county center administrator's alone (docs/import.md, docs/api.md)."""
from __future__ import annotations

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from daiban.adoption.export import ledger_export
from daiban.adoption.uploads import UploadOutcome, ledger_upload, ledger_upload_confirm
from daiban.assessment.xlsx import XLSX
from daiban.lib.errors import ValidationFailed
from daiban.lib.schemas import errors, without_idempotency_key
from daiban.org.http import StaffRequest
from daiban.org.permissions import require_role
from daiban.org.roles import Role

router = Router(tags=["台帐导入"])
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


class ImportRowOut(Schema):
    line: int = Field(description="台帐文件中的行号（事项表的行以“事项表第 N 行”说明）")
    key: str = Field(description="该行的标识：登记编号，或“信用代码|项目名称”")
    outcome: str = Field(description="would_import 可导入（预览）、imported 已导入、skipped 跳过（重复行或此前已导入）、"
                                     "refused 未导入")
    outcome_label: str
    errors: list[str] = Field(description="中文原因：未导入的问题，或跳过的原因（如“与第 3 行重复”）")
    tracking_no: str = Field(description="将使用或已使用的登记编号")


class LedgerImportOut(Schema):
    id: int = Field(description="导入文件编号；预览后以 POST /imports/{id}/confirm 确认导入")
    filename: str
    confirmed: bool
    counts: dict[str, int] = Field(description="各结果的行数：would_import、imported、skipped、refused")
    unknown_headers: list[str] = Field(description="未识别（已忽略）的列名")
    rows: list[ImportRowOut] = Field(description="每一行的结果，按行号排列（整份报告，不分页）")


def _answer(outcome: UploadOutcome) -> dict:
    upload, result = outcome.upload, outcome.result
    return {"id": upload.pk, "filename": upload.filename, "confirmed": upload.confirmed_at is not None,
            "counts": outcome.counts(), "unknown_headers": outcome.ledger.unknown_headers,
            "rows": [{"line": row.line, "key": row.key, "outcome": row.outcome, "outcome_label": row.label,
                      "errors": row.errors, "tracking_no": row.tracking_no} for row in result.rows]}


def _dry_run(value: str | None) -> bool:
    text = (value or "true").strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValidationFailed({"dry_run": "应为 true 或 false"})


_MULTIPART = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "台帐文件（.xlsx 或 .csv，≤ 1.5 MB）"},
        "dry_run": {"type": "string", "enum": ["true", "false"], "default": "true",
                    "description": "true（默认）：只预览，确认另行调用；false：直接导入"},
    }}}}}}


@router.post("/ledger", response={201: LedgerImportOut, **errors(400, 403, 413)}, openapi_extra=_MULTIPART,
             summary="上传代办台帐：预览每一行的结果（dry_run=false 则直接导入）")
def ledger_upload_api(request: StaffRequest) -> Status[dict]:
    # The file is read from the form here, after the service's permission check, not by the framework before it.
    require_role(request.user, Role.CENTER_ADMIN, action="import.ledger_upload")
    dry_run = _dry_run(request.POST.get("dry_run"))
    upload = request.FILES.get("file")
    outcome = ledger_upload(actor=request.user, content=upload.read() if upload else b"",
                            filename=(upload.name or "") if upload else "")
    if not dry_run:
        outcome = ledger_upload_confirm(actor=request.user, upload_id=outcome.upload.pk)
    return Status(201, _answer(outcome))


@router.post("/{upload_id}/confirm", response={200: LedgerImportOut, **errors(403, 409)},
             summary="确认导入已预览的台帐文件（每个文件只能确认一次）")
def ledger_confirm_api(request: StaffRequest, upload_id: int) -> Status[dict]:
    return Status(200, _answer(ledger_upload_confirm(actor=request.user, upload_id=upload_id)))


@router.post("/ledger/export", response={200: None, **errors(403)},
             summary="导出导入格式台帐（.xlsx：全部案件，联系人未遮蔽，导出留痕；可原样导入另一套系统）")
@without_idempotency_key  # personal data in full: never kept as a stored answer
def ledger_export_api(request: StaffRequest) -> HttpResponse:
    # A POST, not a GET: an explicit act that no crawler, prefetch or shared link repeats.
    answer = HttpResponse(ledger_export(actor=request.user), content_type=XLSX)
    answer["Content-Disposition"] = "attachment; filename*=UTF-8''ledger-import-format.xlsx"
    answer["Cache-Control"] = "no-store"
    return answer
