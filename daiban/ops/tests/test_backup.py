"""backup → restore into a fresh database → the same row count in every table, and the audit chain verifies."""
from __future__ import annotations

import subprocess
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from daiban.ops.backup import restore, table_counts


def fresh_target(tmp_path) -> tuple[str, callable]:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    name = f"daiban_restore_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    host = ["-h", db["HOST"] or "localhost", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
    subprocess.run(["createdb", *host, name], check=True)
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"
    return url, lambda: subprocess.run(["dropdb", *host, "--if-exists", name], check=False)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_every_row_and_a_verified_audit_chain(demo, tmp_path, capsys):
    from daiban.audit.services import audit_checkpoint

    audit_checkpoint()
    before = table_counts()
    call_command("backup", str(tmp_path / "backup"))
    assert (tmp_path / "backup" / "manifest.json").exists()
    assert b"daiban-development" not in b"".join(p.read_bytes() for p in (tmp_path / "backup").iterdir())
    url, drop = fresh_target(tmp_path)
    try:
        result = restore(tmp_path / "backup", url, tmp_path / "media")
    finally:
        drop()
    assert result["differences"] == {}, result
    assert result["tables"] == len(before) and result["audit"]["ok"], result
    assert result["ok"]
