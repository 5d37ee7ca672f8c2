"""Links that work outside the site (e-mail, SMS, the API): a path made absolute with settings.PUBLIC_URL."""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

# Used when no public address is configured (development and tests), so a link is still absolute.
FALLBACK_ORIGIN = "http://localhost:8000"


def absolute_url(path: str) -> str:
    """`/cases/12/` → `https://daiban.example.gov.cn/cases/12/`; an absolute URL is returned as it is."""
    if not path or path.startswith(("http://", "https://")):
        return path
    origin = (getattr(settings, "PUBLIC_URL", "") or FALLBACK_ORIGIN).rstrip("/")
    return f"{origin}/{path.lstrip('/')}"


def url_for_each(name: str, *args: object, placeholder: str | int = "__key__") -> Callable[[object], str]:
    """`reverse(name, args=[*args, key])` for many keys at the cost of one reversal: the URL is reversed once with
    `placeholder` as its last argument (0 for an int converter), and each key is put in its place. For keys that
    need no quoting in a path (numbers, slugs such as catalog codes)."""
    head, tail = reverse(name, args=[*args, placeholder]).rsplit(f"/{placeholder}/", 1)
    return lambda key: f"{head}/{key}/{tail}"
