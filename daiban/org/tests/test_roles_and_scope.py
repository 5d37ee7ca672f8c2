"""三权分立 and data scope."""
from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from daiban.lib.errors import Forbidden, NotFound, ValidationFailed
from daiban.org.models import AgencyBody, RoleGrant
from daiban.org.roles import Role
from daiban.org.scope import get_in_scope, scope_of
from daiban.org.services import role_grant, user_create


@pytest.mark.parametrize("holder, second", [("sysadmin", Role.AUDIT_ADMIN), ("sysadmin", Role.SECURITY_ADMIN),
                                             ("auditor", Role.SECURITY_ADMIN), ("auditor", Role.SYS_ADMIN)])
def test_one_person_never_holds_two_of_the_three_administrator_roles(person, holder, second):
    with pytest.raises(ValidationFailed, match="三者互斥"):
        role_grant(actor=person("secadmin"), user=person(holder), role=second)
    assert not RoleGrant.objects.filter(user=person(holder), role=second).exists()


def test_the_database_itself_refuses_a_second_administrator_role(person):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=person("sysadmin"), role=Role.AUDIT_ADMIN)


def test_only_the_security_administrator_grants_roles(person):
    with pytest.raises(Forbidden):
        role_grant(actor=person("sysadmin"), user=person("kunyang"), role=Role.CHIEF_AGENT)
    role_grant(actor=person("secadmin"), user=person("kunyang"), role=Role.CHIEF_AGENT)
    assert Role.CHIEF_AGENT in person("kunyang").roles


@pytest.mark.parametrize("actor", ["center", "sysadmin", "auditor"])
def test_only_the_security_administrator_creates_accounts(person, actor):
    with pytest.raises(Forbidden):
        user_create(actor=person(actor), username="newbie", password="Xin-ren-2026", full_name="新人")
    user = user_create(actor=person("secadmin"), username="newbie", password="Xin-ren-2026", full_name="新人")
    assert user.check_password("Xin-ren-2026") and user.password_must_change


def test_a_unit_agent_sees_only_its_own_unit(person):
    scope = scope_of(person("kunyang"))
    assert not scope.county_wide
    assert scope.body_ids == {person("kunyang").body_id}


def test_the_center_the_leader_and_the_inspector_see_the_whole_county(person):
    for username in ("center", "leader", "inspector", "zxagent"):
        assert scope_of(person(username)).county_wide, username


def test_the_inspector_reads_everything_and_writes_nothing(person):
    assert scope_of(person("inspector")).read_only
    assert not scope_of(person("aojiang")).read_only


def test_a_liaison_officer_sees_the_items_of_his_department(person):
    scope = scope_of(person("fgj"))
    assert scope.department_ids == {person("fgj").department_id} and not scope.county_wide


def test_an_object_outside_ones_scope_is_not_found_and_the_refusal_is_recorded(person):
    from daiban.audit.models import AuditEvent

    kunyang = person("kunyang")
    aojiang_unit = person("aojiang").body
    own_units = AgencyBody.objects.filter(pk__in=scope_of(kunyang).body_ids)
    assert get_in_scope(own_units, pk=kunyang.body_id, user=kunyang) == kunyang.body
    with pytest.raises(NotFound):
        get_in_scope(own_units, pk=aojiang_unit.pk, user=kunyang)
    assert AuditEvent.objects.latest("seq").event_type == "access.refused"
