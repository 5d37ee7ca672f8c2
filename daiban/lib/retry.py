"""How long an outbox waits before trying a failed delivery again (notifications, provincial reports)."""
from __future__ import annotations

import datetime as dt


def backoff(attempts: int, *, first_minutes: int = 1, max_minutes: int = 60) -> dt.timedelta:
    """The wait after the attempts-th failure: 1, 2, 4, 8 … minutes (doubling from first_minutes),
    at most max_minutes."""
    if attempts < 1:
        raise ValueError("attempts starts at 1")
    return dt.timedelta(minutes=min(first_minutes * 2 ** (attempts - 1), max_minutes))
