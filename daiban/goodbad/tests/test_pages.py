"""The 差评 pages: the list in one's scope, the stage's form with its refusals next to the fields, the panel."""
from __future__ import annotations

import pytest

from conftest import DEMO_PASSWORD
from daiban.goodbad.models import BadReview
from daiban.lib import clock

from .test_rectification import bad_case

pytestmark = pytest.mark.django_db


def test_the_unit_verifies_a_bad_review_on_its_page_and_bad_input_is_shown_by_the_field(build, api_as, client):
    case, review = bad_case(build, api_as, on="2026-11-02")
    assert client.login(username="aojiang", password=DEMO_PASSWORD)
    with clock.frozen("2026-11-03"):
        listed = client.get("/goodbad/").content.decode()
        assert case.project.name in listed and "待核实" in listed
        bad = client.post(f"/goodbad/{review.pk}/", {"finding": "founded", "note": "属实",
                                                     "verified_on": "2026-11-09"})
        assert bad.status_code == 422 and "核实日期不能晚于今天" in bad.content.decode()
        done = client.post(f"/goodbad/{review.pk}/", {"finding": "founded", "note": "回访属实"})
        assert done.status_code == 302
        page = client.get(f"/goodbad/{review.pk}/").content.decode()
        home = client.get("/").content.decode()
    assert "整改中" in page and "整改措施" in page
    assert BadReview.objects.get(pk=review.pk).status == "rectifying"
    assert "差评待办 1 条" in home


def test_a_record_outside_ones_scope_is_not_found(build, api_as, client):
    case, review = bad_case(build, api_as, on="2026-11-02")
    assert client.login(username="kunyang", password=DEMO_PASSWORD)
    assert client.get(f"/goodbad/{review.pk}/").status_code == 404
