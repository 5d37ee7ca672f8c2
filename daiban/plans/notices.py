"""Telling an item's people of its events through the notification rule table (daiban/notify/rules.py)."""
from __future__ import annotations

from daiban.cases.audiences import case_people
from daiban.cases.models import CaseItem, TeamRole
from daiban.catalog.selectors import local_department
from daiban.notify.services import notify_event
from daiban.org.models import User
from daiban.org.roles import Role


def item_liaisons(item: CaseItem) -> list[User]:
    """The liaison officer it was dispatched to; before that, the team's (or else any) liaison officer of the
    department that handles it locally."""
    if item.liaison is not None:
        return [item.liaison]
    department = local_department(item.catalog_item)
    team = [m.user for m in item.case.team.filter(role=TeamRole.LIAISON, user__department=department)
            .select_related("user")]
    return team or list(User.objects.filter(department=department, role_grants__role=Role.LIAISON, is_active=True)
                        .order_by("username")[:1])


def tell_item(event: str, item: CaseItem, *, dedupe_key: str | None = None, **values) -> list:
    """The case's people, the item's liaison officer, the project and the item named; returns the rows queued."""
    people, contact = case_people(item.case, liaisons=item_liaisons(item))
    return notify_event(event, values={"project": item.case.project.name, "item": item.catalog_item.name, **values},
                 link=f"/cases/{item.case_id}/", people=people, owner_contact=contact, unit=item.case.unit,
                 case=item.case, dedupe_key=dedupe_key)
