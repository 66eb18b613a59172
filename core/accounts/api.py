"""JSON API of one's own account: change the password (ASVS 2.1.5, 2.1.6).

The token stays valid; every web session of the account ends. Limited like log-in (it checks a
password) and audited, refused attempts included.
"""
from __future__ import annotations

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_smorest import Api, Blueprint, abort
from marshmallow import Schema, fields

from core.accounts import api_user, services
from core.extensions import csrf, db
from core.i18n import bilingual_text
from core.ratelimit import limit

API_PREFIX = "/api/v1"
_TOKEN_REQUIRED = _l("A valid API token is required (Authorization: Bearer <token>).")


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, load_only=True)
    new_password = fields.String(required=True, load_only=True,
                                 metadata={"description": "12 to 128 characters; common passwords, simple patterns "
                                                          "and the user name are refused"})


class PasswordResetSchema(Schema):
    username = fields.String(required=True, metadata={"description": "the account whose password is reset"})


class PasswordResetResultSchema(Schema):
    username = fields.String()
    temporary_password = fields.String(metadata={"description": "shown once; the account must change it at its "
                                                                "next log-in"})


def make_blueprint() -> Blueprint:
    blp = Blueprint("accounts_api", __name__, url_prefix=API_PREFIX, description="One's own account")

    @blp.route("/me/password")
    class Password(MethodView):
        @limit("login")
        @blp.arguments(PasswordChangeSchema)
        @blp.response(204)
        def post(self, args):
            """Change the password of the token's account; its web sessions end, tokens stay."""
            user = api_user()
            if user is None:
                abort(401, message=bilingual_text(_TOKEN_REQUIRED), headers={"WWW-Authenticate": "Bearer"})
            try:
                services.change_password(user, args["current_password"], args["new_password"], channel="api")
            finally:
                db.session.commit()  # the change, or the audited refusal
            return None

    @blp.route("/password-resets")
    class PasswordReset(MethodView):
        @blp.arguments(PasswordResetSchema)
        @blp.response(201, PasswordResetResultSchema)
        def post(self, args):
            """An officer resets another account's password (a city its firms; the province its staff and
            firms; an administrator anyone but administrators). Audited; the account's sessions end."""
            from core.accounts.resets import reset_password

            officer = api_user()
            if officer is None:
                abort(401, message=bilingual_text(_TOKEN_REQUIRED), headers={"WWW-Authenticate": "Bearer"})
            target, password = reset_password(officer, args["username"])
            db.session.commit()
            return {"username": target.username, "temporary_password": password}

    return blp


def register_api(api: Api) -> None:
    blp = make_blueprint()
    api.register_blueprint(blp)
    csrf.exempt(blp)
