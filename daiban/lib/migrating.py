"""Steps shared by migrations."""
from __future__ import annotations

from django.db import migrations


def analyzed(*tables: str) -> migrations.RunPython:
    """A step that gathers PostgreSQL's statistics on `tables` after a migration filled them: until autovacuum
    comes round, the planner takes a table it has never analysed for an empty one (at 90k cases the dashboard's
    bottleneck items took 1.4 s instead of 6 ms). Nothing to do on SQLite."""

    def analyze(apps, schema_editor):  # noqa: ARG001  (RunPython's signature)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("ANALYZE " + ", ".join(schema_editor.quote_name(t) for t in tables))

    return migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True)
