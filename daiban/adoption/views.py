"""The center administrator's ledger import: upload, preview each row's outcome (a dry run), confirm."""
from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from daiban.adoption.export import ledger_export
from daiban.adoption.reader import read_ledger
from daiban.adoption.services import IMPORTED, REFUSED, SKIPPED, WOULD_IMPORT, ledger_import
from daiban.adoption.template import ledger_template
from daiban.adoption.uploads import MAX_BYTES, TOO_LARGE
from daiban.assessment.xlsx import XLSX
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


def _uploaded(request: StaffRequest) -> tuple[bytes, str]:
    """The file of a preview (uploaded) or of a confirmation (carried back in the form). Raises ValueError."""
    if upload := request.FILES.get("file"):
        if (upload.size or 0) > MAX_BYTES:
            raise ValueError(TOO_LARGE)
        return upload.read(), upload.name or ""
    try:
        return base64.b64decode(request.POST.get("content", ""), validate=True), request.POST.get("filename", "")
    except (binascii.Error, ValueError):
        raise ValueError("文件内容无效，请重新上传") from None


@login_required
@require_http_methods(["GET", "POST"])
def ledger_page(request: StaffRequest) -> HttpResponse:
    require_page_role(request.user, Role.CENTER_ADMIN, action="import.ledger_page")
    context: dict = {}
    if request.method == "POST":
        confirm = request.POST.get("action") == "confirm"
        try:
            content, filename = _uploaded(request)
            if not content:
                raise ValueError("请选择要导入的台帐文件")
            ledger = read_ledger(content, filename)
        except ValueError as problem:
            return render(request, "adoption/ledger.html", {"error": str(problem)}, status=422)
        result = ledger_import(actor=request.user, ledger=ledger, source_file=filename, dry_run=not confirm)
        if confirm:
            messages.success(request, f"已导入 {result.count(IMPORTED)} 行，跳过 {result.count(SKIPPED)} 行，"
                                      f"未导入 {result.count(REFUSED)} 行。")
            if not result.count(REFUSED):
                return redirect("adoption:ledger")
        context = {"result": result, "filename": filename, "unknown_headers": ledger.unknown_headers,
                   "content": base64.b64encode(content).decode(), "confirmed": confirm,
                   "ready": result.count(WOULD_IMPORT), "refused": result.count(REFUSED),
                   "skipped": result.count(SKIPPED)}
    return render(request, "adoption/ledger.html", context)
