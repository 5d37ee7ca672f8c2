"""How a request's or a case's status reads on the pages."""
from __future__ import annotations

from django import template

register = template.Library()

_STATUS_CLASS = {"new": "tag warn", "contacted": "tag warn", "rejected": "tag bad", "terminated": "tag bad",
                 "accepted": "tag good", "completed": "tag good"}


@register.filter
def status_class(status: str) -> str:
    """The CSS classes of a status's tag (its colour): a filter, as a template included per row of a list cost
    more than the row."""
    return _STATUS_CLASS.get(status, "tag")
