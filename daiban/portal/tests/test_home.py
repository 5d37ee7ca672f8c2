"""The public home page of the agency service."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_explains_the_service_and_how_to_ask(demo, client):
    answer = client.get("/portal/")
    html = answer.content.decode()
    assert answer.status_code == 200
    for text in ("全程免费", "自愿委托", "代办不包办", "平阳县最多跑一次改革", "网上审批", "代办服务"):
        assert text in html, text
    for link in ("/portal/apply/", "/portal/m/apply/", "/portal/progress/", "/catalog/"):
        assert f'href="{link}"' in html, link


def test_the_home_page_lists_every_window_with_its_address_and_phone(demo, client):
    from daiban.org.models import AgencyWindow

    html = client.get("/portal/").content.decode()
    windows = AgencyWindow.objects.filter(body__kind__in=["center", "unit"]).select_related("body")
    assert windows.count() > 20
    for window in windows:
        assert window.body.name in html and window.address in html
        assert (window.phone or window.body.phone) in html
    assert "鳌江园区投资项目代办服务站" in html and "0577-63728000" in html
