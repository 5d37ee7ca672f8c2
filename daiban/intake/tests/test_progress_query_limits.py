"""Guessing a query code is hopeless: long codes, a limit per tracking number from any address, and
X-Forwarded-For believed only from the trusted proxies."""
from __future__ import annotations

import re

import pytest

from conftest import request_payload
from daiban.intake.services import request_submit
from daiban.intake.validation import RequestData
from daiban.lib.codes import ALPHABET, LENGTH, new_query_code, normalise_query_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(demo):
    row, _ = request_submit(data=RequestData(**request_payload()))
    return row


def test_query_codes_are_twelve_symbols_of_a_thirty_two_symbol_alphabet():
    codes = {new_query_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(f"[{ALPHABET}]{{{LENGTH}}}", code) for code in codes)
    assert len(ALPHABET) ** LENGTH == 2 ** 60


def test_a_new_request_gets_a_long_query_code(submitted):
    assert len(submitted.query_code) == 12


def test_the_code_may_be_typed_in_lower_case_with_spaces_and_hyphens(api_as, submitted):
    code = submitted.query_code
    typed = f" {code[:4].lower()}-{code[4:8]} {code[8:].lower()} "
    assert normalise_query_code(typed) == code
    answer = api_as(None).get("public/progress", {"tracking_no": submitted.tracking_no, "query_code": typed})
    assert answer.status_code == 200


def test_a_query_code_with_chinese_characters_is_simply_wrong(api_as, client, submitted):
    answer = api_as(None).get("public/progress", {"tracking_no": submitted.tracking_no, "query_code": "查询码"})
    assert answer.status_code == 404
    page = client.post("/portal/progress/", {"tracking_no": submitted.tracking_no, "query_code": "查询码"})
    assert page.status_code == 404


def test_one_tracking_number_is_limited_whatever_the_address(api_as, submitted, settings):
    settings.PUBLIC_QUERY_PER_NUMBER_LIMIT = 3
    api = api_as(None)
    for guess in range(3):
        answer = api.get("public/progress", {"tracking_no": submitted.tracking_no, "query_code": f"{guess:012d}"},
                         REMOTE_ADDR=f"198.51.100.{guess + 1}")
        assert answer.status_code == 404
    refused = api.get("public/progress", {"tracking_no": submitted.tracking_no, "query_code": submitted.query_code},
                      REMOTE_ADDR="198.51.100.99")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"


def test_the_page_and_the_api_share_the_allowance_of_a_tracking_number(api_as, client, submitted, settings):
    settings.PUBLIC_QUERY_PER_NUMBER_LIMIT = 2
    client.post("/portal/progress/", {"tracking_no": submitted.tracking_no, "query_code": "X"},
                REMOTE_ADDR="198.51.100.1")
    api_as(None).get("public/progress", {"tracking_no": submitted.tracking_no.lower(), "query_code": "Y"},
                     REMOTE_ADDR="198.51.100.2")
    page = client.post("/portal/progress/", {"tracking_no": submitted.tracking_no, "query_code": submitted.query_code},
                       REMOTE_ADDR="198.51.100.3")
    assert page.status_code == 429 and "138****2345" not in page.content.decode()


def test_other_tracking_numbers_keep_their_allowance(api_as, submitted, settings):
    settings.PUBLIC_QUERY_PER_NUMBER_LIMIT = 1
    api = api_as(None)
    api.get("public/progress", {"tracking_no": "DB000000000000", "query_code": "X"}, REMOTE_ADDR="198.51.100.1")
    answer = api.get("public/progress", {"tracking_no": submitted.tracking_no, "query_code": submitted.query_code},
                     REMOTE_ADDR="198.51.100.1")
    assert answer.status_code == 200


def test_a_new_x_forwarded_for_per_guess_does_not_reset_the_address_limit(api_as, submitted, settings):
    settings.PUBLIC_QUERY_LIMIT = 3
    settings.TRUSTED_PROXIES = ()
    api = api_as(None)
    answers = [api.get("public/progress", {"tracking_no": f"DB{n}", "query_code": "X"},
                       HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(5)]
    assert answers == [404, 404, 404, 429, 429]
