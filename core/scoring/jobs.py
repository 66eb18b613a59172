"""Background job of the scoring package: recomputing the stored yearly scores, ranks and bottom-5 %
flags (:func:`core.scoring.recompute.recompute_scores`), with its progress row by row.

Province staff, the ministry and administrators start it through ``POST /api/v1/jobs``
(``{"name": "scores.recompute", "arguments": {"year": 2025}}``); ``greenmfg scores recompute`` runs
the same service in the terminal. A recompute is idempotent: running it twice stores the same rows."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext, lazy_gettext as _l

from core.errors import InvalidInput
from core.jobs import job

LEVELS = ("city", "provincial", "national")


def _arguments(given: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(given) - {"year", "level"})
    if unknown:
        raise InvalidInput("Unknown fields: %(fields)s.", field="arguments", fields=", ".join(unknown))
    year, level = given.get("year"), given.get("level")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100):
        raise InvalidInput("The year must be a number from 2000 to 2100.", field="year")
    if level is not None and level not in LEVELS:
        raise InvalidInput("Unknown list level: %(level)s.", field="level", level=str(level)[:40])
    return {"year": year, "level": level}


def _describe(result: dict[str, Any]) -> list[str]:
    return [gettext("%(rows)d rows recomputed, %(complete)d complete, %(written)d changed, %(candidates)d removal "
                    "candidates.", rows=result.get("rows", 0), complete=result.get("complete", 0),
                    written=result.get("written", 0), candidates=result.get("removal_candidates", 0))]


@job("scores.recompute", _l("Score recompute"), startable_by={"province", "ministry", "admin"},
     arguments=_arguments, describe=_describe)
def recompute_job(ctx, year: int | None = None, level: str | None = None) -> dict[str, Any]:
    from core.extensions import db
    from core.scoring.recompute import recompute_scores, row_count

    total = row_count(db.session, year=year, level=level)
    advance = ctx.counter(total, _l("Recomputing scores"))
    report = recompute_scores(ctx.actor, year=year, level=level, progress=advance)
    return {"rows": report.rows, "complete": report.complete, "written": report.written,
            "removal_candidates": report.removal_candidates}
