"""What waits for a person on the home page. Each later part of the service adds its panels here."""
from __future__ import annotations

from dataclasses import dataclass, field

from daiban.org.roles import Role


@dataclass
class Panel:
    title: str
    rows: list = field(default_factory=list)
    empty: str = "暂无待办"
    link: str = ""


PANEL_PROVIDERS: list = []


def panel_provider(fn):
    """Register a function user -> list[Panel] that contributes to the home page."""
    PANEL_PROVIDERS.append(fn)
    return fn


def waiting_for(user) -> list[Panel]:
    panels: list[Panel] = []
    for provider in PANEL_PROVIDERS:
        panels.extend(provider(user))
    if not panels and user.has_role(Role.AUDIT_ADMIN):
        panels.append(Panel(title="审计链", rows=[], empty="进入“审计日志”校验审计链", link="/audit/"))
    return panels
