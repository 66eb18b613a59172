"""The base of every web form (:class:`PageForm`) and WTForms' own messages in the page's language.

WTForms' messages (a value missing, a number out of range) are translated by WTForms' own catalogue, through
Flask-WTF; where that catalogue's Chinese misleads, the platform's catalogue words the message instead:
"Number must be at least 0." reads 数值必须大于 0 ("greater than 0") there, though 0 is accepted.
"""
from __future__ import annotations

from flask_babel import get_translations, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations

#: WTForms' messages the platform words itself (kept here so that the catalogue keeps them)
WORDED = (
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
)


class PageMessages:
    """WTForms' ``translations`` object (``gettext``, ``ngettext``) for the page's language: the platform's
    catalogue where it words the message, else WTForms' own."""

    def gettext(self, string: str) -> str:
        mine = get_translations().ugettext(string)
        return mine if mine != string else wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        mine = get_translations().ungettext(singular, plural, n)
        return mine if mine not in (singular, plural) else wtforms_translations.ngettext(singular, plural, n)


MESSAGES = PageMessages()


class PageMeta:
    """A WTForms ``Meta`` whose messages are :data:`MESSAGES` (a plugin's plain WTForms row form gets it too:
    :func:`core.applications.fields.rows_in_page_language`)."""

    def get_translations(self, form):  # noqa: ARG002 - WTForms' signature
        return MESSAGES


class PageForm(FlaskForm):
    """Every web form of the platform: Flask-WTF's form (CSRF), its messages in the page's language."""

    class Meta(PageMeta):
        pass
