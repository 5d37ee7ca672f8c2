"""The papers of the demo cases agree with each other and with the case (issue 9 §4)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from daiban.cases.models import Case, CaseDocument
from daiban.closure.deadlines import case_workdays_used
from daiban.documents.layout import read_text
from daiban.provincial.models import ProvincialMessage

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def test_the_completion_form_counts_working_days_from_entrustment_to_completion_as_the_province_is_told():
    case = Case.objects.get(request__idempotency_key="demo-5")
    expected = case_workdays_used(D("2026-07-03"), D("2026-08-27"))
    assert expected == 39  # July 3 (Fri) excluded to August 27 (Thu) included, no holiday between
    assert case.closure.workdays_used == expected
    form = read_text(case.documents.filter(kind=CaseDocument.Kind.COMPLETION).first().content)
    assert f"用时（工作日）\n{expected}" in form
    message = ProvincialMessage.objects.get(case=case, event=ProvincialMessage.Event.COMPLETION)
    assert message.payload["closure"]["workdays_used"] == expected


def test_a_case_closed_on_its_entrustment_day_has_used_one_working_day_not_none():
    assert case_workdays_used(D("2026-09-01"), D("2026-09-01")) == 1
    assert case_workdays_used(D("2026-09-01"), D("2026-09-02")) == 1
    assert case_workdays_used(D("2026-09-30"), D("2026-10-08")) == 1  # 国庆 10.1–10.7: only 10.8 counts


DOUBLED = re.compile(r"。。|，，|；；|：：|、、|业主业主|\.。|。\.")


def test_no_document_or_message_of_the_demo_county_doubles_its_punctuation():
    from daiban.notify.models import Notification

    found = []
    for document in CaseDocument.objects.all():
        found += [(document.filename, m.group()) for m in DOUBLED.finditer(read_text(document.content))]
    for note in Notification.objects.all():
        found += [(note.subject, m.group()) for m in DOUBLED.finditer(f"{note.subject}\n{note.body}")]
    kinds = set(CaseDocument.objects.values_list("kind", flat=True))
    assert kinds >= {"registration", "agreement", "plan", "progress", "completion", "termination"}
    assert found == []


def test_parts_joined_into_a_sentence_keep_one_mark_and_one_owner():
    from daiban.lib.text import tidy

    assert tidy("理由：投资方变更。。请核实，，后确认；；") == "理由：投资方变更。请核实，后确认；"
    assert tidy("业主业主签字：　　。") == "业主签字：　　。"
    assert tidy("项目已办结；。") == "项目已办结。" and tidy("……——") == "……——"


def test_a_form_whose_typed_text_ends_in_a_full_stop_prints_it_once():
    from dataclasses import replace

    from daiban.documents.completion import completion_form
    from daiban.documents.tests import samples

    text = read_text(completion_form(replace(samples.completion(), opinion="同意办结。")))
    assert "同意办结。" in text and not DOUBLED.search(text)
