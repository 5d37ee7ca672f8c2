"""Verification reads the chain as it lies on disk: events in any order join into runs, the runs into one chain, and
whatever does not make one unbroken chain sends the verification back to the walk in order, which says where."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from daiban.audit import services
from daiban.audit.bulk import audit_append_many
from daiban.audit.chain import mac_maker, mac_of_body, seal
from daiban.audit.models import AuditEvent, AuditHead
from daiban.audit.protection import protection_lifted
from daiban.audit.services import audit_record, audit_verify
from daiban.audit.walk import join_runs, page_ranges, runs_of_rows

KEY = b"a key for these tests"


def _rows(n: int, *, after: tuple[int, bytes] = (0, b"")) -> list[tuple[int, bytes, bytes]]:
    """n events chained after (seq, MAC), as (seq, MAC, body)."""
    start, previous = after
    rows = []
    for seq in range(start + 1, start + n + 1):
        body = f'{{"seq":{seq},"note":"事件 {seq}"}}'.encode()
        previous = mac_of_body(KEY, body, previous)
        rows.append((seq, previous, body))
    return rows


def _joined(*parts) -> tuple[int, int] | None:
    """The parts read by separate walkers, joined: (events, last seq), or None."""
    runs = [run for part in parts for run in runs_of_rows(part, KEY).runs()]
    if any(runs_of_rows(part, KEY).broken for part in parts):
        return None
    joined = join_runs(runs, KEY, 0, "")
    return None if joined is None else (joined[0].rows, joined[0].last_seq)


def test_the_quick_mac_is_the_chain_s_mac_for_short_and_long_keys():
    for key in (b"", b"k", b"x" * 64, b"y" * 65, "审计密钥".encode() * 30):
        assert mac_maker(key)(b'{"seq":1}', b"ab" * 32) == mac_of_body(key, b'{"seq":1}', b"ab" * 32)


def test_events_read_in_any_order_by_any_number_of_walkers_join_into_one_chain():
    rows = _rows(300)
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    swapped = rows[:100] + rows[150:160] + rows[100:150] + rows[160:]
    assert _joined(rows) == (300, 300)
    assert _joined(rows[::-1]) == (300, 300)
    assert _joined(shuffled) == (300, 300)
    assert _joined(swapped[:120], swapped[120:200], swapped[200:]) == (300, 300)
    assert _joined(shuffled[:50], shuffled[50:51], shuffled[51:]) == (300, 300)


def test_events_in_order_make_one_run_and_a_displaced_event_is_joined_back_in_its_walker():
    rows = _rows(50)
    assert len(runs_of_rows(rows, KEY).runs()) == 1
    displaced = rows[:10] + rows[20:21] + rows[10:20] + rows[21:]  # how rows come back from pages with room left
    assert len(runs_of_rows(displaced, KEY).runs()) == 1


def test_a_missing_event_leaves_the_chain_unjoined():
    rows = _rows(100)
    assert _joined(rows[:40] + rows[41:]) is None
    assert _joined(rows[:-1][::-1], rows[-1:]) == (100, 100)
    assert _joined(rows[1:]) is None


def test_an_event_read_twice_is_never_taken_for_a_chain():
    rows = _rows(100)
    assert _joined(rows, rows[40:41]) is None
    assert _joined(rows[:60], rows[50:]) is None
    assert _joined(rows[:50] + rows[30:31] + rows[50:]) is None
    assert _joined(rows[:50] + rows[49:]) is None


def test_an_altered_event_breaks_its_run_or_the_join_wherever_it_lies():
    rows = _rows(100)
    for k in (0, 1, 37, 99):
        seq, mac, body = rows[k]
        altered = [*rows[:k], (seq, mac, body.replace(b"note", b"nota")), *rows[k + 1:]]
        assert _joined(altered) is None
        assert _joined(altered[k:], altered[:k]) is None
        shuffled = altered[:]
        random.Random(k).shuffle(shuffled)
        assert _joined(shuffled) is None


def test_events_up_to_the_anchor_are_left_out_as_the_walk_in_order_leaves_them():
    rows = _rows(100)
    anchor_seq, anchor_mac, _ = rows[49]
    after = runs_of_rows(rows[50:], KEY).runs()
    joined = join_runs(after, KEY, anchor_seq, anchor_mac.decode())
    assert joined is not None and (joined[0].rows, joined[0].last_seq, joined[1]) == (50, 100, False)
    before = runs_of_rows(rows[:30], KEY).runs()
    assert join_runs(before + after, KEY, anchor_seq, anchor_mac.decode()) is not None
    assert join_runs(runs_of_rows(rows[20:], KEY).runs(), KEY, anchor_seq, anchor_mac.decode()) is None  # across it
    assert join_runs(after, KEY, anchor_seq, rows[48][1].decode()) is None  # another anchor MAC


def test_past_the_head_read_before_the_walk_the_runs_are_joined_as_far_as_they_go():
    rows = _rows(100)
    runs = runs_of_rows(rows[:90], KEY).runs() + runs_of_rows(rows[94:], KEY).runs()  # 91 to 94 not seen
    walked, rest = join_runs(runs, KEY, 0, "", head_seq=80)
    assert (walked.last_seq, walked.last_mac, rest) == (90, rows[89][1].decode(), True)
    assert join_runs(runs, KEY, 0, "", head_seq=95) is None  # missing before the head: not this path's to say
    assert join_runs(runs_of_rows(rows, KEY).runs(), KEY, 0, "", head_seq=80)[1] is False


def test_the_pages_are_cut_into_ranges_that_read_every_row():
    assert page_ranges(0, 1)[0].stop is None
    ranges = page_ranges(1000, 8)
    assert len(ranges) == 8 and ranges[0].first == 0 and ranges[-1].stop is None
    assert all(a.stop == b.first for a, b in zip(ranges[:-1], ranges[1:], strict=True))
    assert [r.first for r in page_ranges(3, 8)] == [0, 1, 2]


# On PostgreSQL, against the table ------------------------------------------------------------------------------

EVENTS, EVERY = 1000, 100
on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the table is read on disk on PostgreSQL")


def _chain(events: int = EVENTS, start=None) -> None:
    start = start or timezone.now() - timedelta(minutes=30)
    audit_append_many(({"event_type": "case.agreement_set", "actor_name": "center", "object_type": "cases.case",
                        "object_id": str(i), "object_repr": f"案件 {i}「引号\\反斜杠」\t制表",
                        "new": {"n": i, "项目": f"项目\n{i}"}, "created_at": start + timedelta(milliseconds=i)}
                       for i in range(events)), checkpoint_every=EVERY)


def _sql(statement: str, params=()) -> None:
    with protection_lifted(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _move_to_the_end(seqs) -> None:
    """The same events, deleted and written again: they now lie after the others on disk."""
    for seq in seqs:
        mac, body = AuditEvent.objects.values_list("mac", "body").get(seq=seq)
        _sql("DELETE FROM audit_auditevent WHERE seq = %s", [seq])
        _sql("INSERT INTO audit_auditevent (mac, body) VALUES (%s, %s)", [mac, body])


def _in_order_on_disk() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq FROM audit_auditevent ORDER BY ctid")
        seqs = [seq for (seq,) in cursor.fetchall()]
    return seqs == sorted(seqs)


def _reforged_after(seq: int) -> None:
    """The insider who holds the key: the events after `seq` replaced by others, chained and sealed anew."""
    mac = AuditEvent.objects.values_list("mac", flat=True).get(seq=seq)
    _sql("DELETE FROM audit_auditevent WHERE seq > %s", [seq])
    AuditHead.objects.filter(id=1).update(seq=seq, mac=mac, seal=seal(settings.AUDIT_KEY, "head", seq, mac))
    audit_append_many({"event_type": "case.agreement_set", "actor_name": "eve", "new": {"n": n},
                       "created_at": timezone.now() - timedelta(minutes=20)} for n in range(EVENTS))


def _middle() -> int:
    return AuditHead.objects.get().seq - EVENTS // 2


ATTACKS = {
    "none": lambda: None,
    "moved on disk": lambda: _move_to_the_end([_middle(), _middle() - 7, 3, AuditHead.objects.get().seq - 1]),
    "edited": lambda: _sql("UPDATE audit_auditevent SET body = replace(body, 'center', 'eve') WHERE seq = %s",
                           [_middle()]),
    "deleted": lambda: _sql("DELETE FROM audit_auditevent WHERE seq = %s", [_middle()]),
    "cut": lambda: _sql("DELETE FROM audit_auditevent WHERE seq > %s", [_middle()]),
    "reforged with the key": lambda: _reforged_after(_middle() - 200),
}


@on_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize("attack", ATTACKS)
def test_the_walk_on_disk_answers_what_the_walk_in_order_answers(checkpoint_dir, monkeypatch, attack):
    _chain()
    ATTACKS[attack]()
    on_disk = audit_verify(processes=2)  # inside the test's transaction: one process, ranges cut at checkpoints
    with monkeypatch.context() as patched:
        patched.setattr(services, "_walk_on_disk", lambda *args: None)
        in_order = audit_verify(processes=2)
    assert on_disk.ok is (attack in ("none", "moved on disk"))
    if attack != "reforged with the key":
        assert on_disk.as_dict() == in_order.as_dict()
        return
    # The walk in order starts a range from a checkpoint the events no longer match, calls the first event after it
    # altered and stops; on disk the events are one chain, and every checkpoint passed says it is not the one it saw.
    assert on_disk.first_bad_seq == in_order.first_bad_seq
    assert {p for p in in_order.problems if p.code != "audit.event_altered"} <= set(on_disk.problems)
    assert {p.code for p in on_disk.problems} == {"audit.checkpoint_mismatch"}


@on_postgresql
@pytest.mark.django_db
def test_a_chain_lying_out_of_order_on_disk_verifies_without_the_walk_in_order(checkpoint_dir, monkeypatch):
    _chain()
    _move_to_the_end([_middle(), _middle() + 1, _middle() - 40, 5])
    assert not _in_order_on_disk()
    monkeypatch.setattr(services, "_walk_spans", lambda *args: pytest.fail("walked in order"))
    result = audit_verify(processes=1)
    assert result.ok and result.events == AuditEvent.objects.count(), result.problems


@on_postgresql
@pytest.mark.django_db
def test_an_edited_event_sends_the_verification_back_to_the_walk_in_order(checkpoint_dir, monkeypatch):
    _chain()
    seq = _middle()
    _sql("UPDATE audit_auditevent SET body = replace(body, 'center', 'eve') WHERE seq = %s", [seq])
    walks = []
    walk_spans = services._walk_spans
    monkeypatch.setattr(services, "_walk_spans", lambda *args: walks.append(args) or walk_spans(*args))
    result = audit_verify(processes=1)
    assert walks and not result.ok and result.first_bad_seq == seq


def _appending_before_the_walk(monkeypatch, then=lambda seqs: None) -> None:
    """Events appended after verification has read the head, before it reads the events (as people log in meanwhile)."""
    columns_not_from_body = services.columns_not_from_body

    def append_then_check():
        seqs = [audit_record(event_type="auth.login", actor_name="张三").seq for _ in range(5)]
        then(seqs)
        return columns_not_from_body()

    monkeypatch.setattr(services, "columns_not_from_body", append_then_check)


@pytest.mark.django_db
@pytest.mark.parametrize("walk", ["on disk", "in order"])
def test_events_appended_while_the_chain_is_read_are_not_taken_for_a_rewritten_head(checkpoint_dir, monkeypatch,
                                                                                     walk):
    _chain(300)
    if walk == "in order":
        monkeypatch.setattr(services, "_walk_on_disk", lambda *args: None)
    _appending_before_the_walk(monkeypatch)
    result = audit_verify(processes=2)
    assert result.ok, result.problems
    assert result.events == AuditEvent.objects.count()


@on_postgresql
@pytest.mark.django_db
def test_an_event_missing_among_those_appended_meanwhile_is_found_by_walking_on_from_the_head(checkpoint_dir,
                                                                                             monkeypatch):
    _chain(300)
    missing: list[int] = []

    def delete_the_third(seqs):
        missing.append(seqs[2])
        _sql("DELETE FROM audit_auditevent WHERE seq = %s", [seqs[2]])

    _appending_before_the_walk(monkeypatch, delete_the_third)
    walks = []
    walk_here = services._walk_here
    monkeypatch.setattr(services, "_walk_here", lambda *args: walks.append(args[0]) or walk_here(*args))
    result = audit_verify(processes=2)
    assert not result.ok and result.first_bad_seq == missing[0]
    assert [span.after_seq for span in walks] == [missing[0] - 1]  # on from the last event joined, not all again
