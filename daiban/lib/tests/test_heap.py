"""A web process settles its heap after its first answers (lib/heap.py): it collects what is garbage, freezes the
rest out of the collector's sight, and does so once started and after the 1st, 10th, 100th and 1,000th answer
only."""
from __future__ import annotations

import gc
import itertools
import weakref

import pytest
from django.core.signals import request_finished

from daiban.lib import heap


class Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()  # the test process's heap back in the collector's sight


def test_settling_collects_the_garbage_and_freezes_what_is_alive(unfrozen):
    kept, dropped = Cycle(), Cycle()
    gone = weakref.ref(dropped)
    del dropped
    frozen = gc.get_freeze_count()
    heap.settle()
    assert gone() is None  # a cycle no one refers to was collected, not frozen
    assert gc.get_freeze_count() > frozen
    assert not any(o is kept for o in gc.get_objects())  # what is alive is out of the collector's sight
    assert kept.me is kept


def test_the_heap_is_settled_once_started_and_after_the_1st_10th_100th_and_1000th_answer_only(monkeypatch):
    sent, settled_after = [0], []
    monkeypatch.setattr(heap, "_answers", itertools.count(1))
    monkeypatch.setattr(heap, "settle", lambda: settled_after.append(sent[0]))
    heap.settle_now_and_after_warm_up()
    try:
        while sent[0] < 1200:
            sent[0] += 1
            request_finished.send(sender=None)
    finally:
        request_finished.disconnect(dispatch_uid="daiban.lib.heap")
    assert settled_after == [0, 1, 10, 100, 1000]


@pytest.mark.django_db
def test_an_answer_through_django_counts(client, monkeypatch):
    counted = []
    monkeypatch.setattr(heap, "_answers", itertools.count(1))
    monkeypatch.setattr(heap, "settle", lambda: counted.append(True))
    heap.settle_now_and_after_warm_up()
    counted.clear()  # the settling once started
    try:
        client.get("/healthz").close()
    finally:
        request_finished.disconnect(dispatch_uid="daiban.lib.heap")
    assert counted == [True]
