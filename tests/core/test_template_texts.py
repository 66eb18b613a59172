"""A template's ``_('…')`` without parameters is made once per catalogue and kept (core/i18n.py ``_kept_gettext``,
issue 57: a page asked for 10-30 such texts, each through five calls and a format). What a page shows must not
change: each language its own text, a text with parameters formatted at each call, a ``%%`` read as ``%``, a
sentence ending once (``one_stop``), a ``force_locale`` block inside a Chinese page in English."""
from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale
from markupsafe import Markup

PAGE = ("{{ _('Annual filings') }}|{{ _('Annual filings') }}|"
        "{{ _('%(n)d filings opened for %(year)d.', n=n, year=2026) }}|{{ _('100%% kept') }}|{{ gettext('Year') }}")


def _shown(app, lang: str, n: int) -> list[str]:
    with app.test_request_context(f"/?lang={lang}"):
        return render_template_string(PAGE, n=n).split("|")


def test_each_language_shows_its_own_text_and_parameters_each_time(make_app):
    app = make_app("hunan")
    first_zh = _shown(app, "zh", 3)
    assert first_zh[:2] == ["年度动态管理填报", "年度动态管理填报"]
    assert first_zh[2] == "已开启2026年度填报3份。"
    assert first_zh[3] == "100% kept"  # no catalogue entry: the source text, formatted as Jinja's gettext does
    en = _shown(app, "en", 5)
    assert en == ["Annual filings", "Annual filings", "5 filings opened for 2026.", "100% kept", "Year"]
    again_zh = _shown(app, "zh", 7)  # kept texts come back per catalogue; the parameters are this call's
    assert again_zh[:2] == first_zh[:2] and again_zh[3:] == first_zh[3:]
    assert again_zh[2] == "已开启2026年度填报7份。"


def test_a_force_locale_block_inside_a_chinese_page_shows_english(make_app):
    app = make_app("hunan")
    with app.test_request_context("/?lang=zh"):
        assert render_template_string("{{ _('Annual filings') }}") == "年度动态管理填报"
        with force_locale("en"):
            assert render_template_string("{{ _('Annual filings') }}") == "Annual filings"
        assert render_template_string("{{ _('Annual filings') }}") == "年度动态管理填报"


def test_kept_texts_stay_markup_in_html_and_plain_text_where_autoescape_is_off(make_app):
    app = make_app("hunan")
    env = app.jinja_env
    with app.test_request_context("/?lang=en"):
        for _ in range(2):  # made, then kept
            html = env.from_string("{% set t = _('Annual filings') %}{{ t.__class__.__name__ }}").render()
            plain = env.from_string("{% autoescape false %}{% set t = _('Annual filings') %}"
                                    "{{ t.__class__.__name__ }}{% endautoescape %}").render()
            assert html == Markup.__name__
            assert plain == "str"


def test_coded_labels_follow_the_language_and_the_records(make_app):
    """A list's unit-type and level labels (core/web/rows.py ``coded_labels``), made once per rules mapping and
    language: Hunan's unit types in Chinese, then in English, then other records under the same codes."""
    from types import SimpleNamespace

    from core.kernel.rules import region_rules
    from core.web.rows import coded_labels

    app = make_app("hunan")
    with app.test_request_context("/?lang=zh"):
        types = region_rules().unit_types
        zh = coded_labels(types)
        assert zh["factory"] == "绿色工厂" and coded_labels(types) == zh
        zh["factory"] = "changed by a caller"
        assert coded_labels(types)["factory"] == "绿色工厂"
        other = {"factory": SimpleNamespace(name="工厂<甲>", name_en="Plant")}
        assert coded_labels(other) == {"factory": "工厂&lt;甲&gt;"}
    with app.test_request_context("/?lang=en"):
        assert coded_labels(types)["factory"] == "Green factory"
        assert coded_labels(other) == {"factory": "Plant"}


def test_a_pages_texts_follow_the_language(make_app):
    """A page's own texts (core/web/rows.py ``translated``), made once per mapping and language."""
    from flask_babel import lazy_gettext

    from core.web.rows import translated

    page = {"title": lazy_gettext("Annual filings"), "year": lazy_gettext("Year")}
    app = make_app("hunan")
    with app.test_request_context("/?lang=zh"):
        zh = translated(page)
        assert zh["title"] == "年度动态管理填报"
        zh["title"] = "changed by a caller"
        assert translated(page)["title"] == "年度动态管理填报"
        with force_locale("en"):
            assert translated(page) == {"title": "Annual filings", "year": "Year"}
        assert translated({"title": lazy_gettext("Year")})["title"] == translated(page)["year"]
