"""How an item's status, its standing against the deadline and its dates read on the pages: tags and a filter, not
included templates and `|date:"Y-m-d"`, as a case page shows them for every item, several times over, and the
included template or the general filter cost more than the rest of what they show."""
from __future__ import annotations

import datetime as dt

from django import template
from django.template.defaultfilters import date
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from daiban.cases.states import ItemStatus
from daiban.plans.deadlines import LABELS, NORMAL, OVERDUE, WARNING

register = template.Library()

# The colour of a status's tag; a status not named here is shown as information ("tag info").
_STATUS_CLASS: dict[str, str] = {
    ItemStatus.APPROVED: "tag good", ItemStatus.REFUSED: "tag bad", ItemStatus.WITHDRAWN: "tag bad",
    ItemStatus.PENDING: "tag", ItemStatus.AWAITING_CORRECTION: "tag warn", ItemStatus.SUSPENDED: "tag warn",
}
_WARNING_TAGS = {state: mark_safe(f'<span class="tag state-{state}">{LABELS[state]}</span>')
                 for state in (OVERDUE, WARNING, NORMAL)}


@register.simple_tag
def status_tag(status: str, label: str) -> SafeString:
    """`<span class="tag good">已办结</span>`: the item's status in its colour."""
    return format_html('<span class="{}">{}</span>', _STATUS_CLASS.get(status, "tag info"), label)


@register.simple_tag
def warning_tag(state: str | None) -> SafeString:
    """`<span class="tag state-overdue">逾期</span>`; nothing for an item that has no deadline to stand against."""
    return _WARNING_TAGS.get(state or "", mark_safe(""))


@register.filter(expects_localtime=True)
def ymd(value: dt.date | dt.datetime | str | None) -> str:
    """`|date:"Y-m-d"` at a fifth of the cost for a date, the most of the values a case page shows (an item card
    has up to nine); anything else goes to Django's date filter."""
    if type(value) is dt.date:
        return value.isoformat()
    return date(value, "Y-m-d")
