"""The edge against hostile input: a NUL character anywhere in a request, and the refusals that would otherwise
surface as a 500 (a value the database cannot hold), answered 422 in Chinese.

API requests get the one error shape (their queries and bodies are checked once the caller is known,
accounts/readonly.py); pages get the message (the page's forms already name the field: Django's CharField
refuses NUL and over-long text, and daiban.lib.fits refuses the rest at save time)."""
from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from daiban.lib.apierrors import API_PREFIX, error_response
from daiban.lib.errors import ValidationFailed

NUL_MESSAGE = "含有不允许的字符（空字符 NUL）"
PLACES = {"path": "地址", "query": "查询参数", "body": "内容"}
DATA_ERROR = "输入的内容超出允许的长度或数值范围"


def nul_in(request, *, api: bool = False) -> str | None:
    """Where a NUL character is: "path", "query" or, for the API's JSON, "body"; or None."""
    if "\x00" in request.path:
        return "path"
    if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return "query"
    if api and request.method in ("POST", "PUT", "PATCH"):
        try:
            body = request.body
        except RequestDataTooBig:
            return None  # answered 413 further on
        if request.content_type == "multipart/form-data":
            return _nul_in_form(request)
        if b"\x00" in body or b"\\u0000" in body:
            return "body"
    return None


def _nul_in_form(request) -> str | None:
    """A multipart body (a ledger upload): its files are binary (an .xlsx is a zip, full of NUL bytes) and are
    checked by their readers; its text fields and file names are not. The body was read first, so the
    parse below leaves it readable (the Idempotency-Key fingerprint reads it again)."""
    try:
        texts = [value for _, values in request.POST.lists() for value in values]
        texts += [upload.name or "" for _, uploads in request.FILES.lists() for upload in uploads]
    except MultiPartParserError:
        return None  # the view finds no form and says so
    return "body" if any("\x00" in text for text in texts) else None


def nul_refusal(where: str):
    return _refuse_api({where: f"请求的{PLACES[where]}{NUL_MESSAGE}"})


def _refuse_api(errors: dict[str, str]):
    refusal = ValidationFailed(errors)
    return error_response(refusal.code, refusal.message, refusal.as_detail())


def _refuse(request, errors: dict[str, str]):
    if request.path.startswith(API_PREFIX):
        return _refuse_api(errors)
    return render(request, "errors/422.html", {"errors": list(errors.items())}, status=422)


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The API checks its queries and bodies after the caller is known (accounts/readonly.py): an anonymous
        # caller hears 401 first.
        where = nul_in(request) if not request.path.startswith(API_PREFIX) else (
            "path" if "\x00" in request.path else None)
        if where is not None:
            return _refuse(request, {where: f"请求的{PLACES[where]}{NUL_MESSAGE}"})
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A page whose view let a refusal through, or a value the database could not store: 422, not 500."""
        if isinstance(exception, ValidationFailed) and not request.path.startswith(API_PREFIX):
            return _refuse(request, exception.errors)
        if isinstance(exception, DataError):
            return _refuse(request, {"__all__": DATA_ERROR})
        return None
