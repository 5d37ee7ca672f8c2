"""Team records in the assessment (seed §7.2, issue 18 §5): what the teams app keeps — attendance at work
meetings, training sessions attended and their hours (学时), commendations and accountability — counted per
person and per unit for a period, and one person's assessment sheet.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum

from daiban.assessment.periods import Period
from daiban.org.models import RoleGrant, User
from daiban.org.roles import UNIT_ROLES
from daiban.teams.models import INCENTIVE_KINDS, TRAINING_KINDS, Attendance, ConductRecord

COLUMNS = ["invited", "present", "trainings", "training_hours", "commendations", "accountability"]
LABELS = {"invited": "应参会", "present": "出席", "trainings": "参加培训（次）", "training_hours": "培训学时",
          "commendations": "表扬奖励", "accountability": "问责"}
SHEET_COLUMNS = [("日期", 12), ("类别", 12), ("内容", 40), ("情况", 30)]


def _staff(body_ids: frozenset[int] | None):
    grants = RoleGrant.objects.filter(user=OuterRef("pk"), role__in=sorted(UNIT_ROLES))
    staff = User.objects.filter(Exists(grants), is_active=True)
    return staff if body_ids is None else staff.filter(body_id__in=body_ids)


def person_records(period: Period, *, body_ids: frozenset[int] | None = None) -> list[dict]:
    """One row per agent, chief agent and unit administrator (of `body_ids`, or the county): meetings invited to
    and attended, training sessions attended and their hours, commendations (表扬、奖励) and accountability.

    Plain rows, not User instances (each would decrypt its mobile number): a province has thousands of staff."""
    staff = _staff(body_ids)
    people = staff.order_by("body__name", "username").values("pk", "username", "full_name", "body_id", "body__name")
    in_period = Q(meeting__held_on__gte=period.start, meeting__held_on__lte=period.end)
    training = Q(present=True, meeting__kind__in=TRAINING_KINDS)
    attendance: dict[int, Any] = {row["person"]: row for row in Attendance.objects.filter(
        in_period, person__in=staff.values("pk")).order_by().values("person").annotate(
        n_invited=Count("pk"), n_present=Count("pk", filter=Q(present=True)), n_trainings=Count("pk", filter=training),
        n_training_hours=Sum("meeting__hours", filter=training))}
    conduct: dict[int, Any] = {row["person"]: row for row in ConductRecord.objects.filter(
        person__in=staff.values("pk"), decided_on__gte=period.start, decided_on__lte=period.end).order_by()
        .values("person").annotate(n_commendations=Count("pk", filter=Q(kind__in=sorted(INCENTIVE_KINDS))),
                                   n_accountability=Count("pk", filter=~Q(kind__in=sorted(INCENTIVE_KINDS))))}
    rows = []
    for person in people:
        seen, judged = attendance.get(person["pk"], {}), conduct.get(person["pk"], {})
        rows.append({"user_id": person["pk"], "username": person["username"],
                     "name": person["full_name"] or person["username"],  # User.display_name
                     "unit_id": person["body_id"], "unit": person["body__name"] or "",
                     **{key: seen.get(f"n_{key}", 0) for key in ("invited", "present", "trainings")},
                     "training_hours": float(seen.get("n_training_hours") or 0),
                     **{key: judged.get(f"n_{key}", 0) for key in ("commendations", "accountability")}})
    return rows


def team_summary(scoped, period: Period) -> dict:
    """The team records the reader may see (its scope, or the county), per person and per unit."""
    people = person_records(period, body_ids=None if scoped.county_wide else scoped.body_ids)
    return {"columns": LABELS, "people": people, "units": unit_records(people)}


def unit_records(rows: list[dict]) -> list[dict]:
    """The person rows summed per unit."""
    units: dict[int | None, dict] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    for row in rows:
        unit = units[row["unit_id"]]
        unit.update(unit_id=row["unit_id"], unit=row["unit"], people=unit.get("people", 0) + 1)
        for key in COLUMNS:
            unit[key] += row[key]
        unit["training_hours"] = round(unit["training_hours"], 1)
    return sorted(units.values(), key=lambda u: u["unit"])


def person_sheet(person: User, period: Period) -> list[list]:
    """The lines of one person's assessment sheet: each meeting and session, each decision, then the totals."""
    lines: list[list] = []
    for seen in (Attendance.objects.filter(person=person, meeting__held_on__gte=period.start,
                                           meeting__held_on__lte=period.end)
                 .select_related("meeting").order_by("meeting__held_on", "pk")):
        meeting = seen.meeting
        hours = f"，{meeting.hours:g}学时" if meeting.hours is not None and seen.present else ""
        lines.append([meeting.held_on, meeting.get_kind_display(), meeting.topic,
                      ("出席" if seen.present else f"缺席（{seen.absence_reason}）") + hours])
    for record in ConductRecord.objects.filter(person=person, decided_on__gte=period.start,
                                               decided_on__lte=period.end).order_by("decided_on", "pk"):
        lines.append([record.decided_on, record.get_kind_display(), record.reason[:200],
                      f"{record.decided_by} {record.doc_number}".strip()])
    body_ids = frozenset({person.body_id}) if person.body_id is not None else frozenset[int]()
    totals = next((r for r in person_records(period, body_ids=body_ids)
                   if r["user_id"] == person.pk), None)
    if totals:
        lines.append([period.end, "合计",
                      f"应参会{totals['invited']}次，出席{totals['present']}次，"
                      f"参加培训{totals['trainings']}次，培训{totals['training_hours']:g}学时",
                      f"表扬奖励{totals['commendations']}次，问责{totals['accountability']}次"])
    return lines
