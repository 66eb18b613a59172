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


def test_a_code_with_a_letter_in_an_organization_code_is_malformed():
    """A code of a digit authority names its organization by digits up to position 8 (stdnum's check)."""
    body = "9A11000060003734"
    code = body + "1" + stdnum_uscc.calc_check_digit(body + "1")
    with pytest.raises(InvalidInput) as info:
        normalize_uscc(code)
    assert "malformed" in str(info.value)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from("123456789"), st.text(alphabet="0123456789", min_size=7, max_size=7),
       st.text(alphabet=ALPHABET, min_size=10, max_size=10), st.sampled_from(["", " ", "-", "\n"]),
       st.booleans(), st.booleans())
def test_digit_authorities_agree_with_stdnum(first, division, rest, separator, lower, letter):
    """Codes of the digit authorities are accepted exactly when python-stdnum accepts them, however typed (the
    fast path for codes already compact included)."""
    code = first + ("A" + division[1:] if letter else division) + rest[:9]
    code += stdnum_uscc.calc_check_digit(code) if rest[9] in "0123456789" else rest[9]
    typed = code[:9] + separator + code[9:] if separator else code
    typed = typed.lower() if lower else typed
    try:
        ours = normalize_uscc(typed)
    except InvalidInput:
        ours = None
    theirs = stdnum_uscc.compact(typed) if stdnum_uscc.is_valid(typed) else None
    assert ours == theirs
