"""The page side of permission: what every logged-in page does with a service's refusal. Out of scope
answers 404, a refused action 403 in Chinese, a conflict (e.g. a closed case) a message and back to the page."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from daiban.audit.refusals import keep_refusals
from daiban.lib.errors import Conflict, Forbidden, NotFound
from daiban.org.http import StaffRequest
from daiban.org.models import User
from daiban.org.permissions import require_role

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def staff_page(view: Callable[Concatenate[StaffRequest, P], R]) -> Callable[Concatenate[HttpRequest, P], R | HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponse:
        try:
            return view(cast(StaffRequest, request), *args, **kwargs)  # login_required let only a staff account in
        except NotFound:
            keep_refusals()
            raise Http404("未找到该对象，或不在您的数据范围内") from None
        except Forbidden as refusal:
            keep_refusals()  # a refusal recorded inside the service's rolled-back transaction
            return render(request, "cases/refused.html", {"message": refusal.message}, status=403)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(request.path)

    return wrapper


def require_page_role(user: User, *roles: str, action: str) -> None:
    """A page only some roles have: for anyone else it does not exist (404); the refusal is audited."""
    try:
        require_role(user, *roles, action=action)
    except Forbidden:
        raise Http404 from None
