"""Who reads which part of the team ledger.

County-wide readers (the center, leaders, inspectors) read everything. The staff of a unit read the
meetings of their unit and of the center (county-wide sessions they are called to); a unit's
administrator reads the records of their unit, anyone else only the records about themselves.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import MAXYEAR, MINYEAR

from django.db.models import Q, QuerySet

from daiban.org.models import AgencyBody, RoleGrant, User
from daiban.org.roles import SEPARATED_ADMIN_ROLES, Role
from daiban.org.scope import scope_of
from daiban.teams.models import COUNTY_BODY_KINDS, ConductRecord, TeamMeeting


def meetings_for(user: User) -> QuerySet[TeamMeeting]:
    meetings = TeamMeeting.objects.select_related("body", "recorded_by")
    scope = scope_of(user)
    if scope.county_wide:
        return meetings
    if scope.body_ids:
        visible = Q(body_id__in=scope.body_ids) | Q(body__kind=AgencyBody.Kind.CENTER) | Q(attendance__person=user)
        return meetings.filter(pk__in=TeamMeeting.objects.filter(visible).values("pk"))
    if user.is_authenticated:
        return meetings.filter(pk__in=TeamMeeting.objects.filter(attendance__person=user).values("pk"))
    return meetings.none()


def records_for(user: User) -> QuerySet[ConductRecord]:
    records = ConductRecord.objects.select_related("person", "body", "recorded_by", "case", "case__request")
    scope = scope_of(user)
    if scope.county_wide:
        return records
    if user.is_authenticated and user.has_role(Role.UNIT_ADMIN) and scope.body_ids:
        return records.filter(body_id__in=scope.body_ids)
    return records.filter(person_id=user.pk) if user.is_authenticated else records.none()


def filtered(rows: QuerySet, *, date_field: str, body: int | None = None, year: int | None = None,
             kinds: list[str] | None = None) -> QuerySet:
    if body:
        if not 0 < body < 2 ** 63:  # no row has it, and SQLite could not compare it
            return rows.none()
        rows = rows.filter(body_id=body)
    if year:
        if not MINYEAR <= year <= MAXYEAR:  # no date has it, and the database could not compare it
            return rows.none()
        rows = rows.filter(**{f"{date_field}__year": year})
    if kinds:
        rows = rows.filter(kind__in=kinds)
    return rows


def years_of(rows: QuerySet, date_field: str) -> list[int]:
    return sorted({d.year for d in rows.dates(date_field, "year")}, reverse=True)


def county_bodies() -> list[AgencyBody]:
    return list(AgencyBody.objects.filter(kind__in=COUNTY_BODY_KINDS).select_related("region"))


def _staff(people: QuerySet[User]) -> list[User]:
    """Active staff, without the system's own administrators, in body order (one query for the roles)."""
    people = people.filter(is_active=True).distinct().select_related("body", "department")
    grants: dict[int, set[str]] = defaultdict(set)
    for user_id, role in RoleGrant.objects.filter(user__in=people).values_list("user_id", "role"):
        grants[user_id].add(role)
    return [p for p in people.order_by("body__kind", "body__region__code", "username")
            if grants[p.pk] - {Role.OWNER} and not grants[p.pk] & SEPARATED_ADMIN_ROLES]


def attendance_candidates(body: AgencyBody) -> list[User]:
    """People who may be on a meeting's list: a unit's own staff; for the center, the staff of every
    agency body of the county (the center calls county-wide sessions)."""
    if body.kind == AgencyBody.Kind.UNIT:
        return _staff(User.objects.filter(body=body))
    return _staff(User.objects.filter(body__kind__in=COUNTY_BODY_KINDS))


def record_candidates(user: User) -> list[User]:
    """People the user may record a decision about."""
    if user.has_role(Role.CENTER_ADMIN):
        return _staff(User.objects.filter(Q(body__kind__in=COUNTY_BODY_KINDS) | Q(role_grants__role=Role.LIAISON)))
    if user.has_role(Role.UNIT_ADMIN) and user.body_id:
        return _staff(User.objects.filter(body_id=user.body_id))
    return []
