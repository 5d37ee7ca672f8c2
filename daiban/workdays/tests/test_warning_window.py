"""The 预警 window of a deadline: the configured threshold, at most one day less than the limit."""
from __future__ import annotations

import pytest

from daiban.workdays.warning import warning_window


@pytest.mark.parametrize(("limit", "window"), [(1, 0), (2, 1), (3, 2), (5, 2), (20, 2), (None, 2)])
def test_the_window_is_the_threshold_but_never_the_whole_limit(settings, limit, window):
    settings.WARNING_WORKDAYS = 2
    assert warning_window(limit) == window


def test_a_smaller_threshold_is_kept(settings):
    settings.WARNING_WORKDAYS = 1
    assert [warning_window(n) for n in (1, 2, 5)] == [0, 1, 1]
