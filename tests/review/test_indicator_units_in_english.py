"""Indicator units in the page's language (English walk of the demos): the expert's case file showed the
national tables' units in Chinese on English pages (tce/产品单位或tce/万元, 污染物单位/产品单位或污染物单位/万元).
Each unit of 工信厅节函〔2025〕390号 附件1 (factories, 14 indicators) and 附件2 (parks, 17 indicators) that holds
Chinese has its English (``Indicator.unit_en``), named by ``core.kernel.names.indicator_unit``; Chinese pages
and the API keep the table's unit."""
from __future__ import annotations

import re

import pytest

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def app(make_app):
    return make_app("hunan")


def _indicators(app, unit_type: str) -> dict[int, object]:
    iset = app.extensions["greenmfg"].rules.indicator_set(unit_type, 2025)
    return {i.number: i for i in iset.indicators}


def test_every_chinese_unit_of_the_2025_tables_has_english(app):
    factory, park = _indicators(app, "factory"), _indicators(app, "park")
    assert len(factory) == 14 and len(park) == 17
    missing = [f"{kind} #{n}: {i.unit}" for kind, table in (("factory", factory), ("park", park))
               for n, i in table.items() if CJK.search(i.unit) and (not i.unit_en or CJK.search(i.unit_en))]
    assert not missing, missing


def test_units_read_in_the_page_s_language(app):
    from core.kernel.names import indicator_unit

    factory, park = _indicators(app, "factory"), _indicators(app, "park")
    with app.test_request_context("/?lang=en"):
        assert indicator_unit(factory[1]) == "tce/unit of product or tce/10,000 yuan"
        assert indicator_unit(factory[11]) == "unit of pollutant/unit of product or unit of pollutant/10,000 yuan"
        assert indicator_unit(park[14]) == "t/10,000 yuan"
        assert indicator_unit(factory[3]) == "%"
        # a case file's row (core.review.casefile) once it carries the English
        assert indicator_unit({"unit": "t/万元", "unit_en": "t/10,000 yuan"}) == "t/10,000 yuan"
        assert indicator_unit({"unit": "t/万元"}) == "t/万元"
    with app.test_request_context("/?lang=zh"):
        assert indicator_unit(factory[1]) == "tce/产品单位或tce/万元"
        assert indicator_unit(park[14]) == "t/万元"
