"""Backup and restore of the whole state: the database (exports included, they live in it) and the
uploaded files under MEDIA_ROOT. The keys (DAIBAN_AUDIT_KEY, DAIBAN_DATA_KEY, DAIBAN_SECRET_KEY) are never
written into a backup: they are kept apart (docs/operations.md), so a stolen backup reveals no personal
data and cannot be re-sealed.

A backup is a directory: database.dump (PostgreSQL, pg_dump's custom format, one consistent snapshot) or
database.sqlite3 (SQLite's online backup, consistent), media.tar.gz, and manifest.json with the row count
of every table at the moment of the snapshot.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import dj_database_url
from django.conf import settings
from django.db import connection, connections, transaction

MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore step failed; the message is Chinese."""


def _owner_url() -> str:
    """The tables' owner reads every table; without one, the application's own connection."""
    return settings.MIGRATE_DATABASE_URL or _url_of(connection.settings_dict)


def _pg_env(url: str) -> tuple[list[str], dict]:
    """pg_dump/pg_restore arguments for a URL, the password passed in the environment, not the command line."""
    parts = urlsplit(url)
    env = {**os.environ}
    if parts.password:
        env["PGPASSWORD"] = parts.password
    args = ["--host", parts.hostname or "localhost", "--port", str(parts.port or 5432),
            "--username", parts.username or "postgres", "--dbname", parts.path.lstrip("/")]
    return args, env


def _run(command: list[str], env: dict | None = None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[:500]}")


def table_counts(alias: str = "default") -> dict[str, int]:
    target = connections[alias]
    counts = {}
    with target.cursor() as cursor:
        for table in sorted(target.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {target.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def backup(destination: Path) -> dict:
    destination.mkdir(parents=True, exist_ok=False)
    manifest: dict[str, Any] = {"created_at": datetime.now(UTC).isoformat(), "vendor": connection.vendor,
                "keys": "不含密钥：恢复时使用原部署的 DAIBAN_AUDIT_KEY、DAIBAN_DATA_KEY、DAIBAN_SECRET_KEY"}
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(destination / "database.sqlite3") as copy:
            connection.connection.backup(copy)  # a consistent snapshot while others keep writing
        with sqlite3.connect(destination / "database.sqlite3") as copy:
            counts = {name: copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
                      for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                                  "AND name NOT LIKE 'sqlite_%' ORDER BY name")}
    else:
        args, env = _pg_env(_owner_url())
        # The counts and the dump see one snapshot: this transaction exports it and pg_dump reads it.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            counts = table_counts()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  "--file", str(destination / "database.dump"), *args], env)
    manifest["tables"] = counts
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(destination / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    (destination / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _url_of(db: dict) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _counts_at(config: Mapping[str, Any]) -> dict[str, int]:
    """Row counts of every table of another database, through the driver (not a Django connection)."""
    if config["ENGINE"].endswith("sqlite3"):
        with sqlite3.connect(config["NAME"]) as db:
            names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                               "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            return {name: _count(db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()) for name in names}

    import psycopg  # the PostgreSQL driver, loaded only for a PostgreSQL database

    with psycopg.connect(host=config["HOST"] or "localhost", port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname=config["NAME"]) as db:
        names = [n for (n,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                          "ORDER BY tablename")]
        return {name: _count(db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()) for name in names}


def _count(row: tuple[Any, ...] | None) -> int:
    assert row is not None  # SELECT COUNT(*) always answers one row
    return int(row[0])


def restore(source: Path, target_url: str, media_root: Path | None = None) -> dict:
    """Restores the backup into `target_url` (an empty database, or a SQLite path not yet existing),
    unpacks the files, compares every table's row count with the manifest and runs audit_verify on
    the restored copy. Answers {"ok", "tables", "differences", "audit"}."""
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    config = dj_database_url.parse(target_url)
    if config["ENGINE"].endswith("sqlite3"):
        if manifest["vendor"] != "sqlite":
            raise BackupError("这是 PostgreSQL 的备份，只能恢复到 PostgreSQL")
        target = Path(config["NAME"])
        if target.exists():
            raise BackupError(f"目标数据库文件 {target} 已存在；请恢复到新文件")
        shutil.copyfile(source / "database.sqlite3", target)
    else:
        if manifest["vendor"] != "postgresql":
            raise BackupError("这是 SQLite 的备份，只能恢复到 SQLite")
        args, env = _pg_env(target_url)
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args,
              str(source / "database.dump")], env)
    if media_root is not None:
        with tarfile.open(source / "media.tar.gz") as archive:
            media_root.parent.mkdir(parents=True, exist_ok=True)
            archive.extractall(media_root.parent, filter="data")
    counts = _counts_at(config)
    differences = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    verified = subprocess.run([sys.executable, "manage.py", "audit_verify"], cwd=settings.BASE_DIR,
                              env={**os.environ, "DATABASE_URL": target_url}, capture_output=True, text=True)
    try:
        audit = json.loads(verified.stdout)
    except ValueError:
        audit = {"ok": False, "problems": [verified.stderr.strip()[-500:]]}
    return {"ok": not differences and audit.get("ok", False), "tables": len(counts), "differences": differences,
            "audit": audit}
