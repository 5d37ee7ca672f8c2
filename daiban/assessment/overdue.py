"""The overdue cohort kept as spans (assessment.models.OverdueSpan): for each case, the days on which it counts as
overdue (逾期案件, assessment.figures), as the state of its items stands now, so that the figure for any cutoff day
is a count of the spans covering that day instead of a reading of the items.

A case becomes overdue by the calendar, not by an event: an open item turns overdue the day after its due date
with nothing written. So a span stores the day it WILL start (and, when the case's own state already says so, the
day it stops), and the figure counts `starts_on ≤ C < ends_on`. The spans follow item_states.late_on exactly:

- an item finished after its due date is overdue from its finish on: [finished_on, ∞);
- while the case is open, an item not yet finished is overdue the day after its due date (its stored due_on
  once the department has started it, its plan date before that) until its finish, unless it is paused now by
  a pause that began on or before its due date (from that pause's first day on);
- a withdrawn item never counts.

A case's spans are the union of its items' (rows with no department), and of each department's items (rows
with that department). They are worked out again whenever an item, a pause or the case's state changes
(`overdue_refresh`, called by the post_save receivers of assessment.rollups, inside the writer's transaction),
and for every case by `overdue_rows` (manage.py rebuild_rollups, the migration that made the table).

The department spans are also counted per accepted month (assessment.models.OverdueDepartmentMonth): a refresh
that moves a case's department spans takes one from the month row of each span it drops and adds one to the row
of each it makes, by atomic increments (INSERT … ON CONFLICT DO UPDATE) in the same transaction, and deletes a
row whose count reaches 0, so the table holds exactly the GROUP BY of the spans (`overdue_months_fill`, the
rebuild).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import reduce
from operator import or_
from typing import Any

from django.apps import apps as installed
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import TruncDate

from daiban.assessment.models import CaseAgent, OverdueAgentSpan, OverdueDepartmentMonth, OverdueSpan
from daiban.cases.states import ITEM_PAUSED, OPEN_STATUSES, ItemStatus

Span = tuple[dt.date, dt.date | None]  # [starts_on, ends_on): ends_on None when it has no end
DAY = dt.timedelta(days=1)
# What an item's spans depend on, with its case's keys (the rows' columns).
FIELDS = ("pk", "case_id", "catalog_item__department_id", "status", "started_on", "due_on", "planned_due",
          "finished_on", "case__status", "case__unit_id", "case__project__location_id")
# The item fields a save must touch to move its spans (another field saved alone, e.g. escalation_level, cannot).
MOVING_FIELDS = frozenset({"status", "started_on", "due_on", "planned_due", "finished_on", "catalog_item"})


def _cut(span: Span, before: dt.date | None) -> Span | None:
    """`span` ended at `before` (exclusive) at the latest; None when nothing is left."""
    start, end = span
    if before is not None and (end is None or end > before):
        end = before
    return None if end is not None and end <= start else (start, end)


def item_spans(item: dict[str, Any], pause_starts: Iterable[dt.date] = ()) -> list[Span]:
    """The days item `item` (a row of FIELDS) is overdue, given its case's status and the starts of its open
    pauses: the same answer as item_states.late_on for every day."""
    if item["status"] == ItemStatus.WITHDRAWN:
        return []
    started, due, planned, finished = item["started_on"], item["due_on"], item["planned_due"], item["finished_on"]
    spans: list[Span] = []
    if finished is not None and due is not None and finished > due:
        spans.append((finished, None))
    if item["case__status"] not in OPEN_STATUSES:
        return spans
    still_open: list[Span] = []
    if started is not None and due is not None:  # after the start, against the stored due date
        still_open.append((max(started, due + DAY), None))
    if planned is not None:  # before the start (or never started), against the plan date
        still_open.append((planned + DAY, started))
    excused = None
    if item["status"] in ITEM_PAUSED and due is not None:
        excused = min((day for day in pause_starts if day <= due), default=None)
    for span in still_open:
        kept = _cut(span, finished)
        kept = kept and _cut(kept, excused)
        if kept:
            spans.append(kept)
    return spans


def merged(spans: Iterable[Span]) -> list[Span]:
    """The union of `spans` as disjoint spans in order (touching ones joined)."""
    answer: list[list] = []
    for start, end in sorted(spans, key=lambda s: s[0]):
        if answer and (answer[-1][1] is None or start <= answer[-1][1]):
            if answer[-1][1] is not None and (end is None or end > answer[-1][1]):
                answer[-1][1] = end
            continue
        answer.append([start, end])
    return [(start, end) for start, end in answer]


def _items(apps) -> Any:
    return (apps.get_model("cases", "CaseItem").objects.order_by()
            .annotate(accepted_on=TruncDate("case__accepted_at")).values(*FIELDS, "accepted_on"))


def _open_pauses(apps, **where) -> dict[int, list[dt.date]]:
    found: dict[int, list[dt.date]] = defaultdict(list)
    pauses = apps.get_model("plans", "Pause").objects.filter(ended_on__isnull=True, **where)
    for item_id, started_on in pauses.order_by().values_list("item_id", "started_on"):
        found[item_id].append(started_on)
    return found


def _case_rows(model, items: list[dict], pauses: dict[int, list[dt.date]]) -> list:
    """A case's span rows (model: the installed OverdueSpan or a migration's) from its items."""
    by_department: dict[int | None, list[Span]] = defaultdict(list)
    for item in items:
        spans = item_spans(item, pauses.get(item["pk"], ()))
        by_department[None] += spans
        by_department[item["catalog_item__department_id"]] += spans
    first = items[0] if items else {}
    return [model(case_id=first["case_id"], department_id=department, accepted_on=first["accepted_on"],
                  unit_id=first["case__unit_id"], township_id=first["case__project__location_id"],
                  starts_on=start, ends_on=end)
            for department, spans in by_department.items() for start, end in merged(spans)]


def _key(row) -> tuple:
    return row.department_id, row.starts_on, row.ends_on


def _case_wide(rows: Iterable) -> list[tuple]:
    """The spans of the case as a whole (no department) among `rows`, in order."""
    return sorted((row.starts_on, row.ends_on or dt.date.max) for row in rows if row.department_id is None)


MONTH_KEY = ("month", "starts_on", "ends_on", "department_id")


def _month_keys(rows: Iterable) -> Counter:
    """The month rollup's keys (MONTH_KEY) of the department span rows among `rows`, counted."""
    return Counter((row.accepted_on.replace(day=1), row.starts_on, row.ends_on, row.department_id)
                   for row in rows if row.department_id is not None)


def _in_order(key: tuple) -> tuple:
    month, starts_on, ends_on, department = key
    return month, starts_on, ends_on or dt.date.max, department


# The two partial unique indexes of OverdueDepartmentMonth as ON CONFLICT names them: rows with an end, rows without.
ARBITERS = {True: "(month, starts_on, ends_on, department_id) WHERE ends_on IS NOT NULL",
            False: "(month, starts_on, department_id) WHERE ends_on IS NULL"}


def _months_moved(made: Counter, dropped: Counter) -> None:
    """The month rows of the spans made counted up, of those dropped down, zeros deleted (in the caller's
    transaction): three statements at most whatever the keys, each row made or added to atomically (INSERT … ON
    CONFLICT DO UPDATE, PostgreSQL and SQLite). Every writer touches the rows in one order, so two refreshes
    sharing rows wait for each other, never deadlock."""
    changes = [(key, made[key] - dropped[key]) for key in sorted(made.keys() | dropped.keys(), key=_in_order)]
    changes = [(key, change) for key, change in changes if change]
    table, ops = connection.ops.quote_name(OverdueDepartmentMonth._meta.db_table), connection.ops
    with connection.cursor() as cursor:
        for ended in (False, True):
            rows = [(ops.adapt_datefield_value(month), ops.adapt_datefield_value(starts_on),
                     ops.adapt_datefield_value(ends_on), department, change)
                    for (month, starts_on, ends_on, department), change in changes if (ends_on is not None) == ended]
            if rows:
                cursor.execute(f"INSERT INTO {table} (month, starts_on, ends_on, department_id, spans) VALUES "
                               + ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
                               + f" ON CONFLICT {ARBITERS[ended]} DO UPDATE SET spans = {table}.spans + excluded.spans",
                               [value for row in rows for value in row])
    emptied = [Q(**dict(zip(MONTH_KEY, key, strict=True))) for key, change in changes if change < 0]
    if emptied:
        OverdueDepartmentMonth.objects.filter(reduce(or_, emptied), spans=0).delete()


def overdue_refresh(case_id: int) -> None:
    """The case's spans worked out again from its items (in the caller's transaction), and its department spans'
    month rows moved with them; written only if moved."""
    items = list(_items(installed).filter(case_id=case_id))
    paused = [item["pk"] for item in items if item["status"] in ITEM_PAUSED]
    pauses = _open_pauses(installed, item_id__in=paused) if paused else {}
    wanted = _case_rows(OverdueSpan, items, pauses)
    kept = list(OverdueSpan.objects.filter(case_id=case_id))
    if sorted(map(_key, wanted), key=repr) == sorted(map(_key, kept), key=repr):
        return
    with transaction.atomic(savepoint=False):  # all or nothing when the caller has no transaction of its own
        OverdueSpan.objects.filter(case_id=case_id).delete()
        OverdueSpan.objects.bulk_create(wanted)
        _months_moved(_month_keys(wanted), _month_keys(kept))
        if _case_wide(wanted) != _case_wide(kept):  # the agent spans copy these
            agent_spans_write(case_id)


def overdue_rows(model, apps=installed) -> Iterator:
    """Every case's span rows, from all items in one pass (a rebuild, the migration)."""
    pauses = _open_pauses(apps)
    case_items: list[dict] = []
    for item in _items(apps).order_by("case_id").iterator(chunk_size=5000):
        if case_items and item["case_id"] != case_items[0]["case_id"]:
            yield from _case_rows(model, case_items, pauses)
            case_items = []
        case_items.append(item)
    if case_items:
        yield from _case_rows(model, case_items, pauses)


def overdue_months_fill(using=connection, months: str = OverdueDepartmentMonth._meta.db_table,
                        spans: str = OverdueSpan._meta.db_table) -> None:
    """The (empty) month rollup counted from the department spans by one INSERT … SELECT … GROUP BY (the rebuild,
    the migration that made the table: `using` its connection)."""
    month = ("date_trunc('month', accepted_on)::date" if using.vendor == "postgresql"
             else "date(accepted_on, 'start of month')")
    with using.cursor() as cursor:
        cursor.execute(f"INSERT INTO {using.ops.quote_name(months)} (month, starts_on, ends_on, department_id, spans)"
                       f" SELECT {month}, starts_on, ends_on, department_id, COUNT(*)"
                       f" FROM {using.ops.quote_name(spans)} WHERE department_id IS NOT NULL"
                       " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2")


def overdue_rebuild() -> int:
    """Every case's spans, and their month rollup, worked out again (in the caller's transaction); answers the
    number of spans."""
    OverdueSpan.objects.all().delete()
    made = len(OverdueSpan.objects.bulk_create(overdue_rows(OverdueSpan), batch_size=2000))
    OverdueDepartmentMonth.objects.all().delete()
    overdue_months_fill()
    return made


def agent_spans_fill(using=connection, case_id: int | None = None, agent_spans: str = OverdueAgentSpan._meta.db_table,
                     spans: str = OverdueSpan._meta.db_table, agents: str = CaseAgent._meta.db_table) -> None:
    """The agent spans (OverdueAgentSpan: each case's spans without a department once for each of its CaseAgent rows)
    of every case, or of one, inserted by one INSERT … SELECT (the table, or the case's rows, empty before; `using`
    and the tables: a migration's)."""
    quote = using.ops.quote_name
    with using.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(agent_spans)} (case_id, agent_id, accepted_on, starts_on, ends_on)"
                       f" SELECT s.case_id, a.agent_id, s.accepted_on, s.starts_on, s.ends_on"
                       f" FROM {quote(spans)} s JOIN {quote(agents)} a ON a.case_id = s.case_id"
                       " WHERE s.department_id IS NULL" + (" AND s.case_id = %s" if case_id is not None else "")
                       + " ORDER BY s.accepted_on, s.starts_on", [] if case_id is None else [case_id])


def agent_spans_write(case_id: int) -> None:
    """The case's agent spans written again from its spans and its agents (in the caller's transaction): after its
    spans moved (overdue_refresh) or its agents changed (assessment.agents)."""
    OverdueAgentSpan.objects.filter(case_id=case_id).delete()
    agent_spans_fill(case_id=case_id)
