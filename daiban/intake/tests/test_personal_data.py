"""Phones, names and addresses are ciphertext in the database, masked everywhere, and revealed only with a right."""
from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings

from conftest import request_payload
from daiban.audit.models import AuditEvent
from daiban.cases.models import CaseDocument
from daiban.intake.models import Consultation, Request
from daiban.intake.services import consultation_log, request_submit
from daiban.intake.validation import RequestData
from daiban.lib.personal import decrypt, encrypt, lookup_hash, mask_address, mask_name, mask_phone
from daiban.org.models import User

PHONE = "13857712345"


def _raw(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def submitted(demo) -> Request:
    request, _ = request_submit(data=RequestData(**request_payload(contact_name="张伟", contact_phone=PHONE,
                                                                   legal_rep="张大伟")))
    return request


def test_the_database_holds_ciphertext_and_the_application_reads_the_value(submitted):
    stored = _raw("intake_request", "contact_phone", submitted.pk)
    assert stored.startswith("enc1:") and PHONE not in stored
    assert "张伟" not in _raw("intake_request", "contact_name", submitted.pk)
    assert "张大伟" not in _raw("intake_company", "legal_rep", submitted.company_id)
    fresh = Request.objects.get(pk=submitted.pk)
    assert (fresh.contact_name, fresh.contact_phone, fresh.legal_rep) == ("张伟", PHONE, "张大伟")


def test_the_same_value_encrypts_differently_each_time_and_only_for_its_own_column():
    one, two = encrypt(PHONE, purpose="intake.request.contact_phone"), encrypt(PHONE, purpose="intake.request.contact_phone")
    assert one != two
    assert decrypt(one, purpose="intake.request.contact_phone") == PHONE
    with pytest.raises(ImproperlyConfigured):
        decrypt(one, purpose="intake.consultation.asker_phone")  # a value moved to another column


def test_another_key_cannot_read_the_data(submitted):
    with override_settings(DATA_KEY="someone-elses-key-0123456789abcdef0123"), pytest.raises(ImproperlyConfigured):
        Request.objects.get(pk=submitted.pk).contact_phone  # noqa: B018


def test_an_equality_lookup_on_ciphertext_is_refused_and_the_keyed_hash_finds_the_row(submitted):
    with pytest.raises(FieldError):
        Request.objects.filter(contact_phone=PHONE).exists()
    found = Request.objects.filter(contact_phone_hash=lookup_hash("138-5771-2345", kind="phone"))
    assert list(found) == [submitted]
    assert PHONE not in submitted.contact_phone_hash


def test_an_agent_finds_requests_by_the_exact_phone_number(submitted, api_as):
    found = api_as("aojiang").get("requests", {"phone": "138 5771 2345"}).json()["items"]
    assert [row["id"] for row in found] == [submitted.pk] and found[0]["contact_phone"] == "138****2345"
    assert api_as("aojiang").get("requests", {"phone": "1385771234"}).json()["items"] == []
    assert api_as("kunyang").get("requests", {"phone": PHONE}).json()["items"] == []  # another unit's request


def test_staff_mobiles_and_generated_documents_are_ciphertext_too(person):
    aojiang = person("aojiang")
    assert aojiang.mobile and aojiang.mobile not in _raw("org_user", "mobile", aojiang.pk)
    document = CaseDocument.objects.first()
    raw = bytes(_raw("cases_casedocument", "content", document.pk))
    assert raw.startswith(b"enc1:") and not raw.startswith(b"PK")
    assert bytes(document.content).startswith(b"PK")  # the .docx, decrypted


def test_the_migration_encrypts_rows_written_before_it(submitted, person):
    """Rows as the application wrote them before: plain text, no look-up hash. The migration's own
    function, run on the model state it was written for, encrypts them."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE intake_request SET contact_phone = %s, contact_name = %s, contact_phone_hash = '' "
                       "WHERE id = %s", [PHONE, "张伟", submitted.pk])
        cursor.execute("UPDATE org_user SET mobile = %s, mobile_hash = '' WHERE username = 'aojiang'", ["13900000001"])
    assert _raw("intake_request", "contact_phone", submitted.pk) == PHONE
    state = MigrationLoader(connection).project_state(("intake", "0002_encrypt_personal_data"))
    importlib.import_module("daiban.intake.migrations.0002_encrypt_personal_data").encrypt_rows(state.apps, None)
    state = MigrationLoader(connection).project_state(("org", "0003_encrypt_mobile"))
    importlib.import_module("daiban.org.migrations.0003_encrypt_mobile").encrypt_rows(state.apps, None)
    assert _raw("intake_request", "contact_phone", submitted.pk).startswith("enc1:")
    assert _raw("intake_request", "contact_name", submitted.pk).startswith("enc1:")
    assert Request.objects.get(contact_phone_hash=lookup_hash(PHONE, kind="phone")).contact_name == "张伟"
    assert User.objects.get(username="aojiang").mobile == "13900000001"
    assert _raw("org_user", "mobile", person("aojiang").pk).startswith("enc1:")
    for table, column in (("intake_request", "contact_phone"), ("intake_request", "contact_name"),
                          ("intake_request", "legal_rep"), ("intake_company", "legal_rep"), ("intake_company", "address"),
                          ("intake_directoryentry", "contact_phone"), ("intake_consultation", "asker_name"),
                          ("org_user", "mobile")):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} <> '' AND {column} NOT LIKE 'enc1:%%'")
            assert cursor.fetchone()[0] == 0, f"{table}.{column} holds plain text"


def test_masks():
    assert mask_phone(PHONE) == "138****2345"
    assert mask_phone("0577-63712345") == "0577*******45"
    assert (mask_name("张伟"), mask_name("欧阳娜"), mask_name("")) == ("张*", "欧**", "")
    assert mask_address("平阳县鳌江镇江口路88号") == "平阳县鳌江镇****"


# Revealing ----------------------------------------------------------------------------------------


def test_the_unit_agent_reveals_a_request_and_the_look_is_recorded_without_the_values(submitted, api_as):
    answer = api_as("aojiang").post("personal-data/reveal", {"subject": "request", "id": submitted.pk})
    assert answer.status_code == 200, answer.content
    values = {f["label"]: f["value"] for f in answer.json()["fields"]}
    assert (values["联系人"], values["联系电话"], values["法定代表人"]) == ("张伟", PHONE, "张大伟")
    assert answer["Cache-Control"] and "no-store" in answer["Cache-Control"]
    event = AuditEvent.objects.filter(event_type="access.personal_data_revealed").latest("seq")
    assert (event.actor_name, event.object_type, event.object_id) == ("aojiang", "intake.request", str(submitted.pk))
    assert PHONE not in str(event.new) and "张伟" not in str(event.new)


@pytest.mark.parametrize(("username", "status"), [("kunyang", 404), ("ajleader", 403), ("fgj", 403), ("sysadmin", 403),
                                                  ("auditor", 403), ("owner1", 403)])
def test_those_without_the_right_learn_nothing_and_are_recorded(submitted, api_as, username, status):
    before = AuditEvent.objects.filter(event_type="access.refused").count()
    answer = api_as(username).post("personal-data/reveal", {"subject": "request", "id": submitted.pk})
    assert answer.status_code == status
    assert PHONE not in answer.content.decode()
    assert AuditEvent.objects.filter(event_type="access.refused").count() == before + 1
    assert not AuditEvent.objects.filter(event_type="access.personal_data_revealed", actor_name=username).exists()


def test_the_request_page_shows_the_mask_and_the_reveal_page_the_number(submitted, client, person):
    assert client.login("aojiang")
    page = client.get(f"/cases/requests/{submitted.pk}/")
    html = page.content.decode()
    assert "138****2345" in html and PHONE not in html and "no-store" in page["Cache-Control"]
    revealed = client.post("/intake/reveal/", {"subject": "request", "id": submitted.pk,
                                               "next": f"/cases/requests/{submitted.pk}/"})
    assert revealed.status_code == 200 and PHONE in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    assert client.login("ajleader")
    assert client.post("/intake/reveal/", {"subject": "request", "id": submitted.pk}).status_code == 403


def test_the_inspector_reveals_a_consultation_but_a_leader_does_not(demo, person, api_as):
    consultation = consultation_log(actor=person("aojiang"), asker_name="李先生", asker_phone="13900001111",
                                    question="问", answer="答")
    assert Consultation.objects.get(pk=consultation.pk).asker_phone == "13900001111"
    assert api_as("inspector").post("personal-data/reveal", {"subject": "consultation", "id": consultation.pk}).json()[
        "fields"][1]["value"] == "13900001111"
    assert api_as("leader").post("personal-data/reveal", {"subject": "consultation", "id": consultation.pk}).status_code == 403


def test_staff_reveal_a_colleagues_mobile_but_owners_do_not(demo, person, api_as):
    fgj = person("fgj")
    assert api_as("aojiang").post("personal-data/reveal", {"subject": "user", "id": fgj.pk}).json()["fields"] == [
        {"label": "手机号码", "value": fgj.mobile}]
    assert api_as("owner1").post("personal-data/reveal", {"subject": "user", "id": fgj.pk}).status_code == 403


def test_owner_forms_go_to_those_who_may_reveal_and_each_download_is_recorded(demo, api_as):
    document = CaseDocument.objects.filter(kind="registration").select_related("case__request").first()
    path = f"cases/{document.case_id}/documents/registration.docx"
    assert api_as("inspector").get(path).status_code == 200
    event = AuditEvent.objects.filter(event_type="access.personal_data_revealed").latest("seq")
    assert event.actor_name == "inspector" and event.new["document"] == "代办登记表"
    assert api_as("leader").get(path).status_code == 403


def test_the_admin_shows_no_mobile_number_and_finds_a_user_by_the_exact_number(client, person):
    assert client.login("secadmin")
    aojiang = person("aojiang")
    page = client.get(f"/admin/org/user/{aojiang.pk}/change/")
    assert page.status_code == 200
    assert aojiang.mobile not in page.content.decode()
    found = client.get("/admin/org/user/", {"q": aojiang.mobile})
    assert f"/admin/org/user/{aojiang.pk}/change/" in found.content.decode()
