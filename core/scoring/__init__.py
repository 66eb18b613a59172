"""The scoring engine: MIIT 2025 factory and park indicators, reference values, ranking.

* :mod:`core.scoring.formulas`: pure formulas (linear between baseline and leading value,
  qualitative, platform-function count, elasticity, multi-product weighting);
* :mod:`core.scoring.engine`: score one unit against the region's
  :class:`~core.plugins.types.IndicatorSet` (``rules.indicator_set(unit_type, year)``);
* :mod:`core.scoring.reference`: reference values (引领值/基准值), lookup and import;
* :mod:`core.scoring.ranking`: ranks, bottom-5 % and removal flags, 企业绿码, tiers;
* :mod:`core.scoring.request`: :func:`~core.scoring.request.parse_request` and
  :func:`~core.scoring.request.score_request` serve ``greenmfg score`` and the application forms;
* :mod:`core.scoring.recompute`: recompute every stored :class:`~core.models.scoring.UnitScore`;
* :mod:`core.scoring.filings`: yearly filings of listed units (xlsx/CSV) into ``UnitScore`` rows.

Sources: 001_3f04a56fc6693327.txt 附件1/附件2; ../shared/reference/domain.md C1, B3.
"""
from core.scoring.engine import (
    GENERAL,
    Reference,
    Status,
    UnitResult,
    compile_plan,
    register_scorer,
    score_unit,
)
from core.scoring.formulas import ScoringInputError, register_interpolation
from core.scoring.request import parse_request, score_request

__all__ = [
    "GENERAL", "Reference", "ScoringInputError", "Status", "UnitResult", "compile_plan", "parse_request",
    "register_interpolation", "register_scorer", "score_request", "score_unit",
]
