from __future__ import annotations

import pytest

from daiban.closure.tests.conftest import Builder


@pytest.fixture
def build(person):
    return Builder(person)
