"""Links that work outside the site (e-mail, SMS, the API): a path made absolute with settings.PUBLIC_URL."""
from __future__ import annotations

from django.conf import settings

# Used when no public address is configured (development and tests), so a link is still absolute.
FALLBACK_ORIGIN = "http://localhost:8000"


def absolute_url(path: str) -> str:
    """`/cases/12/` → `https://daiban.example.gov.cn/cases/12/`; an absolute URL is returned as it is."""
    if not path or path.startswith(("http://", "https://")):
        return path
    origin = (getattr(settings, "PUBLIC_URL", "") or FALLBACK_ORIGIN).rstrip("/")
    return f"{origin}/{path.lstrip('/')}"
