"""统一社会信用代码 validation (GB 32100-2015; domain.md B8; ecosystem.md 4.2)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st
from stdnum.cn import uscc as stdnum_uscc

from core.errors import InvalidInput
from core.services.uscc import legacy_org_code, normalize_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def test_valid_code_and_compaction():
    assert normalize_uscc("91110000600037341L") == "91110000600037341L"
    assert normalize_uscc(" 9111 0000 6000 3734 1l ") == "91110000600037341L"


@pytest.mark.parametrize("code, words", [
    ("91110000600037341M", "should be L, not M"),
    ("91110000600037342L", "check character"),
    ("9111000060003734", "18 characters; 16 given"),
    ("91110000600O37341L", "not allowed: O"),
    ("911100006000373S1L", "not allowed: S"),
    ("", "18 characters; 0 given"),
])
def test_errors_say_what_is_wrong(code, words):
    with pytest.raises(InvalidInput) as info:
        normalize_uscc(code)
    assert words in str(info.value)
    assert info.value.field == "uscc"


def test_letter_registration_authorities_are_accepted():
    """GB 32100 allows A, N and Y as the first character; stdnum rejects them (domain.md B8)."""
    body = "N2110000600037341"
    code = body + stdnum_uscc.calc_check_digit(body)
    assert normalize_uscc(code) == code
    with pytest.raises(InvalidInput):
        normalize_uscc(body + ("0" if code[-1] != "0" else "1"))


def test_legacy_organization_code():
    assert legacy_org_code("91110000600037341L") == "60003734-1"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=9, max_size=9), st.sampled_from("123456789"),
       st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_any_single_character_corruption_is_caught(body, first, position, replacement):
    code = f"{first}1430100{body}"
    code += stdnum_uscc.calc_check_digit(code)
    assert normalize_uscc(code) == code
    if code[position] == replacement or (position < 8 and not replacement.isdigit()):
        return
    corrupted = code[:position] + replacement + code[position + 1:]
    with pytest.raises(InvalidInput):
        normalize_uscc(corrupted)
