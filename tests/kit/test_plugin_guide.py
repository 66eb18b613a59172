"""docs/writing-a-region-plugin.md stays true to the kit: every flag, contract test, fixture and scaffold option
it should describe is there, its code parses, and its contract snippet is what the scaffold writes.
(The guide's fixture example runs against a fresh package in tests/kit/test_out_of_tree.py.)
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from core.cli.new_region import new_region_command
from core.scaffold import contract_class
from core.testing.contract import RegionContract

GUIDE = Path(__file__).parents[2] / "docs" / "writing-a-region-plugin.md"


def text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text(), re.S)


def test_every_capability_flag_is_documented_with_its_default():
    flags = [n for n in dir(RegionContract) if n.startswith(("has_", "uses_"))]
    assert flags
    for flag in flags:
        assert f"| `{flag}` | {getattr(RegionContract, flag)} |" in text(), flag


def test_every_contract_test_is_documented():
    for name in dir(RegionContract):
        if name.startswith("test_"):
            assert f"`{name}`" in text(), name


def test_every_scaffold_option_and_kit_fixture_is_documented():
    for param in new_region_command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert opt in text(), opt
    for fixture in ("greenmfg_make_app", "greenmfg_app", "greenmfg_client", "greenmfg_rules", "greenmfg_region"):
        assert fixture in text(), fixture


def test_python_examples_parse_and_the_contract_snippet_is_the_scaffolds():
    blocks = code_blocks("python")
    for block in blocks:
        ast.parse(block)
    assert any(contract_class("guangdong") in block for block in blocks)
