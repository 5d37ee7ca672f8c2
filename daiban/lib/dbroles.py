"""Two PostgreSQL roles: the owner of the tables (migrations, purges) and the runtime role the
application connects as, which owns nothing (docs/database-roles.md).

The runtime role may read and write the application's tables, but on an append-only table (the
audit trail) only SELECT and INSERT, and on owner-kept tables only SELECT. Not owning anything, it
cannot drop or disable a trigger, truncate, or alter a table, whatever SQL it sends.
"""
from __future__ import annotations

import re

import dj_database_url
from dj_database_url import DBConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def runtime_grants(role: str, *, append_only: tuple[str, ...], read_only: tuple[str, ...]) -> list[str]:
    """The statements that give `role` what the application needs and nothing more; idempotent."""
    if not _ROLE_NAME.match(role):
        raise ValueError(f"role name {role!r}: lower-case letters, digits and _ only")
    statements = [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    statements += [f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table} FROM {role}" for table in append_only]
    statements += [f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table} FROM {role}"
                   for table in read_only]
    return statements


def create_role(role: str, password: str | None) -> list[str]:
    """Creates the runtime role if it does not exist: it logs in, owns nothing, creates nothing."""
    if not _ROLE_NAME.match(role):
        raise ValueError(f"role name {role!r}: lower-case letters, digits and _ only")
    login = "LOGIN PASSWORD " + _literal(password) if password else "LOGIN"
    return [
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = " + _literal(role) + ") THEN "
        f"CREATE ROLE {role} {login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS; "
        "END IF; END $$",
    ]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def owner_settings() -> DBConfig | None:
    """The owner's connection settings from DAIBAN_MIGRATE_DATABASE_URL, or None when it is not set."""
    if not settings.MIGRATE_DATABASE_URL:
        return None
    owner = dj_database_url.parse(settings.MIGRATE_DATABASE_URL)
    runtime = settings.DATABASES["default"]
    if owner["ENGINE"] != runtime["ENGINE"] or owner["NAME"] != runtime["NAME"]:
        raise ImproperlyConfigured("DAIBAN_MIGRATE_DATABASE_URL must name the same database as DATABASE_URL")
    return owner


def use_owner_connection() -> None:
    """For migrate and audit_purge: the default connection logs in as the owner from now on."""
    owner = owner_settings()
    if owner is None:
        return
    connection = connections["default"]
    connection.close()
    # A copy: settings.DATABASES keeps naming the runtime role.
    connection.settings_dict = {**connection.settings_dict, **{key: owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}}
