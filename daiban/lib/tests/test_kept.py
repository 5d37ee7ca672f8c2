"""A value kept in the cache is worked out once per key, and again once it expires; None is never kept."""
from __future__ import annotations

from django.core.cache import cache

from daiban.lib.kept import kept


def counter(*answers):
    calls = []

    def work():
        calls.append(1)
        return answers[min(len(calls), len(answers)) - 1]
    return work, calls


def test_a_value_is_worked_out_once_per_key():
    work, calls = counter(41, 42)
    assert kept("test:kept:a", work, seconds=60) == 41
    assert kept("test:kept:a", work, seconds=60) == 41 and len(calls) == 1
    assert kept("test:kept:b", work, seconds=60) == 42 and len(calls) == 2


def test_none_is_worked_out_again_at_every_call():
    work, calls = counter(None)
    assert kept("test:kept:none", work, seconds=60) is None
    assert kept("test:kept:none", work, seconds=60) is None and len(calls) == 2


def test_an_expired_value_is_worked_out_again():
    work, calls = counter(1, 2)
    kept("test:kept:short", work, seconds=60)
    cache.delete("test:kept:short")  # as its time running out would
    assert kept("test:kept:short", work, seconds=60) == 2 and len(calls) == 2
