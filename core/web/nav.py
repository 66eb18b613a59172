"""The navigation and the page chrome: links that each package registers, shown to the roles
allowed to follow them, and the layout's header and footer around them.

A link is visible by the user's role alone (a permission of the role, a set of roles, or the
signed-out visitor), so the links of one place, and the header that holds them, are rendered
once per role, language and script root and kept for the life of the app: every page shows the
header, and rebuilding it (a translation and a URL per link) was a fifth of the city list's time
(bench/bench_pages.py). Only the signed-in user's name is filled in per request.

Places: ``header`` (the top bar of every page) and ``section`` (the review and list pages'
sub-navigation).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Flask, current_app, has_request_context, request, url_for
from markupsafe import Markup, escape

from flask_babel import get_locale, lazy_gettext as _l

from core.i18n import msgid, translations
from core.kernel.names import local_name
from core.kernel.permissions import granted
from core.kernel.rules import region_rules

Audience = Literal["signed_in", "visitors", "everyone"]

_BRAND = _l("Green manufacturing lists")
_FOOTER = _l("Every rule shows the plugin it comes from and the document it cites.")
_LOG_OUT = _l("Log out")


@dataclass(frozen=True, kw_only=True)
class NavLink:
    endpoint: str
    #: the label: a ``lazy_gettext`` string (or a text that needs no translation)
    label: Any
    place: Literal["header", "section"] = "header"
    #: ``signed_in`` (default), ``visitors`` (only when signed out) or ``everyone``
    audience: Audience = "signed_in"
    #: a permission the role must hold (:mod:`core.kernel.permissions`)
    perm: str | None = None
    #: the roles that see the link, when a permission does not say it
    roles: frozenset[str] | None = None
    #: position in its place; lower first
    order: int = 100
    element_id: str | None = None
    #: a number shown beside the label for the signed-in user (unread messages), counted per request
    count: Callable[[Any], int] | None = None

    @property
    def count_marker(self) -> str:
        return f"<!--count:{self.endpoint}-->"

    def visible_to(self, role: str | None) -> bool:
        if role is None:
            return self.audience != "signed_in"
        if self.audience == "visitors":
            return False
        if self.roles is not None and role not in self.roles:
            return False
        if self.perm is not None:
            return granted(role, self.perm)  # what this instance withholds is not linked either
        return True


@dataclass(frozen=True)
class Chrome:
    """The parts of the layout that depend on the role and the language only."""

    lang: str
    brand: str
    region: str
    #: the header up to the log-out link, the log-out label, and the rest of the header
    header_start: Markup
    logout_label: str
    header_end: Markup
    footer: Markup
    #: (marker in the header, the link's count) for the links that show a number
    counters: tuple[tuple[str, Callable[[Any], int]], ...] = ()

    def header(self, user) -> Markup:
        if not getattr(user, "is_authenticated", False):
            return Markup(f"{self.header_start}{self.header_end}")
        start = str(self.header_start)
        for marker, count in self.counters:
            n = count(user)
            start = start.replace(marker, f' <span class="count">{int(n)}</span>' if n else "")
        link = f'<a href="{escape(fixed_url("accounts.logout_page"))}" id="logout-link">'
        return Markup(f"{start}{link}{escape(self.logout_label)} ({escape(user.display_name)})</a>"
                      f"{self.header_end}")


@dataclass
class Navigation:
    links: list[NavLink] = field(default_factory=list)
    _rendered: dict[tuple, Markup] = field(default_factory=dict)
    _chrome: dict[tuple, Chrome] = field(default_factory=dict)

    def add(self, *links: NavLink) -> None:
        self.links.extend(links)
        self.links.sort(key=lambda link: link.order)
        self._rendered.clear()

    def render(self, place: str, role: str | None) -> Markup:
        """The ``<a>`` elements of ``place`` for ``role`` (``None``: signed out), in the request's language."""
        tr = translations()
        key = (place, role, id(tr), request.script_root)
        html = self._rendered.get(key)
        if html is None:
            parts = []
            for link in self.links:
                if link.place == place and link.visible_to(role):
                    ident = f' id="{escape(link.element_id)}"' if link.element_id else ""
                    label = escape(tr.gettext(msgid(link.label)))
                    marker = link.count_marker if link.count else ""
                    parts.append(f'<a href="{escape(url_for(link.endpoint))}"{ident}>{label}{marker}</a>')
            html = self._rendered[key] = Markup("".join(parts))
        return html

    def chrome(self, role: str | None) -> Chrome:
        tr = translations()
        key = (role, id(tr), request.script_root)
        chrome = self._chrome.get(key)
        if chrome is None:
            region = local_name(region_rules().region)
            brand = tr.gettext(msgid(_BRAND))
            lang = "en" if str(get_locale()) == "en" else "zh-CN"
            start = Markup('<header class="top">\n  <div class="brand">{} <span class="region">{}</span></div>\n'
                           '  <nav>\n    ').format(brand, region) + self.render("header", role) + Markup("\n    ")
            end = Markup('\n    <span class="lang"><a href="?lang=zh" lang="zh-CN" hreflang="zh-CN">中文</a> | <a href="?lang=en" lang="en" hreflang="en">English</a></span>'
                         '\n  </nav>\n</header>')
            footer = Markup("<footer>greenmfg · {}</footer>").format(
                tr.gettext(msgid(_FOOTER)))
            counters = tuple((link.count_marker, link.count) for link in self.links
                             if link.count and link.place == "header" and link.visible_to(role))
            chrome = self._chrome[key] = Chrome(lang=lang, brand=brand, region=region, header_start=start,
                                                logout_label=tr.gettext(msgid(_LOG_OUT)), header_end=end, footer=footer,
                                                counters=counters)
        return chrome


_FIXED_URLS: dict[tuple, str] = {}


def fixed_url(endpoint: str, **values: Any) -> str:
    """``url_for`` for the layout's fixed links (style sheets, log-out...), built once per process.

    Such a URL depends only on the endpoint, its values and the script root: the app has no URL
    defaults, host matching or subdomains (add one and this must go). Saves ~8 µs a link a page.
    """
    if not has_request_context():  # rendered outside a request (SERVER_NAME decides): no reuse
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, *sorted(values.items())) if values else (request.script_root, endpoint)
    url = _FIXED_URLS.get(key)
    if url is None:
        if len(_FIXED_URLS) >= 256:
            _FIXED_URLS.clear()
        url = _FIXED_URLS[key] = url_for(endpoint, **values)
    return url


def register(app: Flask, *links: NavLink) -> None:
    """Add links to the app's navigation (each package calls this from its ``init_app``)."""
    app.extensions.setdefault("greenmfg_nav", Navigation()).add(*links)


def _role(user) -> str | None:
    return str(user.role) if getattr(user, "is_authenticated", False) else None


def nav_links(place: str, user) -> Markup:
    """Template global: the links of ``place`` for ``user`` (the template's ``current_user``)."""
    return current_app.extensions["greenmfg_nav"].render(place, _role(user))


def page_chrome(user) -> Chrome:
    """Template global: the layout's language, header and footer for ``user``."""
    return current_app.extensions["greenmfg_nav"].chrome(_role(user))
