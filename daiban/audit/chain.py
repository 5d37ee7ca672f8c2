"""The MAC of an event: HMAC-SHA256 over its canonical content and the previous event's MAC.

The key comes from settings.AUDIT_KEY (DAIBAN_AUDIT_KEY) and is never stored in the database, so
whoever can write the database still cannot forge a chain that verifies.
"""
from __future__ import annotations

import hashlib
import hmac
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


def compute_mac(key: str, content: dict[str, Any], previous_mac: str) -> str:
    message = canonical(content) + b"|" + previous_mac.encode("ascii")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


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


def mac_of_values(key: str) -> Callable[[Sequence[Any], str], str]:
    """compute_mac for rows read as plain values (CHAIN_FIELDS), the key's HMAC state prepared once: verifying a
    long chain builds no model instance and no per-event key schedule."""
    keyed = hmac.new(key.encode("utf-8"), digestmod=hashlib.sha256)

    def mac(values: Sequence[Any], previous_mac: str) -> str:
        content = dict(zip(CHAIN_FIELDS, values, strict=True))
        content["created_at"] = content["created_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        digest = keyed.copy()
        digest.update(canonical(content) + b"|" + previous_mac.encode("ascii"))
        return digest.hexdigest()

    return mac


def seal(key: str, kind: str, seq: int, mac: str) -> str:
    """The MAC of a pointer into the chain (the head, a purge anchor): whoever writes the database
    without the key cannot set the head back over a cut tail, nor move the anchor."""
    return hmac.new(key.encode("utf-8"), f"{kind}|{seq}|{mac}".encode("ascii"), hashlib.sha256).hexdigest()
