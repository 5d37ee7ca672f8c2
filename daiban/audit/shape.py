"""Whether the audit table still computes every chain column from the event's body: checked once per verification.

While it does (stored generated columns, AuditEvent), no column can differ from the body the MAC covers, so the walk
reads only body and MAC. Whoever can change the table's definition (its owner) could turn a column into a plain one
and then edit it; that shows here as a column whose definition is not the model's, and verification then compares
every event's columns with its body again (walk.py), as before the columns were computed.
"""
from __future__ import annotations

from typing import cast

from django.db import connection, models, transaction

from daiban.audit.chain import CHAIN_FIELDS
from daiban.audit.models import AuditEvent

TABLE = AuditEvent._meta.db_table
_PROBE = "daiban_audit_shape"
_COLUMNS = """
    SELECT a.attname, a.attgenerated, pg_get_expr(d.adbin, d.adrelid), format_type(a.atttypid, a.atttypmod)
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
"""


def _definitions() -> dict[str, str]:
    """Each chain column's definition as the model (and so the migrations) write it, in this database's SQL."""
    editor = connection.schema_editor()
    answer = {}
    for name in CHAIN_FIELDS:
        field = cast(models.GeneratedField, AuditEvent._meta.get_field(name))  # every chain column is one
        definition, params = editor.column_sql(AuditEvent, field)
        assert not params, "generated columns carry their SQL inline"
        answer[field.attname] = f"{editor.quote_name(field.attname)} {definition}"  # column == attname here
    return answer


def columns_not_from_body() -> list[str]:
    """The chain columns that the table does not compute from the body as the model says (none: all is well)."""
    expected = _definitions()
    if connection.vendor == "postgresql":
        # PostgreSQL keeps an expression as it re-prints it; the same definitions on a throwaway table print the
        # same way, whatever the server's version.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {_PROBE} (body text, {', '.join(expected.values())}) "
                           "ON COMMIT DROP")
            cursor.execute(_COLUMNS, [TABLE])
            found = {name: rest for name, *rest in cursor.fetchall()}
            cursor.execute(_COLUMNS, [f"pg_temp.{_PROBE}"])
            wanted = {name: rest for name, *rest in cursor.fetchall()}
            transaction.set_rollback(True)
        return [name for name in expected if wanted[name][0] != "s" or found.get(name) != wanted[name]]
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        row = cursor.fetchone()
        cursor.execute(f"PRAGMA table_xinfo({TABLE})")
        stored = {name for _cid, name, _type, _notnull, _default, _pk, hidden in cursor.fetchall() if hidden == 3}
    sql = row[0] if row else ""
    return [name for name, definition in expected.items() if name not in stored or definition not in sql]
