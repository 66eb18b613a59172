"""``greenmfg new-region CODE``: scaffold a region plugin, in-tree or as its own package."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from core.plugins.manager import installed_regions
from core.scaffold import ScaffoldError, check_code, render


def _plugins_dir() -> Path:
    import plugins

    return Path(plugins.__file__).parent


@click.command("new-region")
@click.argument("code")
@click.option("--name", help="Chinese name (地区中文名; default: the English name).")
@click.option("--name-en", help="English name (default: CODE, capitalised).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write (in-tree default: this project's plugins/; --package default: .).")
@click.option("--package", is_flag=True,
              help="A separate distribution greenmfg-region-CODE with its own setup.cfg and entry point.")
def new_region_command(code: str, name: str | None, name_en: str | None, out: Path | None, package: bool) -> None:
    """Scaffold a working region plugin that passes the contract. 生成地区插件骨架。"""
    existing = set(installed_regions())
    if not package and out is None:
        existing |= {p.name for p in _plugins_dir().iterdir() if p.is_dir() and not p.name.startswith("_")}
    try:
        check_code(code, existing)
        result = render(code, out or (Path.cwd() if package else _plugins_dir()),
                        name=name, name_en=name_en, package=package)
    except ScaffoldError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"已生成 / created {result.root}")
    for path in result.files:
        click.echo(f"  {path.relative_to(result.root)}")
    if package:
        click.echo("\n下一步 / next:")
        click.echo(f"  pip install -e {result.root}")
        click.echo(f"  cd {result.root} && python -m pytest")
        click.echo(f"  GREENMFG_REGION={code} greenmfg rules")
    else:
        click.echo("\n在 setup.cfg 的 [options.entry_points] greenmfg.regions 下加入 / "
                   "add under [options.entry_points] greenmfg.regions in setup.cfg:")
        click.echo(f"    {result.entry_point}")
        click.echo("在 tests/plugins/test_contract.py 中加入 / add to tests/plugins/test_contract.py:")
        click.echo("\n".join("    " + line for line in result.contract.splitlines()))
        click.echo("然后 / then: pip install -e . && python -m pytest tests/plugins/test_contract.py")


COMMANDS = [new_region_command]
