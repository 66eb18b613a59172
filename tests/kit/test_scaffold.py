"""``greenmfg new-region``: code validation, both layouts, and a fresh in-tree plugin passing the contract.

The fresh in-tree plugin is rendered into a temporary folder and made visible to a child pytest
through a throwaway ``*.dist-info`` with its ``greenmfg.regions`` entry point, the way an
installed plugin is found; nothing is written into this project's plugins/.
"""
from __future__ import annotations

import ast
import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli import cli
from core.scaffold import TEMPLATE_DIR

CODE = "guangdong"


def new_region(*args):
    return CliRunner().invoke(cli, ["new-region", *map(str, args)])


@pytest.mark.parametrize("code", ["Guangdong", "guang-dong", "9zone", "class", "广东", "national", "hunan", "shanxi"])
def test_bad_or_existing_codes_exit_2_with_a_bilingual_message(code, tmp_path):
    result = new_region(code, "--package", "--out", tmp_path)
    assert result.exit_code == 2, result.output
    assert "错误 / error:" in result.output and code in result.output
    assert not any(tmp_path.iterdir())


def test_an_existing_target_is_not_overwritten(tmp_path):
    assert new_region(CODE, "--package", "--out", tmp_path).exit_code == 0
    again = new_region(CODE, "--package", "--out", tmp_path)
    assert again.exit_code == 2 and "already exists" in again.output


def test_package_layout(tmp_path):
    result = new_region(CODE, "--name", "广东省", "--name-en", "Guangdong", "--package", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    root = tmp_path / f"greenmfg-region-{CODE}"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == [".gitignore", "README.md", f"greenmfg_region_{CODE}/__init__.py",
                     f"greenmfg_region_{CODE}/plugin.py", f"greenmfg_region_{CODE}/rules.py",
                     "pyproject.toml", "setup.cfg", "tests/test_contract.py"]
    cfg = configparser.ConfigParser()
    cfg.read(root / "setup.cfg", encoding="utf-8")
    assert cfg["metadata"]["name"] == f"greenmfg-region-{CODE}"
    assert cfg["options.entry_points"]["greenmfg.regions"].strip() == f"{CODE} = greenmfg_region_{CODE}.plugin"
    assert "setuptools.build_meta" in (root / "pyproject.toml").read_text()
    for path in root.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    test = (root / "tests/test_contract.py").read_text(encoding="utf-8")
    assert f"class TestGuangdongContract(RegionContract):\n    region = \"{CODE}\"" in test
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "广东省" in readme and "CITE_TODO" in readme and "TODO" in readme
    rules = (root / f"greenmfg_region_{CODE}/rules.py").read_text(encoding="utf-8")
    assert 'name="广东省", name_en="Guangdong"' in rules and "CITE_TODO" in rules


def test_templates_ship_as_package_data():
    cfg = configparser.ConfigParser()
    cfg.read(Path(__file__).parents[2] / "setup.cfg", encoding="utf-8")
    assert "*.tmpl" in cfg["options.package_data"]["*"]
    assert (TEMPLATE_DIR / "__init__.py").exists(), "region_template must be a package for its *.tmpl data"


@pytest.mark.slow
def test_fresh_in_tree_plugin_passes_the_contract_before_any_edit(tmp_path):
    src = tmp_path / "src"
    result = new_region(CODE, "--out", src)
    assert result.exit_code == 0, result.output
    assert f"{CODE} = plugins.{CODE}.plugin" in result.output
    assert sorted(p.name for p in (src / CODE).iterdir()) == ["README.md", "__init__.py", "plugin.py", "rules.py"]

    # Install it the way setuptools would, minus the build: a dist-info with the entry point.
    # The rendered package is importable as "guangdong" from src/ (plugin.py imports relatively).
    site = tmp_path / "site"
    dist_info = site / f"greenmfg_region_{CODE}_scaffold_test-0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: greenmfg-region-{CODE}-scaffold-test\n"
                                        "Version: 0\n", encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(f"[greenmfg.regions]\n{CODE} = {CODE}.plugin\n", encoding="utf-8")

    # The contract subclass exactly as the command printed it.
    printed = result.output.split("tests/plugins/test_contract.py:\n", 1)[1].split("\n然后", 1)[0]
    test_file = tmp_path / "test_fresh_region.py"
    test_file.write_text("from core.testing.contract import RegionContract\n\n\n"
                         + "\n".join(line[4:] for line in printed.splitlines()) + "\n", encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --strict-markers\n", encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(site), os.environ.get("PYTHONPATH", "")]),
           "GREENMFG_INSTANCE_PATH": str(tmp_path / "instance")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(test_file)],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "failed" not in run.stdout and " passed" in run.stdout
