from __future__ import annotations

import pytest

from daiban.provincial.models import ProvincialMessage


@pytest.fixture
def quiet_outbox(db):
    """The demo county's reports count as delivered, so that a test sees only the reports it makes."""
    ProvincialMessage.objects.update(status=ProvincialMessage.Status.SENT)


@pytest.fixture
def build(person):
    from daiban.closure.tests.conftest import Builder

    return Builder(person)
