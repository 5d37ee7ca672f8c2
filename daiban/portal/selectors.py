"""Reads for the public pages: where a project can be located, and where a company can ask in person."""
from __future__ import annotations

from django.db.models import Prefetch

from daiban.org.models import AgencyBody, AgencyWindow, Region

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
