"""Our own reverse proxies (DAIBAN_TRUSTED_PROXIES): only their forwarding headers are believed."""
from __future__ import annotations

from collections.abc import Callable
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def trusted_proxy(address: str) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in settings.TRUSTED_PROXIES)


class ProxyHeaders:
    """Drops X-Forwarded-Proto from a request that did not come through one of our proxies, so that
    request.is_secure() (secure cookies, the https redirect, CSRF's origin check) believes only them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_FORWARDED_PROTO" in request.META and not trusted_proxy(request.META.get("REMOTE_ADDR") or ""):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)
