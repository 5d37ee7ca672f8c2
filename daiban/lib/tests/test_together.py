"""A page's independent reads run at once (lib/together.py): on threads of their own outside a transaction, one
after another inside one, and the answers and errors come back as if they had run in order."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from daiban.lib.together import at_once
from daiban.org.models import Region


def where() -> tuple[str, int]:
    return threading.current_thread().name, Region.objects.count()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_reads_after_the_first_run_on_other_threads_in_order(settings):
    settings.READ_THREADS = 2
    regions = Region.objects.count()
    answers = at_once(where, where, lambda: "third")
    assert answers[0] == (threading.current_thread().name, regions)
    assert answers[1][0].startswith("daiban-read") and answers[1][1] == regions
    assert answers[2] == "third"


@pytest.mark.django_db
def test_inside_a_transaction_they_run_here_and_see_what_it_has_written(settings):
    settings.READ_THREADS = 2
    assert connection.in_atomic_block
    Region.objects.create(code="330399", name="未提交的区县", level=Region.Level.COUNTY)  # another connection misses it
    answers = at_once(where, where)
    assert {name for name, _ in answers} == {threading.current_thread().name}
    assert answers[0][1] == answers[1][1] == Region.objects.count()


@pytest.mark.django_db(transaction=True)
def test_an_error_of_any_read_is_raised_after_every_read_has_ended(settings):
    settings.READ_THREADS = 2
    ended = threading.Event()

    def slow() -> str:
        ended.wait(0.2)
        ended.set()
        return "done"

    def broken() -> None:
        raise ValueError("读取失败")

    with pytest.raises(ValueError, match="读取失败"):
        at_once(slow, broken)
    assert ended.is_set()
    with pytest.raises(ValueError, match="读取失败"):
        at_once(broken, slow)


@pytest.mark.django_db(transaction=True)
def test_without_read_threads_they_run_one_after_another_here(settings):
    settings.READ_THREADS = 0
    answers = at_once(where, where)
    assert {name for name, _ in answers} == {threading.current_thread().name}
