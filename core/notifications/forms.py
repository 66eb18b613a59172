"""The notification settings form (Flask-WTF, CSRF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from core.formfields import choice
from core.kernel.forms import PageForm


class SettingForm(PageForm):
    email = StringField(_l("E-mail address"), validators=[Optional(), Length(max=120)])
    by_email = BooleanField(_l("Send me each message by e-mail"))
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=40)])
    by_sms = BooleanField(_l("Send me each message by SMS"))
    language = SelectField(_l("Language of e-mails and SMS"), choices=[
        choice("", _l("The language of my account")), choice("zh", "中文"), choice("en", "English")])
