"""The center administrator's ledger import: upload, preview each row's outcome (a dry run), confirm."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from daiban.adoption.export import ledger_export
from daiban.adoption.services import IMPORTED, REFUSED, SKIPPED, WOULD_IMPORT
from daiban.adoption.template import ledger_template
from daiban.adoption.uploads import MAX_BYTES, TOO_LARGE, UploadOutcome, ledger_upload, ledger_upload_confirm
from daiban.assessment.xlsx import XLSX
from daiban.lib.errors import NotFound, ServiceError, ValidationFailed
from daiban.org.http import StaffRequest
from daiban.org.pages import require_page_role
from daiban.org.roles import Role


@login_required
def template_download(request: StaffRequest) -> HttpResponse:
    require_page_role(request.user, Role.CENTER_ADMIN, action="import.template")
    answer = HttpResponse(ledger_template(), content_type=XLSX)
    answer["Content-Disposition"] = "attachment; filename*=UTF-8''%E4%BB%A3%E5%8A%9E%E5%8F%B0%E5%B8%90.xlsx"
    return answer


@login_required
@require_http_methods(["POST"])
def export_download(request: StaffRequest) -> HttpResponse:
    """The county's cases in the import's layout, contacts unmasked: a POST (never a link to follow), audited."""
    require_page_role(request.user, Role.CENTER_ADMIN, action="import.ledger_export")
    answer = HttpResponse(ledger_export(actor=request.user), content_type=XLSX)
    answer["Content-Disposition"] = ("attachment; filename*=UTF-8''"
                                     "%E5%AF%BC%E5%85%A5%E6%A0%BC%E5%BC%8F%E5%8F%B0%E5%B8%90.xlsx")
    answer["Cache-Control"] = "no-store"
    return answer


def _preview_or_confirm(request: StaffRequest) -> UploadOutcome:
    """A preview keeps the uploaded file server-side (adoption.uploads); a confirmation names that kept file,
    never a re-posted copy, and imports it once however many times it is sent."""
    if request.POST.get("action") == "confirm":
        upload_id = request.POST.get("upload", "")
        if not upload_id.isdigit():
            raise NotFound("没有该台帐导入文件，请重新上传")
        return ledger_upload_confirm(actor=request.user, upload_id=int(upload_id))
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationFailed({"file": "请选择要导入的台帐文件"})
    if (upload.size or 0) > MAX_BYTES:
        raise ValidationFailed({"file": TOO_LARGE})
    return ledger_upload(actor=request.user, content=upload.read(), filename=upload.name or "")


@login_required
@require_http_methods(["GET", "POST"])
def ledger_page(request: StaffRequest) -> HttpResponse:
    require_page_role(request.user, Role.CENTER_ADMIN, action="import.ledger_page")
    context: dict = {}
    if request.method == "POST":
        try:
            outcome = _preview_or_confirm(request)
        except ServiceError as problem:
            return render(request, "adoption/ledger.html", {"error": problem.message}, status=problem.status)
        result, confirmed = outcome.result, outcome.upload.confirmed_at is not None
        if confirmed:
            messages.success(request, f"已导入 {result.count(IMPORTED)} 行，跳过 {result.count(SKIPPED)} 行，"
                                      f"未导入 {result.count(REFUSED)} 行。")
            if not result.count(REFUSED):
                return redirect("adoption:ledger")
        context = {"result": result, "filename": outcome.upload.filename, "upload": outcome.upload,
                   "unknown_headers": outcome.ledger.unknown_headers, "confirmed": confirmed,
                   "ready": result.count(WOULD_IMPORT), "refused": result.count(REFUSED),
                   "skipped": result.count(SKIPPED)}
    return render(request, "adoption/ledger.html", context)
