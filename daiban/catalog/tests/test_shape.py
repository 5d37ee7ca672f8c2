"""The case page reads the catalog's prerequisites and county departments once per catalog revision
(catalog.shape): a change to the catalog or to a department is seen at the next read, without a stale copy."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daiban.catalog.models import CatalogItem
from daiban.catalog.prerequisites import bound_prerequisites
from daiban.catalog.selectors import local_departments
from daiban.catalog.services import catalog_item_update
from daiban.catalog.shape import catalog_shape
from daiban.org.models import Department

pytestmark = pytest.mark.django_db


def test_the_shape_binds_prerequisites_as_the_items_own_rows_bind_them():
    shape = catalog_shape()
    entrusted = {"L02", "L05", "S01"}
    items = CatalogItem.objects.prefetch_related("prerequisites__alternatives")
    assert any(shape.links.values())
    for item in items:
        assert bound_prerequisites(item, entrusted, shape.links.get(item.pk, [])) == bound_prerequisites(item, entrusted)


def test_a_second_read_takes_no_query():
    catalog_shape()
    with CaptureQueriesContext(connection) as captured:
        catalog_shape()
    assert len(captured) == 0


def test_a_prerequisite_change_is_seen_at_the_next_read(person):
    s04 = CatalogItem.objects.get(code="S04")
    catalog_shape()
    catalog_item_update(actor=person("center"), item=s04, prerequisites=["L02"])
    assert [link.code for link in catalog_shape().links[s04.pk]] == ["L02"]


def test_a_renamed_county_department_is_no_longer_the_city_departments_counterpart():
    city_item = CatalogItem.objects.filter(department__region__level="city").select_related("department").first()
    county = local_departments([city_item])[city_item.department_id]
    assert county.pk != city_item.department_id and county.region.level == "county"
    renamed = Department.objects.get(pk=county.pk)
    renamed.name = "已撤并"
    renamed.save()
    assert local_departments([city_item])[city_item.department_id].pk == city_item.department_id
