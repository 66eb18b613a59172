"""Facts one feature keeps and an earlier feature asks for, answered through a registry filled at start-up.

Applications come before management in the layers (``tests/core/test_layers.py``), yet a new application
must be refused for a credit code that management has banned, and a region rule may ask which of a city's
listed units still owe this round's filing, which management keeps. Management *provides* those answers
when the application starts (:func:`provide`); applications *ask* by name (:func:`ask`). No import runs up.

:class:`RuleData` is the mapping region rules read: a fact a feature provides is computed the first time a
rule reads its key, so a rule only one region has costs nothing in the others.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

_KEY = "greenmfg_facts"


def provide(app: Flask, name: str, answer: Callable[..., Any]) -> None:
    """Register the feature function that answers ``name`` on this application (once per name)."""
    answers = app.extensions.setdefault(_KEY, {})
    if name in answers and answers[name] is not answer:
        raise RuntimeError(f"two features answer the fact {name!r}")
    answers[name] = answer


def ask(name: str, *args: Any, **kwargs: Any) -> Any:
    """The answer of the feature that provides ``name``."""
    try:
        answer = current_app.extensions[_KEY][name]
    except KeyError:
        raise LookupError(f"no feature provides the fact {name!r}") from None
    return answer(*args, **kwargs)


class RuleData(dict):
    """The data eligibility and priority rules read: plain values, plus facts computed on first read."""

    def __init__(self, *args: Any, deferred: dict[str, Callable[[], Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deferred = dict(deferred or {})

    def __missing__(self, key: str) -> Any:
        compute = self._deferred.pop(key, None)
        if compute is None:
            raise KeyError(key)
        value = self[key] = compute()
        return value

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self._deferred

    def deferred(self, key: str, compute: Callable[[], Any]) -> None:
        """Compute ``key`` with ``compute`` the first time a rule reads it."""
        self.pop(key, None)
        self._deferred[key] = compute
