from __future__ import annotations

import uuid
from ipaddress import ip_address

from daiban.audit import context
from daiban.lib.proxy import trusted_proxy as _trusted_proxy


def client_ip(request) -> str | None:
    """The client's address: the peer's, unless the peer is one of our own proxies
    (DAIBAN_TRUSTED_PROXIES); then the nearest X-Forwarded-For entry that is not one of them. Anyone can
    write that header, so entries are believed only as far as our own proxies added them."""
    peer = request.META.get("REMOTE_ADDR") or None
    if peer is None or not _trusted_proxy(peer):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted_proxy(hop):
            try:
                return str(ip_address(hop))
            except ValueError:
                return peer  # a garbled entry: the proxy's own address is all we know
    return peer


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming[:40] if incoming.isascii() and incoming else uuid.uuid4().hex
        token = context.bind(context.RequestContext(ip=client_ip(request), request_id=request_id))
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request_id
        return response
