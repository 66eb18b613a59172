"""A password reset by an officer (issue 19, ASVS 2.5): for a firm that forgot its password, its city;
for staff, the province or an administrator.

Who may reset whom: an administrator any account but another administrator's; province staff any
applicant, city, expert or evaluator account; city staff the applicant accounts of organizations in
their own city. The officer receives a one-time random password to hand over; the account must choose
a new one at its next log-in, every session of it ends, and the reset is audited (never the password).
The same rule (:func:`may_manage`) says which accounts an officer opens, closes and binds (issue 20, the
Administration pages).
"""
from __future__ import annotations

import secrets

from sqlalchemy import false, func, select, true
from sqlalchemy.sql import ColumnElement

from core.accounts.sessions import end_all
from core.errors import AccessDenied, NotFound
from core.extensions import db
from core.models import Organization, Role, User
from core.services import audit
from core.services.passwords import hash_password

_WORDS = ("green", "factory", "river", "maple", "cloud", "stone", "bamboo", "lotus", "harbor", "meadow",
          "copper", "orchid", "summit", "valley", "willow", "amber")


#: the accounts province staff open and look after
PROVINCE_MANAGES = frozenset({Role.APPLICANT, Role.CITY, Role.EXPERT, Role.EVALUATOR})


def may_manage(officer: User, role: Role | str, unit_id: int | None = None) -> bool:
    """Whether ``officer`` may open or look after an account of ``role`` belonging to the administrative unit
    ``unit_id`` (an applicant's: its organization's unit). Admin: any; province: applicants, cities, experts
    and evaluators; city: the applicants of its own unit."""
    if not officer.active:
        return False
    if officer.role == Role.ADMIN:
        return True
    if officer.role == Role.PROVINCE:
        return Role(role) in PROVINCE_MANAGES
    return (officer.role == Role.CITY and Role(role) == Role.APPLICANT and unit_id is not None
            and unit_id == officer.admin_unit_id)


def unit_of(user: User) -> int | None:
    """The administrative unit an account belongs to: a city's own, an applicant's organization's."""
    if user.organization_id is not None:
        org = db.session.get(Organization, user.organization_id)
        return org.admin_unit_id if org is not None else None
    return user.admin_unit_id


def may_reset(officer: User, target: User) -> bool:
    if officer.id == target.id or (officer.role == Role.ADMIN and target.role == Role.ADMIN):
        return False
    return may_manage(officer, target.role, unit_of(target))


def managed_scope(officer: User) -> ColumnElement[bool]:
    """The WHERE clause of the accounts ``officer`` looks after (:func:`may_manage`)."""
    if not officer.active:
        return false()
    if officer.role == Role.ADMIN:
        return true()
    if officer.role == Role.PROVINCE:
        return User.role.in_(PROVINCE_MANAGES)
    if officer.role == Role.CITY and officer.admin_unit_id is not None:
        return (User.role == Role.APPLICANT) & User.organization_id.in_(
            select(Organization.id).where(Organization.admin_unit_id == officer.admin_unit_id))
    return false()


def temporary_password() -> str:
    """Four random words and a number: easy to read out over the telephone, 60+ bits."""
    return "-".join(secrets.choice(_WORDS) for _ in range(4)) + f"-{secrets.randbelow(10**6):06d}"


def reset_password(officer: User, username: str) -> tuple[User, str]:
    """Give ``username`` a one-time password; returns the account and that password (shown once)."""
    target = db.session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))
    if target is None:
        raise NotFound("No such account.")
    if not may_reset(officer, target):
        raise AccessDenied("Your role may not reset this account's password.")
    password = temporary_password()
    target.password_hash = hash_password(password)
    target.must_change_password = True
    target.session_version = (target.session_version or 0) + 1
    end_all(target, "password")
    audit.record(officer.username, "account.password_reset", "user", target.id, username=target.username,
                 role=str(target.role))
    return target, password
