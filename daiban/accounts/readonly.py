"""Permission before input: a caller whose roles only read is refused every write of the API before its body,
its path or the object's state is looked at, so it learns nothing from a 422 or a 409.

The inspector (纪检监察) and the security auditor read; no API operation lets them write. An operation they may
still call (ending their own token, revealing personal data they are entitled to see) is marked
`open_to_readers`. Then a NUL character in the query or the body is refused (422), once the caller is known.
Finer rules (which case worker may do what) stay in the services, which check first too."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from daiban.accounts.apiauth import api_caller
from daiban.lib.apierrors import error_response
from daiban.lib.errors import Forbidden
from daiban.lib.hostile import nul_in, nul_refusal
from daiban.org.permissions import refuse
from daiban.org.roles import Role

READ_ONLY_ROLES = frozenset({Role.INSPECTOR, Role.AUDIT_ADMIN})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def only_reads(user) -> bool:
    roles = user.roles
    return bool(roles) and roles <= READ_ONLY_ROLES


def _operation_of(run: Callable | None) -> Any:
    """The django-ninja Operation under the other view decorators (functools.wraps keeps __wrapped__)."""
    while run is not None and getattr(run, "__self__", None) is None:
        run = getattr(run, "__wrapped__", None)
    return getattr(run, "__self__", None)


def permission_first(run: Callable) -> Callable:
    """Wraps a bound django-ninja Operation.run (NinjaAPI.add_decorator(..., mode="view")), outermost."""
    operation = _operation_of(run)
    if operation is None:
        return run
    readers_refused = bool(operation.auth_callbacks and set(operation.methods) & WRITE_METHODS
                           and not getattr(operation.view_func, "open_to_readers", False))

    @wraps(run)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        where = nul_in(request, api=True)
        refusing_readers = readers_refused and request.method in WRITE_METHODS
        if where is None and not refusing_readers:
            return run(request, *args, **kwargs)  # no caller looked up: a read costs no extra query
        caller = api_caller(request)
        if operation.auth_callbacks and caller is None:
            return run(request, *args, **kwargs)  # django-ninja answers 401 before reading anything
        if refusing_readers and only_reads(caller):
            try:
                refuse(caller, action=f"{request.method} {request.path}"[:200], why="只读角色不能写入")
            except Forbidden as refusal:
                return error_response(refusal.code, refusal.message, status=refusal.status)
        if where is not None:
            return nul_refusal(where)
        return run(request, *args, **kwargs)

    return guarded
