"""The allowance of the public progress query, shared by the page and the API."""
from __future__ import annotations

from django.conf import settings

from daiban.lib import ratelimit


def progress_query_allow(*, address: str | None, tracking_no: str) -> None:
    """Raises RateLimited past the limit per client address, or per tracking number from any address: an attacker
    with many addresses still gets only PUBLIC_QUERY_PER_NUMBER_LIMIT guesses of one number's code per window."""
    window = settings.PUBLIC_WINDOW_SECONDS
    ratelimit.check("public-query", address or "-", limit=settings.PUBLIC_QUERY_LIMIT, window_seconds=window)
    number = (tracking_no or "").strip().upper()[:20]
    if number:
        ratelimit.check("public-query-number", number, limit=settings.PUBLIC_QUERY_PER_NUMBER_LIMIT,
                        window_seconds=window)
