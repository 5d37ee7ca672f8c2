"""Steps shared by migrations."""
from __future__ import annotations

from django.db import migrations


def analyze(connection, *tables: str) -> None:
    """PostgreSQL's planner statistics gathered again on `tables` after they were rewritten in bulk: until
    autovacuum comes round, the planner takes a table it has never analysed for an empty one and picks nested
    loops over it (at 90k cases the dashboard's bottleneck items took 1.4 s instead of 6 ms). Nothing to do on
    SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))


def analyzed(*tables: str) -> migrations.RunPython:
    """A migration's last step after it filled `tables`: analyze() them."""

    def step(apps, schema_editor):  # noqa: ARG001  (RunPython's signature)
        analyze(schema_editor.connection, *tables)

    return migrations.RunPython(step, migrations.RunPython.noop, elidable=True)
