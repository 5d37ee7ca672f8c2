"""JSON that keeps Chinese readable: no \\uXXXX escapes in any answer."""
from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def dumps(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


def canonical(data: Any) -> bytes:
    """A stable byte form for hashing: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
