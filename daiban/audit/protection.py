"""Database-level protection of the audit rows: the application cannot UPDATE or DELETE them.

On PostgreSQL a trigger refuses UPDATE and DELETE, except a DELETE inside `audit_purge` of an event
older than the retention floor (retention.py); TRUNCATE stays possible for the test runner's flush,
and needs table ownership, which the application's runtime role lacks (lib/dbroles.py). On SQLite,
whose test flush deletes rows, only UPDATE is refused.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import cast

from django.db import connection, models

from daiban.audit.chain import CHAIN_FIELDS
from daiban.audit.models import AuditEvent
from daiban.audit.retention import RETENTION_FLOOR_DAYS

TABLE = "audit_auditevent"
# What the application's runtime role may not change (daiban/lib/dbroles.py): the events only grow;
# purge anchors and the migration record are written by the owner alone.
RUNTIME_APPEND_ONLY = (TABLE,)
RUNTIME_READ_ONLY = ("audit_auditanchor", "django_migrations")

POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION daiban_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('daiban.audit_purge', true) = 'on'
            AND OLD.created_at < now() - interval '{RETENTION_FLOOR_DAYS} days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS daiban_audit_append_only ON {TABLE};
CREATE TRIGGER daiban_audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION daiban_audit_append_only();
"""
POSTGRES_REMOVE = f"""
DROP TRIGGER IF EXISTS daiban_audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS daiban_audit_append_only();
"""
SQLITE_INSTALL = f"""
CREATE TRIGGER IF NOT EXISTS daiban_audit_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;
"""
SQLITE_REMOVE = "DROP TRIGGER IF EXISTS daiban_audit_no_update;"


def install(schema_editor) -> None:
    sql = {"postgresql": POSTGRES_INSTALL, "sqlite": SQLITE_INSTALL}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql, params=None)


def remove(schema_editor) -> None:
    sql = {"postgresql": POSTGRES_REMOVE, "sqlite": SQLITE_REMOVE}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql, params=None)


@contextmanager
def protection_lifted():
    """For tests that play the attacker with direct database access."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute(SQLITE_REMOVE)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")
            else:
                cursor.execute(SQLITE_INSTALL)


def columns_made_plain() -> None:
    """For tests that play the attacker who owns the table: the chain columns stop being computed from the body
    and become ordinary columns holding what they held, which can then be edited (shape.py notices). Inside
    protection_lifted(), whose end puts SQLite's trigger back on the rebuilt table."""
    fields = [cast(models.GeneratedField, AuditEvent._meta.get_field(name)) for name in CHAIN_FIELDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} " + ", ".join(f'ALTER COLUMN "{f.column}" DROP EXPRESSION'
                                                                for f in fields))
            return
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        sql = cursor.fetchone()[0]
        for field in fields:
            expression = field.generated_sql(connection)[0]
            sql = sql.replace(f" GENERATED ALWAYS AS ({expression}) STORED", "")
        cursor.execute(sql.replace(f'CREATE TABLE "{TABLE}"', 'CREATE TABLE "audit_plain"', 1))
        cursor.execute(f'INSERT INTO audit_plain SELECT * FROM "{TABLE}"')
        cursor.execute(f'DROP TABLE "{TABLE}"')
        cursor.execute(f'ALTER TABLE audit_plain RENAME TO "{TABLE}"')
