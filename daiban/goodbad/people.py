"""Who owns a 差评 and who hears of it: the unit concerned, the center that reviews appeals and escalations."""
from __future__ import annotations

from django.db.models import Q

from daiban.closure.selectors import unit_people
from daiban.goodbad.models import BadReview
from daiban.org.models import User
from daiban.org.roles import Role


def department_people(department_id: int) -> list[User]:
    """The department's liaison officers and its head."""
    return list(User.objects.filter(Q(role_grants__role=Role.LIAISON) | Q(department_head=True),
                                    department_id=department_id, is_active=True).distinct())


def center_admins() -> list[User]:
    return list(User.objects.filter(role_grants__role=Role.CENTER_ADMIN, is_active=True).distinct())


def concerned_people(review: BadReview) -> list[User]:
    if review.department_id:
        return department_people(review.department_id)
    return unit_people(review.case)


def is_concerned(user: User, review: BadReview) -> bool:
    """Whether `user` acts for the unit concerned: the agency unit's case workers, or the department's
    liaison officers and head; the center's administrators act for any unit."""
    if user.has_role(Role.CENTER_ADMIN):
        return True
    if review.department_id:
        return user.department_id == review.department_id and (user.department_head or user.has_role(Role.LIAISON))
    return user.body_id == review.unit_id and user.has_role(Role.UNIT_ADMIN, Role.AGENT, Role.CHIEF_AGENT)
