"""A password reset by an officer (issue 19, ASVS 2.5): for a firm that forgot its password, its city;
for staff, the province or an administrator.

Who may reset whom: an administrator any account but another administrator's; province staff any
applicant, city, expert or evaluator account; city staff the applicant accounts of organizations in
their own city. The officer receives a one-time random password to hand over; the account must choose
a new one at its next log-in, every session of it ends, and the reset is audited (never the password).
The same rule (:func:`core.accounts.permissions.may_manage`, a permission per kind of account) says which
accounts an officer opens, closes and binds (issue 20, the Administration pages).
"""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from core.accounts import password_policy
from core.accounts.permissions import may_reset
from core.accounts.sessions import end_all
from core.errors import AccessDenied, InvalidInput, NotFound
from core.extensions import db
from core.models import User
from core.services import audit
from core.services.passwords import hash_password

#: none is one of the words the password policy takes out (``green`` and ``factory`` were: four of them in one draw,
#: one in 4,096, left too little and the officer's new account was refused)
_WORDS = ("pebble", "falcon", "river", "maple", "cloud", "stone", "bamboo", "lotus", "harbor", "meadow",
          "copper", "orchid", "summit", "valley", "willow", "amber")
#: draws before giving up (a policy that refuses every one): one refused draw in thousands, or an account named
#: after a word
_DRAWS = 50


def temporary_password(*user_inputs: str | None) -> str:
    """Four random words and a number: easy to read out over the telephone, 60+ bits; drawn again until the
    password policy accepts it for the account with these user inputs (its user name and name: an account called
    ``river`` gets no ``river``)."""
    for _ in range(_DRAWS):
        password = "-".join(secrets.choice(_WORDS) for _ in range(4)) + f"-{secrets.randbelow(10**6):06d}"
        try:
            password_policy.check(password, user_inputs=user_inputs)
        except InvalidInput:
            continue
        return password
    raise RuntimeError(f"no temporary password passed the policy in {_DRAWS} draws")  # a policy that refuses all


def reset_password(officer: User, username: str) -> tuple[User, str]:
    """Give ``username`` a one-time password; returns the account and that password (shown once)."""
    target = db.session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))
    if target is None:
        raise NotFound("No such account.")
    if not may_reset(officer, target):
        raise AccessDenied("Your role may not reset this account's password.")
    password = temporary_password(target.username, target.display_name)
    target.password_hash = hash_password(password)
    target.must_change_password = True
    target.session_version = (target.session_version or 0) + 1
    end_all(target, "password")
    audit.record(officer.username, "account.password_reset", "user", target.id, username=target.username,
                 role=str(target.role))
    return target, password
