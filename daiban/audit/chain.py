"""The MAC of an event: HMAC-SHA256 over its canonical content and the previous event's MAC.

The key comes from settings.AUDIT_KEY (DAIBAN_AUDIT_KEY) and is never stored in the database, so
whoever can write the database still cannot forge a chain that verifies.
"""
from __future__ import annotations

import hashlib
import hmac
from binascii import hexlify
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from daiban.lib.jsonutil import canonical


def event_content(
    *, seq: int, event_type: str, actor_id: int | None, actor_name: str, object_type: str, object_id: str,
    object_repr: str, old: Any, new: Any, created_at: datetime, ip: str | None, request_id: str, outcome: str,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "event_type": event_type,
        "actor_id": actor_id,
        "actor_name": actor_name,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "old": old,
        "new": new,
        "created_at": created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "ip": ip,
        "request_id": request_id,
        "outcome": outcome,
    }


def body_of(content: dict[str, Any]) -> str:
    """The text an event's MAC covers, stored beside it (AuditEvent.body): canonical JSON of its content."""
    return canonical(content).decode("utf-8")


def compute_mac(key: str, content: dict[str, Any], previous_mac: str) -> str:
    return mac_of_body(key.encode("utf-8"), canonical(content), previous_mac.encode("ascii")).decode("ascii")


def mac_of_body(key: bytes, body: bytes, previous_mac: bytes) -> bytes:
    """The MAC (64 hex digits, as bytes) of an event whose canonical content is `body`: the one formula the writers
    and the verifier share."""
    return hexlify(hmac.digest(key, body + b"|" + previous_mac, "sha256"))


def mac_maker(key: bytes) -> Callable[[bytes, bytes], bytes]:
    """mac_of_body for one key, quicker: the key's HMAC pads (RFC 2104) are made once, so each event costs two
    plain SHA-256 calls, where hmac.digest has OpenSSL 3 set the key up again for every event (about 3x slower).
    The verifier's hot loop calls this once per event."""
    if len(key) > SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(SHA256_BLOCK, b"\0")
    inner, outer = bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)
    sha256 = hashlib.sha256

    def mac(body: bytes, previous_mac: bytes) -> bytes:
        return hexlify(sha256(outer + sha256(inner + body + b"|" + previous_mac).digest()).digest())

    return mac


SHA256_BLOCK = 64


def content_of(event) -> dict[str, Any]:
    return event_content(
        seq=event.seq, event_type=event.event_type, actor_id=event.actor_id, actor_name=event.actor_name,
        object_type=event.object_type, object_id=event.object_id, object_repr=event.object_repr,
        old=event.old, new=event.new, created_at=event.created_at, ip=event.ip, request_id=event.request_id,
        outcome=event.outcome,
    )


# The fields an event's MAC covers, in the order mac_of_values takes them (a query's values_list).
CHAIN_FIELDS = ("seq", "event_type", "actor_id", "actor_name", "object_type", "object_id", "object_repr", "old", "new",
                "created_at", "ip", "request_id", "outcome")


def body_of_values(values: Sequence[Any]) -> bytes:
    """The canonical content of an event read as plain values (CHAIN_FIELDS, in order), as bytes: what its MAC
    covers, rebuilt from the columns."""
    content = dict(zip(CHAIN_FIELDS, values, strict=True))
    content["created_at"] = content["created_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return canonical(content)


def seal(key: str, kind: str, seq: int, mac: str) -> str:
    """The MAC of a pointer into the chain (the head, a purge anchor): whoever writes the database
    without the key cannot set the head back over a cut tail, nor move the anchor."""
    return hmac.new(key.encode("utf-8"), f"{kind}|{seq}|{mac}".encode("ascii"), hashlib.sha256).hexdigest()
