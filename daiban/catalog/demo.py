"""The demo county's item catalog (called by seed_demo after the organisation is loaded)."""
from __future__ import annotations

from daiban.catalog.seed import load_catalog


def load(password: str) -> None:
    load_catalog()
