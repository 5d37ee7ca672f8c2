"""The dashboard's '▲ 上期' markers: shown against a previous period that had data, never against nothing."""
from __future__ import annotations

from django.template import Context, Template

from daiban.assessment.templatetags.assessment_tags import had_previous, trend

CARD = Template('{% load assessment_tags %}<div class="before {{ totals|trend:"accepted" }}">'
                '{% if totals|had_previous %}上期 {{ totals|previous:"accepted" }}{% else %}上期无数据{% endif %}</div>')


def test_a_rise_from_a_previous_period_with_data_is_marked_up():
    row = {"accepted": 5, "previous": {"accepted": 2, "completed": 1}}
    assert had_previous(row) and trend(row, "accepted") == "up good"


def test_no_marker_is_shown_when_the_previous_period_had_no_data():
    row = {"accepted": 5, "previous": {"accepted": 0, "completed": 0, "on_time_rate": None}}
    assert not had_previous(row)
    assert trend(row, "accepted") == ""
    html = CARD.render(Context({"totals": row}))
    assert "上期无数据" in html and "up" not in html and "上期 0" not in html


def test_the_card_names_the_previous_figure_when_there_was_data():
    html = CARD.render(Context({"totals": {"accepted": 1, "previous": {"accepted": 3}}}))
    assert "上期 3" in html and "down" in html
