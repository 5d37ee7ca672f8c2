"""The bench's one-row reference view asks no login, so it is not there unless DAIBAN_BENCH_ONE_ROW_VIEW is on."""
from __future__ import annotations

import pytest

from daiban.cases.models import Case


@pytest.mark.django_db
def test_the_one_row_view_is_not_mounted_by_default(client, demo):
    case = Case.objects.first()
    assert case is not None
    assert client.get(f"/bench/one-case-row/{case.pk}").status_code == 404
