"""The demo county's organisation: the tree, the agency bodies, the departments and the people."""
from __future__ import annotations

from daiban.org.models import AgencyBody, Department, Region, User


def test_the_tree_runs_from_the_province_to_every_township_and_park(demo):
    county = Region.objects.get(name="平阳县")
    assert county.parent.name == "温州市" and county.parent.parent.name == "浙江省"
    assert county.children.filter(level="town").count() == 14
    assert county.children.filter(level="township").count() == 2
    zone = county.children.get(level="zone")
    assert zone.children.filter(level="park").count() == 6


def test_each_township_and_park_has_one_agency_unit_under_the_center(demo):
    center = AgencyBody.objects.get(kind="center")
    units = AgencyBody.objects.filter(kind="unit")
    assert units.count() == 14 + 2 + 6
    assert set(units.values_list("parent", flat=True)) == {center.pk}
    assert center.parent.kind == "city" and center.parent.parent.kind == "province"
    assert all(body.windows.exists() for body in AgencyBody.objects.all())


def test_the_departments_of_the_seed_exist_with_their_liaison_officers(demo):
    for name in ["发展和改革局", "自然资源和规划局", "住房和城乡建设局", "生态环境局", "应急管理局", "水利局", "人防办",
                 "市场监督管理局", "供电公司", "自来水公司", "燃气公司", "电信运营商"]:
        department = Department.objects.get(name=name, region__name="平阳县")
        assert User.objects.filter(department=department, role_grants__role="liaison").exists(), name
    assert {"investment", "commerce", "discipline"} <= set(Department.objects.values_list("kind", flat=True))


def test_the_demo_accounts_named_by_the_issue_exist_with_their_roles(person):
    expected = {"center": "center_admin", "kunyang": "agent", "aojiang": "agent", "fgj": "liaison",
                "leader": "leader", "inspector": "inspector", "sysadmin": "sys_admin",
                "secadmin": "security_admin", "auditor": "audit_admin"}
    for username, role in expected.items():
        assert role in person(username).roles, username
    assert person("kunyang").body.region.name == "昆阳镇"
    assert person("aojiang").body.region.name == "鳌江镇"
    assert person("fgj").department.name == "发展和改革局"
    assert not User.objects.filter(is_superuser=True).exists()


def test_seed_demo_run_twice_creates_nothing_twice(demo, settings):
    from django.core.management import call_command

    settings.DEBUG = True  # the command runs only in debug, as `make run` has it

    counts = (User.objects.count(), AgencyBody.objects.count(), Region.objects.count(), Department.objects.count())
    call_command("seed_demo", password="demo-pass-2026", verbosity=0)
    assert counts == (User.objects.count(), AgencyBody.objects.count(), Region.objects.count(),
                      Department.objects.count())


def test_seed_demo_leaves_a_checkpoint_of_the_trail_outside_the_database_at_once(demo, settings, checkpoint_dir):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", password="demo-pass-2026", verbosity=0)
    assert any(path.stat().st_size for path in checkpoint_dir.rglob("*") if path.is_file())
