"""A case's reports to the provincial platform: the JSON message of each event, as documented in
docs/provincial-platform.md, queued in the provincial outbox (daiban/provincial) by `provincial_enqueue`.

A message is built once, when its event happens, and kept as it was: a retry sends the same bytes'
worth of content even if the case has changed since. Here in cases, which the message describes, so that
the outbox below never reads a case.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from daiban.cases.models import Case, CaseItem, TeamRole
from daiban.cases.states import ItemStatus
from daiban.lib import clock
from daiban.provincial.models import ProvincialMessage
from daiban.provincial.services import message_enqueue

Event = ProvincialMessage.Event

SYSTEM_NAME = "平阳县企业投资项目政府代办服务系统"
COUNTY_AREA_CODE = "330326"
FORMAT_VERSION = "1"


def message_id_for(event: str, case: Case, item: CaseItem | None = None, key: str | None = None) -> str:
    """Stable per event: the same cause always gives the same id (a project code gets one per code set,
    an item one per result, an evaluation one per case or item, a rectification one per 差评 `key`)."""
    base = f"daiban-{case.request.tracking_no}"
    if event == "evaluation":
        return f"{base}-evaluation" + (f"-item-{item.catalog_item.code}" if item else "")
    if event == "rectification":
        return f"{base}-rectification-{key}"
    if event == "project_code":
        return f"{base}-project-code-{case.project.project_code}"
    if event == "item_result":
        assert item is not None
        return f"{base}-item-{item.catalog_item.code}-{item.status}"
    return f"{base}-{event}"


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def item_block(item: CaseItem) -> dict[str, Any]:
    catalog = item.catalog_item
    on_time = None
    if item.status == ItemStatus.APPROVED and item.finished_on and item.due_on:
        on_time = item.finished_on <= item.due_on
    return {
        "code": catalog.code, "name": catalog.name, "department": catalog.department.name,
        "result": item.status, "result_label": item.get_status_display(),
        "approval_no": item.approval_no or None, "started_on": _day(item.started_on), "due_on": _day(item.due_on),
        "finished_on": _day(item.finished_on), "on_time": on_time, "note": item.result_note or None,
    }


def build(*, message_id: str, event: str, event_label: str, case: Case, occurred_at: dt.datetime,
          item: CaseItem | None = None, details: dict[str, Any] | None = None) -> dict[str, Any]:
    project, company, unit = case.project, case.project.company, case.unit
    agent = case.team.filter(role=TeamRole.AGENT).select_related("user").first()
    payload: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "message_id": message_id,
        "event": event,
        "event_label": event_label,
        "occurred_at": _iso(occurred_at),
        "sender": {"system": SYSTEM_NAME, "area_code": COUNTY_AREA_CODE},
        "project": {
            "code": project.project_code or None, "name": project.name, "location": project.location.name,
            "category": project.category, "category_label": project.get_category_display(),
            "industrial": project.industrial, "investment_wan": str(project.investment_wan),
        },
        "owner": {"name": company.name, "credit_code": company.credit_code},
        "case": {
            "tracking_no": case.request.tracking_no, "status": case.status, "status_label": case.get_status_display(),
            "accepted_at": _iso(case.accepted_at), "entrusted_on": _day(case.entrusted_on),
            "unit": {"name": unit.name, "region_code": unit.region.code},
            "agent": agent.user.display_name if agent else None,
        },
    }
    if item is not None:
        payload["item"] = item_block(item)
    if details:
        payload["good_bad" if event in ("evaluation", "rectification") else "closure"] = details
    return payload


def provincial_enqueue(*, event: str, case: Case, item: CaseItem | None = None,
                       details: dict[str, Any] | None = None, key: str | None = None) -> ProvincialMessage:
    """Queue the report of one event, inside the caller's `transaction.atomic()` block next to the change it
    reports; the same event queued again returns the row already there."""
    event = Event(event)
    if event == Event.ITEM_RESULT and item is None:
        raise ValueError("an item_result report needs its item")
    message_id = message_id_for(event, case, item, key)
    existing = ProvincialMessage.objects.filter(message_id=message_id).first()
    if existing is not None:
        return existing
    now = clock.now()
    return message_enqueue(ProvincialMessage(
        message_id=message_id, event=event, case=case, item=item, occurred_at=now, created_at=now,
        next_attempt_at=now,
        payload=build(message_id=message_id, event=event.value, event_label=event.label, case=case,
                      occurred_at=now, item=item, details=details)))
