"""The home page's panels ("what waits for me"): each app registers a function user -> list[Panel] with
`@panel_provider` from its own `panels.py` (imported in its AppConfig.ready); the desk (daiban/desk/selectors.py)
shows them all. Here, below every app, so that an app's panel never imports the desk above it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Panel:
    title: str
    rows: list = field(default_factory=list)
    empty: str = "暂无待办"
    link: str = ""


Provider = Callable[[Any], list[Panel]]
PANEL_PROVIDERS: list[Provider] = []


def panel_provider(fn: Provider) -> Provider:
    """Register a function user -> list[Panel] that contributes to the home page."""
    PANEL_PROVIDERS.append(fn)
    return fn
