"""How API callers prove who they are: a bearer token, or the page session (with CSRF)."""
from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from daiban.accounts.tokens import token_user
from daiban.org.models import User


class BearerToken(HttpBearer):
    openapi_description = "POST /api/v1/auth/token 换取的令牌：Authorization: Bearer <token>"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """The logged-in page session, for htmx calls from our own pages."""


STAFF_AUTH = [BearerToken(), StaffSession()]


def api_caller(request: HttpRequest) -> User | None:
    """Who is calling, as STAFF_AUTH will find it, for code that runs before the operation (idempotency keys)."""
    user = STAFF_AUTH[0](request)
    if user:
        return user
    session_user = getattr(request, "user", None)
    return session_user if session_user is not None and session_user.is_authenticated else None
