"""JSON API of notifications (issue 48): one's own notification settings, as the web's settings page keeps them.

* ``GET /me/notifications``: the e-mail address, the phone, whether each message is also sent by e-mail or SMS,
  and the language of those messages.
* ``PATCH /me/notifications``: change what is sent; the rest stays. The same rules as the web page
  (:func:`core.notifications.service.save_setting`): an address for what one turns on. Audited.
"""
from __future__ import annotations

from flask_smorest import Api
from marshmallow import fields

from core.accounts.permissions import Perm
from core.api import Blueprint, authed
from core.api.etags import if_match
from core.api.resource import Resource
from core.api.schema import In, Out, one_of, text
from core.extensions import csrf, db
from core.notifications import service

API_PREFIX = "/api/v1"


class NotificationSettingSchema(Out):
    email = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    by_email = fields.Boolean(required=True, metadata={"description": "each message is also sent by e-mail"})
    by_sms = fields.Boolean(required=True, metadata={"description": "each message is also sent by SMS"})
    language = one_of(list(service.LANGUAGES), required=True, allow_none=True,
                      metadata={"description": "of e-mails and SMS; null: the account's language"})


class NotificationSettingPatchSchema(In):
    email = text(120, 0, allow_none=True, metadata={"description": "empty or null removes the address"})
    phone = text(40, 0, allow_none=True)
    by_email = fields.Boolean(metadata={"description": "needs an e-mail address"})
    by_sms = fields.Boolean(metadata={"description": "needs a mobile phone number"})
    language = one_of(list(service.LANGUAGES), allow_none=True)


blp = Blueprint("notifications_api", __name__, url_prefix=API_PREFIX,
                description="One's own notification settings")


@blp.route("/me/notifications")
class NotificationSettings(Resource):

    def guarded(self):
        """The setting a change guards, once made (core.api.etags.if_match: its version is the tag)."""
        return service.setting_of(self.user)
    @authed(Perm.TOKENS)
    @blp.response(200, NotificationSettingSchema)
    def get(self):
        """How the token's account is told of what concerns it, besides its inbox."""
        return service.setting_json(self.user)

    @authed(Perm.TOKENS)
    @blp.arguments(NotificationSettingPatchSchema)
    @if_match
    @blp.response(200, NotificationSettingSchema)
    def patch(self, args):
        """Change the account's own notification settings; only the fields sent change. Audited."""
        service.change_setting(self.user, args)
        db.session.commit()
        return service.setting_json(self.user)


def register_api(api: Api) -> None:
    api.register_blueprint(blp)
    csrf.exempt(blp)
