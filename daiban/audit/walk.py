"""Walking the chain over ranges of events: the hot loop of audit_verify.

A range runs from a known event (the anchor, or a signed checkpoint: its number and MAC) to the next checkpoint or
the end of the chain, so ranges are checked independently, in parallel processes, and together say what one walk
from the anchor would say. On PostgreSQL a range is read with `COPY … TO STDOUT` as raw text: per event one split,
one HMAC over the stored canonical body (AuditEvent.body) and one comparison. The other columns are computed from
the body by the database (shape.py checks once per verification that they still are); when they are not, the walk
also compares each event's columns with its body (`row_check`: PostgreSQL in the same query, SQLite by rebuilding
the body from the columns).

Quicker still, when the table computes its columns from the body (shape.py): `walk_pages` reads the table in the
order its rows lie on disk (COPY … (FORMAT binary) over ranges of pages: no index, no escaping) and joins what it
reads into runs of consecutive events (`Runs`), however the rows lie; `join_runs` then says whether the runs make one
chain from the anchor. Only that whole answer ("every event is there once, in one unbroken chain") comes from this
path; anything else (an altered event, a gap, a duplicate) sends the verification back to the walks in order above,
which say exactly where.

Imports nothing of Django at module level: a spawned process that walks a range imports only this and psycopg.
"""
from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from daiban.audit.chain import body_of_values, mac_maker

TABLE = "audit_auditevent"


@dataclass(frozen=True)
class Span:
    """The events after `after_seq` (whose MAC is `after_mac`) up to `through_seq` (None: to the end)."""

    after_seq: int
    after_mac: str
    through_seq: int | None = None
    through_mac: str | None = None


@dataclass(frozen=True)
class Walked:
    span: Span
    first_bad: int | None  # the first event that is altered, missing or out of place (None: all good)
    rows: int  # events read
    last_seq: int  # the last good event's number (the span's start if none)
    last_mac: str

    @property
    def reached_checkpoint(self) -> bool:
        """The span ends where its closing checkpoint says, with that checkpoint's MAC."""
        return self.span.through_seq is None or (self.last_seq, self.last_mac) == (self.span.through_seq,
                                                                                     self.span.through_mac)


# With `row_check`: whether the columns say what the body says, computed by PostgreSQL beside each row (`t` when
# they do): the body
# is parsed once into a record (json_to_record: quicker than jsonb, and than one `->>` per field). Text comparisons
# wherever a cast could fail on a forged body; a body that is not a JSON object makes the query fail, and the range
# is then walked the slow way (walk_values).
_BODY = ("seq text, event_type text, actor_id text, actor_name text, object_type text, object_id text, "
         "object_repr text, old jsonb, new jsonb, created_at text, ip text, request_id text, outcome text")
_SAME = """
    b.seq = e.seq::text AND b.event_type = e.event_type AND b.actor_id IS NOT DISTINCT FROM e.actor_id::text
    AND b.actor_name = e.actor_name AND b.object_type = e.object_type AND b.object_id = e.object_id
    AND b.object_repr = e.object_repr AND b.old IS NOT DISTINCT FROM e.old AND b.new IS NOT DISTINCT FROM e.new
    AND b.created_at = to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    AND b.ip::inet IS NOT DISTINCT FROM e.ip AND b.request_id = e.request_id AND b.outcome = e.outcome
"""


def copy_sql(span: Span, *, row_check: bool = False) -> str:
    upper = f" AND e.seq <= {int(span.through_seq)}" if span.through_seq is not None else ""
    if not row_check:
        return (f"COPY (SELECT e.seq, e.mac, e.body, 't' FROM {TABLE} e "
                f"WHERE e.seq > {int(span.after_seq)}{upper} ORDER BY e.seq) TO STDOUT")
    return (f"COPY (SELECT e.seq, e.mac, e.body, ({_SAME}) FROM {TABLE} e, json_to_record(e.body::json) AS b({_BODY}) "
            f"WHERE e.seq > {int(span.after_seq)}{upper} ORDER BY e.seq) TO STDOUT")


class _Walk:
    """The state of one range's walk; `feed` takes events in order and says whether to go on."""

    def __init__(self, key: bytes, span: Span):
        self.key, self.span = key, span
        self.expected, self.previous = span.after_seq + 1, span.after_mac.encode("ascii")
        self.first_bad: int | None = None
        self.rows = 0

    def result(self) -> Walked:
        return Walked(self.span, self.first_bad, self.rows, self.expected - 1, self.previous.decode("ascii"))


def walk_copy(connection, key: bytes, span: Span, *, row_check: bool = False,
              progress: Callable[[int], None] = lambda n: None) -> Walked:
    """One range on PostgreSQL, from COPY's text rows (`connection`: a psycopg connection)."""
    walk, mac_of = _Walk(key, span), mac_maker(key)
    expected, previous, rows, first_bad = walk.expected, walk.previous, 0, None
    leftover = b""
    with connection.cursor() as cursor:
        # Compiling the row check with JIT costs more than the check itself (a second or two per query).
        cursor.execute("SET LOCAL jit = off")
    with connection.cursor() as cursor, cursor.copy(copy_sql(span, row_check=row_check)) as copy:
        for block in copy:
            lines = (leftover + bytes(block)).split(b"\n")
            leftover = lines.pop()
            for line in lines:
                seq_text, mac, body, same = line.split(b"\t")
                seq = int(seq_text)
                rows += 1
                if seq != expected:
                    first_bad = min(seq, expected)
                    break
                if b"\\" in body:  # COPY doubles each backslash; JSON text holds no other character COPY escapes
                    body = body.replace(b"\\\\", b"\\")
                if same != b"t" or mac_of(body, previous) != mac:
                    first_bad = seq
                    break
                previous, expected = mac, expected + 1
            if first_bad is not None:
                for _rest in copy:  # the connection is usable again only once COPY has sent everything
                    pass
                break
            progress(rows)
    walk.expected, walk.previous, walk.rows, walk.first_bad = expected, previous, rows, first_bad
    return walk.result()


def walk_bodies(rows: Iterable[Sequence[Any]], key: bytes, span: Span) -> Walked:
    """One range from rows of (seq, mac, body) whose columns the database computes from the body (SQLite)."""
    walk, mac_of = _Walk(key, span), mac_maker(key)
    for seq, mac, body in rows:
        walk.rows += 1
        if seq != walk.expected:
            walk.first_bad = min(seq, walk.expected)
            break
        mac = mac.encode("ascii")
        if mac_of(body.encode("utf-8"), walk.previous) != mac:
            walk.first_bad = seq
            break
        walk.previous, walk.expected = mac, walk.expected + 1
    return walk.result()


def walk_values(rows: Iterable[Sequence[Any]], key: bytes, span: Span) -> Walked:
    """One range from rows of (CHAIN_FIELDS…, mac, body), the body rebuilt from the columns: for SQLite, and for a
    range whose stored body PostgreSQL cannot even read as JSON."""
    walk, mac_of = _Walk(key, span), mac_maker(key)
    for row in rows:
        seq, mac, body = row[0], row[-2].encode("ascii"), row[-1].encode("utf-8")
        walk.rows += 1
        if seq != walk.expected:
            walk.first_bad = min(seq, walk.expected)
            break
        rebuilt = body_of_values(row[:-2])
        if rebuilt != body or mac_of(rebuilt, walk.previous) != mac:
            walk.first_bad = seq
            break
        walk.previous, walk.expected = mac, walk.expected + 1
    return walk.result()


def walk_in_process(conninfo: str, key: bytes, span: Span, *, row_check: bool = False,
                    progress: Callable[[int], None] = lambda n: None) -> Walked:
    """A range over a connection of its own, by COPY: in a process spawned by audit_verify, or beside Django's
    connection, which stays free for the progress callback's writes."""
    import psycopg  # the PostgreSQL driver, loaded only where a PostgreSQL database is walked

    with psycopg.connect(conninfo) as connection:
        connection.execute("SET client_encoding TO 'UTF8'")
        return walk_copy(connection, key, span, row_check=row_check, progress=progress)


# Reading the table as it lies on disk ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pages:
    """The table's pages from `first` up to `stop` (None: to the end, whatever is appended meanwhile)."""

    first: int
    stop: int | None = None


def page_ranges(pages: int, pieces: int) -> list[Pages]:
    """All of a table of `pages` pages in about `pieces` ranges, the last one open: together they read every row."""
    step = max(pages // max(pieces, 1), 1)
    cuts = list(range(step, pages, step))[:max(pieces, 1) - 1]
    return [Pages(a, b) for a, b in zip([0, *cuts], [*cuts, None], strict=True)]


def pages_sql(pages: Pages) -> str:
    upper = f" AND ctid < '({int(pages.stop)},0)'::tid" if pages.stop is not None else ""
    return (f"COPY (SELECT seq, mac, body FROM {TABLE} WHERE ctid >= '({int(pages.first)},0)'::tid{upper}) "
            "TO STDOUT (FORMAT binary)")


# One binary COPY row of (seq bigint, mac varchar, body text): field count, then each field's length and bytes.
_ROW = struct.Struct(">hiqi64si")
_HEADER = b"PGCOPY\n\xff\r\n\x00"
MAC_LENGTH = 64


@dataclass
class Runs:
    """Events read in any order, kept as runs of consecutive numbers each linked to the one before (checked): per
    run its first event (whose link to the event before it is checked when the runs are joined) and its last one.
    A run that ends just before another one begins is joined to it as soon as both are known."""

    rows: int = 0
    by_first: dict[int, list] = field(default_factory=dict)  # first seq -> [first seq, MAC, body, last seq, MAC]
    by_end: dict[int, list] = field(default_factory=dict)  # last seq + 1 -> the same run
    broken: bool = False  # an event whose MAC is wrong, or two runs claiming the same place

    def close(self, mac_of, first_seq: int, first_mac: bytes, first_body: bytes, last_seq: int, last_mac: bytes):
        run: list[Any] = [first_seq, first_mac, first_body, last_seq, last_mac]
        before = self.by_end.pop(first_seq, None)
        if before is not None:  # a run that ends just before this one: one run now
            if mac_of(first_body, before[4]) != first_mac:
                self.broken = True
                return
            before[3], before[4] = last_seq, last_mac
            run = before
        after = self.by_first.pop(last_seq + 1, None)
        if after is not None:  # a run that begins just after this one
            if mac_of(after[2], run[4]) != after[1]:
                self.broken = True
                return
            del self.by_end[after[3] + 1]
            run[3], run[4] = after[3], after[4]
        if self.by_first.get(run[0], run) is not run or run[3] + 1 in self.by_end:
            self.broken = True  # two runs from the same event, or to the same event: some event is there twice
            return
        self.by_first[run[0]], self.by_end[run[3] + 1] = run, run

    def runs(self) -> list[list]:
        return sorted(self.by_first.values())


def runs_of_rows(rows: Iterable[tuple[int, bytes, bytes]], key: bytes) -> Runs:
    """The runs of events given as (seq, MAC, body) in any order (a body may be a memoryview): walk_pages' bookkeeping.
    Stops at the first event found wrong (`broken`), leaving the rest of `rows` unread."""
    mac_of, runs = mac_maker(key), Runs()
    first_seq, first_mac, first_body, expected, previous = -1, b"", b"", -1, b""
    for seq, mac, body in rows:
        runs.rows += 1
        if seq == expected:
            if mac_of(body, previous) != mac:
                runs.broken = True
                return runs
        else:
            if first_seq >= 0:
                runs.close(mac_of, first_seq, first_mac, first_body, expected - 1, previous)
                if runs.broken:
                    return runs
            first_seq, first_mac, first_body = seq, mac, bytes(body)  # kept past its block, and sent between processes
        previous, expected = mac, seq + 1
    if first_seq >= 0 and not runs.broken:
        runs.close(mac_of, first_seq, first_mac, first_body, expected - 1, previous)
    return runs


def walk_pages(connection, key: bytes, pages: Pages, *, own_connection: bool = False,
               progress: Callable[[int], None] = lambda n: None) -> Runs:
    """One range of pages on PostgreSQL by binary COPY, as runs (`connection`: a psycopg connection): the rows parsed in
    place (`_binary_rows`: one unpack per event) and joined by runs_of_rows (two SHA-256 calls per event).
    An event found wrong, or a row that does not parse, stops the read: by cancelling the COPY on a connection of our
    own, else by reading it out (a connection in a transaction must stay usable)."""
    if own_connection:  # compiling a plan this size costs more than it saves
        connection.execute("SET jit = off")
    read = [0]
    try:
        with connection.cursor() as cursor, cursor.copy(pages_sql(pages)) as copy:
            blocks = iter(copy)
            runs = runs_of_rows(_binary_rows(blocks, own_connection, read, progress), key)
            if runs.broken:
                _stop(blocks, own_connection)
            return runs
    except _Stop:
        return Runs(rows=read[0], broken=True)


def _binary_rows(blocks, own_connection: bool, read: list[int], progress: Callable[[int], None]):
    """(seq, MAC, body) of each row of a binary COPY of (seq bigint, mac varchar, body text), the body a view of its
    block. A row that does not parse stops the COPY (`_stop`), with read[0] = the rows read before it."""
    unpack, head = _ROW.unpack_from, _ROW.size
    start = bytes(next(blocks, b""))
    if not start.startswith(_HEADER):
        _stop(blocks, own_connection)
    header = len(_HEADER) + 8 + struct.unpack_from(">i", start, len(_HEADER) + 4)[0]
    rows = 0
    for block in chain([memoryview(start)[header:]], blocks):
        if len(block) < head:  # the end (a field count of -1), nothing after the header, or a short MAC
            if len(block) > 2:
                read[0] = rows
                _stop(blocks, own_connection)
            continue
        _fields, _eight, seq, mac_length, mac, body_length = unpack(block)
        body = block[head:]
        if mac_length != MAC_LENGTH or body_length != len(body):
            read[0] = rows
            _stop(blocks, own_connection)
        rows += 1
        if not rows & 0xFFFF:
            progress(rows)
        yield seq, mac, body


class _Stop(Exception):
    """Leaves a COPY: psycopg cancels it (unless it was read to its end) and reads what was already sent."""


def _stop(blocks, own_connection: bool):
    if not own_connection:  # a cancelled query would leave the transaction aborted
        for _rest in blocks:
            pass
    raise _Stop


def join_runs(runs: Iterable[list], key: bytes, start_seq: int, start_mac: str, *,
              head_seq: int | None = None) -> tuple[Walked, bool] | None:
    """The runs of every range of pages as one walk from the anchor (`start_seq`, whose MAC is `start_mac`): the
    walk's answer when together they hold every event after the anchor once, each linked to the one before; None
    when they do not (then the walk in order says what is wrong). Events up to the anchor are left out, as the walk
    in order leaves them.

    Events appended while the pages are read may be seen in one range and not in another: past `head_seq` (the head
    read before the walk) the runs are joined as far as they go, and the answer says whether any were left over
    (the caller then walks the rest in order, from the last event joined)."""
    mac_of = mac_maker(key)
    last_seq, last_mac, rest = start_seq, start_mac.encode("ascii"), False
    for first_seq, first_mac, first_body, end_seq, end_mac in sorted(runs):
        if end_seq <= start_seq:
            continue
        if first_seq != last_seq + 1 or mac_of(first_body, last_mac) != first_mac:
            if head_seq is None or last_seq < head_seq:
                return None
            rest = True
            break
        last_seq, last_mac = end_seq, end_mac
    return Walked(Span(start_seq, start_mac), None, last_seq - start_seq, last_seq, last_mac.decode("ascii")), rest


def walk_pages_in_process(conninfo: str, key: bytes, pages: Pages, *,
                          progress: Callable[[int], None] = lambda n: None) -> Runs:
    """A range of pages over a connection of its own: in a process spawned by audit_verify, or beside Django's
    connection, which stays free for the progress callback's writes."""
    import psycopg  # the PostgreSQL driver, loaded only where a PostgreSQL database is walked

    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("SET client_encoding TO 'UTF8'")
        return walk_pages(connection, key, pages, own_connection=True, progress=progress)
