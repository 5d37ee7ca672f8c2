"""Walking the chain over ranges of events: the hot loop of audit_verify.

A range runs from a known event (the anchor, or a signed checkpoint: its number and MAC) to the next checkpoint or
the end of the chain, so ranges are checked independently, in parallel processes, and together say what one walk
from the anchor would say. On PostgreSQL a range is read with `COPY … TO STDOUT` as raw text: per event one split,
one HMAC over the stored canonical body (AuditEvent.body) and one comparison. The other columns are computed from
the body by the database (shape.py checks once per verification that they still are); when they are not, the walk
also compares each event's columns with its body (`row_check`: PostgreSQL in the same query, SQLite by rebuilding
the body from the columns).

Imports nothing of Django at module level: a spawned process that walks a range imports only this and psycopg.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from daiban.audit.chain import body_of_values, mac_of_body

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
    walk = _Walk(key, span)
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
                if same != b"t" or mac_of_body(key, body, previous) != mac:
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
    walk = _Walk(key, span)
    for seq, mac, body in rows:
        walk.rows += 1
        if seq != walk.expected:
            walk.first_bad = min(seq, walk.expected)
            break
        mac = mac.encode("ascii")
        if mac_of_body(key, body.encode("utf-8"), walk.previous) != mac:
            walk.first_bad = seq
            break
        walk.previous, walk.expected = mac, walk.expected + 1
    return walk.result()


def walk_values(rows: Iterable[Sequence[Any]], key: bytes, span: Span) -> Walked:
    """One range from rows of (CHAIN_FIELDS…, mac, body), the body rebuilt from the columns: for SQLite, and for a
    range whose stored body PostgreSQL cannot even read as JSON."""
    walk = _Walk(key, span)
    for row in rows:
        seq, mac, body = row[0], row[-2].encode("ascii"), row[-1].encode("utf-8")
        walk.rows += 1
        if seq != walk.expected:
            walk.first_bad = min(seq, walk.expected)
            break
        rebuilt = body_of_values(row[:-2])
        if rebuilt != body or mac_of_body(key, rebuilt, walk.previous) != mac:
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
