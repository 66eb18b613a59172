"""The password policy (ASVS 4.0.3 2.1.1, 2.1.2, 2.1.7, 2.1.9).

12 to 128 characters of any kind, no composition rules; refused when it is a common or breached
password, a pattern that is easy to guess (repeats, sequences, keyboard runs, dates) or contains the
account's user name or name (a Chinese name of two characters counts). Guessability is judged offline by zxcvbn (its bundled frequency lists of
common and breached passwords, names and words), because government intranets often have no internet.
"""
from __future__ import annotations

from collections.abc import Iterable

from core.errors import InvalidInput

PASSWORD_MIN, PASSWORD_MAX = 12, 128
#: zxcvbn's score (0-4) a password must reach: 3 is "safely unguessable: moderate protection from an
#: offline slow-hash scenario" (passwords are stored with argon2id)
MIN_SCORE = 3
#: zxcvbn's cost grows with the length; the first 100 characters decide
_CHECKED = 100


def check(password: object, *, field: str = "password", user_inputs: Iterable[str | None] = ()) -> None:
    """Raise :class:`InvalidInput` (bilingual, naming ``field``) unless ``password`` may be used."""
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput("A password must have %(min)d to %(max)d characters.", field=field,
                           min=PASSWORD_MIN, max=PASSWORD_MAX)
    inputs = [x.strip().lower() for x in user_inputs if x and len(x.strip()) >= (3 if x.isascii() else 2)]
    lowered = password.lower()
    if any(x in lowered for x in inputs):
        raise InvalidInput("A password may not contain your user name or your name.", field=field)
    from zxcvbn import zxcvbn  # here: its frequency lists cost each web worker 12 MB, used only on a new password

    result = zxcvbn(password[:_CHECKED], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return
    if "common" in (result["feedback"].get("warning") or "").lower():
        raise InvalidInput("This password is among the most common or breached passwords; choose another.",
                           field=field)
    raise InvalidInput("This password is easy to guess (repeated characters, sequences, dates or common words); "
                       "choose a longer phrase of unrelated words.", field=field)
