"""The new write paths under parallel clients: one 本级办结, one 补录 confirmation, every refusal kept."""
from __future__ import annotations

import pytest
from django.test import Client

from conftest import DEMO_PASSWORD, in_parallel, totp_code
from daiban.audit.models import AuditEvent
from daiban.audit.services import audit_verify
from daiban.lib import clock
from daiban.plans import services
from daiban.plans.tests.test_items_in_motion import case, dispatch, item  # noqa: F401  (the fixture)


def _bearer(username: str) -> dict:
    answer = Client().post("/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD,
                                                  "otp": totp_code(username)}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.mark.django_db(transaction=True)
def test_parallel_local_completions_record_one_and_parallel_refusals_are_all_kept(case, person):  # noqa: F811
    dispatch(case, person, "L08")
    with clock.frozen("2026-11-03"):
        services.item_start(actor=person("yjj"), item=item(case, "L08"))
    liaison, stranger = _bearer("yjj"), _bearer("fgj")
    path = f"/api/v1/cases/{case.pk}/items/L08/local-done"

    def post(headers):
        return lambda: Client().post(path, {}, content_type="application/json", headers=headers).status_code

    with clock.frozen("2026-11-06"):
        answers = in_parallel([post(liaison)] * 4 + [post(stranger)] * 4)
    assert sorted(answers) == [200] + [403] * 4 + [409] * 3
    assert AuditEvent.objects.filter(event_type="item.local_done").count() == 1
    assert AuditEvent.objects.filter(event_type="access.refused", new__action="item_local_done").count() == 4
    assert not [p for p in audit_verify().problems if p.code != "audit.checkpoint_missing"]
