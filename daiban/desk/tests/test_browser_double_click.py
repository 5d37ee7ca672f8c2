"""A page form sent twice from a real browser (a resent POST) writes once."""
from __future__ import annotations

import pytest

from conftest import login
from daiban.intake.models import Consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_consultation_form_sent_twice_logs_one_consultation(page_at):
    page = page_at()
    login(page, "aojiang")
    page.goto("/intake/consultations/")
    page.locator("details summary").first.click()
    page.fill("input[name=asker_name]", "重复提交测试")
    page.fill("textarea[name=question]", "工业用地出让流程？")
    page.fill("textarea[name=answer]", "介绍招拍挂流程及所需材料")
    statuses = page.evaluate("""async () => {
        const form = document.querySelector("input[name=asker_name]").form;
        const send = () => fetch(form.action || location.href, {method: "POST", body: new FormData(form),
                                                               redirect: "manual", credentials: "same-origin"});
        const first = await send();
        const again = await send();
        return [first.type, again.type];
    }""")
    assert statuses == ["opaqueredirect", "opaqueredirect"]
    assert Consultation.objects.filter(question="工业用地出让流程？").count() == 1
