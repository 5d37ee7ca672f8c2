"""A migration that filled a table leaves PostgreSQL's planner statistics about it behind."""
from __future__ import annotations

from typing import Any, cast

import pytest
from django.db import connection

from daiban.lib.migrating import analyzed


def _statistics_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="planner statistics are PostgreSQL's")
@pytest.mark.django_db
def test_the_analyzed_step_gathers_statistics_on_the_tables_a_migration_filled():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE lib_filled_probe AS SELECT n, n % 7 AS kind FROM generate_series(1, 500) n")
    assert _statistics_rows("lib_filled_probe") == 0
    step = analyzed("lib_filled_probe")
    with connection.schema_editor(atomic=False) as editor:
        step.code(cast(Any, None), editor)  # the step reads no models
    assert _statistics_rows("lib_filled_probe") == 2  # one row per column

