"""Writes on the administrator's calendar table."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from daiban.audit.services import audit_record
from daiban.lib.errors import Conflict, NotFound, ValidationFailed
from daiban.org.permissions import require_role
from daiban.org.roles import Role
from daiban.workdays import loader, recompute
from daiban.workdays.arrangement import Entry, parse_arrangement
from daiban.workdays.calendar import FIRST_YEAR, LAST_YEAR
from daiban.workdays.models import CalendarDay, CalendarYear

CALENDAR_ROLES = (Role.SYS_ADMIN, Role.CENTER_ADMIN)


def _summary(calendar_year: CalendarYear, entries: list[Entry] | None = None) -> dict:
    if entries is None:
        entries = [Entry(d.date, d.is_workday, d.name) for d in calendar_year.days.order_by("date")]
    return {
        "confirmed": calendar_year.confirmed,
        "holidays": sum(not e.is_workday for e in entries),
        "workdays": sum(e.is_workday for e in entries),
        "days": [str(e) for e in entries],
    }


def _calendar_changed(year: int) -> None:
    # Rebuild now so the hooks (and the rest of this transaction) see the new table; rebuild
    # again after commit, because another thread may have cached the table as it was meanwhile.
    loader.invalidate()
    transaction.on_commit(loader.invalidate)
    recompute.run(year)


def calendar_import_year(*, actor, year: int, text: str, note: str = "") -> CalendarYear:
    """Replaces the year's table with ``text`` (see arrangement.py), unconfirmed.

    An unconfirmed year has no effect on deadlines. Re-importing a confirmed year withdraws it,
    so that year falls back to the package or the provisional rules and the hooks run.
    """
    require_role(actor, *CALENDAR_ROLES, action="calendar_import_year")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed({"year": f"年度应在 {FIRST_YEAR}—{LAST_YEAR} 之间"})
    entries = parse_arrangement(year, text)
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update(no_key=True).filter(year=year).first()
        old = _summary(calendar_year) if calendar_year is not None else None
        was_confirmed = calendar_year is not None and calendar_year.confirmed
        if calendar_year is None:
            calendar_year = CalendarYear(year=year)
        else:
            calendar_year.days.all().delete()
        calendar_year.confirmed = False
        calendar_year.confirmed_by = None
        calendar_year.confirmed_at = None
        calendar_year.note = note.strip()[:200]
        calendar_year.save()
        CalendarDay.objects.bulk_create(
            CalendarDay(year=calendar_year, date=e.date, is_workday=e.is_workday, name=e.name) for e in entries
        )
        audit_record(event_type="calendar.year_imported", actor=actor, obj=calendar_year, old=old,
                     new=_summary(calendar_year, entries))
        if was_confirmed:
            _calendar_changed(year)
        else:
            transaction.on_commit(loader.invalidate)
    return calendar_year


def calendar_confirm_year(*, actor, year: int) -> CalendarYear:
    """Puts an imported year into force and recomputes the deadlines that depend on it."""
    require_role(actor, *CALENDAR_ROLES, action="calendar_confirm_year")
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update(no_key=True).filter(year=year).first()
        if calendar_year is None:
            raise NotFound(f"尚未导入 {year} 年的工作日安排")
        if calendar_year.confirmed:
            raise Conflict(f"{year} 年的工作日安排已经确认", code="calendar.already_confirmed")
        calendar_year.confirmed = True
        calendar_year.confirmed_by = actor
        calendar_year.confirmed_at = timezone.now()
        calendar_year.save()
        audit_record(event_type="calendar.year_confirmed", actor=actor, obj=calendar_year,
                     old={"confirmed": False}, new=_summary(calendar_year))
        _calendar_changed(year)
    return calendar_year
