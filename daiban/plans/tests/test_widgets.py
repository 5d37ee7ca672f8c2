"""The plan's fields and error lists written out in Python (plans/widgets.py) render exactly as Django's form
templates render them, empty, filled, refused and with characters HTML must escape."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from django import forms
from django.forms.utils import ErrorList

from daiban.cases.models import CaseItem
from daiban.catalog.models import CatalogItem
from daiban.org.models import User
from daiban.plans import forms as f
from daiban.plans.widgets import Errors

PLAN_FORMS = [f.GenerateForm, f.StartForm, f.PauseForm, f.ResumeForm, f.LocalDoneForm, f.ReportUpForm,
              f.FinishForm, f.ReasonForm, f.UrgeForm, f.MoveForm, f.WorkLogForm, f.SendReportForm, f.DispatchForm,
              f.VisitForm]
AWKWARD = 'a <b> & "c" \'d\'\n第二行'


def _as_the_templates_render(field: forms.BoundField) -> str:
    """What Django renders for the field: the same widget as Django's own class, through its template."""
    widget = copy.copy(field.field.widget)
    widget.__class__ = next(c for c in type(widget).__mro__ if c.__module__.startswith("django."))
    return field.as_widget(widget=widget)


def _choices(form_class) -> dict:
    """The people and items a dispatch or a visit offers to choose from, with names HTML must escape."""
    if form_class is f.DispatchForm:
        return {"liaisons": [User(username="zrj", full_name=AWKWARD, mobile="13800000001"), User(username='a"b')]}
    if form_class is f.VisitForm:
        return {"items": [CaseItem(catalog_item=CatalogItem(code="L02", name=AWKWARD))]}
    return {}


def _forms(form_class):
    initial = {"started_on": dt.date(2026, 11, 2), "planned_start": dt.date(2026, 11, 2), "note": AWKWARD,
               "liaison": "zrj", "kind": "hearing"}
    data = {name: AWKWARD for name in form_class.base_fields} | {"finished_on": "不是日期", "reason": "x" * 400}
    yield form_class(initial=initial, auto_id="id_L02_x_%s", **_choices(form_class))
    refused = form_class(data, auto_id='id_"&<_%s', **_choices(form_class))  # an attribute HTML must escape
    refused.is_valid()
    refused.add_error(None, AWKWARD)
    yield refused


@pytest.mark.parametrize("form_class", PLAN_FORMS, ids=lambda c: c.__name__)
def test_every_field_of_the_plan_forms_renders_as_the_templates_render_it(form_class):
    for form in _forms(form_class):
        for field in form:
            assert str(field) == _as_the_templates_render(field)
            assert str(field.errors) == str(ErrorList(field.errors.data, renderer=form.renderer,
                                                      field_id=field.errors.field_id))
        assert str(form.non_field_errors()) == str(ErrorList(form.non_field_errors().data, error_class="nonfield",
                                                             renderer=form.renderer))


def test_a_choice_among_groups_renders_as_the_template_renders_it():
    form = f.VisitForm(initial={"item": "b"}, auto_id="id_%s")
    form.fields["item"].choices = [("", "—"), (AWKWARD, [("a", "<a>"), ("b", 'b"')]), ("c", "c")]
    assert str(form["item"]) == _as_the_templates_render(form["item"])


def test_an_empty_error_list_renders_nothing_and_a_full_one_as_djangos():
    assert str(Errors()) == str(ErrorList()) == ""
    assert str(Errors([AWKWARD], error_class="nonfield", field_id="id_x")) == \
        str(ErrorList([AWKWARD], error_class="nonfield", field_id="id_x"))
