"""Numbers handed out one by one without ever colliding: a counter row per name, bumped in the caller's transaction.

One statement reads and bumps the row (`UPDATE … RETURNING`, or `INSERT … ON CONFLICT DO UPDATE … RETURNING`
for a name's first number), so two concurrent transactions never get the same number: on PostgreSQL the second
waits on the row's lock until the first ends and then reads its value; SQLite runs one writer at a time. The
number belongs to the caller's transaction, so a rolled-back registration gives its number back and the day's
numbers stay without gaps. A name's first number continues from what already exists (`start`), so numbers
handed out before the counter existed are never repeated.
"""
from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from daiban.numbering.models import Counter

_TABLE = Counter._meta.db_table


def next_number(name: str, *, start: Callable[[], int] = lambda: 1) -> int:
    """The next number under `name`; `start()` (called only for a name not yet counted) gives its first."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_TABLE} SET value = value + 1 WHERE name = %s RETURNING value", [name])
        row = cursor.fetchone()
        if row is None:
            # Two first numbers at once: the second finds the first's row and counts on from it.
            cursor.execute(f"INSERT INTO {_TABLE} (name, value) VALUES (%s, %s) "
                           f"ON CONFLICT (name) DO UPDATE SET value = {_TABLE}.value + 1 RETURNING value",
                           [name, start()])
            row = cursor.fetchone()
    return row[0]
