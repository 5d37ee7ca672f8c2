"""Query codes: the secret a company holds next to its (public, sequential) tracking number.

12 symbols from a 32-symbol alphabet without 0/O and 1/I, so 32**12 = 2**60 codes; with the per-tracking-number
limit on the progress query that makes guessing hopeless (the arithmetic is in SECURITY.md)."""
from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12


def new_query_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_query_code(typed: str) -> str:
    """What a person types, as stored: upper case, without the spaces and hyphens of the grouped display."""
    return "".join(ch for ch in (typed or "").upper() if ch not in " -\t")

