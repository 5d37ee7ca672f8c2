"""The report message as a JSON Schema (draft 2020-12): what docs/provincial-platform.md describes, checked by
the stand-in platform on every message it receives and by the tests on every message the system builds."""
from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

_DATE = {"type": ["string", "null"], "format": "date"}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_TEXT = {"type": "string", "minLength": 1}
_MAYBE_TEXT = {"type": ["string", "null"]}

_ITEM = {
    "type": "object",
    "required": ["code", "name", "department", "result", "result_label", "approval_no", "started_on", "due_on",
                 "finished_on", "on_time", "note"],
    "properties": {
        "code": _TEXT, "name": _TEXT, "department": _TEXT, "result": {"type": "string"}, "result_label": _TEXT,
        "approval_no": _MAYBE_TEXT, "started_on": _DATE, "due_on": _DATE, "finished_on": _DATE,
        "on_time": {"type": ["boolean", "null"]}, "note": _MAYBE_TEXT,
    },
}

_CODED: dict[str, Any] = {"type": "object", "required": ["kind", "code", "name"],
          "properties": {"kind": _TEXT, "code": _TEXT, "name": _TEXT}}
_GOOD_BAD = {
    "type": "object",
    "required": ["service", "unit", "grade", "grade_label", "grade_level", "evaluated_at", "channel", "channel_label",
                 "rater_type", "rater_type_label", "comments", "rectification"],
    "properties": {
        "service": {**_CODED, "properties": {**_CODED["properties"],
                                             "kind": {"enum": ["agency_service", "approval_item"]}}},
        "unit": {**_CODED, "properties": {**_CODED["properties"], "kind": {"enum": ["agency", "department"]}}},
        "grade": {"enum": ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]},
        "grade_label": _TEXT, "grade_level": {"type": "integer", "minimum": 1, "maximum": 5},
        "evaluated_at": {"type": "string", "format": "date-time"},
        "channel": {"enum": ["mobile", "online", "window"]}, "channel_label": _TEXT,
        "rater_type": {"const": "enterprise"}, "rater_type_label": _TEXT, "comments": _MAYBE_TEXT,
        "rectification": {"type": ["object", "null"],
                          "required": ["status", "outcome", "opened_on", "closed_on", "on_time"]},
    },
}

MESSAGE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "代办事件报文",
    "type": "object",
    "required": ["format_version", "message_id", "event", "event_label", "occurred_at", "sender", "project",
                 "owner", "case"],
    "properties": {
        "format_version": {"const": "1"},
        "message_id": {"type": "string", "pattern": r"^daiban-[A-Za-z0-9-]+$", "maxLength": 120},
        "event": {"enum": ["acceptance", "project_code", "item_result", "completion", "termination", "evaluation",
                           "rectification"]},
        "event_label": _TEXT,
        "occurred_at": {"type": "string", "format": "date-time"},
        "sender": {"type": "object", "required": ["system", "area_code"],
                   "properties": {"system": _TEXT, "area_code": {"type": "string", "pattern": r"^\d{6}$"}}},
        "project": {
            "type": "object",
            "required": ["code", "name", "location", "category", "category_label", "industrial", "investment_wan"],
            "properties": {
                "code": {"type": ["string", "null"], "maxLength": 24}, "name": _TEXT, "location": _TEXT,
                "category": _TEXT, "category_label": _TEXT, "industrial": {"type": "boolean"},
                "investment_wan": {"type": "string", "pattern": r"^\d+\.\d{2}$"},
            },
        },
        "owner": {"type": "object", "required": ["name", "credit_code"],
                  "properties": {"name": _TEXT, "credit_code": {"type": "string", "pattern": r"^[0-9A-Z]{18}$"}}},
        "case": {
            "type": "object",
            "required": ["tracking_no", "status", "status_label", "accepted_at", "entrusted_on", "unit", "agent"],
            "properties": {
                "tracking_no": _TEXT, "status": _TEXT, "status_label": _TEXT, "accepted_at": _TIME,
                "entrusted_on": _DATE, "agent": _MAYBE_TEXT,
                "unit": {"type": "object", "required": ["name", "region_code"],
                         "properties": {"name": _TEXT, "region_code": _TEXT}},
            },
        },
        "item": _ITEM,
        "good_bad": _GOOD_BAD,
        "closure": {"type": "object", "required": ["kind", "closed_on", "items"],
                    "properties": {"kind": {"enum": ["completion", "termination"]}, "closed_on": _DATE,
                                   "items": {"type": "array", "items": _ITEM}}},
    },
    "allOf": [
        {"if": {"properties": {"event": {"const": "item_result"}}}, "then": {"required": ["item"]}},
        {"if": {"properties": {"event": {"enum": ["completion", "termination"]}}}, "then": {"required": ["closure"]}},
        {"if": {"properties": {"event": {"const": "evaluation"}}},
         "then": {"required": ["good_bad"], "properties": {"good_bad": {"properties": {"rectification": {"type": "null"}}}}}},
        {"if": {"properties": {"event": {"const": "rectification"}}},
         "then": {"required": ["good_bad"], "properties": {"good_bad": {"properties": {"rectification": {"type": "object"}}}}}},
    ],
}

_validator = Draft202012Validator(MESSAGE_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(message: Any) -> list[str]:
    """Each way the message breaks the contract, as `path: reason`; empty when it keeps it."""
    found = []
    for error in sorted(_validator.iter_errors(message), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(part) for part in error.absolute_path) or "(报文)"
        found.append(f"{where}: {error.message}")
    return found
