from datetime import date

import pytest

from daiban.lib.validators import (
    credit_code_check_char,
    credit_code_error,
    mobile_error,
    project_code_error,
)

# Published codes of real organisations, whose check characters GB 32100 fixes.
VALID_CREDIT_CODES = ["91330000742906207U", "91350100M000100Y43", "91110108551385082Q", "9144030071526726XG"]


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_a_credit_code_with_the_right_check_character_is_accepted(code):
    assert credit_code_error(code) is None


def test_a_credit_code_with_a_wrong_check_character_is_refused():
    code = VALID_CREDIT_CODES[0]
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert "校验位" in credit_code_error(wrong)


@pytest.mark.parametrize("code, message", [("9133", "18 位"), ("91330000742906207I", "无效字符")])
def test_a_malformed_credit_code_is_refused_with_the_reason(code, message):
    assert message in credit_code_error(code)


def test_the_check_character_is_computed_by_the_standard_weights():
    assert credit_code_check_char("91330000742906207") == "U"


@pytest.mark.parametrize("code", ["2403-330326-04-01-123456", "2019-330326-34-03-012345"])
def test_project_codes_of_both_formats_are_accepted(code):
    assert project_code_error(code, today=date(2026, 11, 27)) is None


@pytest.mark.parametrize("code", ["2413-330326-04-01-123456", "2403-330326-04-01-12345", "1999-330326-34-03-012345",
                                  "2403-990326-04-01-123456", "2403330326-04-01-123456"])
def test_bad_project_codes_are_refused(code):
    assert project_code_error(code, today=date(2026, 11, 27)) is not None


def test_mobile_numbers():
    assert mobile_error("13812341234") is None
    assert mobile_error("12812341234") and mobile_error("1381234123")


@pytest.mark.parametrize("code, message", [
    ("2609-330327-04-01-500005", "应为项目所在县的代码 330326"),
    ("2613-330326-04-01-500005", "年月"),  # no 13th month
    ("2612-330326-04-01-500005", "年月"),  # in the future on 2026-11-27
    ("2609-330326-04-01-50000", "格式"),  # 23 characters
])
def test_a_project_code_must_be_24_characters_of_the_projects_county_and_a_real_past_month(code, message):
    assert message in project_code_error(code, today=date(2026, 11, 27), area="330326")
    assert project_code_error("2611-330326-04-01-500005", today=date(2026, 11, 27), area="330326") is None
