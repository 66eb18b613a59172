"""Accounts: applicant registration, log-in with throttling, log-out everywhere, API tokens.

Web views, the JSON API and the CLI call these; callers commit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from flask import current_app
from sqlalchemy import func, select, update

from core.accounts import password_policy
from core.accounts.permissions import (
    binding_of, city_of, may_manage, may_reset, second_factor_required, unit_of,
)
from core.accounts.registration import registered
from core.accounts.remembered import attached, columns_of
from core.accounts.password_policy import PASSWORD_MAX, PASSWORD_MIN  # noqa: F401  (core.review.forms reads them here)
from core.errors import AccessDenied, InvalidInput, LoginThrottled, NotFound, Refused
from core.extensions import db
from core.kernel.changes import NEUTRAL
from core.clock import aware, now, real_now
from core.kernel.memo import remembered
from core.kernel.rules import region_rules
from core.models import AdminUnit, ApiToken, Organization, Role, User
from core.services import audit
from core.services.passwords import hash_password, verify_password
from core.services.uscc import normalize_uscc
from core.web import pagecache

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,80}$")
#: failed log-ins per account and hour before log-in is refused (ASVS 2.2.1 allows at most 100)
TOKEN_PREFIX = "gm_"
TOKEN_DAYS = 180


def check_password_policy(password: str, field: str = "password", user_inputs=()) -> None:
    """The password policy (:mod:`core.accounts.password_policy`)."""
    password_policy.check(password, field=field, user_inputs=user_inputs)


def register_applicant(*, username: str, password: str, display_name: str, uscc: str, org_name: str,
                       admin_unit_code: str, legal_representative: str | None = None,
                       address: str | None = None, choices: dict | None = None) -> User:
    """Create an applicant account bound to the organization with this USCC.

    ``choices`` (an e-mail address, whether to be told by e-mail, the language of messages) go to the
    features that registered for them (:func:`core.accounts.registration.registered`: the notifications feature keeps the
    choices and sends the address a link to verify it).

    A new USCC creates the organization in the chosen administrative unit. An organization
    already on file (e.g. imported by its city) may be claimed only while it has no account
    and only under its registered name; otherwise registration is refused.
    """
    rules = region_rules()
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise InvalidInput("A user name has 3 to 80 letters, digits or . _ @ -.", field="username")
    check_password_policy(password, user_inputs=(username, display_name))
    code = normalize_uscc(uscc)
    org_name = (org_name or "").strip()
    if not 2 <= len(org_name) <= 200:
        raise InvalidInput("Please give the organization's full registered name.", field="org_name")
    display_name = (display_name or "").strip()[:100] or org_name[:100]
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise InvalidInput("This user name is taken.", field="username")
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.region == rules.region_code,
                                                     AdminUnit.code == admin_unit_code, AdminUnit.active))
    if unit is None:
        raise InvalidInput("Please choose your city (administrative unit).", field="admin_unit")
    org = db.session.scalar(select(Organization).where(Organization.uscc == code))
    claimed = org is not None
    if org is None:
        org = Organization(uscc=code, name=org_name, admin_unit_id=unit.id,
                           legal_representative=(legal_representative or "").strip()[:100] or None,
                           address=(address or "").strip()[:300] or None)
        db.session.add(org)
        db.session.flush()
    else:
        has_account = db.session.scalar(select(func.count(User.id)).where(User.organization_id == org.id))
        if has_account or org.name != org_name:
            raise Refused("An account for the organization with this credit code already exists, or the name "
                          "does not match the registered one. Ask your city bureau for help.")
    user = User(username=username, display_name=display_name, password_hash=hash_password(password),
                role=Role.APPLICANT, organization_id=org.id, active=True)
    db.session.add(user)
    db.session.flush()
    audit.record(username, "account.registered", "user", user.id, organization=code, claimed=claimed,
                 admin_unit=unit.code)
    registered(user, choices or {})
    return user


def create_user(*, username: str, password: str, display_name: str, role: Role | str, actor: str,
                organization_id: int | None = None, admin_unit_id: int | None = None,
                evaluator_firm_id: int | None = None) -> User:
    """Create a staff or applicant account (admins, tests, demo). Bindings are checked per role."""
    role = Role(role)
    if not USERNAME_RE.match(username or ""):
        raise InvalidInput("A user name has 3 to 80 letters, digits or . _ @ -.", field="username")
    check_password_policy(password, user_inputs=(username, display_name))
    needed = {Role.APPLICANT: organization_id, Role.CITY: admin_unit_id, Role.EVALUATOR: evaluator_firm_id}
    if role in needed and needed[role] is None:
        raise InvalidInput("This role must be bound to its organization, unit or firm.", field="role")
    _check_binding(role, organization_id, admin_unit_id, evaluator_firm_id)
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise InvalidInput("This user name is taken.", field="username")
    user = User(username=username, display_name=display_name or username, password_hash=hash_password(password),
                role=role, organization_id=organization_id if role == Role.APPLICANT else None,
                admin_unit_id=admin_unit_id if role == Role.CITY else None,
                evaluator_firm_id=evaluator_firm_id if role == Role.EVALUATOR else None)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "account.created", "user", user.id, username=username, role=role.value)
    return user


def _check_binding(role: Role, organization_id: int | None, admin_unit_id: int | None,
                   evaluator_firm_id: int | None) -> None:
    """The organization, unit or firm an account is bound to exists (a city: one of this region's units)."""
    from core.models import EvaluatorFirm

    if role == Role.APPLICANT and db.session.get(Organization, organization_id) is None:
        raise InvalidInput("No such organization.", field="organization_id")
    if role == Role.CITY:
        unit = db.session.get(AdminUnit, admin_unit_id)
        if unit is None or unit.region != region_rules().region_code:
            raise InvalidInput("No such administrative unit.", field="admin_unit_id")
    if role == Role.EVALUATOR and db.session.get(EvaluatorFirm, evaluator_firm_id) is None:
        raise InvalidInput("No such evaluator firm.", field="evaluator_firm_id")


def _wait_message(wait: float) -> LoginThrottled:
    err = LoginThrottled("Too many failed log-ins for this account from here; please wait %(n)d seconds and try "
                       "again.", n=max(1, int(wait + 0.999)))
    err.retry_after = max(1, int(wait + 0.999))
    return err


def authenticate(username: str, password: str, remote: str | None = None) -> User:
    """Check a log-in. Failures are throttled, never locked out (ASVS 2.2.1): per account and client
    address (``GREENMFG_RATELIMIT_LOGIN_FAILURES_PER_ADDRESS``) and per account from every address
    (``GREENMFG_RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT``, a short window), so a guesser is slowed while the owner,
    from a new address, waits at most that short window. Unknown user names take as long as known
    ones (a password hash is checked either way). Failures are audited (never the password).

    :raises LoginThrottled: wait first (``retry_after`` seconds); the password was not checked.
    :raises InvalidInput: wrong user name or password (one message for both).
    The caller commits in both cases, so failures are recorded.
    """
    from core.ratelimit import login_failures

    username = (username or "").strip()[:80]
    account, address = username.lower() or "-", remote or "unknown"
    throttle = login_failures()
    if throttle is not None:
        wait = throttle.wait("login_failures_per_address", f"{account}|{address}") or \
            throttle.wait("login_failures_per_account", account)
        if wait is not None:
            audit.record(username or "-", "account.login_throttled", "user", None, remote=remote, wait=round(wait))
            raise _wait_message(wait)
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    # an unknown user name costs one password hash too (the same work as a check), so both answers take
    # the same time and do not tell which user names exist
    valid = verify_password(user.password_hash, password or "") if user is not None else bool(
        hash_password(password or "-")) and False
    if user is None or not user.active or not valid:
        if throttle is not None:
            throttle.hit("login_failures_per_address", f"{account}|{address}")
            throttle.hit("login_failures_per_account", account)
        audit.record(username or "-", "account.login_failed", "user", user.id if user else None, remote=remote)
        raise InvalidInput("Wrong user name or password.", field="password")
    audit.record(user.username, "account.login", "user", user.id, remote=remote)
    return user


def end_sessions(user: User, actor: str) -> None:
    """Log out everywhere: every session cookie issued so far stops working."""
    from core.accounts.sessions import end_all

    user.session_version = (user.session_version or 0) + 1
    end_all(user, "logout")
    audit.record(actor, "account.logout", "user", user.id)


def change_password(user: User, old: str, new: str, *, channel: str = "web") -> None:
    """Change one's own password: the current one is asked again (ASVS 2.1.6); every session issued
    so far ends (the caller signs the current one in again), API tokens stay."""
    if not verify_password(user.password_hash, old or ""):
        audit.record(user.username, "account.password_change_refused", "user", user.id, channel=channel)
        raise InvalidInput("The current password is wrong.", field="old_password")
    if new == old:
        raise InvalidInput("Choose a password different from the current one.", field="new_password")
    check_password_policy(new, "new_password", user_inputs=(user.username, user.display_name))
    from core.accounts.sessions import end_all

    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.session_version = (user.session_version or 0) + 1
    end_all(user, "password")
    audit.record(user.username, "account.password_changed", "user", user.id, channel=channel)


# ------------------------------------------------------------------ tokens --


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str, days: int = TOKEN_DAYS, *, minutes: int | None = None,
                 channel: str = "web", remote: str | None = None) -> tuple[str, ApiToken]:
    """A new API token for ``user`` (``days`` long, or ``minutes``). The plain token is returned once and
    never stored."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        raise InvalidInput("Give the token a name of up to 80 characters.", field="name")
    if minutes is None and not 1 <= int(days) <= 366:
        raise InvalidInput("A token is valid for 1 to 366 days.", field="days")
    lifetime = dt.timedelta(minutes=int(minutes)) if minutes is not None else dt.timedelta(days=int(days))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=_hash(token), prefix=token[:10],
                   expires_at=real_now() + lifetime,  # tokens end in real time (issue 42)
                   second_factor=bool(user.totp_secret))
    db.session.add(row)
    db.session.flush()
    audit.record(user.username, "token.created", "api_token", row.id, name=name, expires=row.expires_at.isoformat(),
                 channel=channel, **({"remote": remote} if remote else {}))
    return token, row


#: a token asked for with credentials (``POST /api/v1/tokens``) lives this long by default, at most a day
ISSUED_MINUTES, ISSUED_MAX_MINUTES = 60, 24 * 60


def issue_token(username: str, password: str, code: str | None, *, name: str, minutes: int,
                remote: str | None = None) -> tuple[str, ApiToken]:
    """Credentials for a short-lived token, for scripts that never see the web forms.

    The same rules as the web log-in: failures throttled and audited (:func:`authenticate`); an account whose
    password an officer reset must choose its own first; a role that must use a second factor gets no token
    before it has one; an account with a second factor gives its current code (audited either way).

    :raises InvalidInput: wrong credentials or code; :raises AccessDenied: an obligation is pending.
    """
    from core.accounts import mfa

    if not 1 <= int(minutes) <= ISSUED_MAX_MINUTES:
        raise InvalidInput("A token asked for with a password is valid for 1 to %(n)d minutes.", field="minutes",
                           n=ISSUED_MAX_MINUTES)
    user = authenticate(username, password, remote)
    if user.must_change_password:
        audit.record(user.username, "token.refused", "user", user.id, reason="must_change_password", remote=remote)
        raise AccessDenied("Your password was reset: log in on the web and choose your own password first.")
    if user.totp_secret:
        if not (code or "").strip():
            raise InvalidInput("Enter the 6-digit code of your authenticator app (or a recovery code).", field="code")
        if not mfa.verify(user, code or ""):
            from core.ratelimit import login_failures

            throttle = login_failures()  # a wrong code counts as a failed log-in, as a wrong password does
            if throttle is not None:
                account = user.username.lower()
                throttle.hit("login_failures_per_address", f"{account}|{remote or 'unknown'}")
                throttle.hit("login_failures_per_account", account)
            raise InvalidInput("The code is wrong or was already used.", field="code")
    elif second_factor_required(user):
        audit.record(user.username, "token.refused", "user", user.id, reason="mfa_not_set_up", remote=remote)
        raise AccessDenied("Your role must use a second factor: set it up on the web (My account) first.")
    return create_token(user, name, minutes=int(minutes), channel="api", remote=remote)


def set_active(user: User, active: bool, actor: str) -> None:
    """An administrator closes or reopens an account; a closed one's sessions end and its tokens stop."""
    from core.accounts.sessions import end_all

    if user.active == active:
        return
    user.active = active
    if not active:
        user.session_version = (user.session_version or 0) + 1
        end_all(user, "closed")
    audit.record(actor, "account.opened" if active else "account.closed", "user", user.id, username=user.username)


def revoke_token(user: User, token_id: int) -> None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if row is None:
        raise NotFound("No such token.")
    if row.revoked_at is None:
        row.revoked_at = now()
        audit.record(user.username, "token.revoked", "api_token", row.id)


def revoke_all_tokens(user: User, actor: str, reason: str) -> int:
    """Every API token of ``user`` still valid stops working now (a second factor or a password reset from the
    server); audited once with their number. How many were revoked."""
    rows = list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                          ApiToken.revoked_at.is_(None))))
    at = now()
    for row in rows:
        row.revoked_at = at
    if rows:
        audit.record(actor, "token.revoked_all", "user", user.id, count=len(rows), reason=reason)
    return len(rows)


#: the app's ``{token id: when this process last wrote its last_used_at}`` (a remembered token is not read again)
_LAST_WRITTEN = "greenmfg_token_last_written"


def _read_token(digest: str, fresh: list[User]) -> tuple | None:
    """``(token id, revoked at, expires at, last used at, made with a second factor, the user's remembered columns)``
    of the token with this digest, or ``None``; the user instance loaded goes to ``fresh``."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if row is None or row.user is None:
        return None
    fresh.append(row.user)
    return (row.id, aware(row.revoked_at), aware(row.expires_at), aware(row.last_used_at), bool(row.second_factor),
            columns_of(row.user))


def user_for_token(token: str | None) -> User | None:
    """The active user a bearer token belongs to, or ``None`` (unknown, revoked or expired). A reading request
    takes the token and its user from what an earlier request of this process read while nothing was written
    since (:mod:`core.kernel.memo`: a revocation, a new token or a changed user is a write)."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    digest, fresh = _hash(token), []
    found = remembered("accounts.token", digest, lambda: _read_token(digest, fresh))
    if found is None:
        return None
    token_id, revoked_at, expires_at, last_used_at, second_factor, columns = found
    at = real_now()  # a token's life is real time, whatever a training clock reads (issue 42)
    if revoked_at is not None or (expires_at is not None and expires_at <= at):
        return None
    user = fresh[0] if fresh else attached(columns)
    if not user.active:
        return None
    if not second_factor:
        _refuse_without_second_factor(user, token_id)
    if expires_at is not None:
        pagecache.valid_until(expires_at.timestamp())  # a kept answer ends with the token
    written = current_app.extensions.setdefault(_LAST_WRITTEN, {})
    last = max(filter(None, (last_used_at, written.get(token_id))), default=None)
    if last is None or at - last > dt.timedelta(hours=1):  # at most one write an hour, shown on no kept page
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at)
                           .execution_options(**NEUTRAL))
        db.session.commit()
        written[token_id] = at
    return user


def _refuse_without_second_factor(user: User, token_id: int) -> None:
    """A token made without a second factor serves no role that must use one (ASVS 4.0.3 4.3.1, GB/T 22239-2019
    8.1.4.1 d): made before the role's enforcement began (``GREENMFG_MFA_ROLES``, an upgrade) or before its owner set
    the factor up, it stops working; each refused use is audited (committed: the refusal rolls nothing back)."""
    if not second_factor_required(user):
        return
    audit.record(user.username, "token.refused", "api_token", token_id, reason="made_without_second_factor")
    db.session.commit()
    raise AccessDenied("This token was made without a second factor, which your role must use: set up the second "
                       "factor on the web (My account), then make a new token.")


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


# -------------------------------------------------------- officers' accounts --


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise AccessDenied("Your role may not open or change accounts of this kind, or of another city's "
                           "organizations.")


def _organization(uscc: str | None, org_name: str | None, admin_unit_id: int | None, actor: str) -> Organization:
    """The organization with this credit code; a new one (with its name) in ``admin_unit_id`` if none is on file."""
    code = normalize_uscc(uscc or "")
    org = db.session.scalar(select(Organization).where(Organization.uscc == code))
    if org is not None:
        return org
    name = (org_name or "").strip()
    if not 2 <= len(name) <= 200:
        raise InvalidInput("No organization with this credit code is on file: give its full registered name to "
                           "add it.", field="org_name")
    unit = db.session.get(AdminUnit, admin_unit_id) if admin_unit_id else None
    if unit is None or unit.region != region_rules().region_code or not unit.active:
        raise InvalidInput("Please choose the city (administrative unit).", field="admin_unit_id")
    org = Organization(uscc=code, name=name, admin_unit_id=unit.id)
    db.session.add(org)
    db.session.flush()
    audit.record(actor, "organization.added", "organization", org.id, uscc=code, name=name, admin_unit=unit.code)
    return org


def create_account(officer: User, *, username: str, display_name: str, role: Role | str, uscc: str | None = None,
                   org_name: str | None = None, admin_unit_id: int | None = None,
                   evaluator_firm_id: int | None = None) -> tuple[User, str]:
    """An officer opens an account (:func:`core.accounts.permissions.may_manage` says which); returns it and a
    one-time password to hand over, which the account must change at its first log-in. An applicant is bound
    to the organization with ``uscc``, added with ``org_name`` when none is on file (a city adds it in its own
    unit)."""
    from core.accounts.resets import temporary_password

    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput("Please choose a role.", field="role") from None
    organization_id = None
    if role == Role.APPLICANT:
        if city_of(officer) is not None:  # a city bureau opens accounts in its own city
            admin_unit_id = city_of(officer)
        _refuse_unless(may_manage(officer, role, admin_unit_id))
        if not (uscc or "").strip():
            raise InvalidInput("Give the organization's unified social credit code.", field="uscc")
        org = _organization(uscc, org_name, admin_unit_id, officer.username)
        _refuse_unless(may_manage(officer, role, org.admin_unit_id))
        organization_id = org.id
    else:
        _refuse_unless(may_manage(officer, role, admin_unit_id))
    password = temporary_password(username, display_name)
    user = create_user(username=(username or "").strip(), password=password, display_name=(display_name or "").strip(),
                       role=role, actor=officer.username, organization_id=organization_id,
                       admin_unit_id=admin_unit_id, evaluator_firm_id=evaluator_firm_id)
    user.must_change_password = True
    return user, password


def rebind(officer: User, target: User, *, uscc: str | None = None, admin_unit_id: int | None = None,
           evaluator_firm_id: int | None = None) -> dict[str, list]:
    """Bind an account to another organization (by credit code, on file), city or evaluator firm, as its role
    requires; the officer must look after the account both before and after. Audited; returns the diff."""
    from core.models import EvaluatorFirm

    _refuse_unless(officer.id != target.id and may_manage(officer, target.role, unit_of(target)))
    key = binding_of(target.role)
    if key == "organization_id":
        org = db.session.scalar(select(Organization).where(Organization.uscc == normalize_uscc(uscc or "")))
        if org is None:
            raise InvalidInput("No such organization.", field="uscc")
        _refuse_unless(may_manage(officer, target.role, org.admin_unit_id))
        value = org.id
    elif key == "admin_unit_id":
        _check_binding(Role.CITY, None, admin_unit_id, None)
        value = admin_unit_id
    elif key == "evaluator_firm_id":
        if db.session.get(EvaluatorFirm, evaluator_firm_id) is None:
            raise InvalidInput("No such evaluator firm.", field="evaluator_firm_id")
        value = evaluator_firm_id
    else:
        raise InvalidInput("This role is bound to no organization, unit or firm.", field="role")
    before = getattr(target, key)
    if before == value:
        return {}
    setattr(target, key, value)
    audit.record(officer.username, "account.rebound", "user", target.id, username=target.username,
                 **{key: [before, value]})
    return {key: [before, value]}


def change_active(officer: User, target: User, active: bool) -> None:
    """An officer closes or reopens an account it looks after (never its own, nor another administrator's)."""
    _refuse_unless(may_reset(officer, target))
    set_active(target, active, officer.username)
