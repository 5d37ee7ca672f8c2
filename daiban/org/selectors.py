"""Reads of the organisation that pages share."""
from __future__ import annotations

from daiban.org.models import AgencyBody


def unit_choices() -> list[tuple[int, str]]:
    """(pk, township name) of every agency unit, in the tree's order, for the unit filter of county-wide lists.
    Plain tuples: a province's 289 units as model instances with their regions took ~8 ms a page."""
    return list(AgencyBody.objects.filter(kind=AgencyBody.Kind.UNIT).values_list("pk", "region__name"))
