"""A page form sent twice writes once."""
from __future__ import annotations

from daiban.intake.models import Consultation

FIELDS = {"asker_name": "李先生", "asker_org": "某投资企业", "asker_phone": "13800001111", "channel": "window",
          "question": "工业用地出让流程？", "answer": "介绍招拍挂流程及所需材料"}


def test_the_same_form_sent_twice_writes_once_and_says_so(client, person):
    assert client.login(username="aojiang")
    before = Consultation.objects.count()
    first = client.post("/intake/consultations/", {**FIELDS, "_once": "token-1"})
    again = client.post("/intake/consultations/", {**FIELDS, "_once": "token-1"},
                        HTTP_REFERER="http://testserver/intake/consultations/")
    assert first.status_code == 302 and again.status_code == 303
    assert again["Location"] == "http://testserver/intake/consultations/"
    assert Consultation.objects.count() == before + 1
    assert "未重复办理" in client.get("/intake/consultations/").content.decode()


def test_a_new_token_is_a_new_submission(client, person):
    assert client.login(username="aojiang")
    before = Consultation.objects.count()
    client.post("/intake/consultations/", {**FIELDS, "_once": "token-a"})
    client.post("/intake/consultations/", {**FIELDS, "_once": "token-b"})
    assert Consultation.objects.count() == before + 2


def test_every_page_form_gets_a_token_in_the_browser(client, person):
    assert client.login(username="aojiang")
    assert "js/once.js" in client.get("/").content.decode()
