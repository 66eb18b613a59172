"""JSON API of accounts: tokens from credentials, one's own tokens and password, and (administrators)
the user accounts of the instance.

* ``POST /tokens`` trades a user name, a password and, where the account has one, a second-factor code
  for a short-lived bearer token (60 minutes by default, at most a day): limited like the web log-in,
  every attempt audited, the same obligations (a reset password, a required second factor). Tokens are
  listed and revoked under ``/tokens``; a closed account's tokens stop at once.
* ``/me/password``: change one's own password (ASVS 2.1.5, 2.1.6): web sessions end, tokens stay.
* ``/password-resets``: an officer resets another account's password.
* ``/users``: the accounts the caller looks after, as on the web's Administration pages and by the same rule
  (:func:`core.accounts.permissions.may_manage`): an administrator any; province staff applicants, city
  bureaus, experts and evaluators; a city bureau its own city's applicants. Listed, opened (with a one-time
  password), closed and reopened, re-bound and given a new password through the same services the web calls;
  administrators also set a password, rename an account and reset a lost second factor (issue 48).
"""
from __future__ import annotations

from flask import request
from flask_smorest import Api
from marshmallow import fields, validate
from sqlalchemy import func, or_, select

from core.accounts import mfa, services
from core.accounts.permissions import Perm, looks_after_accounts, managed_scope
from core.accounts.resets import reset_password
from core.api import Blueprint, authed, limited, public
from core.api.paging import Paged, page_of, paged_query, window
from core.api.etags import if_match
from core.api.idempotency import not_replayable
from core.api.resource import Resource
from core.api.schema import In, Out, Query, ident, one_of, text
from core.errors import AccessDenied, GreenmfgError, InvalidInput, NotFound
from core.extensions import csrf, db
from core.clock import aware
from core.kernel.permissions import may
from core.kernel.rules import region_rules
from core.models import AdminUnit, ApiToken, Role, User

API_PREFIX = "/api/v1"
ROLES = [r.value for r in Role]

# ------------------------------------------------------------------ schemas --


class TokenRequestSchema(In):
    username = text(80, 1, required=True)
    password = text(128, 1, required=True, load_only=True)
    code = text(20, load_default=None, allow_none=True, load_only=True,
                metadata={"description": "the authenticator's 6 digits (or a recovery code) where the account has "
                                         "a second factor; required of province, ministry and admin accounts"})
    name = text(80, 1, load_default="API", metadata={"description": "to tell one's tokens apart"})
    minutes = fields.Integer(load_default=services.ISSUED_MINUTES,
                             validate=validate.Range(min=1, max=services.ISSUED_MAX_MINUTES),
                             metadata={"description": "lifetime (default 60, at most 1440)"})


class IssuedTokenSchema(Out):
    id = fields.Integer(required=True)
    token = fields.String(required=True, metadata={"description": "send as Authorization: Bearer <token>; shown "
                                                                  "once"})
    token_type = fields.String(required=True, metadata={"description": "always Bearer"})
    name = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class TokenSchema(Out):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "the token's first characters"})
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True, allow_none=True)
    last_used_at = fields.DateTime(required=True, allow_none=True)
    revoked_at = fields.DateTime(required=True, allow_none=True)
    current = fields.Boolean(required=True, metadata={"description": "the token of this request"})


class PasswordChangeSchema(In):
    current_password = text(128, 1, required=True, load_only=True)
    new_password = text(128, 1, required=True, load_only=True,
                        metadata={"description": "12 to 128 characters; common passwords, simple patterns and the "
                                                 "user name are refused"})


class PasswordResetSchema(In):
    username = text(80, 1, required=True, metadata={"description": "the account whose password is reset"})


class PasswordResetResultSchema(Out):
    username = fields.String(required=True)
    temporary_password = fields.String(required=True, metadata={
        "description": "shown once; the account must change it at its next log-in"})


class UserSchema(Out):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    role = one_of(ROLES, required=True)
    active = fields.Boolean(required=True)
    organization_id = fields.Integer(required=True, allow_none=True)
    admin_unit_id = fields.Integer(required=True, allow_none=True)
    evaluator_firm_id = fields.Integer(required=True, allow_none=True)
    second_factor = fields.Boolean(required=True, metadata={"description": "a second factor is set up"})
    must_change_password = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)


class UserQuerySchema(Query):
    role = one_of(ROLES, load_default=None)
    q = text(80, load_default=None, metadata={"description": "part of the user name or display name"})
    active = fields.Boolean(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000), metadata={
        "description": "deprecated (issue 48): the page by its number; use after", "deprecated": True})


class CreatedUserSchema(UserSchema):
    temporary_password = fields.String(required=True, allow_none=True, metadata={
        "description": "the one-time password to hand over (shown once; the account changes it at its first "
                       "log-in); null when an administrator set the password"})


class UserCreateSchema(In):
    username = text(80, 3, required=True, metadata={"description": "3 to 80 letters, digits or . _ @ -"})
    password = text(128, 1, load_only=True, metadata={
        "description": "administrators only; left out, the account receives a one-time password"})
    display_name = text(100, 1, required=True)
    role = one_of(ROLES, required=True)
    organization_id = ident(allow_none=True, metadata={"description": "applicant accounts (or uscc)"})
    uscc = text(40, 1, metadata={"description": "applicant accounts: the organization's unified social credit "
                                                "code; one not on file is added with org_name (a city: in its "
                                                "own city)"})
    org_name = text(200, 2, metadata={"description": "the organization's registered name, to add one not on file"})
    admin_unit_id = ident(allow_none=True, metadata={"description": "city accounts (or admin_unit_code)"})
    admin_unit_code = text(80, 1, metadata={"description": "city accounts: the unit's code, as "
                                                           "GET /api/v1/admin-units lists it"})
    evaluator_firm_id = ident(allow_none=True, metadata={"description": "evaluator accounts"})


class UserUpdateSchema(In):
    display_name = text(100, 1, metadata={"description": "administrators only"})
    active = fields.Boolean(metadata={"description": "false closes the account: its sessions end, its tokens stop"})
    uscc = text(40, 1, metadata={"description": "binds an applicant account to this organization (on file)"})
    admin_unit_id = ident(metadata={"description": "binds a city account to this unit (or admin_unit_code)"})
    admin_unit_code = text(80, 1)
    evaluator_firm_id = ident(metadata={"description": "binds an evaluator account to this firm"})


def token_json(row: ApiToken, current_id: int | None = None) -> dict:
    return {"id": row.id, "name": row.name, "prefix": row.prefix, "created_at": aware(row.created_at),
            "expires_at": aware(row.expires_at), "last_used_at": aware(row.last_used_at),
            "revoked_at": aware(row.revoked_at), "current": row.id == current_id}


def user_json(user: User) -> dict:
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "role": str(user.role),
            "active": user.active, "organization_id": user.organization_id, "admin_unit_id": user.admin_unit_id,
            "evaluator_firm_id": user.evaluator_firm_id, "second_factor": bool(user.totp_secret),
            "must_change_password": bool(user.must_change_password), "created_at": aware(user.created_at)}


def admin_unit_id_of(code: str, given_id: int | None) -> int:
    """The id of this region's unit with ``code`` (a person types a code, a client may have either)."""
    unit_id = db.session.scalar(select(AdminUnit.id).where(AdminUnit.region == region_rules().region_code,
                                                           AdminUnit.code == code))
    if unit_id is None:
        raise InvalidInput("No such administrative unit.", field="admin_unit_code")
    if given_id is not None and given_id != unit_id:
        raise InvalidInput("admin_unit_id and admin_unit_code name different units.", field="admin_unit_code")
    return unit_id


def _admin(user: User) -> None:
    if not may(user, Perm.USERS):
        raise AccessDenied("Only an administrator manages accounts.")


def _officer(user: User) -> None:
    """Looks after accounts of some kind (:func:`core.accounts.permissions.looks_after_accounts`)."""
    if not looks_after_accounts(user):
        raise AccessDenied("Your role looks after no accounts.")


def _account(user_id: int, officer: User) -> User:
    """An account ``officer`` looks after (the web's rule); any other does not exist for it (404)."""
    user = db.session.scalar(select(User).where(User.id == user_id, managed_scope(officer)))
    if user is None:
        raise NotFound("No such account.")
    return user


def _create(officer: User, args: dict) -> tuple[User, str | None]:
    """An administrator may set the password (:data:`Perm.USERS`); any officer opens an account it looks after
    with a one-time password, as on the web (:func:`core.accounts.services.create_account`)."""
    code = args.pop("admin_unit_code", None)
    if code is not None:
        args["admin_unit_id"] = admin_unit_id_of(code, args.get("admin_unit_id"))
    uscc, org_name = args.pop("uscc", None), args.pop("org_name", None)
    if "password" in args:
        _admin(officer)
        if uscc is not None and args.get("organization_id") is None:
            args["organization_id"] = _organization_id(uscc)
        return services.create_user(actor=officer.username, **args), None
    if uscc is None and args.get("organization_id") is not None:
        from core.models import Organization

        org = db.session.get(Organization, args["organization_id"])
        if org is None:
            raise InvalidInput("No such organization.", field="organization_id")
        uscc = org.uscc
    return services.create_account(officer, username=args["username"], display_name=args["display_name"],
                                   role=args["role"], uscc=uscc, org_name=org_name,
                                   admin_unit_id=args.get("admin_unit_id"),
                                   evaluator_firm_id=args.get("evaluator_firm_id"))


def _organization_id(uscc: str) -> int:
    from core.models import Organization
    from core.services.uscc import normalize_uscc

    org_id = db.session.scalar(select(Organization.id).where(Organization.uscc == normalize_uscc(uscc)))
    if org_id is None:
        raise InvalidInput("No such organization.", field="uscc")
    return org_id


def _current_token_id() -> int | None:
    from core.accounts.services import _hash

    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return db.session.scalar(select(ApiToken.id).where(ApiToken.token_hash == _hash(token.strip())))


blp = Blueprint("accounts_api", __name__, url_prefix=API_PREFIX,
                description="Tokens, one's own account and the accounts one looks after")

# -------------------------------------------------------------- tokens --


@blp.route("/tokens")
class Tokens(Resource):
    @public
    @not_replayable  # the answer is a credential: never stored
    @limited("login")
    @blp.arguments(TokenRequestSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, args):
        """A short-lived token for a user name and password (and the second factor's code where the
        account has one). Limited per address like the web log-in; failures are throttled per account
        and every attempt is audited."""
        try:
            token, row = services.issue_token(args["username"], args["password"], args["code"],
                                              name=args["name"], minutes=args["minutes"],
                                              remote=request.remote_addr)
        except GreenmfgError:
            db.session.commit()  # the failure is counted and audited before the refusal
            raise
        db.session.commit()
        return {"id": row.id, "token": token, "token_type": "Bearer", "name": row.name,
                "expires_at": aware(row.expires_at)}

    @authed(Perm.TOKENS)
    @blp.arguments(Paged, location="query")
    @blp.response(200, page_of(TokenSchema))
    def get(self, args):
        """The tokens of the token's account, newest first (never the tokens themselves)."""
        current = _current_token_id()
        return window(services.tokens_of(self.user), args, lambda t: token_json(t, current))


@blp.route("/tokens/<int:token_id>")
class OneToken(Resource):
    @authed(Perm.TOKENS)
    @blp.response(204)
    def delete(self, token_id):
        """Revoke one of one's own tokens (this one included); it stops working at once. Audited."""
        services.revoke_token(self.user, token_id)
        db.session.commit()

# ------------------------------------------------------- own password --


@blp.route("/me/password")
class Password(Resource):
    @authed(Perm.TOKENS)
    @limited("login")
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    def post(self, args):
        """Change the password of the token's account; its web sessions end, tokens stay."""
        try:
            services.change_password(self.user, args["current_password"], args["new_password"], channel="api")
        except GreenmfgError:
            db.session.commit()  # the audited refusal
            raise
        db.session.commit()


@blp.route("/password-resets")
class PasswordReset(Resource):
    @authed(lambda user: user)
    @not_replayable  # the answer is a temporary password: never stored
    @blp.arguments(PasswordResetSchema)
    @blp.response(201, PasswordResetResultSchema)
    def post(self, args):
        """An officer resets another account's password (a city its firms; the province its staff and
        firms; an administrator anyone but administrators). Audited; the account's sessions end."""
        target, password = reset_password(self.user, args["username"])
        db.session.commit()
        return {"username": target.username, "temporary_password": password}

# --------------------------------------------------------- user accounts --


@blp.route("/users")
class Users(Resource):
    @authed(_officer)
    @blp.arguments(paged_query("UserPageQuery", UserQuerySchema, default=100), location="query")
    @blp.response(200, page_of(UserSchema))
    def get(self, args):
        """The accounts the caller looks after, filtered, by user name (an administrator: every account; province
        staff: applicants, city bureaus, experts and evaluators; a city bureau: its own city's applicants)."""
        query = select(User).where(managed_scope(self.user))
        if args["role"]:
            query = query.filter_by(role=Role(args["role"]))
        if args["active"] is not None:
            query = query.where(User.active == args["active"])
        if args["q"]:
            query = query.where(or_(func.lower(User.username).contains(args["q"].lower(), autoescape=True),
                                    User.display_name.contains(args["q"], autoescape=True)))
        if args["page"] > 1 and args["after"] is None:  # the deprecated page number: its position
            args["after"] = str((args["page"] - 1) * args["limit"])
        return window(query.order_by(User.username), args, user_json)

    @authed(_officer)
    @not_replayable  # the answer carries a one-time password: never stored
    @blp.arguments(UserCreateSchema)
    @blp.response(201, CreatedUserSchema)
    def post(self, args):
        """Open an account of a kind the caller looks after, as the web's Administration pages do: it receives a
        one-time password, shown once, to change at its first log-in. An applicant is bound to its organization
        (by uscc or organization_id; a city opens accounts in its own city only), a city account to its unit,
        an evaluator to its firm. Administrators may set the password instead. Audited."""
        user, temporary = _create(self.user, args)
        db.session.commit()
        return {**user_json(user), "temporary_password": temporary}


@blp.route("/users/<int:user_id>")
class OneUser(Resource):

    def guarded(self, user_id):
        """The account a change guards (core.api.etags.if_match: its version is the tag)."""
        return _account(user_id, self.user)
    @authed(_officer)
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One account the caller looks after."""
        return user_json(_account(user_id, self.user))

    @authed(_officer)
    @blp.arguments(UserUpdateSchema)
    @if_match
    @blp.response(200, UserSchema)
    def patch(self, args, user_id):
        """Close or reopen an account the caller looks after (never its own, nor another administrator's), bind it
        to another organization (uscc), unit or firm, or (administrators) rename it. Only the fields sent change.
        Audited."""
        officer, user = self.user, _account(user_id, self.user)
        if "display_name" in args and args["display_name"].strip() != user.display_name:
            _admin(officer)
            if user.id == officer.id:
                raise AccessDenied("An administrator may not close or change their own account here.")
            from core.services import audit

            audit.record(officer.username, "account.renamed", "user", user.id,
                         before=user.display_name, after=args["display_name"].strip())
            user.display_name = args["display_name"].strip()
        code = args.pop("admin_unit_code", None)
        if code is not None:
            args["admin_unit_id"] = admin_unit_id_of(code, args.get("admin_unit_id"))
        binding = {k: args[k] for k in ("uscc", "admin_unit_id", "evaluator_firm_id") if k in args}
        if binding:
            services.rebind(officer, user, **binding)
        if "active" in args:
            services.change_active(officer, user, args["active"])
        db.session.commit()
        return user_json(user)


@blp.route("/users/<int:user_id>/password-reset")
class UserPasswordReset(Resource):
    @authed(_officer)
    @not_replayable  # the answer is a one-time password: never stored
    @blp.response(201, PasswordResetResultSchema)
    def post(self, user_id):
        """Give an account the caller looks after a one-time password (not its own, nor another administrator's),
        as the web does; its sessions end and it must choose a new password at its next log-in. Audited."""
        target, password = reset_password(self.user, _account(user_id, self.user).username)
        db.session.commit()
        return {"username": target.username, "temporary_password": password}


@blp.route("/users/<int:user_id>/second-factor-reset")
class SecondFactorReset(Resource):
    @authed(_admin)
    @blp.response(200, UserSchema)
    def post(self, user_id):
        """Remove an account's second factor (lost phone and codes); it enrols again at its next log-in.
        Its sessions end. Audited (administrators)."""
        admin, user = self.user, _account(user_id, self.user)
        if user.id == admin.id:
            raise AccessDenied("An administrator may not reset their own second factor.")
        mfa.reset(user, admin.username)
        db.session.commit()
        return user_json(user)


def register_api(api: Api) -> None:
    api.register_blueprint(blp)
    csrf.exempt(blp)
