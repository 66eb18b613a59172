"""``greenmfg new-region``: render a complete, working region plugin from ``region_template/``.

Two layouts, one set of templates (``string.Template``, ``$code`` placeholders):

* in-tree: ``plugins/<code>/`` inside this project (``__init__.py``, ``plugin.py``, ``rules.py``,
  ``README.md``); the caller prints the ``setup.cfg`` entry-point line and the contract
  subclass to add;
* ``--package``: a separate distribution ``greenmfg-region-<code>`` with its own ``setup.cfg``,
  ``pyproject.toml``, package ``greenmfg_region_<code>`` and ``tests/test_contract.py``,
  registered through the ``greenmfg.regions`` entry point.

A freshly rendered plugin passes the region contract before any edit (tests/kit).
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

TEMPLATE_DIR = Path(__file__).parent / "region_template"
CODE_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
RESERVED = frozenset({"national", "core", "plugins", "test", "tests"})

#: template file -> path in the in-tree layout (relative to plugins/<code>/)
IN_TREE = {
    "__init__.py.tmpl": "__init__.py",
    "plugin.py.tmpl": "plugin.py",
    "rules.py.tmpl": "rules.py",
    "README.md.tmpl": "README.md",
}
#: template file -> path in the package layout (relative to greenmfg-region-<code>/)
PACKAGE = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "setup.cfg.tmpl": "setup.cfg",
    "README.md.tmpl": "README.md",
    "gitignore.tmpl": ".gitignore",
    "__init__.py.tmpl": "greenmfg_region_$code/__init__.py",
    "plugin.py.tmpl": "greenmfg_region_$code/plugin.py",
    "rules.py.tmpl": "greenmfg_region_$code/rules.py",
    "test_contract.py.tmpl": "tests/test_contract.py",
}


class ScaffoldError(ValueError):
    """A code or target the scaffold refuses; the message is bilingual."""


@dataclass
class Rendered:
    root: Path
    package: str
    entry_point: str
    contract: str
    files: list[Path] = field(default_factory=list)


def check_code(code: str, existing: set[str] = frozenset()) -> None:
    """Refuse codes that are not a lowercase ASCII identifier, are reserved, or name an existing region."""
    if not CODE_RE.match(code) or keyword.iskeyword(code):
        raise ScaffoldError(
            f"地区代码须为小写ASCII标识符（字母开头，仅含a-z、0-9、_）/ region code {code!r} must be a lowercase "
            "ASCII identifier (a letter first, then a-z, 0-9 or _), e.g. guangdong")
    if code in RESERVED:
        raise ScaffoldError(f"地区代码 {code!r} 为保留字 / region code {code!r} is reserved")
    if code in existing:
        raise ScaffoldError(f"地区 {code!r} 已存在 / region {code!r} already exists (installed or in plugins/)")


def contract_class(code: str) -> str:
    stem = "".join(part.capitalize() for part in code.split("_"))
    return f"class Test{stem}Contract(RegionContract):\n    region = \"{code}\""


def render(code: str, out: Path, *, name: str | None = None, name_en: str | None = None,
           package: bool = False) -> Rendered:
    """Write the plugin for ``code`` under ``out`` and return what was written.

    In-tree: ``out/<code>/``; package: ``out/greenmfg-region-<code>/``. The target must not exist.
    """
    name_en = name_en or " ".join(part.capitalize() for part in code.split("_"))
    name = name or name_en
    import_package = f"greenmfg_region_{code}" if package else f"plugins.{code}"
    root = out / (f"greenmfg-region-{code}" if package else code)
    if root.exists():
        raise ScaffoldError(f"目标已存在 / {root} already exists; choose another --out")
    values = {
        "code": code,
        "CODE": code.upper(),
        "name": name,
        "name_en": name_en,
        "package": import_package,
        "dist": f"greenmfg-region-{code}",
        "contract_class": contract_class(code),
        "entry_point": f"{code} = {import_package}.plugin",
    }
    layout = PACKAGE if package else IN_TREE
    result = Rendered(root=root, package=import_package, entry_point=values["entry_point"],
                      contract=values["contract_class"])
    for template_name, target in layout.items():
        text = Template((TEMPLATE_DIR / template_name).read_text(encoding="utf-8")).substitute(values)
        path = root / Template(target).substitute(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        result.files.append(path)
    return result
