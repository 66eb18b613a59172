"""The region contract (core/testing/contract.py) for every in-tree province, and the meta-test
that no installed region goes without one.

Each province's contract is one subclass; the flags say what the province does not use.
Known contract failures are listed in ``expected_failures`` (strict xfail) with the exact
problem, for the province's owner to fix; nothing in the province plugins is changed here.
"""
from __future__ import annotations

import configparser
from importlib.metadata import distribution
from pathlib import Path

import pytest

from core.plugins.manager import ENTRY_POINT_GROUP, NATIONAL, installed_regions
from core.testing.contract import RegionContract

ROOT = Path(__file__).parents[2]


class TestHunanContract(RegionContract):
    region = "hunan"
    has_form_fields = True
    has_summary_layouts = True
    #: 组织机构代码 (8 characters, optional hyphen, check character): the contract cannot guess a pattern
    form_samples = {
        "hunan.org_code": "12345678-9",  # the plugin's example of 附件1 企业近三年经营情况 covers hunan.finances
    }


class TestHubeiContract(RegionContract):
    region = "hubei"
    has_quota = True
    has_summary_layouts = True
    has_form_fields = True


class TestJiangxiContract(RegionContract):
    region = "jiangxi"
    has_form_fields = True
    has_summary_layouts = True
    form_samples = {"jiangxi.park_rank": "provincial"}  # 003 二（二）: 省级及以上园区 (the form starts blank)


class TestShanxiContract(RegionContract):
    region = "shanxi"
    has_form_fields = True
    has_summary_layouts = True


# ------------------------------------------------------------------ meta-tests --


def _contract_regions() -> dict[str, str]:
    found, todo = {}, [RegionContract]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.region and sub.__name__.startswith("Test"):
                found[sub.region] = sub.__name__
    return found


def _setup_cfg_regions() -> set[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = cfg.get("options.entry_points", ENTRY_POINT_GROUP, fallback="").strip().splitlines()
    return {line.split("=")[0].strip() for line in lines if line.strip()}


def _greenmfg_entry_points() -> set[str]:
    return {ep.name for ep in distribution("greenmfg").entry_points if ep.group == ENTRY_POINT_GROUP}


def test_installed_entry_points_match_setup_cfg():
    assert _greenmfg_entry_points() == _setup_cfg_regions(), "entry points are stale: run pip install -e ."


@pytest.mark.parametrize("region", sorted((_setup_cfg_regions() | set(installed_regions())) - {NATIONAL}))
def test_every_region_entry_point_has_a_contract(region):
    assert region in _contract_regions(), (
        f"entry point {region!r} in {ENTRY_POINT_GROUP} has no RegionContract subclass; add\n"
        f"    class Test{region.title()}Contract(RegionContract):\n        region = {region!r}")


def test_national_is_installed_like_the_provinces():
    """National is an entry point of the same group, loaded by the same code path as a province; every
    province's contract above runs on top of it (a contract checks a province against national)."""
    from core.plugins.manager import build_plugin_manager

    assert NATIONAL in _setup_cfg_regions() and installed_regions()[NATIONAL].value == "plugins.national.plugin"
    pm = build_plugin_manager("hunan")
    assert [name for name, _ in pm.list_name_plugin()][:2] == [NATIONAL, "hunan"]
    assert build_plugin_manager(NATIONAL).get_plugin(NATIONAL) is installed_regions()[NATIONAL].load()
