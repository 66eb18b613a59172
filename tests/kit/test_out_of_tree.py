"""Out-of-tree proof: a region package made by ``greenmfg new-region --package`` installs into a
fresh environment, is found through its ``greenmfg.regions`` entry point, passes its own
contract test there and shows up in ``greenmfg rules``.

Offline: the package is built with ``--no-build-isolation --no-index`` from the build backend
already installed (setuptools >= 70.1 from the ``test`` extra, or an older one plus wheel). The fresh venv sees this
environment's packages (greenmfg itself, pytest, Flask...) through a ``.pth`` file that adds our
site-packages as a site directory (so greenmfg's editable finder works there too); the region
package itself is installed into the fresh venv only.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import site
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CODE = "guangdong"


def run(*args, cwd=None, env=None, timeout=300):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=timeout,
                            env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **(env or {})})
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result


def _build_backend_missing() -> str | None:
    """Why this environment cannot build a setuptools wheel offline, or None."""
    import setuptools

    if importlib.util.find_spec("wheel") is not None:
        return None
    if tuple(int(p) for p in setuptools.__version__.split(".")[:2]) >= (70, 1):
        return None  # bdist_wheel ships with setuptools from 70.1
    return f"setuptools {setuptools.__version__} without wheel; pip install -e '.[test]' installs setuptools>=70.1"


@pytest.fixture
def fresh_venv(tmp_path) -> Path:
    missing = _build_backend_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the out-of-tree test: {missing}")
        pytest.skip(f"no offline build backend: {missing}")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    ours = [p for p in site.getsitepackages() if Path(p).is_dir()]
    lines = [f"import site; site.addsitedir({p!r})" for p in ours]
    (Path(purelib) / "greenmfg_parent_env.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return python


def test_generated_package_installs_and_passes_its_contract_out_of_tree(tmp_path, fresh_venv):
    greenmfg = Path(sys.executable).with_name("greenmfg")
    src = tmp_path / "src"
    src.mkdir()
    run(greenmfg, "new-region", CODE, "--name", "广东省", "--name-en", "Guangdong", "--package", cwd=src)
    package_dir = src / f"greenmfg-region-{CODE}"

    run(fresh_venv, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", package_dir)
    where = run(fresh_venv, "-c", f"import greenmfg_region_{CODE} as m; print(m.__file__)").stdout
    assert str(tmp_path / "venv") in where, "the region package must come from the fresh venv"
    eps = run(fresh_venv, "-c", "from core.plugins.manager import installed_regions; "
                                "print(sorted(installed_regions()))").stdout
    assert CODE in eps

    # The fixture example of docs/writing-a-region-plugin.md, run beside the generated contract test.
    guide = (Path(__file__).parents[2] / "docs" / "writing-a-region-plugin.md").read_text(encoding="utf-8")
    [example] = [b for b in re.findall(r"```python\n(.*?)```", guide, re.S) if "greenmfg_region(" in b]
    (package_dir / "tests" / "test_guide_example.py").write_text(example, encoding="utf-8")

    instance = {"GREENMFG_INSTANCE_PATH": str(tmp_path / "instance")}
    tests = run(fresh_venv, "-m", "pytest", package_dir / "tests", "-q", "-rA", "-p", "no:cacheprovider",
                cwd=package_dir, env=instance)
    assert " passed" in tests.stdout and "failed" not in tests.stdout, tests.stdout
    assert "PASSED tests/test_guide_example.py::test_city_recommendation_is_june_30" in tests.stdout
    assert "PASSED tests/test_contract.py::TestGuangdongContract::test_serves_main_pages" in tests.stdout

    cli = run(fresh_venv, "-c", "import sys; from core.cli import main; sys.argv[0] = 'greenmfg'; main()",
              "rules", "--region", CODE, "--format", "json", "--year", "2025", env=instance)
    doc = json.loads(cli.stdout)
    assert doc["region"]["code"] == CODE and doc["region"]["source"] == CODE
    assert {p["name"] for p in doc["plugins"]} == {"national", CODE}
    own = [r for r in doc["rules"] if r["source"] == CODE]
    assert {r["kind"] for r in own} >= {"region", "admin_unit", "deadline"}
    assert all(r["cite"] for r in own)
