"""统一社会信用代码 (GB 32100-2015) validation on top of python-stdnum.

python-stdnum's ``stdnum.cn.uscc`` checks length, alphabet and the mod-31 check
character, but rejects the letter registration-authority codes A, N and Y that
GB 32100 allows (domain.md B8). We accept those too, reusing stdnum's check-digit
calculation, and turn stdnum's typed errors into messages that say what is wrong.
"""
from __future__ import annotations

import re
from operator import mul

from core.errors import InvalidInput

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # GB 32100-2015, as python-stdnum's
_PATTERN = re.compile(r"^[1-9ANY][0-9A-HJ-NP-RTUW-Y][0-9]{6}[0-9A-HJ-NP-RTUW-Y]{9}[0-9A-HJ-NP-RTUW-Y]$")


def normalize_uscc(value: str, field: str = "uscc") -> str:
    """Return the compact, upper-case code or raise :class:`InvalidInput` saying what is wrong."""
    # a code as exported (18 characters of the alphabet, upper case) is already compact and well formed: a
    # 1,000-row import checks 1,000 of them, and stdnum's compact() walks each one character by character (W4)
    if value.__class__ is str and _PATTERN.fullmatch(value) and (not value[0].isdigit() or value[:8].isdigit()):
        if _ALPHABET[-sum(map(mul, map(_VALUE.__getitem__, value[:17]), _WEIGHTS)) % 31] != value[17]:
            raise _checksum_error(value, field)
        return value
    # here, not at the top: a web worker that only shows pages never loads python-stdnum (1 MB)
    from stdnum.cn import uscc as _uscc

    code = _uscc.compact(value or "")
    if len(code) != 18:
        raise InvalidInput(
            "The unified social credit code must have 18 characters; %(n)d given.", field=field, n=len(code)
        )
    bad = sorted({c for c in code if c not in _ALPHABET})
    if bad:
        raise InvalidInput(
            "The unified social credit code contains characters that are not allowed: %(chars)s "
            "(I, O, S, V and Z are never used).",
            field=field, chars=" ".join(bad),
        )
    if not _PATTERN.match(code):
        raise InvalidInput(
            "The unified social credit code is malformed: positions 3-8 must be the digits of an "
            "administrative division code.",
            field=field,
        )
    if code[0].isdigit() and not code[:8].isdigit():  # as stdnum's validate(): an organization's code
        raise InvalidInput("The unified social credit code is malformed.", field=field)
    if _uscc.calc_check_digit(code[:17]) != code[17]:  # letter authorities (A, N, Y) too, which stdnum refuses
        raise _checksum_error(code, field)
    return code


def _checksum_error(code: str, field: str) -> InvalidInput:
    from stdnum.cn import uscc as _uscc

    return InvalidInput(
        "The check character of the unified social credit code is wrong: the 18th character should be "
        "%(expected)s, not %(given)s. Please check for a typing error.",
        field=field, expected=_uscc.calc_check_digit(code[:17]), given=code[17],
    )


def legacy_org_code(uscc: str) -> str:
    """The 组织机构代码 embedded at positions 9-17 (old Hunan forms ask for it)."""
    body = normalize_uscc(uscc)[8:17]
    return f"{body[:8]}-{body[8]}"
