"""Which edition of a form this is: a form is issued again, as a new version under the same serial number, only
when the data it prints changed. The data are compared by a hash of the form's dataclass, leaving out what
says when or as what it was printed (serial, version, the day it was made, the charts drawn from the rows)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

# Fields that change with every printing, not with the case: they never make a new version.
NOT_CONTENT = frozenset({"serial", "version", "made_on", "reported_on", "flowchart_png", "gantt_png"})


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    raise TypeError(f"{type(value).__name__} is not form data")


def content_hash(data: object) -> str:
    """SHA-256 of what the form says (a dataclass of daiban.documents.data), whatever its serial and version."""
    fields = {name: value for name, value in dataclasses.asdict(data).items()  # type: ignore[call-overload]
              if name not in NOT_CONTENT}
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(text.encode()).hexdigest()


def version_label(version: int) -> str:
    """版次 as users read it on the form, the case page and the file name."""
    return f"第{version}版"
