"""Importing and confirming a year's arrangement, and what that does to deadlines."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from daiban.audit.models import AuditEvent
from daiban.lib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from daiban.org.services import role_grant
from daiban.workdays import loader, recompute
from daiban.workdays.models import CalendarDay, CalendarYear
from daiban.workdays.services import calendar_confirm_year, calendar_import_year

D = dt.date.fromisoformat

ARRANGEMENT_2027 = """
2027-01-01 休 元旦
2027-02-05~2027-02-11 休 春节
2027-02-14 班 调休上班
2027-02-20 班 调休上班
"""

pytestmark = pytest.mark.django_db


def _user(username: str, role: str | None = None):
    user = get_user_model().objects.create_user(username=username, password="correct-horse-9")
    if role:
        role_grant(actor=None, user=user, role=role)
    return user


@pytest.fixture
def admin():
    return _user("wd_sys", "sys_admin")


@pytest.fixture
def hook_calls():
    calls: list[int] = []
    recompute.register(calls.append)
    yield calls
    recompute.unregister(calls.append)


def test_an_imported_year_stays_provisional_until_confirmed(admin):
    calendar_year = calendar_import_year(actor=admin, year=2027, text=ARRANGEMENT_2027)
    assert not calendar_year.confirmed
    assert calendar_year.days.count() == 10
    assert loader.add_workdays(D("2027-02-04"), 1) == (D("2027-02-11"), True)


def test_confirming_a_year_puts_its_table_into_force(admin):
    calendar_import_year(actor=admin, year=2027, text=ARRANGEMENT_2027)
    calendar_confirm_year(actor=admin, year=2027)
    assert loader.get_calendar().year_status(2027) == "admin"
    # Thu 02-04, then the festival 02-05..02-11, then Fri 02-12 and the adjusted Sunday 02-14
    assert loader.add_workdays(D("2027-02-04"), 1) == (D("2027-02-12"), False)
    assert loader.add_workdays(D("2027-02-04"), 2) == (D("2027-02-14"), False)
    # Tue..Thu 3, Fri 02-12, Sun 02-14, the week of 02-15 5, Sat 02-20, the week of 02-22 5
    assert loader.workdays_between(D("2027-02-01"), D("2027-02-28")) == (16, False)
    assert loader.is_workday(D("2027-02-20")) and not loader.is_workday(D("2027-01-01"))
    # days the table does not list follow the weekday rule, not the statutory guess
    assert loader.is_workday(D("2027-10-04"))


def test_confirming_a_year_calls_the_recompute_hooks_with_that_year(admin, hook_calls):
    calendar_import_year(actor=admin, year=2027, text=ARRANGEMENT_2027)
    assert hook_calls == []
    calendar_confirm_year(actor=admin, year=2027)
    assert hook_calls == [2027]


def test_a_hook_already_sees_the_confirmed_table(admin):
    seen = []

    def hook(year: int) -> None:
        seen.append(loader.add_workdays(D("2027-02-04"), 1))

    recompute.register(hook)
    try:
        calendar_import_year(actor=admin, year=2027, text=ARRANGEMENT_2027)
        calendar_confirm_year(actor=admin, year=2027)
    finally:
        recompute.unregister(hook)
    assert seen == [(D("2027-02-12"), False)]


def test_importing_and_confirming_are_audited(admin):
    calendar_import_year(actor=admin, year=2027, text=ARRANGEMENT_2027, note="国办发明电〔2026〕X号")
    calendar_confirm_year(actor=admin, year=2027)
    imported = AuditEvent.objects.get(event_type="calendar.year_imported")
    confirmed = AuditEvent.objects.get(event_type="calendar.year_confirmed")
    assert imported.actor_id == admin.pk and imported.object_id == "2027"
    assert imported.new["holidays"] == 8 and "2027-02-14 班 调休上班" in imported.new["days"]
    assert confirmed.old == {"confirmed": False} and confirmed.new["confirmed"] is True
    calendar_year = CalendarYear.objects.get(year=2027)
    assert calendar_year.confirmed_by == admin and calendar_year.confirmed_at is not None


def test_reimporting_replaces_the_rows_and_withdraws_the_confirmation(admin, hook_calls):
    calendar_import_year(actor=admin, year=2027, text=ARRANGEMENT_2027)
    calendar_confirm_year(actor=admin, year=2027)
    calendar_import_year(actor=admin, year=2027, text="2027-01-01 休 元旦")
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D("2027-01-01")]
    assert not CalendarYear.objects.get(year=2027).confirmed
    assert loader.get_calendar().year_status(2027) == "provisional"
    assert hook_calls == [2027, 2027]


def test_a_bad_line_is_refused_and_nothing_is_stored(admin):
    with pytest.raises(ValidationFailed) as caught:
        calendar_import_year(actor=admin, year=2027, text="2027-01-01 休 元旦\n2027-13-01 休")
    assert "第 2 行" in caught.value.errors["text"]
    assert not CalendarYear.objects.exists()


def test_a_year_outside_the_calendar_is_refused(admin):
    with pytest.raises(ValidationFailed) as caught:
        calendar_import_year(actor=admin, year=2200, text="2200-01-01 休")
    assert "年度应在" in caught.value.errors["year"]


def test_confirming_a_year_never_imported_is_not_found(admin):
    with pytest.raises(NotFound):
        calendar_confirm_year(actor=admin, year=2027)


def test_confirming_twice_is_a_conflict(admin):
    calendar_import_year(actor=admin, year=2027, text=ARRANGEMENT_2027)
    calendar_confirm_year(actor=admin, year=2027)
    with pytest.raises(Conflict):
        calendar_confirm_year(actor=admin, year=2027)


def test_the_center_admin_may_import_too():
    calendar_import_year(actor=_user("wd_center", "center_admin"), year=2027, text=ARRANGEMENT_2027)


def test_an_agent_may_neither_import_nor_confirm(admin):
    agent = _user("wd_agent", "agent")
    with pytest.raises(Forbidden):
        calendar_import_year(actor=agent, year=2027, text=ARRANGEMENT_2027)
    calendar_import_year(actor=admin, year=2027, text=ARRANGEMENT_2027)
    with pytest.raises(Forbidden):
        calendar_confirm_year(actor=agent, year=2027)
    assert AuditEvent.objects.filter(event_type="access.refused").count() == 2


def test_another_process_sees_a_confirmation_after_the_revision_check(admin, monkeypatch):
    calendar_import_year(actor=admin, year=2027, text=ARRANGEMENT_2027)
    assert loader.get_calendar().year_status(2027) == "provisional"
    # Another process confirms: this process's cache is not told, only the table changes.
    CalendarYear.objects.filter(year=2027).update(confirmed=True, updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert loader.get_calendar().year_status(2027) == "provisional"  # within the check interval
    monkeypatch.setattr(loader, "REVISION_CHECK_SECONDS", 0.0)
    assert loader.get_calendar().year_status(2027) == "admin"
