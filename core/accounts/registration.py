"""What an applicant's registration asks for on behalf of later features (issue 48): they register a handler at
start-up (:func:`on_registration`), and :func:`core.accounts.services.register_applicant` runs them
(:func:`registered`) in the registration's transaction."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from core.models import User

_REGISTERED_KEY = "greenmfg_on_registration"


def on_registration(app: Flask, handler: Callable[[User, dict[str, Any]], None]) -> None:
    """Have ``handler(user, choices)`` run when an applicant registers, in the registration's transaction (a
    refusal it raises refuses the registration): how a later feature takes what the form asked for it, e.g.
    the notifications feature the e-mail address and the notification choices (issue 48). Call it from the
    feature's ``init_app``."""
    app.extensions.setdefault(_REGISTERED_KEY, []).append(handler)


def registered(user: User, choices: dict[str, Any]) -> None:
    """Run the features' registration handlers (:func:`on_registration`) for the new account ``user``."""
    for handler in current_app.extensions.get(_REGISTERED_KEY, ()):
        handler(user, dict(choices))
