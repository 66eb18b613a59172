"""List levels are named in the reader's language (Hunan and Jiangxi walks): a joint round's "Levels applied for" and
the city's "Levels recommended" offered 国家级 / 省级 on English pages, and the refusals about who publishes a list
(以发文方式公布 / 须经公示) read "The 省级 list ..." in English. Each names the level as the pages do, in both languages
a refusal is kept in; Chinese pages keep 省级 / 国家级.

Publication by level: Hunan's provincial list by a decision (000_5ae1342e00264ea1.txt 二.4 发布...创建计划), the
national list after MIIT's notice (办法 第十二条); Jiangxi 2024 asks for both levels at once (003_a3fa60aeba77aa34.txt 一).
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from flask import current_app
from flask_babel import force_locale

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402
from core.applications.forms import application_form_class, recommend_form  # noqa: E402
from core.errors import Refused  # noqa: E402
from core.extensions import db  # noqa: E402
from core.lists import decisions, notices  # noqa: E402
from core.models import ApplicationStatus as S  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def hunan(make_app):
    with make_app("hunan").app_context():
        yield


@pytest.fixture
def jiangxi(make_app):
    with make_app("jiangxi", WTF_CSRF_ENABLED=False).app_context():
        yield


def _refusal(call) -> Refused:
    with pytest.raises(Refused) as info:
        call()
    return info.value


def test_publication_refusals_name_the_level_in_each_language(hunan):
    by_decision = _refusal(lambda: notices.period_for("provincial", 2025))
    assert "Provincial level" in by_decision.localized("en") and "省级" not in by_decision.localized("en")
    assert by_decision.localized("zh").startswith("省级名单以发文方式公布")

    not_a_city = _refusal(lambda: notices.check_publisher("provincial", 2025, kit.unit("hunan").id))
    assert not_a_city.localized("en").startswith("The Provincial level list is published by"), not_a_city.localized("en")
    assert not_a_city.localized("zh").startswith("省级名单由")
    # who publishes it, in words (it read 由 province 发布)
    assert not_a_city.localized("zh") == "省级名单由省级工业和信息化主管部门发布，而不是由市级发布。"
    assert "the provincial department, not by a city" in not_a_city.localized("en")

    after_notice = _refusal(lambda: decisions.publish_decision(
        "province", level="national", year=2025, application_ids=[1], document_no="湘工信节能〔2025〕1号",
        published_on=dt.date(2025, 6, 1)))
    assert after_notice.localized("en").startswith("The National level list is published after a public notice")
    assert after_notice.localized("zh").startswith("国家级名单须经公示后发布")
    assert str(after_notice).startswith("国家级名单须经公示后发布") and "/ The National level list" in str(after_notice)


def test_joint_round_forms_offer_the_levels_in_the_page_s_language(jiangxi):
    c = kit.campaign("jiangxi", year=2024, level="national", types=("factory",))
    a = kit.application(c, kit.unit("jiangxi"), status=S.SUBMITTED, mode="self")
    a.requested_levels = ["national", "provincial"]
    db.session.flush()

    def labels(lang: str) -> tuple[list[str], list[str]]:
        with current_app.test_request_context("/"), force_locale(lang):
            applied = [str(c.label) for c in application_form_class(a)().requested_levels.choices]
            recommended = [str(c.label) for c in recommend_form(a).levels.choices]
        return applied, recommended

    applied, recommended = labels("en")
    assert applied == recommended == ["National level", "Provincial level"], (applied, recommended)
    applied, recommended = labels("zh")
    assert applied == recommended == ["国家级", "省级"], (applied, recommended)


def test_a_unit_that_cannot_go_on_a_list_is_refused_in_words(hunan):
    """Putting a unit still under review on the provincial list names the statuses and the level, not their codes
    (it read 须处于 graded 状态、申报 provincial 级别 … 当前为 under_review)."""
    c = kit.campaign("hunan", year=2025)
    waiting = kit.application(c, kit.unit("hunan"), status=S.UNDER_REVIEW)
    db.session.flush()
    refusal = _refusal(lambda: notices.check_applications([waiting], [waiting.id], "provincial", 2025, None,
                                                          "province"))
    zh, en = refusal.localized("zh"), refusal.localized("en")
    assert "已评级" in zh and "省级名单" in zh and "省级评审中" in zh, zh
    assert "Graded" in en and "the Provincial level list" in en and "Under provincial review" in en, en
    for text in (zh, en):  # the codes (case-sensitive: Graded and Under provincial review are words)
        assert not re.search(r"\bgraded\b|the provincial level|under_review|申报 provincial", text), text
