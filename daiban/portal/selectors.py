"""Reads for the public pages: where a project can be located, and where a company can ask in person."""
from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch

from daiban.catalog.models import CatalogItem
from daiban.org.models import AgencyBody, AgencyWindow, Region
from daiban.plans.evidence import trusted
from daiban.plans.models import DurationFigure

LOCATION_GROUPS = (("乡镇", (Region.Level.TOWN, Region.Level.TOWNSHIP)), ("园区", (Region.Level.PARK,)))


def location_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The townships and parks a project may be located in, grouped for a <select>, by region code."""
    regions = list(Region.objects.filter(level__in=[level for _, levels in LOCATION_GROUPS for level in levels])
                   .order_by("code").values_list("code", "name", "level"))
    return [(label, [(code, name) for code, name, level in regions if level in levels])
            for label, levels in LOCATION_GROUPS]


def service_points() -> dict:
    """The county center and the township and park units, each with its windows (address, phone, hours)."""
    bodies = list(AgencyBody.objects.filter(kind__in=[AgencyBody.Kind.CENTER, AgencyBody.Kind.UNIT])
                  .select_related("region")
                  .prefetch_related(Prefetch("windows", queryset=AgencyWindow.objects.order_by("pk")))
                  .order_by("region__code"))
    center = next((b for b in bodies if b.kind == AgencyBody.Kind.CENTER), None)
    units = [b for b in bodies if b.kind == AgencyBody.Kind.UNIT]
    center_windows = list(center.windows.all()) if center else []
    return {
        "center": center,
        "usual_hours": center_windows[0].hours if center_windows else "",
        "groups": [{"label": label, "bodies": [b for b in units if b.region.level in levels]}
                   for label, levels in LOCATION_GROUPS],
    }


def county_center() -> AgencyBody | None:
    return AgencyBody.objects.filter(kind=AgencyBody.Kind.CENTER).first()


def promise_and_practice() -> dict:
    """承诺时限 / 实际平均 of the catalog's main items (active, not optional) for everyone (seed §7.5): the
    county's figures only, never a case, a company or a person. Two queries."""
    items = list(CatalogItem.objects.filter(active=True, optional=False).select_related("department"))
    figures = {f.catalog_item_id: f for f in DurationFigure.objects.filter(
        department__isnull=True, catalog_item__in=items)}
    rows = []
    for item in items:
        figure = figures.get(item.pk)
        known = figure if figure is not None and trusted(figure.sample) else None
        rows.append({"code": item.code, "name": item.name, "department": item.department.name,
                     "limit": item.limit_workdays, "sample": figure.sample if figure else 0,
                     "mean": known.mean if known else None, "median": known.median if known else None})
    return {"rows": rows, "months": settings.EVIDENCE_MONTHS, "min_sample": settings.EVIDENCE_MIN_SAMPLE}
