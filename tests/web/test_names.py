"""Who acted and what a stored text says, in the page's language (core/web/names.py, core/i18n.py): the platform's
own work is named in words, never by its internal actor name; a text the platform kept as "中文 / English" shows
the half of the page's language (a CI crawl found removal proposals showing both, proposed by "scheduler")."""
from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale

from core.i18n import halves, in_language
from core.web.names import recorded_by


@pytest.fixture(scope="module")
def app():
    from core import create_app

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True,
                      "GREENMFG_REGION": "hunan"})  # nothing here reads the database
    with app.test_request_context("/"):
        yield app


@pytest.mark.parametrize(("actor", "zh", "en"), [
    ("scheduler", "平台定时任务", "scheduled work of the platform"),
    ("notifications", "平台通知", "the platform's notifications"),
    ("cli:root", "命令行（root）", "command line (root)"),
    ("demo:data", "演示数据", "demo data"),  # the demo's own steps (Hunan walk: the history read 操作人 demo)
    (None, "—", "—"),
])  # an account reads by its name (its log-in name for an administrator): tests/notifications/test_return_wording.py
def test_who_acted_reads_in_words(app: Flask, actor, zh, en):
    with force_locale("zh"):
        assert recorded_by(actor) == zh
    with force_locale("en"):
        assert recorded_by(actor) == en


def test_a_text_kept_in_both_languages_shows_the_half_of_the_page(app: Flask):
    reason = "未按时填报2026年度动态管理表（截止2026-04-15） / did not file the 2026 dynamic-management table by 2026-04-15"
    with force_locale("zh"):
        assert in_language(reason) == "未按时填报2026年度动态管理表（截止2026-04-15）"
    with force_locale("en"):
        assert in_language(reason) == "did not file the 2026 dynamic-management table by 2026-04-15"
    assert halves("材料不全") == ("材料不全", "材料不全")  # a person's reason in one language: shown as written
    assert halves("ISO 14001 / GB/T 24001") == ("ISO 14001 / GB/T 24001",) * 2  # no Chinese half: not split


def test_levels_unit_types_and_unit_kinds_read_as_names(app: Flask):
    """A level, a unit type and a submitting unit's kind are shown by name, never by code (a read-through found the
    evaluator's engagements, the recommendation's candidates and the home page's units showing codes)."""
    from core.kernel.names import level_name, unit_type_name
    from core.web.names import unit_kind_name

    with force_locale("zh"):
        assert (level_name("provincial"), unit_type_name("factory"), unit_kind_name("市")) == ("省级", "绿色工厂", "市")
        rendered = app.jinja_env.from_string("{{ 'national'|level }}·{{ '省直管试点县'|unit_kind }}").render()
        assert rendered == "国家级·省直管试点县"
    with force_locale("en"):
        assert level_name("provincial") == "Provincial level"
        assert unit_type_name("factory") == "Green factory"
        assert unit_kind_name("州") == "Autonomous prefecture"


def test_a_rule_and_a_declared_item_read_by_their_title_in_the_pages_language(app: Flask):
    """An expert's independence rule (review page) and a negative-list item (case file) by title: Chinese, or the
    plugin's English on an English page, the Chinese where the plugin gives none."""
    from types import SimpleNamespace

    rule = SimpleNamespace(title="评价机构与申报单位无利害关系", title_en="The firm has no interest in the applicant")
    item = {"code": "x", "title": "近三年发生较大及以上安全事故", "title_en": None}
    template = app.jinja_env.from_string("{{ rule|titled }}·{{ item|titled }}")
    with force_locale("zh"):
        assert template.render(rule=rule, item=item) == "评价机构与申报单位无利害关系·近三年发生较大及以上安全事故"
    with force_locale("en"):
        assert template.render(rule=rule, item=item) == "The firm has no interest in the applicant·近三年发生较大及以上安全事故"
