"""疑难会商 goes to a leader of the same-level government, read from the ladder's data (each agency body's
`government`, its region's leaders), so that another county's leaders are configured, not programmed."""
from __future__ import annotations

import pytest

from daiban.coordination import services
from daiban.coordination.models import Issue
from daiban.coordination.selectors import consultation_leaders
from daiban.lib import clock
from daiban.lib.errors import ValidationFailed
from daiban.notify.models import Notification
from daiban.org.ladder import consultation_bodies, government_leaders
from daiban.org.models import AgencyBody, Region, RoleGrant, User
from daiban.org.roles import Role

pytestmark = pytest.mark.django_db


def _offered(issue) -> list[tuple[str, str]]:
    return [(leader.username, government) for leader, government in consultation_leaders(issue)]


def test_a_township_issue_offers_the_county_government_first_then_the_townships(issue):
    assert _offered(issue) == [("leader", "平阳县人民政府"), ("ajleader", "鳌江镇人民政府")]


def test_the_county_leader_is_told_which_government_the_consultation_is_for(issue, person):
    with clock.frozen("2026-11-03"):
        consultation = services.issue_consult(actor=person("ajadmin"), issue=issue, question="边界争议需县政府协调")
    assert consultation.leader.username == "leader"
    [message] = Notification.objects.filter(recipient__username="leader", event="issue.consultation")
    assert "平阳县人民政府领导主持疑难会商" in message.body and message.link == f"/coordination/issues/{issue.pk}/"


def test_a_county_level_case_offers_the_county_government_alone(issue, person):
    center = AgencyBody.objects.get(kind=AgencyBody.Kind.CENTER)
    assert consultation_bodies(center, reached=1) == [center]
    assert [leader.username for leader in government_leaders(center)] == ["leader"]


def test_an_issue_that_reached_the_city_also_offers_the_citys_government(issue):
    unit = issue.case.unit
    city = AgencyBody.objects.get(kind=AgencyBody.Kind.CITY)
    assert consultation_bodies(unit, reached=2)[-1].kind == AgencyBody.Kind.CENTER
    assert consultation_bodies(unit, reached=5) == [unit, unit.parent, city]


def _leader(username: str, name: str, region: Region) -> User:
    user = User.objects.create(username=username, full_name=name, title="副县长", region=region)
    RoleGrant.objects.create(user=user, role=Role.LEADER)
    return user


def test_another_countys_leaders_come_from_its_own_data(issue, person):
    """泰顺县, configured as data only: its center under the 温州市 center, a township unit under it, and a
    deputy county head in its region. An issue on a case it serves goes to 泰顺县's leader, never 平阳县's."""
    city = AgencyBody.objects.get(kind=AgencyBody.Kind.CITY)
    county = Region.objects.create(code="330329", name="泰顺县", level=Region.Level.COUNTY, parent=city.region)
    town = Region.objects.create(code="330329100", name="罗阳镇", level=Region.Level.TOWN, parent=county)
    center = AgencyBody.objects.create(name="泰顺县投资项目代办服务中心", kind=AgencyBody.Kind.CENTER, region=county,
                                       parent=city, government="泰顺县人民政府")
    unit = AgencyBody.objects.create(name="罗阳镇代办服务站", kind=AgencyBody.Kind.UNIT, region=town, parent=center)
    _leader("tsleader", "陈立新", county)
    case = issue.case
    case.unit = unit
    case.save(update_fields=["unit"])
    issue = Issue.objects.get(pk=issue.pk)
    assert _offered(issue) == [("tsleader", "泰顺县人民政府")]  # 罗阳镇 has no leader configured


def test_a_leader_of_another_government_is_refused(issue, person):
    with pytest.raises(ValidationFailed, match="不是同级政府领导"):
        services.issue_consult(actor=person("aojiang"), issue=issue, question="x", leader="xjleader")
