"""active_items: the catalog items in use, in catalog order."""
from __future__ import annotations

import pytest

from daiban.catalog.models import CatalogItem
from daiban.catalog.selectors import active_items

pytestmark = pytest.mark.django_db


def test_active_items_leave_out_deactivated_ones(demo):
    CatalogItem.objects.filter(code="L08").update(active=False)
    codes = [i.code for i in active_items()]
    assert "L08" not in codes and len(codes) == 27
    assert [i.code for i in active_items("utilities")] == ["U01", "U02", "U03", "U04", "U05"]
