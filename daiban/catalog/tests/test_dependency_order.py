"""dependency_order: the order in which a plan's items can be done."""
from __future__ import annotations

import pytest

from daiban.catalog.models import CatalogItem
from daiban.catalog.selectors import active_items, dependency_order, prerequisite_graph
from daiban.lib.errors import ValidationFailed

pytestmark = pytest.mark.django_db

S04_CHAIN = ["L01", "L02", "L03", "L04", "L05", "L06", "G01", "G02", "S01", "S02", "S03", "S04"]


def test_the_construction_permit_chain_comes_in_dependency_order(demo):
    assert dependency_order(reversed(S04_CHAIN)) == S04_CHAIN


def test_the_whole_catalog_can_be_ordered(demo):
    order = dependency_order(CatalogItem.objects.values_list("code", flat=True))
    graph = prerequisite_graph()
    assert len(order) == 28
    for code in order:
        assert all(order.index(p) < order.index(code) for p in graph[code]), code


def test_prerequisites_outside_the_chosen_items_still_order_them(demo):
    # S04 needs L05, which needs L02; U05 needs S04.
    assert dependency_order(["U05", "S04", "L02"]) == ["L02", "S04", "U05"]


def test_independent_items_keep_catalog_order(demo):
    assert dependency_order(["U04", "U01", "U03", "U02"]) == ["U01", "U02", "U03", "U04"]


def test_dependencies_outrank_catalog_order(demo):
    CatalogItem.objects.filter(code="L02").update(sort=999)
    # L02 now sorts last, yet S04 and U01 (through G02 and L03) still follow it; L01 has no prerequisite.
    assert dependency_order(["S04", "L02", "L01", "U01"]) == ["L01", "L02", "S04", "U01"]


def test_an_unknown_code_is_refused_in_chinese(demo):
    with pytest.raises(ValidationFailed, match="事项编码不存在：X99"):
        dependency_order(["S04", "X99"])


def test_active_items_leave_out_deactivated_ones(demo):
    CatalogItem.objects.filter(code="L08").update(active=False)
    codes = [i.code for i in active_items()]
    assert "L08" not in codes and len(codes) == 27
    assert [i.code for i in active_items("utilities")] == ["U01", "U02", "U03", "U04", "U05"]
