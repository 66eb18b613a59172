"""The annual filing's key figures (年度动态管理表, 004_7a8ddd82f611ab67.txt 第十八条 "上报绿色制造关键指标情况";
national's platform default: 工业总产值 in 万元, 综合能源消费量 in tce, 取水量 in m³) with their units in the page's
language: English pages showed "Industrial output value（万元）", a Chinese unit in full-width brackets, on the
filing's form and on the filing's page. ``FilingFigure.unit_en`` (a platform translation: 万元 is 10,000 yuan) is
shown in ordinary brackets on English pages; Chinese pages keep 工业总产值（万元）."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from mgmt_world import (
    factory_values,
    filing_of,
    listed,
    organization,
    references,
    units,
    user,
    web,
)

CJK = re.compile(r"[\u3400-\u9fff]")

EN = {"output_value": "Industrial output value (10,000 yuan)", "energy_use": "Total energy use (tce)",
      "water_use": "Water use (m³)"}
ZH = {"output_value": "工业总产值（万元）", "energy_use": "综合能源消费量（tce）", "water_use": "取水量（m³）"}


def _labels(html: str) -> dict[str, str]:
    """The key figures' form labels, by figure."""
    return {key: label.strip() for key, label in
            re.findall(r'<label[^>]*for="key_(\w+)"[^>]*>(.*?)</label>', html, re.DOTALL) if key != "remarks"}


def _key_data(html: str) -> dict[str, str]:
    """The filed key figures as the accepted filing's page lists them (name: value)."""
    block = html.split('id="key-data"')[1].split("</dl>")[0]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block))


@pytest.mark.region("shanxi")
def test_the_filing_s_form_and_page_show_unit_names_in_the_page_s_language(app):
    from flask_babel import refresh

    from core.extensions import db
    from core.management import filings

    ids = units(app)
    references(2025)
    org = organization(ids["taiyuan"], "太原动态管理单位英文有限公司")
    listed(org, "provincial", 2022)
    user("applicant", "ty_figures_ent", organization_id=org.id)
    user("city", "ty_figures_city", admin_unit_id=ids["taiyuan"])
    year = dt.date.today().year
    filings.open_year(year, "test")
    filing = filing_of(org, year)
    filing.due_on = dt.date.today() + dt.timedelta(days=30)  # the due date lies ahead: the form is open
    db.session.commit()

    ent = web(app, "ty_figures_ent")
    refresh()  # the requests share the test's app context, where Flask-Babel keeps the locale it chose
    english = _labels(ent.get(f"/management/filings/{filing.id}?lang=en").get_data(as_text=True))
    assert english == EN
    assert not any(CJK.search(label) or "（" in label for label in english.values()), english
    refresh()
    assert _labels(ent.get(f"/management/filings/{filing.id}?lang=zh").get_data(as_text=True)) == ZH

    today = dt.date.today()
    filings.save(filing, {"values": factory_values(0.8),
                          "key_data": {"output_value": 5200, "energy_use": 830.5, "water_use": 12000}},
                 "ty_figures_ent", today)
    filings.submit(filing, "ty_figures_ent", today)
    filings.accept(filing, "ty_figures_city", "", today)
    db.session.commit()

    refresh()
    shown = _key_data(ent.get(f"/management/filings/{filing.id}?lang=en").get_data(as_text=True))
    assert shown == {EN["output_value"]: "5200.0", EN["energy_use"]: "830.5", EN["water_use"]: "12000.0"}, shown
    assert not any(CJK.search(name) or "（" in name for name in shown)
    refresh()
    shown = _key_data(ent.get(f"/management/filings/{filing.id}?lang=zh").get_data(as_text=True))
    assert sorted(shown) == sorted(ZH.values())  # PostgreSQL (JSONB) keeps no key order


def test_a_figure_without_english_keeps_its_unit_in_the_page_s_brackets(make_app):
    """A third-party plugin's figure gives no ``unit_en`` (the default): English pages show its unit as given."""
    from core.kernel.names import unit_name
    from core.management.forms import figure_label
    from core.plugins.types import FilingFigure

    figure = FilingFigure(key="co2_emissions", name="二氧化碳排放量", name_en="CO2 emissions", unit="万吨")
    bare = FilingFigure(key="count", name="项目数", name_en="Projects")
    assert figure.unit_en is None
    app = make_app("national")
    with app.test_request_context("/?lang=en"):
        assert figure_label(figure) == "CO2 emissions (万吨)" and figure_label(bare) == "Projects"
        assert unit_name(FilingFigure(key="k", name="产值", name_en="Output", unit="万元",
                                        unit_en="10,000 yuan")) == "10,000 yuan"
    with app.test_request_context("/?lang=zh"):
        assert figure_label(figure) == "二氧化碳排放量（万吨）"


def test_national_s_figures_all_have_english_units():
    from plugins.national.rules import FILING_FIGURES

    units = {f.key: (f.unit, f.unit_en) for f in FILING_FIGURES.figures}
    assert units == {"output_value": ("万元", "10,000 yuan"), "energy_use": ("tce", "tce"),
                     "water_use": ("m³", "m³")}


def _figures_plugin(units: dict):
    from core.plugins import hookimpl
    from core.plugins.types import FilingFigure, FilingFigures

    class Figures:
        @hookimpl
        def gm_policy_filing_figures(self):
            return FilingFigures(figures=(FilingFigure(key="co2_emissions", name="二氧化碳排放量",
                                                       name_en="CO2 emissions", **units),), cite="test")
    return Figures()


@pytest.mark.parametrize(("units", "outcome"), [
    ({"unit": "万吨"}, "fails"),
    ({"unit": "万吨", "unit_en": "10,000 t"}, "passes"),
    ({"unit": "tCO2"}, "skips"),
])
def test_the_kit_asks_a_region_s_filing_figures_for_english_units(units, outcome):
    """The conformance kit's test_english_units reads the key figures the region answers with."""
    from _pytest.outcomes import Skipped

    from core.plugins.manager import build_plugin_manager
    from core.testing.contract import RegionContract

    plugin = _figures_plugin(units)

    class Kit(RegionContract):
        region = "figures_test"

        def _pm(self, region=None):
            return build_plugin_manager("shanxi", [("figures_test", plugin)])

    try:
        Kit().test_english_units()
        shown = "passes"
    except AssertionError as exc:
        shown = "fails"
        assert "co2_emissions" in str(exc) and "万吨" in str(exc), exc
    except Skipped:
        shown = "skips"
    assert shown == outcome
