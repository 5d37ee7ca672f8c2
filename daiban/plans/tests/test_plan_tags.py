"""The tags and the filter the plan pages show an item with (plans/templatetags/plan_tags.py): the same HTML the
included templates they replace rendered, and the same text as Django's date filter."""
import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone

from daiban.cases.states import ItemStatus


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load plan_tags %}" + source).render(context)


@pytest.mark.parametrize(("status", "classes"), [
    (ItemStatus.APPROVED, "tag good"), (ItemStatus.REFUSED, "tag bad"), (ItemStatus.WITHDRAWN, "tag bad"),
    (ItemStatus.PENDING, "tag"), (ItemStatus.AWAITING_CORRECTION, "tag warn"), (ItemStatus.SUSPENDED, "tag warn"),
    (ItemStatus.DISPATCHED, "tag info"), (ItemStatus.IN_PROGRESS, "tag info"), (ItemStatus.REPORTED_UP, "tag info"),
])
def test_a_status_is_shown_in_its_colour(status, classes):
    assert render("{% status_tag s label %}", s=str(status), label=status.label) == (
        f'<span class="{classes}">{status.label}</span>')


def test_a_status_label_is_escaped():
    assert render("{% status_tag 'pending' label %}", label="<b>") == '<span class="tag">&lt;b&gt;</span>'


@pytest.mark.parametrize(("state", "html"), [
    ("overdue", '<span class="tag state-overdue">逾期</span>'),
    ("warning", '<span class="tag state-warning">预警</span>'),
    ("normal", '<span class="tag state-normal">正常</span>'),
    (None, ""), ("", ""),
])
def test_a_warning_state_is_shown_as_a_tag_and_no_state_as_nothing(state, html):
    assert render("{% warning_tag state %}", state=state) == html


@pytest.mark.parametrize("value", [
    dt.date(2026, 3, 4), dt.date(99, 1, 2), None, "", dt.datetime(2026, 1, 1, 23, 30),
    dt.datetime(2026, 1, 1, 20, 30, tzinfo=dt.UTC),  # 2026-01-02 in Beijing: shown in local time as the filter does
])
def test_ymd_reads_as_the_date_filter_does(value):
    with timezone.override("Asia/Shanghai"):
        assert render("{{ value|ymd }}", value=value) == render('{{ value|date:"Y-m-d" }}', value=value)
