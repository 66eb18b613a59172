"""Log-in, registration and token forms (Flask-WTF, CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from core.accounts.password_policy import PASSWORD_MAX, PASSWORD_MIN
from core.formfields import choice
from core.kernel.forms import PageForm


class LoginForm(PageForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])


class RegisterForm(PageForm):
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=40)])
    org_name = StringField(_l("Organization name"), validators=[DataRequired(), Length(min=2, max=200)])
    admin_unit = SelectField(_l("City (administrative unit)"), validators=[DataRequired()])
    legal_representative = StringField(_l("Legal representative"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    display_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=100)])
    username = StringField(_l("User name"), validators=[DataRequired(), Length(min=3, max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)])
    password2 = PasswordField(_l("Repeat the password"),
                              validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])
    email = StringField(_l("E-mail address (optional)"), validators=[Optional(), Length(max=120)])
    by_email = BooleanField(_l("Send me each message by e-mail as well as to my inbox"), default=True)
    language = SelectField(_l("Language of e-mails"), validators=[Optional()], choices=[
        choice("", _l("The language of my account")), choice("zh", "中文"), choice("en", "English")])


class PasswordChangeForm(PageForm):
    old_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)])
    new_password2 = PasswordField(_l("Repeat the new password"),
                                  validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))])


class ResetForm(PageForm):
    username = StringField(_l("User name of the account"), validators=[DataRequired(), Length(max=80)])


class CodeForm(PageForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(), Length(max=20)])


class TokenForm(PageForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])
    days = IntegerField(_l("Valid for (days)"), default=90, validators=[DataRequired(), NumberRange(min=1, max=366)])


class EmptyForm(PageForm):
    """A form with only the CSRF token (log-out, revoke, and other one-button actions)."""
