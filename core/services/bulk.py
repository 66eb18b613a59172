"""Bulk actions (issue 20): one action on several units, all or nothing.

The action runs for every unit in the caller's unit of work; a unit the action refuses does not stop the
others from being tried, so every refusal is known at once. With any refusal nothing is kept: the caller's
:func:`core.kernel.uow.attempt` rolls the whole transaction back and the page lists each unit's reason. The
services called per unit write one audit row per unit, as when acting on one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from core.errors import GreenmfgError, InvalidInput, Refused
from core.i18n import N_

U = TypeVar("U")


class BulkRefused(Refused):
    """Some units were refused: nothing was done. ``refusals``: ``[(unit label, error)]``."""

    code = "bulk_refused"

    def __init__(self, refusals: list[tuple[str, GreenmfgError]], total: int):
        super().__init__(N_("Nothing was done: %(n)d of the %(total)d chosen units were refused (reasons below)."),
                         n=len(refusals), total=total)
        self.refusals = refusals


def apply_to_each(units: Iterable[U], action: Callable[[U], Any], label: Callable[[U], str]) -> list[Any]:
    """``action(unit)`` for each unit; the outcomes, or :class:`BulkRefused` listing every unit refused."""
    units = list(units)
    if not units:
        raise InvalidInput("Tick at least one unit.", field="application_ids")
    outcomes, refusals = [], []
    for unit in units:
        try:
            outcomes.append(action(unit))
        except GreenmfgError as exc:
            refusals.append((label(unit), exc))
    if refusals:
        raise BulkRefused(refusals, len(units))
    return outcomes
