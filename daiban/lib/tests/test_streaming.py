"""A long query's rows read ahead by a thread of their own come in the order and number the query gives, and
inside a transaction they are read by the caller's connection (another would not see uncommitted rows)."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from daiban.lib.streaming import rows_read_ahead
from daiban.org.models import Region

ON_POSTGRESQL = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                   reason="a second SQLite connection waits for the test's write lock")


def _readers() -> list:
    return [t for t in threading.enumerate() if t.name == "rows-read-ahead"]


@ON_POSTGRESQL
@pytest.mark.django_db
def test_the_rows_read_ahead_are_the_query_s_rows_in_its_order():
    regions = Region.objects.order_by("-pk").values_list("pk", "name")  # the county, committed before the test
    expected = list(regions)
    assert len(expected) > 5
    assert list(rows_read_ahead(regions, chunk_size=2, ahead=1, own_connection=True)) == expected
    assert not _readers()


@ON_POSTGRESQL
@pytest.mark.django_db
def test_a_caller_that_stops_early_ends_the_reading_thread():
    pks = Region.objects.order_by("pk").values_list("pk", flat=True)
    rows = rows_read_ahead(pks, chunk_size=1, ahead=1, own_connection=True)
    assert next(rows) == pks.first()
    rows.close()  # the thread sees the stop and lets its connection go
    assert not _readers()


@pytest.mark.django_db
def test_inside_a_transaction_the_caller_s_connection_reads_the_rows_it_has_not_committed():
    parent = Region.objects.order_by("pk").first()
    Region.objects.create(name="未提交的测试镇", code="330326999", parent=parent.parent, level=parent.level)
    assert connection.in_atomic_block  # the test's transaction
    names = list(rows_read_ahead(Region.objects.filter(name="未提交的测试镇").values_list("name", flat=True)))
    assert names == ["未提交的测试镇"]
