"""Steps shared by migrations."""
from __future__ import annotations

from django.db import migrations


def analyze(connection, *tables: str, vacuum: bool = False) -> None:
    """PostgreSQL's planner statistics gathered again on `tables` after they were rewritten in bulk: until
    autovacuum comes round, the planner takes a table it has never analysed for an empty one and picks nested
    loops over it (at 90k cases the dashboard's bottleneck items took 1.4 s instead of 6 ms). With `vacuum`, and
    outside a transaction (rebuild_rollups, a migration that is not atomic), VACUUM first marks the rewritten pages
    all-visible, so that an index-only scan need not read the table (the overdue spans' covering indexes: 19 → 5 ms
    at 100k cases). Nothing to do on SQLite."""
    if connection.vendor == "postgresql":
        command = "VACUUM (ANALYZE) " if vacuum and not connection.in_atomic_block else "ANALYZE "
        with connection.cursor() as cursor:
            cursor.execute(command + ", ".join(connection.ops.quote_name(table) for table in tables))


def analyzed(*tables: str, vacuum: bool = False) -> migrations.RunPython:
    """A migration's last step after it filled `tables`: analyze() them (`vacuum`: the migration is not atomic)."""

    def step(apps, schema_editor):  # noqa: ARG001  (RunPython's signature)
        analyze(schema_editor.connection, *tables, vacuum=vacuum)

    return migrations.RunPython(step, migrations.RunPython.noop, elidable=True)
