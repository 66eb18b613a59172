"""Pieces of list pages formatted in Python rather than Jinja: a page made for its request spends most of its time
in the template's per-row work (a filter call, a context lookup and an ``escape`` per cell), which a list page
can do once per column and once per label instead (bench/bench_pages.py, "new page").

Every text goes through :func:`markupsafe.escape`, as Jinja's autoescaping does.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup, escape

from core.i18n import english, msgid, translations
from core.kernel.names import local_name
from core.web.nav import fixed_url


def escaped(values: Sequence[str]) -> list[str]:
    """``escape`` of each text, in one call for the whole column when no text holds a NUL."""
    parts = str(escape("\0".join(values))).split("\0")
    return parts if len(parts) == len(values) else [str(escape(value)) for value in values]


@functools.lru_cache(maxsize=1024)
def options(pairs: tuple[tuple[str, str], ...], selected: str | None) -> Markup:
    """``<option>`` elements for ``(value, label)`` pairs, the one whose value is ``selected`` marked; kept by
    its arguments (labels carry the page's language): a filter form shows the same few choices on every page."""
    return Markup("".join(
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
        for value, label in pairs))


def labels(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{code: escaped label}``: each label escaped once a page, not once a row."""
    return {code: str(escape(label)) for code, label in pairs}


def _kept(store: dict, held: tuple, variant: Any, make: Callable[[], Any], bound: int = 64) -> Any:
    """``make()``, kept in ``store`` by the identity of the objects ``held`` and by ``variant``. The entry holds the
    objects, so that their ``id`` stays their own; ``store`` is emptied past ``bound`` entries, so that objects made
    for one call (a test's mapping, a preview's) do not pile up."""
    key = (*map(id, held), variant)
    kept = store.get(key)
    if kept is None or any(a is not b for a, b in zip(kept[0], held)):
        if len(store) > bound:
            store.clear()
        kept = store[key] = (held, make())
    return kept[1]


#: :func:`local_names` by the records' mapping and the page's language: the names and the escaped names
_NAMED: dict[tuple, tuple[tuple, tuple[dict[str, str], dict[str, str]]]] = {}


def _named(records: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    def make() -> tuple[dict[str, str], dict[str, str]]:
        names = {code: local_name(record) for code, record in records.items()}
        return names, labels(names.items())
    return _kept(_NAMED, (records,), english(), make)


def local_names(records: Mapping[str, Any]) -> dict[str, str]:
    """``{code: local name}`` of a rule's records (list levels, unit types), made once per mapping and language (a
    name is the record's, or its English form on an English page)."""
    return dict(_named(records)[0])


def coded_labels(records: Mapping[str, Any]) -> dict[str, str]:
    """``{code: escaped local name}`` of a rule's records: ``|named`` once a page (:func:`local_names`)."""
    return dict(_named(records)[1])


_PLACEHOLDER = 987654321


def id_links(endpoint: str, argument: str) -> tuple[str, str]:
    """``(before, after)``: ``url_for(endpoint, **{argument: ident})`` is ``before + str(ident) + after`` for any
    integer ``ident``, escaped for an attribute; built once per process (:func:`core.web.nav.fixed_url`)."""
    before, _, after = fixed_url(endpoint, **{argument: _PLACEHOLDER}).partition(str(_PLACEHOLDER))
    return str(escape(before)), str(escape(after))


class Cells(dict):
    """``cells[value]``: the escaped text of ``show(value)``, made once a page for each distinct value (a list's
    status, city or day repeats down its rows); ``known``: texts already escaped, by value."""

    def __init__(self, show: Callable[[Any], Any] = str, known: Mapping[Any, str] | None = None) -> None:
        super().__init__(known or ())
        self.show = show

    def __missing__(self, value: Any) -> str:
        text = self[value] = str(escape(self.show(value)))
        return text


#: :func:`translated` by the mapping and the catalogue (Flask-Babel keeps one per locale)
_TRANSLATED: dict[tuple, tuple[tuple, dict[str, str]]] = {}


def translated(lazy: Mapping[str, Any]) -> dict[str, str]:
    """``{name: text}`` of ``lazy_gettext`` strings in the request's language, each translated once per mapping
    and language."""
    catalogue = translations()
    return dict(_kept(_TRANSLATED, (lazy, catalogue), None,
                      lambda: {name: catalogue.ugettext(msgid(text)) for name, text in lazy.items()}, bound=256))


def texts(lazy: Mapping[str, Any]) -> SimpleNamespace:
    """A page's own texts (``lazy_gettext`` strings by name) translated once for the request: ``t.name`` in its
    template instead of ``_()`` (a context lookup, a call and a format each). Trusted like ``_()``'s (Markup)."""
    return SimpleNamespace(**{name: Markup(text) for name, text in translated(lazy).items()})
