"""JSON that keeps Chinese readable: no \\uXXXX escapes in any answer."""
from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

JSON = "application/json; charset=utf-8"


def dumps(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


def json_answer(data: Any, status: int = 200) -> HttpResponse:
    """The API's answer as its renderer writes it (daiban/api.py), for an operation that declares `response=dict`:
    django-ninja would otherwise validate the dict against `dict` and copy it whole first, for nothing."""
    return HttpResponse(dumps(data), status=status, content_type=JSON)


def canonical(data: Any) -> bytes:
    """A stable byte form for hashing: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
