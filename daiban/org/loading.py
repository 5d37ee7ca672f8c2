"""Loads the Pingyang organisation (idempotent: running it again changes nothing)."""
from __future__ import annotations

from django.db import transaction

from daiban.org import pingyang as py
from daiban.org.models import AgencyBody, AgencyWindow, Department, Region

Level = Region.Level
Kind = AgencyBody.Kind


def _region(code: str, name: str, level: str, parent: Region | None, note: str = "") -> Region:
    region, _ = Region.objects.update_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "note": note})
    return region


def _body(name: str, kind: str, region: Region, parent: AgencyBody | None, phone: str, address: str,
          government: str = "") -> AgencyBody:
    body, _ = AgencyBody.objects.update_or_create(
        name=name, defaults={"kind": kind, "region": region, "parent": parent, "phone": phone, "address": address,
                             "government": government})
    AgencyWindow.objects.get_or_create(
        body=body, name=f"{region.name}投资项目代办窗口",
        defaults={"address": address, "phone": phone})
    return body


@transaction.atomic
def load_pingyang_org() -> None:
    province = _region(*py.PROVINCE, Level.PROVINCE, None)
    city = _region(*py.CITY, Level.CITY, province)
    county = _region(*py.COUNTY, Level.COUNTY, city)
    towns = [_region(code, name, Level.TOWN, county) for code, name in py.TOWNS]
    townships = [_region(code, name, Level.TOWNSHIP, county) for code, name in py.TOWNSHIPS]
    zone = _region(*py.ZONE, Level.ZONE, county)
    parks = [_region(code, name, Level.PARK, zone, note=f"{industry}产业") for code, name, industry in py.PARKS]

    province_body = _body(py.PROVINCE_BODY, Kind.PROVINCE, province, None, "0571-87050000", "杭州市省行政服务中心",
                          py.LADDER[py.PROVINCE_BODY][0])
    city_body = _body(py.CITY_BODY, Kind.CITY, city, province_body, "0577-88960000", "温州市市民中心",
                      py.LADDER[py.CITY_BODY][0])
    center = _body(py.CENTER_NAME, Kind.CENTER, county, city_body, "0577-63728000",
                   "平阳县行政服务中心一楼投资项目代办窗口", py.LADDER[py.CENTER_NAME][0])
    for index, region in enumerate(towns + townships + parks, start=1):
        park = region.level == Level.PARK
        _body(py.unit_name(region.name), Kind.UNIT, region, center, f"0577-6372{8100 + index:04d}",
              f"{region.name}{'管委会' if park else '行政服务中心'}代办窗口",
              py.government_name(zone.name if park else region.name, park=park))

    levels = {"county": county, "city": city, "province": province}
    for code, name, full_name, kind, level in py.DEPARTMENTS:
        Department.objects.update_or_create(
            code=code, defaults={"name": name, "full_name": full_name, "kind": kind, "region": levels[level]})
    for body_name, (_, authority) in py.LADDER.items():
        AgencyBody.objects.filter(name=body_name).update(authority=Department.objects.get(code=authority))


def _pair(spec: dict, key: str) -> tuple[str, str]:
    value = spec.get(key)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value)):
        raise ValueError(f"“{key}”应为 [区划代码, 名称]")
    return value[0], value[1]


@transaction.atomic
def load_org_spec(spec: dict) -> None:
    """Another county's organisation from a file (format: docs/org-file.md); idempotent like the above."""
    province = _region(*_pair(spec, "province"), Level.PROVINCE, None)
    city = _region(*_pair(spec, "city"), Level.CITY, province)
    county = _region(*_pair(spec, "county"), Level.COUNTY, city)
    places = [_region(code, name, Level.TOWN, county) for code, name in spec.get("towns", [])]
    places += [_region(code, name, Level.TOWNSHIP, county) for code, name in spec.get("townships", [])]
    zone = _region(*_pair(spec, "zone"), Level.ZONE, county) if spec.get("zone") else county
    places += [_region(code, name, Level.PARK, zone, note=f"{industry}产业")
               for code, name, industry in spec.get("parks", [])]
    parent, regions = None, {"province": province, "city": city, "center": county}
    bodies = spec["bodies"]
    for level, kind in (("province", Kind.PROVINCE), ("city", Kind.CITY), ("center", Kind.CENTER)):
        body = bodies[level]
        parent = _body(body["name"], kind, regions[level], parent, body.get("phone", ""), body.get("address", ""),
                       body.get("government", ""))
    for region in places:
        park = region.level == Level.PARK
        _body(py.unit_name(region.name), Kind.UNIT, region, parent, "", f"{region.name}代办窗口",
              py.government_name(zone.name if park else region.name, park=park))
    levels = {"county": county, "city": city, "province": province}
    for code, name, full_name, kind, level in spec.get("departments", []):
        Department.objects.update_or_create(
            code=code, defaults={"name": name, "full_name": full_name, "kind": kind, "region": levels[level]})
    for body in bodies.values():
        if body.get("authority"):
            AgencyBody.objects.filter(name=body["name"]).update(
                authority=Department.objects.get(code=body["authority"]))
