"""The reason a state change asks of its actor (a return, a rejection, a withdrawal, a deadline changed or
extended): 2 to 500 characters."""
from __future__ import annotations

from core.errors import InvalidInput


def _reason(reason: str | None, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not 2 <= len(text) <= 500:
        raise InvalidInput("Please give a reason (2 to 500 characters).", field=field)
    return text
