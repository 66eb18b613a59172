"""Score → tier mapping with the active region's grading scheme."""
from __future__ import annotations


from core.errors import InvalidInput
from core.kernel.rules import region_rules
from core.plugins.types import Level, Tier


def tier_for(score: float, unit_type: str, level: str) -> Tier | None:
    """The tier ``score`` falls in, or ``None`` when the region does not grade at this level."""
    if score is None or not 0 <= float(score) <= 100:
        raise InvalidInput("A score must lie between 0 and 100; %(score)s given.", field="score", score=score)
    scheme = region_rules().grading(unit_type, Level(level))
    return scheme.tier_for(float(score))


def may_recommend(score: float, unit_type: str, level: str) -> bool:
    """Whether a unit with ``score`` may go forward to the next level (e.g. Shanxi: B or better)."""
    tier = tier_for(score, unit_type, level)
    return tier is None or tier.recommendable
