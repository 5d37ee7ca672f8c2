"""The unread count in the top bar (base.html)."""
from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from daiban.notify.selectors import unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    # Lazy: pages that do not show the top bar (htmx fragments) never run the query.
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
