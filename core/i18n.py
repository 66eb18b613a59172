"""Translation helpers shared by the web pages, the JSON API and the exports.

Flask-Babel looks the translation catalogue up anew on each ``gettext`` (about 9 µs: the
request context, the domain, the locale); :func:`translations` keeps it for the request and
locale, and the templates' ``_()`` goes through it (installed by :func:`init_app`).
"""
from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, g
from flask_babel import force_locale, get_locale, get_translations, gettext

LANGS = ("zh", "en")


def N_(text: str) -> str:
    """Mark ``text`` for extraction (Babel's ``N_`` keyword) without translating it: the message id that
    :func:`bilingual_text` and ``exc.bilingual()`` translate later, in both languages."""
    return text


def msgid(lazy: Any) -> str:
    """The source text of a ``lazy_gettext`` string (a plain string is its own id)."""
    return lazy._args[0] if hasattr(lazy, "_args") else str(lazy)


def translations():
    """The request's catalogue for its current locale (``force_locale`` included).

    Kept beside Flask-Babel's own per-request state and keyed by the locale object it holds,
    so a ``force_locale`` block, which replaces that object, gets its own catalogue.
    """
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    cached = getattr(state, "_gm_translations", None)
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    found = get_translations()
    state = g.get("_flask_babel")
    if state is not None:
        state._gm_translations = (getattr(state, "babel_locale", None), found)
    return found


def bilingual(lazy: Any, **params: Any) -> dict[str, str]:
    """``lazy`` in each language: ``{"zh": ..., "en": ...}``."""
    text = msgid(lazy)
    out = {}
    for loc in LANGS:
        with force_locale(loc):
            out[loc] = gettext(text, **params)
    return out


#: a full stop right before another mark of the sentence: a reason or a check's message that ends its own sentence,
#: put where the message goes on (…：%(reason)s。 / A。；B)
_SPENT_STOP = re.compile(r"。+(?=[。；，、！？])|(?<=[！？])。")


def one_stop(text: Any) -> Any:
    """``text`` without a doubled stop: "请补充材料。。" reads "请补充材料。", "A。；B。" reads "A；B。"."""
    if not isinstance(text, str) or "。" not in text:
        return text
    return type(text)(_SPENT_STOP.sub("", text))  # a Markup stays Markup (its text is escaped already)


def listed(names: Iterable[Any]) -> str:
    """``names`` listed as the page's language lists them: 名称、生产地址, or "Name, Business scope"."""
    return one_stop(gettext(", ").join(str(name) for name in names))


def lazy_list(items: Iterable[Any], name: Callable[[Any], Any] = str) -> Any:
    """``items``, each named by ``name``, :func:`listed` in the language a message is read in: a message's
    parameter made when the message is shown, in each of its languages (a refusal is kept in both)."""
    from flask_babel import LazyString

    items = list(items)
    return LazyString(lambda: listed(name(item) for item in items))


def bilingual_text(lazy: Any, **params: Any) -> str:
    """``中文 / English``, or one text when both read the same."""
    out = bilingual(lazy, **params)
    return out["en"] if out["zh"] == out["en"] else f"{out['zh']} / {out['en']}"


def init_app(app: Flask) -> None:
    """Templates' ``_()``/``ngettext`` through :func:`translations` (after ``babel.init_app``); ``_()`` and
    ``gettext`` of a text without parameters is kept per catalogue (:func:`_kept_gettext`)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):  # a sentence put in ends once (one_stop); _() too
        app.jinja_env.globals[name] = _stopped_once(app.jinja_env.globals[name])
    # Jinja's ``_`` looks ``gettext`` up in the context at each call; the templates' texts go straight to it
    app.jinja_env.globals["gettext"] = app.jinja_env.globals["_"] = _kept_gettext(app.jinja_env.globals["gettext"])


def _stopped_once(inner: Callable) -> Callable:
    from jinja2 import pass_context

    @pass_context
    def call(context, *args, **variables):
        return one_stop(inner(context, *args, **variables))

    return call


#: the templates' texts without parameters, per catalogue (Flask-Babel keeps one per locale for the process's life)
_KEPT_TEXTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _kept_gettext(full: Callable) -> Callable:
    """A template's ``_('Year')`` as ``full`` (Jinja's newstyle ``gettext`` through :func:`_stopped_once`) makes
    it, kept per catalogue and autoescape the first time: a page asks for 10-30 such texts, each through five calls
    and a format. A text with parameters is made by ``full`` at each call."""
    from jinja2 import pass_context

    @pass_context
    def gettext(context, string, **variables):
        if variables:
            return full(context, string, **variables)
        catalogue = translations()
        kept = _KEPT_TEXTS.get(catalogue)
        if kept is None:
            kept = _KEPT_TEXTS[catalogue] = {}
        key = (string, context.eval_ctx.autoescape)
        text = kept.get(key)
        if text is None:
            text = kept[key] = full(context, string)
        return text

    return gettext


def english() -> bool:
    """Whether the current page or message is in English."""
    locale = get_locale()
    return locale is not None and locale.language == "en"


def local_text(name: str, name_en: str | None) -> str:
    """A plugin's name (an indicator's, a form field's) in the page's language: ``name_en`` on English pages
    where the plugin gives one, else ``name``."""
    return name_en if name_en and english() else name


def bracketed(text: Any) -> str:
    """``text`` in the page's own brackets after a label: " (10,000 yuan)" in English, "（万元）" in Chinese; "" for
    no text."""
    if not text:
        return ""
    return f" ({text})" if english() else f"（{text}）"


def both(text: str, text_en: str | None) -> str:
    """A plugin's title kept as "中文 / English" when it gives the English (shown with :func:`in_language`), else
    as it is."""
    return f"{text} / {text_en}" if text_en else text


_CJK = re.compile(r"[\u3400-\u9fff]")


def split_languages(text: str) -> tuple[str, str] | None:
    """``("中文", "English")`` of a text kept as "中文 / English"; None for a text in one language."""
    parts = str(text).split(" / ")
    for i in range(1, len(parts)):
        chinese, rest = " / ".join(parts[:i]), " / ".join(parts[i:])
        if _CJK.search(chinese) and rest[:1].isascii() and rest[:1].isalnum():
            return chinese, rest
    return None


def in_language(text: str | None) -> str:
    """A stored "中文 / English" text (an eligibility result, a plugin's message) in the page's language only."""
    return halves(text)[1 if english() else 0]


def halves(text: str | None) -> tuple[str, str]:
    """``(Chinese, English)`` of a stored text: its two halves when kept as "中文 / English", else the text twice
    (a name, a reason a person wrote in one language)."""
    text = str(text or "")
    return split_languages(text) or (text, text)
