"""A URL reversed once for many keys reads as reversing it for each key."""
from __future__ import annotations

from django.urls import reverse

from daiban.lib.links import url_for_each


def test_a_url_for_each_key_equals_its_own_reversal():
    item = url_for_each("plans:item", 12)
    assert [item(code) for code in ("L02", "N_1", "ab-c")] == [
        reverse("plans:item", args=[12, code]) for code in ("L02", "N_1", "ab-c")]
    drill = url_for_each("assessment:drill", "unit", placeholder=0)
    assert [drill(key) for key in (7, 1234)] == [reverse("assessment:drill", args=["unit", key]) for key in (7, 1234)]
    assert url_for_each("catalog:detail")("L05") == reverse("catalog:detail", args=["L05"])
