"""Counts of long lists that do not scan the table on every page view: kept a minute, and labelled as such."""
from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from daiban.lib.kept import kept

KEEP_SECONDS = 60


def cached_count(rows: QuerySet) -> int:
    """rows.count(), counted at most once a minute for the same query."""
    sql, params = rows.order_by().query.sql_with_params()
    key = "count:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    return kept(key, rows.order_by().count, seconds=KEEP_SECONDS)
