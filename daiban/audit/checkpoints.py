"""Signed checkpoints of the chain head, kept outside the database.

Whoever can write the database can delete the last events and set the head back to an earlier,
validly sealed state. A checkpoint (sequence, MAC, time) written at least hourly to a place that
insider cannot rewrite (an append-only file, a remote endpoint) makes that cut visible: the chain
then ends before the latest checkpoint, or holds another MAC at its sequence.

Checkpoints are signed with Ed25519; the signing key is derived from the audit key, so the
application needs no other secret, and whoever keeps the checkpoints can check them with the public
key alone (`manage.py audit_checkpoint --public-key`). The formats are in docs/audit-trail.md.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from daiban.lib.jsonutil import canonical

FILE_NAME = "audit-checkpoints.jsonl"
TIMEOUT_SECONDS = 10
# The duty runs every 10 minutes and writes when the head moved, and at least every 50 minutes
# when it did not, so a checkpoint is never more than an hour old while the worker runs.
HEARTBEAT = timedelta(minutes=50)
# An event this old that no checkpoint covers means the duty stopped, or checkpoints were lost.
STALE_AFTER = timedelta(minutes=70)


class CheckpointError(Exception):
    """A checkpoint could not be written or read; the message is Chinese and names the place."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    mac: str
    at: datetime
    kind: str = "head"  # "head": the head at that time; "anchor": where the chain starts after a purge

    def payload(self) -> dict:
        return {"kind": self.kind, "seq": self.seq, "mac": self.mac,
                "at": self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}


def _signing_key(audit_key: str) -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"daiban audit checkpoint signing key v1").derive(audit_key.encode("utf-8"))
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key(audit_key: str | None = None) -> Ed25519PublicKey:
    return _signing_key(audit_key or settings.AUDIT_KEY).public_key()


def public_key_hex(audit_key: str | None = None) -> str:
    return public_key(audit_key).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def sign(checkpoint: Checkpoint, *, audit_key: str | None = None) -> dict:
    payload = checkpoint.payload()
    signature = _signing_key(audit_key or settings.AUDIT_KEY).sign(canonical(payload))
    return {**payload, "key": public_key_hex(audit_key)[:16], "sig": base64.b64encode(signature).decode("ascii")}


def parse(record: object, *, audit_key: str | None = None) -> Checkpoint:
    """A signed record back to a checkpoint; a record that is malformed or not signed by our key raises."""
    if not isinstance(record, dict):
        raise CheckpointError("检查点格式不正确")
    try:
        checkpoint = Checkpoint(seq=int(record["seq"]), mac=str(record["mac"]), kind=str(record["kind"]),
                                at=datetime.strptime(record["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC))
        signature = base64.b64decode(str(record["sig"]), validate=True)
    except (KeyError, TypeError, ValueError):
        raise CheckpointError("检查点格式不正确") from None
    try:
        public_key(audit_key).verify(signature, canonical(checkpoint.payload()))
    except InvalidSignature:
        raise CheckpointError(f"第 {checkpoint.seq} 条处的检查点签名无效") from None
    return checkpoint


# Where checkpoints are kept ------------------------------------------------------------------------


class FileStore:
    """An append-only file in DAIBAN_AUDIT_CHECKPOINT_DIR, one signed JSON record a line.

    Writers hold an exclusive lock from reading the last line to appending, so two workers never
    write the same checkpoint twice. Make the file append-only (`chattr +a`) or put the directory
    on storage the database administrators cannot rewrite (docs/audit-trail.md)."""

    def __init__(self, directory: str):
        self.path = Path(directory) / FILE_NAME

    @property
    def place(self) -> str:
        return str(self.path)

    def records(self) -> list[object]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise CheckpointError(f"无法读取检查点文件 {self.path}：{exc.strerror}") from None
        return [_json_or_none(line) for line in lines if line.strip()]

    def append_unless(self, record: dict, *, skip) -> bool:
        """Appends `record` unless `skip(latest_record)` says the latest one already does; under the lock."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a+", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                handle.seek(0)
                lines = [line for line in handle.read().splitlines() if line.strip()]
                if skip(_json_or_none(lines[-1]) if lines else None):
                    return False
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
                return True
        except OSError as exc:
            raise CheckpointError(f"无法写入检查点文件 {self.path}：{exc.strerror}") from None


class HttpStore:
    """A remote endpoint: POST stores one record, GET answers the latest record it holds."""

    def __init__(self, url: str, token: str = ""):
        self.url, self.token = url, token

    @property
    def place(self) -> str:
        return self.url

    def _call(self, method: str, body: bytes | None = None) -> bytes:
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 (http/https only, settings)
                return answer.read(65536)
        except urllib.error.HTTPError as exc:
            raise CheckpointError(f"检查点服务 {self.url} 返回 HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise CheckpointError(f"无法连接检查点服务 {self.url}：{getattr(exc, 'reason', exc)}") from None

    def records(self) -> list[object]:
        answer = self._call("GET")
        return [_json_or_none(answer.decode("utf-8", "replace"))] if answer.strip() else []

    def append_unless(self, record: dict, *, skip) -> bool:
        latest = self.records()
        if skip(latest[-1] if latest else None):
            return False
        self._call("POST", json.dumps(record, ensure_ascii=False).encode("utf-8"))
        return True


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def stores() -> list[FileStore | HttpStore]:
    configured: list[FileStore | HttpStore] = []
    if settings.AUDIT_CHECKPOINT_DIR:
        configured.append(FileStore(settings.AUDIT_CHECKPOINT_DIR))
    if settings.AUDIT_CHECKPOINT_URL:
        configured.append(HttpStore(settings.AUDIT_CHECKPOINT_URL, settings.AUDIT_CHECKPOINT_TOKEN))
    return configured


def is_due(latest: Checkpoint | None, head: Checkpoint) -> bool:
    """A new checkpoint is due when the head moved, or the latest is HEARTBEAT old."""
    if latest is None or head.kind == "anchor":
        return True
    return (latest.seq, latest.mac) != (head.seq, head.mac) or head.at - latest.at >= HEARTBEAT
