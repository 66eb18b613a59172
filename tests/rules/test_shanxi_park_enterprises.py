"""Issue 17 missing 10: Shanxi 第十七条 bars a park for its in-park enterprises' records.

Seed 004_7a8ddd82f611ab67.txt 第十七条: "近三年有下列情况的企业或园区（含园区内企业），不得申请、推荐和列入绿色制造名单：
…（三）被动态调整出绿色制造名单的；…" The park lists its in-park enterprises by 统一社会信用代码; the platform checks
them against what it holds (bans, removals from a list, negative-list items they declared as applying).
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

import factories as f
from helpers import seed_text
from core.applications import eligibility
from core.extensions import db
from core.models import Ban, ListEntry

CODE = "shanxi.park_enterprises_records"
FIELD = "shanxi.park_enterprise_usccs"
AS_OF = dt.date(2025, 5, 1)


def _park(enterprises: str):
    unit = f.admin_unit("shanxi", "shanxi.taiyuan", "太原市")
    park = f.application(f.campaign("shanxi", 2025, "provincial"), unit, "park")
    park.extension_data = {FIELD: enterprises}
    db.session.flush()
    return unit, park


def _result(park):
    results = eligibility.evaluate(park, as_of=AS_OF)
    return next(r for r in results if r["code"] == CODE), results


@pytest.mark.region("shanxi")
def test_park_refused_for_an_in_park_enterprise_removed_from_the_list(app):
    text = re.sub(r"\s+", "", seed_text("004_7a8ddd82f611ab67.txt"))
    assert "第十七条近三年有下列情况的企业或园区（含园区内企业），不得申请、推荐和列入绿色制造名单" in text
    assert "（三）被动态调整出绿色制造名单的；" in text
    unit = f.admin_unit("shanxi", "shanxi.jinzhong", "晋中市")
    removed, clean = f.organization(unit, "晋中焦化有限公司"), f.organization(unit, "晋中新材料有限公司")
    db.session.add(ListEntry(organization_id=removed.id, unit_type="factory", level="provincial", year=2022,
                             status="removed", removed_on=dt.date(2024, 3, 1), notice_no="晋工信节能字〔2024〕1号",
                             removal_reason="发生较大生产安全事故"))
    _, park = _park(f"{clean.uscc}\n{removed.uscc.lower()}")
    result, results = _result(park)
    assert result["ok"] is False and result["blocking"] and result in eligibility.recommend_blockers(results)
    assert removed.uscc in result["message"] and "晋中焦化有限公司" in result["message"]
    assert "被动态调整出绿色制造名单" in result["message"] and "发生较大生产安全事故" in result["message"]
    assert clean.uscc not in result["message"]
    assert "第十七条" in result["cite"] and "含园区内企业" in result["cite"]
    # a removal more than three years (近三年) before is no bar
    db.session.query(ListEntry).filter_by(organization_id=removed.id).update({"removed_on": dt.date(2021, 3, 1)})
    assert _result(park)[0]["ok"] is True


@pytest.mark.region("shanxi")
def test_park_refused_for_a_banned_or_self_declared_in_park_enterprise(app):
    unit = f.admin_unit("shanxi", "shanxi.datong", "大同市")
    banned, declared = f.organization(unit, "大同铸造有限公司"), f.organization(unit, "大同化工有限公司")
    db.session.add(Ban(uscc=banned.uscc, subject="organization", reason="提供虚假材料", sanction_code="shanxi.fraud",
                       starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2026, 12, 31)))
    own = f.application(f.campaign("shanxi", 2024, "provincial"), unit, "factory", org=declared)
    own.declarations = {"dishonest_debtor": False}  # （六）企业被列为失信被执行人的
    _, park = _park(f"{banned.uscc}，{declared.uscc}")
    result, _ = _result(park)
    assert result["ok"] is False
    assert "大同铸造有限公司" in result["message"] and "提供虚假材料" in result["message"]
    assert "大同化工有限公司" in result["message"] and "失信被执行人" in result["message"]


@pytest.mark.region("shanxi")
def test_park_with_clean_or_malformed_enterprise_codes(app):
    unit = f.admin_unit("shanxi", "shanxi.yuncheng", "运城市")
    clean = f.organization(unit, "运城食品有限公司")
    _, park = _park(clean.uscc + "\n" + f.uscc(999999))  # one the platform does not know: no record held
    assert _result(park)[0]["ok"] is True
    park.extension_data = {FIELD: "91140100ABC"}
    result, _ = _result(park)
    assert result["ok"] is False and "91140100ABC" in result["message"] and "统一社会信用代码" in result["message"]
