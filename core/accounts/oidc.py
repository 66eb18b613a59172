"""Sign-in through the province's unified identity service (统一身份认证) with OpenID Connect (issue 60).

The service is an OpenID provider: the authorization code flow with PKCE (S256), discovery, ``state`` and
``nonce``, and the ID token's signature, issuer, audience and times (within ``GREENMFG_OIDC_LEEWAY_SECONDS``)
checked by Authlib against the provider's published keys (:func:`verified_identity`). Then :func:`resolve` says
which account the identity is:

- an identity linked before (its ``sub``) is its account;
- an **enterprise** (法人) signs in as the organization whose unified social credit code the claim
  ``GREENMFG_OIDC_CLAIM_USCC`` carries, checked as every credit code is (:func:`core.services.uscc.normalize_uscc`):
  an organization on file links its (oldest open) applicant account, or gets one; a new code asks the city and name
  once (:func:`register_enterprise`) and makes the organization and its account;
- **staff** are linked only to accounts an administrator made, by the value of the claim
  ``GREENMFG_OIDC_CLAIM_STAFF`` the administrator recorded on the account (:func:`link_staff`): never by name,
  never a new account from a claim.

Every link, unlink and refusal is audited. Which refusals exist: :class:`SignInRefused`'s reasons. Callers commit.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.accounts.permissions import accounts_of, is_enterprise_account
from core.clock import now
from core.errors import GreenmfgError, InvalidInput, NotFound
from core.extensions import db
from core.kernel.rules import region_rules
from core.models import AdminUnit, Organization, Role, User
from core.models.identity import IdentityLink
from core.services import audit
from core.services.passwords import hash_password
from core.services.uscc import normalize_uscc

_EXTENSION = "greenmfg_oidc"
#: the name of the provider in Authlib's registry (and in the session keys of its state)
PROVIDER = "province"


class SignInRefused(GreenmfgError):
    """A sign-in through the identity service refused (audited before it is raised)."""

    code = "oidc_refused"
    http_status = 403


class ProviderDown(GreenmfgError):
    """The identity service does not answer (the password form still works)."""

    code = "oidc_unavailable"
    http_status = 503


#: why an ID token or an answer of the provider is refused: reason -> message
TOKEN_REASONS = {
    "signature": _l("the ID token's signature is not the identity service's (a forged or altered token)"),
    "expired": _l("the ID token has expired"),
    "nonce": _l("the ID token was not issued for this sign-in (its nonce does not match)"),
    "audience": _l("the ID token was issued for another system (its audience is not this platform)"),
    "issuer": _l("the ID token was issued by another service than the configured one"),
    "claims": _l("the ID token lacks a claim it must carry or carries one of the wrong form"),
    "state": _l("the sign-in could not be matched to this browser (it expired or was started elsewhere)"),
    "provider": _l("the identity service refused the sign-in"),
}


# ---------------------------------------------------------------- configuration --


def configured(config: Mapping[str, Any] | None = None) -> bool:
    config = current_app.config if config is None else config
    return bool(config.get("GREENMFG_OIDC_ISSUER") and config.get("GREENMFG_OIDC_CLIENT_ID"))


def offered() -> bool:
    """Whether the log-in page shows the button."""
    return configured() and bool(current_app.config.get("GREENMFG_OIDC_BUTTON", True))


def client_secret(config: Mapping[str, Any]) -> str | None:
    path = config.get("GREENMFG_OIDC_CLIENT_SECRET_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").splitlines()[0].strip()
    return config.get("GREENMFG_OIDC_CLIENT_SECRET")


def scopes(config: Mapping[str, Any]) -> list[str]:
    """The scopes asked for: a list, or the words of a text (``openid profile``)."""
    value = config.get("GREENMFG_OIDC_SCOPES") or ["openid"]
    return value.split() if isinstance(value, str) else [str(v) for v in value]


def config_problems(config: Mapping[str, Any]) -> list[str]:
    """What is wrong with the OIDC settings (``greenmfg config check``), in Chinese and English."""
    issuer, client = config.get("GREENMFG_OIDC_ISSUER"), config.get("GREENMFG_OIDC_CLIENT_ID")
    if not issuer and not client:
        return []
    problems = []
    if not issuer or not client:
        problems.append("统一身份认证需同时配置 GREENMFG_OIDC_ISSUER 和 GREENMFG_OIDC_CLIENT_ID / both "
                        "GREENMFG_OIDC_ISSUER and GREENMFG_OIDC_CLIENT_ID must be set")
    if issuer and not str(issuer).startswith(("https://", "http://")):
        problems.append(f"GREENMFG_OIDC_ISSUER: 应为 URL / should be the issuer's URL (got {issuer!r})")
    elif issuer and str(issuer).startswith("http://") and config.get("GREENMFG_PRODUCTION"):
        problems.append("GREENMFG_OIDC_ISSUER: 生产实例须使用 HTTPS / a production instance reaches the identity "
                        "service over https://")
    secret_file = config.get("GREENMFG_OIDC_CLIENT_SECRET_FILE")
    if secret_file and not Path(secret_file).is_file():
        problems.append(f"GREENMFG_OIDC_CLIENT_SECRET_FILE: 文件不存在 / no such file: {secret_file}")
    elif not secret_file and not config.get("GREENMFG_OIDC_CLIENT_SECRET"):
        problems.append("统一身份认证缺少客户端密钥 / GREENMFG_OIDC_CLIENT_SECRET_FILE (or GREENMFG_OIDC_CLIENT_SECRET) "
                        "is not set")
    if "openid" not in scopes(config):
        problems.append("GREENMFG_OIDC_SCOPES: 须包含 openid / must include openid")
    return problems


def init_app(app: Flask) -> None:
    """Register the provider with Authlib when the instance is configured for it."""
    if not configured(app.config):
        return
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(app)
    issuer = str(app.config["GREENMFG_OIDC_ISSUER"]).rstrip("/")
    oauth.register(
        PROVIDER, client_id=app.config["GREENMFG_OIDC_CLIENT_ID"], client_secret=client_secret(app.config),
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": " ".join(scopes(app.config)),
                       "code_challenge_method": "S256",
                       "default_timeout": float(app.config.get("GREENMFG_OIDC_TIMEOUT_SECONDS") or 5)})
    app.extensions[_EXTENSION] = oauth


def client():
    return current_app.extensions[_EXTENSION].create_client(PROVIDER)


def issuer() -> str:
    return str(current_app.config["GREENMFG_OIDC_ISSUER"]).rstrip("/")


def metadata() -> dict[str, Any]:
    """The provider's discovery document (read once); its issuer must be the configured one (OIDC Discovery 4.3).

    :raises ProviderDown: it does not answer, or answers something else.
    """
    import requests

    try:
        found = client().load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderDown("The unified identity service does not answer (%(error)s). Please log in with your "
                           "user name and password, or try again later.", error=type(exc).__name__) from None
    if str(found.get("issuer", "")).rstrip("/") != issuer():
        raise ProviderDown("The unified identity service does not answer (%(error)s). Please log in with your "
                           "user name and password, or try again later.", error="issuer mismatch")
    return found


def probe(app: Flask) -> str:
    """``greenmfg check``: the discovery document, read now (raises what went wrong)."""
    import requests

    url = f"{str(app.config['GREENMFG_OIDC_ISSUER']).rstrip('/')}/.well-known/openid-configuration"
    answer = requests.get(url, timeout=float(app.config.get("GREENMFG_OIDC_TIMEOUT_SECONDS") or 5))
    answer.raise_for_status()
    found = answer.json()
    if str(found.get("issuer", "")).rstrip("/") != url.rsplit("/.well-known", 1)[0]:
        raise ValueError(f"the discovery document names another issuer: {found.get('issuer')!r}")
    missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not found.get(k)]
    if missing:
        raise ValueError(f"the discovery document lacks {', '.join(missing)}")
    return f"{url} answers (issuer {found['issuer']})"


# ---------------------------------------------------------------- the ID token --


@dataclass
class Identity:
    issuer: str
    subject: str
    claims: dict[str, Any] = field(default_factory=dict)
    #: the provider says it used a second factor (amr/acr)
    second_factor: bool = False

    def claim(self, setting: str) -> str | None:
        value = self.claims.get(current_app.config.get(setting) or "")
        return str(value).strip() if value not in (None, "") else None


def _refused(reason: str, detail: str, remote: str | None = None) -> SignInRefused:
    audit.record("-", "account.oidc_refused", "user", None, reason=reason, detail=detail[:200], remote=remote)
    return SignInRefused("The sign-in through the unified identity service was refused: %(reason)s. Please sign in "
                         "again.", reason=TOKEN_REASONS[reason])


def token_reason(exc: Exception) -> str:
    """Which of :data:`TOKEN_REASONS` an exception of Authlib or joserfc is."""
    from authlib.integrations.base_client import MismatchingStateError, OAuthError
    from joserfc import errors

    if isinstance(exc, errors.ExpiredTokenError):
        return "expired"
    if isinstance(exc, errors.ClaimError):
        return {"nonce": "nonce", "aud": "audience", "azp": "audience", "iss": "issuer"}.get(exc.claim, "claims")
    if isinstance(exc, errors.JoseError):  # bad signature, unknown key, not a JWS at all
        return "signature"
    if isinstance(exc, MismatchingStateError):
        return "state"
    if isinstance(exc, OAuthError):
        return "provider"
    return "claims"


def verified_identity(remote: str | None = None) -> Identity:
    """The callback's code exchanged (with the PKCE verifier) and its ID token verified.

    :raises SignInRefused: a forged, expired or misdirected token, a wrong nonce, a state this browser did not
        start (audited); :raises ProviderDown: the provider does not answer.
    """
    import requests
    from authlib.integrations.base_client import OAuthError
    from joserfc.errors import JoseError

    config = current_app.config
    meta = metadata()
    options = {"iss": {"essential": True, "value": meta["issuer"]},
               "aud": {"essential": True, "value": config["GREENMFG_OIDC_CLIENT_ID"]},
               "sub": {"essential": True}}
    try:
        token = client().authorize_access_token(claims_options=options,
                                                leeway=int(config.get("GREENMFG_OIDC_LEEWAY_SECONDS") or 0))
    except requests.RequestException as exc:
        raise ProviderDown("The unified identity service does not answer (%(error)s). Please log in with your "
                           "user name and password, or try again later.", error=type(exc).__name__) from None
    except (OAuthError, JoseError, TypeError, ValueError) as exc:
        raise _refused(token_reason(exc), f"{type(exc).__name__}: {exc}", remote) from None
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise _refused("nonce", "no ID token, or one without the nonce this sign-in sent", remote)
    try:
        claims = {**_userinfo(token, claims["sub"], meta), **claims}  # the signed ID token's values win
    except (requests.RequestException, ValueError) as exc:
        raise ProviderDown("The unified identity service does not answer (%(error)s). Please log in with your "
                           "user name and password, or try again later.", error=type(exc).__name__) from None
    amr = claims.get("amr") or []
    second = bool(set(amr if isinstance(amr, list) else [amr]) & set(config.get("GREENMFG_OIDC_MFA_AMR") or ())) or \
        (claims.get("acr") in set(config.get("GREENMFG_OIDC_MFA_ACR") or ()))
    return Identity(issuer=meta["issuer"].rstrip("/"), subject=str(claims["sub"]), claims=claims, second_factor=second)


def _userinfo(token: dict, subject: str, meta: dict) -> dict[str, Any]:
    """Claims the provider gives only at its userinfo endpoint (with the access token just received), when the ID
    token lacks the configured ones; only when it names the same subject (OIDC Core 5.3.2)."""
    config = current_app.config
    wanted = [config.get(k) for k in ("GREENMFG_OIDC_CLAIM_USCC", "GREENMFG_OIDC_CLAIM_STAFF",
                                      "GREENMFG_OIDC_CLAIM_ORG_NAME")]
    if all(w in token["userinfo"] for w in wanted if w) or not meta.get("userinfo_endpoint") \
            or not token.get("access_token"):
        return {}
    info = dict(client().userinfo(token=token))
    if str(info.get("sub")) != subject:
        return {}
    return {k: v for k, v in info.items() if k not in ("sub", "amr", "acr", "iss", "aud", "nonce")}


# ---------------------------------------------------------------- which account --


@dataclass
class Outcome:
    """What a verified identity leads to: an account to sign in, or a new enterprise to register."""

    user: User | None = None
    register: dict[str, Any] | None = None


def _link_of(issuer_: str, subject: str) -> IdentityLink | None:
    return db.session.scalar(select(IdentityLink).where(IdentityLink.issuer == issuer_,
                                                         IdentityLink.subject == subject))


def _signed_in(link: IdentityLink, identity: Identity, remote: str | None) -> User:
    user = link.user
    if not user.active:
        audit.record(user.username, "account.oidc_refused", "user", user.id, reason="closed", remote=remote)
        raise SignInRefused("This account is closed. Ask the office that looks after it.")
    link.last_sign_in_at = now()
    audit.record(user.username, "account.login", "user", user.id, remote=remote, channel="oidc",
                 subject=identity.subject, second_factor_by_provider=identity.second_factor,
                 amr=identity.claims.get("amr"), acr=identity.claims.get("acr"))
    return user


def _link(user: User, identity: Identity, how: str, actor: str) -> IdentityLink:
    existing = db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == user.id))
    if existing is not None:  # an enterprise account linked to another identity of the same organization
        audit.record("-", "account.oidc_refused", "user", user.id, reason="linked_elsewhere", username=user.username,
                     subject=identity.subject)
        raise SignInRefused("The account of this organization is already linked to another unified identity (%(who)s). "
                            "Ask your city bureau to unlink it first.", who=user.username)
    link = IdentityLink(user_id=user.id, issuer=identity.issuer, subject=identity.subject, created_by=actor,
                        linked_at=now())
    db.session.add(link)
    db.session.flush()
    audit.record(actor, "account.oidc_linked", "user", user.id, username=user.username, how=how,
                 subject=identity.subject, issuer=identity.issuer)
    return link


def resolve(identity: Identity, remote: str | None = None) -> Outcome:
    """The account ``identity`` signs in as (see the module's description).

    :raises SignInRefused: an invalid credit code, a staff identity no account is linked to, a closed account
        (audited).
    """
    link = _link_of(identity.issuer, identity.subject)
    if link is not None:
        return Outcome(user=_signed_in(link, identity, remote))
    raw = identity.claim("GREENMFG_OIDC_CLAIM_USCC")
    if raw is not None:
        return _enterprise(identity, raw, remote)
    key = identity.claim("GREENMFG_OIDC_CLAIM_STAFF")
    if key is not None:
        link = db.session.scalar(select(IdentityLink).where(IdentityLink.issuer == identity.issuer,
                                                             IdentityLink.staff_key == key))
        if link is not None and link.subject is None:
            link.subject, link.linked_at = identity.subject, now()
            audit.record(link.user.username, "account.oidc_linked", "user", link.user_id,
                         username=link.user.username, how="staff_key", subject=identity.subject,
                         issuer=identity.issuer, staff_key=key)
            return Outcome(user=_signed_in(link, identity, remote))
    who = key or identity.subject
    audit.record("-", "account.oidc_refused", "user", None, reason="unlinked", subject=identity.subject,
                 staff_key=key, remote=remote)
    raise SignInRefused("No greenmfg account is linked to your unified identity (%(who)s). Staff accounts are "
                        "linked by an administrator: ask yours, or log in with your user name and password.", who=who)


def _enterprise(identity: Identity, raw: str, remote: str | None) -> Outcome:
    try:
        code = normalize_uscc(raw)
    except InvalidInput as exc:
        audit.record("-", "account.oidc_refused", "user", None, reason="invalid_uscc", uscc=raw[:40],
                     subject=identity.subject, remote=remote)
        raise SignInRefused("The unified identity service gave the credit code %(code)s, which is not a valid unified "
                            "social credit code: %(reason)s Ask the service to correct your enterprise's record.",
                            code=raw[:40], reason=exc.localized()) from None
    org = db.session.scalar(select(Organization).where(Organization.uscc == code))
    if org is None:
        return Outcome(register={"issuer": identity.issuer, "subject": identity.subject, "uscc": code,
                                 "name": (identity.claim("GREENMFG_OIDC_CLAIM_ORG_NAME") or "")[:200],
                                 "second_factor": identity.second_factor,
                                 "at": int(now().timestamp())})
    account = db.session.scalar(select(User).where(accounts_of(Role.APPLICANT, org.id), User.active)
                                .order_by(User.id).limit(1))
    if account is None:
        account = _new_applicant(org, identity.subject)
        how = "organization_new_account"
    else:
        how = "organization"
    link = _link(account, identity, how, account.username)
    return Outcome(user=_signed_in(link, identity, remote))


def _username_for(code: str) -> str:
    name, n = code, 1
    while db.session.scalar(select(User.id).where(func.lower(User.username) == name.lower())):
        n += 1
        name = f"{code}-{n}"
    return name


def _new_applicant(org: Organization, subject: str) -> User:
    """The applicant account of ``org``, made at its first sign-in: its user name is the credit code; its password
    is random and never shown (it signs in through the identity service; an officer's reset gives it one)."""
    user = User(username=_username_for(org.uscc), display_name=org.name[:100],
                password_hash=hash_password(secrets.token_urlsafe(32)), role=Role.APPLICANT,
                organization_id=org.id, active=True)
    db.session.add(user)
    db.session.flush()
    audit.record(user.username, "account.registered", "user", user.id, organization=org.uscc, claimed=True,
                 channel="oidc", subject=subject)
    return user


#: a new enterprise has this long after its sign-in to choose its city
REGISTER_SECONDS = 600


def register_enterprise(pending: Mapping[str, Any], org_name: str, admin_unit_code: str,
                        remote: str | None = None) -> User:
    """A new enterprise's first sign-in, completed: its organization (the claim's credit code, the name and city
    given) and its applicant account made and linked, each audited.

    :raises InvalidInput: no name, no city of this region; :raises SignInRefused: the sign-in is too old.
    """
    if int(now().timestamp()) - int(pending.get("at", 0)) > REGISTER_SECONDS:
        audit.record("-", "account.oidc_refused", "user", None, reason="too_old", subject=pending.get("subject"),
                     remote=remote)
        raise SignInRefused("The sign-in is too old: please sign in through the unified identity service again.")
    identity = Identity(issuer=pending["issuer"], subject=pending["subject"],
                        second_factor=bool(pending.get("second_factor")))
    code = normalize_uscc(pending["uscc"])
    org = db.session.scalar(select(Organization).where(Organization.uscc == code))
    if org is not None:  # made meanwhile (its city imported it, another sign-in): linked as any organization on file
        outcome = _enterprise(identity, code, remote)
        return outcome.user
    org_name = (org_name or "").strip()
    if not 2 <= len(org_name) <= 200:
        raise InvalidInput("Please give the organization's full registered name.", field="org_name")
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.region == region_rules().region_code,
                                                     AdminUnit.code == admin_unit_code, AdminUnit.active))
    if unit is None:
        raise InvalidInput("Please choose your city (administrative unit).", field="admin_unit")
    org = Organization(uscc=code, name=org_name, admin_unit_id=unit.id)
    db.session.add(org)
    db.session.flush()
    user = _new_applicant(org, identity.subject)
    audit.record(user.username, "organization.added", "organization", org.id, uscc=code, name=org_name,
                 admin_unit=unit.code, channel="oidc")
    link = _link(user, identity, "new_organization", user.username)
    return _signed_in(link, identity, remote)


# ---------------------------------------------------------------- links, as officers see them --


def link_of(user: User) -> IdentityLink | None:
    return db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == user.id))


def _may_look_after(officer: User, target: User) -> None:
    from core.accounts.permissions import may_reset
    from core.errors import AccessDenied

    if not may_reset(officer, target):
        raise AccessDenied("Your role may not do this.")


def link_staff(officer: User, target: User, staff_key: str) -> IdentityLink:
    """An officer records the identity (the value of ``GREENMFG_OIDC_CLAIM_STAFF``) an account it looks after signs
    in with (whoever may reset its password: never its own, never another administrator's)."""
    _may_look_after(officer, target)
    return record_staff_link(target, staff_key, officer.username)


def record_staff_link(target: User, staff_key: str, actor: str) -> IdentityLink:
    """Record ``staff_key`` on the staff account ``target``; its first sign-in through the service completes the
    link. Audited as ``actor`` (an officer, or the server's operator: ``greenmfg users link-identity``)."""
    if is_enterprise_account(target):
        raise InvalidInput("An enterprise is linked by its credit code when it signs in; only staff are linked here.",
                           field="username")
    staff_key = (staff_key or "").strip()
    if not 1 <= len(staff_key) <= 255:
        raise InvalidInput("Give the identity's %(claim)s (up to 255 characters).", field="staff_key",
                           claim=current_app.config.get("GREENMFG_OIDC_CLAIM_STAFF"))
    if link_of(target) is not None:
        raise InvalidInput("This account is already linked; unlink it first.", field="username")
    if db.session.scalar(select(IdentityLink.id).where(IdentityLink.issuer == issuer(),
                                                       IdentityLink.staff_key == staff_key)):
        raise InvalidInput("Another account is already linked to this identity.", field="staff_key")
    link = IdentityLink(user_id=target.id, issuer=issuer(), staff_key=staff_key, created_by=actor)
    db.session.add(link)
    db.session.flush()
    audit.record(actor, "account.oidc_link_recorded", "user", target.id, username=target.username,
                 staff_key=staff_key, issuer=issuer())
    return link


def unlink(officer: User, target: User) -> None:
    """An officer removes the link of an account it looks after."""
    _may_look_after(officer, target)
    remove_link(target, officer.username)


def remove_link(target: User, actor: str) -> None:
    """Remove ``target``'s link: its next sign-in through the service is refused (staff) or links anew (an
    enterprise, by its credit code). Audited as ``actor``."""
    link = link_of(target)
    if link is None:
        raise NotFound("This account is not linked to a unified identity.")
    audit.record(actor, "account.oidc_unlinked", "user", target.id, username=target.username,
                 subject=link.subject, staff_key=link.staff_key, issuer=link.issuer)
    db.session.delete(link)
    db.session.flush()


def links_page(officer: User) -> list[IdentityLink]:
    """The links of the accounts ``officer`` looks after, newest first (at most 500)."""
    from core.accounts.permissions import managed_scope

    return list(db.session.scalars(select(IdentityLink).join(User, User.id == IdentityLink.user_id)
                                   .where(managed_scope(officer)).order_by(IdentityLink.id.desc()).limit(500)))


def end_session_url(post_logout: str) -> str | None:
    """Where sign-out sends a user who signed in through the service, when it offers RP-initiated logout."""
    try:
        meta = metadata()
    except ProviderDown:
        return None
    endpoint = meta.get("end_session_endpoint")
    if not endpoint:
        return None
    from urllib.parse import urlencode

    return f"{endpoint}?{urlencode({'client_id': current_app.config['GREENMFG_OIDC_CLIENT_ID'], 'post_logout_redirect_uri': post_logout})}"

