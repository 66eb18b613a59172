"""Merging registry answers: provenance, explicit replacement, clash detection."""
from __future__ import annotations

import dataclasses
from typing import Iterable, TypeVar

from core.plugins.errors import PluginConflict
from core.plugins.types import CodedRecord

R = TypeVar("R", bound=CodedRecord)


def merge_registry(hook_name: str, answers: Iterable[tuple[str, Iterable[R] | None]]) -> dict[str, R]:
    """Merge ``(plugin_name, records)`` answers into ``{code: record}``.

    ``answers`` must come national first. A record whose code is already taken
    stops start-up unless it says ``replaces=<that code>``; then it takes that
    code's place and remembers whose record it replaced. The result is sorted by
    code so that nothing depends on load order.
    """
    merged: dict[str, R] = {}
    replacing: list[tuple[str, R]] = []
    for plugin, records in answers:
        for rec in records or ():
            if not isinstance(rec, CodedRecord):
                raise PluginConflict(
                    f"{hook_name}: plugin {plugin!r} returned {type(rec).__name__}, not a record type"
                )
            rec = dataclasses.replace(rec, source=plugin)
            if rec.replaces:
                replacing.append((plugin, rec))
                continue
            if rec.code in merged:
                other = merged[rec.code].source
                raise PluginConflict(
                    f"{hook_name}: 代码冲突 / code clash {rec.code!r} between plugins {other!r} and "
                    f"{plugin!r}; set replaces={rec.code!r} to override on purpose"
                )
            merged[rec.code] = rec
    for plugin, rec in replacing:
        target = rec.replaces
        if target not in merged:
            raise PluginConflict(
                f"{hook_name}: plugin {plugin!r} replaces unknown code {target!r}"
            )
        if merged[target].replaced is not None:
            raise PluginConflict(
                f"{hook_name}: code {target!r} replaced twice ({merged[target].source!r}, {plugin!r})"
            )
        merged[target] = dataclasses.replace(rec, code=target, replaced=merged[target].source)
    return dict(sorted(merged.items()))
