"""Every region's summary layout against its seed, and year-bound text derived from the round's year.

Seeds (GREENMFG_SEEDS): 000_5ae1342e00264ea1.txt 附件2-1/2-2 (Hunan 2024), 001_3f04a56fc6693327.txt 附件2
(Hunan 2025), 003_a3fa60aeba77aa34.txt 附件 (Jiangxi 2024); Hubei (002) and Shanxi (004) prescribe no
table, so theirs are platform layouts. Issue 17 items 5 and 6 are checked here too.
"""
from __future__ import annotations

import re

import pytest

from helpers import rules_for, seed_text

from core.declared_fields import api_field, web_field
from core.plugins.types import Level, SummaryLayout, year_text

S000, S001, S003 = "000_5ae1342e00264ea1.txt", "001_3f04a56fc6693327.txt", "003_a3fa60aeba77aa34.txt"


def flat(name: str) -> str:
    """Seed text without whitespace (the seeds break lines mid-word)."""
    return re.sub(r"\s+|\*\*", "", seed_text(name))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）").replace(":", "：")


def texts(layout: SummaryLayout, year: int, unit: str = "") -> dict[str, list]:
    """What each sheet prints outside its tables, filled for ``year``."""
    out = {}
    for sheet in layout.sheets:
        out[sheet.name] = {
            "label": sheet.label, "title": year_text(sheet.title, year), "subtitle": sheet.subtitle,
            "lines": [year_text(line, year, unit=unit) for line in sheet.lines], "notes": list(sheet.notes),
            "footer": list(sheet.footer),
            "headers": [[year_text(c.header, year) for c in s.columns] for s in sheet.sections]}
    return out


@pytest.fixture(scope="module")
def hunan():
    return rules_for("hunan", 2024)


# ------------------------------------------------------------------ Hunan 2024 --

def test_hunan_2024_prints_attachments_2_1_and_2_2_as_the_seed(hunan):
    """000 附件2-1 / 附件2-2: "2024年湖南省绿色制造体系申报汇总表", the subtitles, "推荐单位（盖章）：" with
    "单位：万元" / "单位：平方公里、亿元", the columns in the seed's order and the 注."""
    seed = flat(S000)
    layout = hunan.summary_layouts["hunan.creation_plan_2024"]
    assert layout.years == (2024,) and layout.levels == (Level.PROVINCIAL,) and not layout.platform
    got = texts(layout, 2024, unit="长沙市")
    factory, park = got["附件2-1"], got["附件2-2"]
    for sheet, label, subtitle, unit in ((factory, "附件2-1", "（绿色工厂、绿色供应链管理示范企业）", "单位：万元"),
                                         (park, "附件2-2", "（绿色园区）", "单位：平方公里、亿元")):
        assert sheet["label"] == label and sheet["title"] == "2024年湖南省绿色制造体系申报汇总表"
        assert sheet["subtitle"] == subtitle
        assert sheet["lines"] == [f"推荐单位（盖章）：长沙市|{unit}"]
        assert f"{label}2024年湖南省绿色制造体系申报汇总表{subtitle}推荐单位（盖章）：{unit}" in seed
    assert factory["headers"] == [["序号", "申报单位", "主营业务", "创建类型", "所属行业", "所属体系分类",
                                   "2023年主营业务收入（预计）", "2023年利润（预计）", "2023年税收（预计）",
                                   "申报单位联系人及手机"]]
    assert "序号申报单位主营业务创建类型所属行业所属体系分类2023年主营业务收入（预计）2023年利润（预计）2023年税收（预计）" \
           "申报单位联系人及手机" in seed
    assert park["headers"] == [["序号", "申报单位", "主导产业", "园区已建成面积", "2023年园区总产值（预计）",
                                "2023年园区工业总产值（预计）", "联系人及手机（预计）"]]
    assert "序号申报单位主导产业园区已建成面积2023年园区总产值（预计）2023年园区工业总产值（预计）联系人及手机（预计）" in seed
    # the notes, word for word (the seed ends note 4 with "、", a typo the table does not copy)
    for note in factory["notes"] + park["notes"]:
        assert squeeze(note).rstrip("。") in seed, note
    assert factory["notes"][0] == "注：1、此表由市州工信局、省直管试点县（市）工信部门填写。"
    assert park["notes"] == ["注：此表由市州工信局、省直管试点县（市）工信部门填写。"]


def test_hunan_creation_type_prints_the_demonstration_enterprise(hunan):
    """Issue 17 item 5 — 000 附件2-1 注2: "2、创建类型是指湖南省绿色工厂和湖南省绿色供应链管理示范企业。"
    (national's name, 绿色供应链管理企业, is not what Hunan's table prints); issue 42: with the note's 湖南省."""
    assert "2、创建类型是指湖南省绿色工厂和湖南省绿色供应链管理示范企业。" in flat(S000)
    layout = hunan.summary_layouts["hunan.creation_plan_2024"]
    column = next(c for c in layout.sheets[0].sections[0].columns if c.key == "unit_type")
    assert dict(column.choices) == {"factory": "湖南省绿色工厂", "supply_chain": "湖南省绿色供应链管理示范企业"}
    assert all(label in flat(S000) for _, label in column.choices)
    assert hunan.unit_types["supply_chain"].name == "绿色供应链管理企业"  # national's name, elsewhere


def test_hunan_2025_national_table_is_the_seeds_heading_with_platform_columns(hunan):
    """001 附件2: "新申报国家级绿色制造单位信息汇总表 填报市州（盖章）： 填报人: 联系电话：" and no column headings,
    so the columns are the platform's and the layout says so."""
    seed = flat(S001)
    assert seed.endswith("新申报国家级绿色制造单位信息汇总表填报市州（盖章）：填报人:联系电话：")
    layout = hunan.summary_layouts["hunan.national_new_2025"]
    assert layout.platform and layout.years == (2025,) and layout.levels == (Level.NATIONAL,)
    sheet = texts(layout, 2025, unit="株洲市")["附件2"]
    assert sheet["title"] == "新申报国家级绿色制造单位信息汇总表"
    assert sheet["lines"] == ["填报市州（盖章）：株洲市", "填报人：", "联系电话："]
    assert "no column headings" in layout.cite and "platform" in layout.cite


# ------------------------------------------------------------------ Jiangxi --

def test_jiangxi_prints_one_sheet_of_three_tables_with_tick_boxes_and_footer():
    """003 附件: "2024 年绿色制造名单推荐汇总表", three tables (绿色工厂/绿色园区/绿色供应链管理企业推荐名单), each
    "序号 设区市 区县 …名称 第三方机构名称 行业|类型 推荐申报国家级 或省级 (可同时填报)" with two tick boxes
    "<input type="checkbox"/> 国家级 <input type="checkbox"/> 省级", and "推荐单位： (单位公章) 年 月 日" below."""
    rules = rules_for("jiangxi", 2024)
    seed = seed_text(S003).split("## 2024 年绿色制造名单推荐汇总表")[1]
    layout = rules.summary_layouts["jiangxi.recommendation_summary_2024"]
    assert len(layout.sheets) == 1 and layout.years == (2024,) and not layout.platform
    (sheet,) = layout.sheets
    assert year_text(sheet.title, 2024) == "2024年绿色制造名单推荐汇总表" and sheet.label == "附件"
    lines = seed.splitlines()
    seed_tables = []
    for i, line in enumerate(lines):
        if line.strip().endswith("推荐名单"):
            seed_tables.append((line.strip(), [squeeze(h) for h in lines[i + 1].split("\t") if h.strip()]))
    assert seed_tables == [(s.title, [squeeze(c.header) for c in s.columns]) for s in sheet.sections]
    for section in sheet.sections:
        ticks = section.columns[-1]
        assert ticks.ticks and [label for _, label in ticks.choices] == ["国家级", "省级"]
        assert '<input type="checkbox"/> 国家级 <input type="checkbox"/> 省级' in seed
    seed_footer = [squeeze(t) for t in seed.split("...")[-1].splitlines() if t.strip()]
    assert seed_footer == ["推荐单位：", "（单位公章）", "年月日"]
    assert [squeeze(t) for t in sheet.footer] == seed_footer


# ------------------------------------------------------- Hubei, Shanxi (platform) --

@pytest.mark.parametrize("region,code,year", [("hubei", "hubei.city_recommendation", 2025),
                                              ("shanxi", "shanxi.city_recommendation", 2025)])
def test_cities_tables_the_documents_do_not_prescribe_are_marked_platform_layouts(region, code, year):
    """002 三(四) (市级经信部门…出具推荐意见，择优向省厅推荐) and 004 第十三条 (通过管理平台推荐至省工业和信息化
    厅) name no table: the layout is the platform's, says so in its cite, and prints the seal line."""
    rules = rules_for(region, year)
    layout = rules.summary_layouts[code]
    assert layout.platform and "platform layout" in layout.cite and layout.source == region
    (sheet,) = layout.sheets
    assert sheet.lines[0].startswith("推荐单位（盖章）：{unit}") and sheet.footer
    assert year_text(layout.title, year).startswith(f"{year}年")
    headers = [c.header for c in sheet.sections[0].columns]
    assert "统一社会信用代码" in headers  # a platform table prints the credit code itself


def test_shanxi_groups_the_evaluation_columns_under_one_merged_header():
    rules = rules_for("shanxi", 2025)
    columns = rules.summary_layouts["shanxi.city_recommendation"].sections[0].columns
    assert [c.header for c in columns if c.group == "评价情况"] == ["评价方式", "第三方机构名称", "得分"]


# ---------------------------------------------------------- years (issue 17, item 6) --

def _campaign(year: int, level: str = "provincial"):
    from types import SimpleNamespace

    return SimpleNamespace(year=year, level=level, unit_types=["factory", "supply_chain", "park"])


@pytest.mark.region("hunan")
def test_a_round_without_its_own_layout_reuses_the_latest_and_computes_its_years(app):
    """Issue 17 item 6: a 2026 provincial round prints "2026年湖南省绿色制造体系申报汇总表" with 2025 (预计)
    columns, reusing the layout published for 2024 (000 附件2) and saying so."""
    from core.applications.summary_layout import layout_for, resolve_columns

    own = layout_for(_campaign(2024))
    assert own.code == "hunan.creation_plan_2024" and own.reuses is None
    assert own.title == "2024年湖南省绿色制造体系申报汇总表"
    later = layout_for(_campaign(2026))
    assert later.code == "hunan.creation_plan_2024" and later.reuses == 2024 and later.year == 2026
    assert later.title == "2026年湖南省绿色制造体系申报汇总表"
    headers = [c.header for c in resolve_columns(later.layout.sections[0], 2026, ("factory",))]
    assert headers[6:9] == ["2025年主营业务收入（预计）", "2025年利润（预计）", "2025年税收（预计）"]
    assert not any("2023" in h or "2024" in h for h in headers)
    national = layout_for(_campaign(2027, "national"))
    assert national.code == "hunan.national_new_2025" and national.reuses == 2025


@pytest.mark.region("hunan")
def test_hunan_form_labels_name_the_year_before_the_round(app):
    """Issue 17 item 6 — 000 附件1: "2023 年度预计主要产品生产销售及能源资源消费情况" and "2023年度万元工业增加值
    能耗下降率（%）（预计）" in the 2024 round are the year before the round: 2025 in a 2026 round."""
    from wtforms import Form

    from core.applications.fields import fields_for

    seed = flat(S000)
    assert "2023年度预计主要产品生产销售及能源资源消费情况" in seed and "2023年度万元工业增加值能耗下降率（%）（预计）" in seed
    rules = app.extensions["greenmfg"].rules
    for year, shown in ((2024, "2023"), (2026, "2025")):
        factory = {f.code: f for f in fields_for(rules, "factory", "provincial", year)}
        park = {f.code: f for f in fields_for(rules, "park", "provincial", year)}
        assert factory["hunan.products"].label == f"{shown}年度预计主要产品生产销售情况"
        assert factory["hunan.energy_total"].label == f"{shown}年度预计年能耗总量（万吨标煤）"
        assert park["hunan.park_energy_intensity_decline"].label == f"{shown}年度万元工业增加值能耗下降率（%）（预计）"
        assert park["hunan.park_total_output_est"].label == f"{shown}年园区总产值（亿元）（预计）"
        # the web form's field and the API field carry the same label
        form = type("F", (Form,), {"x": web_field(factory["hunan.energy_total"]),
                                   "p": web_field(factory["hunan.products"])})()
        assert form.x.label.text == f"{shown}年度预计年能耗总量（万吨标煤）"
        assert form.p.label.text == f"{shown}年度预计主要产品生产销售情况"
        assert api_field(factory["hunan.energy_total"]).metadata["label"] == f"{shown}年度预计年能耗总量（万吨标煤）"
    stored = [f.label for f in rules.form_fields.values()]
    assert not any(re.search(r"20\d\d年", label) for label in stored)  # no year is written into a label


def test_every_layout_text_fills_for_any_year():
    """Every text of every layout formats for any round (no unknown field), and widths and ticks are sound."""
    for region in ("hunan", "hubei", "jiangxi", "shanxi"):
        for layout in rules_for(region).summary_layouts.values():
            for sheet in layout.sheets:
                assert len(sheet.name) <= 31
                for t in (sheet.title, sheet.subtitle, sheet.label, *sheet.lines, *sheet.notes, *sheet.footer):
                    assert "{" not in year_text(t, 2031, unit="某市")
                for section in sheet.sections:
                    for c in section.columns:
                        assert "{" not in year_text(c.header, 2031) and c.width >= 0
                        assert not c.ticks or c.choices


def test_the_rules_listing_reads_year_fields_for_the_year_listed():
    """`greenmfg rules --year 2026`, /rules and the API show Hunan's table and form labels for 2026, never a
    field such as {year-1}."""
    import json

    from core.services.rules_export import rules_document

    doc = rules_document(rules_for("hunan"), 2026)
    layouts = {r["key"]: r["value"] for r in doc["rules"] if r["kind"] == "summary_layout"}
    assert layouts["hunan.creation_plan_2024"]["title"] == "2026年湖南省绿色制造体系申报汇总表"
    assert layouts["hunan.creation_plan_2024"]["years"] == [2024]  # and the rounds it was published for
    labels = {r["key"]: r["value"]["label"] for r in doc["rules"] if r["kind"] == "form_field"}
    assert labels["hunan.products"] == "2025年度预计主要产品生产销售情况"
    text = json.dumps([r["value"] for r in doc["rules"] if r["kind"] in ("summary_layout", "form_field")],
                      ensure_ascii=False)
    assert "{year" not in text
