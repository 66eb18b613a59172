"""``greenmfg users create-admin`` and ``greenmfg config list|check``: what a deployer runs (issue 44)."""
from __future__ import annotations

import difflib
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any, Mapping

import click
from flask import current_app
from flask.cli import with_appcontext

from core.config import declaration

# ------------------------------------------------------------------------------------------------ users --


@click.group("users")
def users_group() -> None:
    """Accounts from the command line. 账号。"""


@users_group.command("create-admin")
@click.argument("username")
@click.option("--name", "display_name", default=None, help="the name shown on pages (default: the user name)")
@click.option("--password-env", default=None, metavar="VAR",
              help="read the password from this environment variable (never on the command line); "
                   "without it the password is asked for twice")
@with_appcontext
def create_admin_command(username: str, display_name: str | None, password_env: str | None) -> None:
    """Create the first administrator (or another one). The account must set up its second factor (TOTP) at
    its first log-in; the creation is audited."""
    from core.accounts import services
    from core.errors import GreenmfgError
    from core.extensions import db
    from core.models import Role

    if password_env:
        password = os.environ.get(password_env) or ""
        if not password:
            raise click.ClickException(f"环境变量 {password_env} 为空 / the environment variable {password_env} is empty")
    else:
        password = click.prompt("口令 / password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(username=username, password=password, display_name=display_name or username,
                                    role=Role.ADMIN, actor=f"cli:{getpass.getuser()}")
        db.session.commit()
    except GreenmfgError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    mfa = "admin" in set(current_app.config.get("GREENMFG_MFA_ROLES") or ())
    click.echo(f"管理员已创建 / administrator created: {user.username}")
    if mfa:
        click.echo("首次登录须设置第二因素（TOTP 验证器）/ at the first log-in the account must set up its second "
                   "factor (a TOTP authenticator app)")
    else:
        click.echo("警告 / warning: GREENMFG_MFA_ROLES does not name admin: this account signs in with its password "
                   "alone", err=True)


def _reset(action, username: str):
    from core.errors import GreenmfgError
    from core.extensions import db

    try:
        done = action(username, f"cli:{getpass.getuser()}")
        db.session.commit()
    except GreenmfgError as exc:
        db.session.rollback()
        click.echo(f"错误 / error: {exc.bilingual()}", err=True)
        sys.exit(2)
    return done


@users_group.command("reset-password")
@click.argument("username")
@with_appcontext
def reset_password_command(username: str) -> None:
    """Give an account (an administrator's too) a one-time password, printed once: it chooses its own at the
    next log-in; its sessions end and its API tokens stop. Audited."""
    from core.accounts import operator

    user, password, tokens = _reset(operator.reset_password, username)
    click.echo(f"一次性口令 / one-time password for {user.username}: {password}")
    click.echo(f"下次登录须更改口令；会话已结束，API 令牌已撤销 {tokens} 个 / the password must be changed at the next "
               f"log-in; sessions ended, {tokens} API tokens revoked")


@users_group.command("reset-mfa")
@click.argument("username")
@with_appcontext
def reset_mfa_command(username: str) -> None:
    """Remove an account's second factor (lost phone and recovery codes): it sets one up again at its next
    log-in; its sessions end and its API tokens stop. Audited."""
    from core.accounts import operator

    user, tokens = _reset(operator.reset_mfa, username)
    click.echo(f"第二因素已移除 / second factor removed for {user.username}: it sets one up at its next log-in; "
               f"sessions ended, {tokens} API tokens revoked / 会话已结束，API 令牌已撤销 {tokens} 个")


# ----------------------------------------------------------------------------------------------- config --


@click.group("config")
def config_group() -> None:
    """The declared settings (core/config/declaration.py). 配置项。"""


def _shown(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def settings_json() -> list[dict[str, Any]]:
    return [{"name": s.name, "type": s.type, "default": _shown(s.default), "component": s.component,
             "kind": s.kind, "choices": list(s.choices), "secret": s.secret, "description": s.description}
            for s in declaration.SETTINGS]


def _default_text(value: Any) -> str:
    if value is None:
        return "(none)"
    return json.dumps(_shown(value), ensure_ascii=False) if not isinstance(value, str) else value


def settings_markdown() -> str:
    """docs/configuration.md, generated (tests/ops/test_settings_declared.py checks the file is current)."""
    lines = ["# Configuration", "",
             "<!-- generated by `greenmfg config list --format markdown` from core/config/declaration.py; "
             "do not edit -->", "",
             "Every setting is a key of the instance folder's `config.py` or an environment variable of the same "
             "name (environment values are read as JSON when they parse: `true`, `30`, `[\"a\"]`, "
             "`{\"provincial\": [10, \"working_days\"]}`; else as text). Precedence, highest first: the "
             "environment, the instance's `config.py`, a region plugin's defaults, the defaults below. "
             "`greenmfg config check` validates an environment before a start; `greenmfg config list --format "
             "json` prints this list. Settings of kind *env* are read from the environment only; *test* ones by "
             "the test suite only. Region plugins add their own keys, prefixed with the region code "
             "(`<REGION>_…`): see each plugin's README.", ""]
    component = None
    for s in sorted(declaration.SETTINGS, key=lambda s: (s.component, s.name)):
        if s.component != component:
            component = s.component
            lines += [f"## {component}", "", "| Setting | Type | Default | Meaning |", "| --- | --- | --- | --- |"]
        extra = []
        if s.choices:
            extra.append("one of " + ", ".join(f"`{c}`" for c in s.choices))
        if s.kind != "config":
            extra.append(f"kind: {s.kind}")
        if s.secret:
            extra.append("secret")
        meaning = s.description + (f" ({'; '.join(extra)})" if extra else "")
        lines.append(f"| `{s.name}` | {s.type} | `{_default_text(s.default)}` | {meaning.replace('|', '/')} |")
        nxt = sorted(declaration.SETTINGS, key=lambda s: (s.component, s.name))
        if s is nxt[-1] or nxt[nxt.index(s) + 1].component != component:
            lines.append("")
    return "\n".join(lines)


@config_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "markdown"]), default="text")
def config_list(fmt: str) -> None:
    """Every declared GREENMFG_* setting: name, type, default, the component that reads it, its meaning."""
    if fmt == "json":
        click.echo(json.dumps(settings_json(), ensure_ascii=False, indent=2))
        return
    if fmt == "markdown":
        click.echo(settings_markdown(), nl=False)
        return
    if fmt == "csv":
        from core.cli.output import emit

        rows = [{**s, "default": s["default"] if s["default"] is None or isinstance(s["default"], str)
                 else json.dumps(s["default"], ensure_ascii=False)} for s in settings_json()]
        emit(rows, fmt, ["name", "type", "default", "component", "kind", "choices", "secret", "description"])
        return
    for s in declaration.SETTINGS:
        click.echo(f"{s.name}  ({s.type}, default {_default_text(s.default)}; {s.component})")
        click.echo(f"    {s.description}")


def _type_problem(setting: declaration.Setting, value: Any) -> str | None:
    if value is None:
        return None
    ok = {"str": lambda v: isinstance(v, str),
          "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
          "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
          "bool": lambda v: isinstance(v, bool),
          "list": lambda v: isinstance(v, (list, tuple)),
          "dict": lambda v: isinstance(v, dict),
          "any": lambda v: True}[setting.type](value)
    if not ok:
        return f"{setting.name}: 应为 {setting.type} / should be {setting.type} (got {value!r})"
    if setting.choices and str(value).lower() not in {c.lower() for c in setting.choices}:
        return f"{setting.name}: 应为 / should be one of {', '.join(setting.choices)} (got {value!r})"
    return None


def check_settings(environ: Mapping[str, str], file_config: Mapping[str, Any]) -> tuple[list[str], int]:
    """Problems with the settings an environment and an instance ``config.py`` give; and how many are set."""
    from core.config import ENV_KEYS, from_environment

    problems: list[str] = []
    names = [n for n in environ if n.startswith("GREENMFG_") and environ[n] != ""]
    names += [n for n in file_config if n.startswith("GREENMFG_")]
    for name in sorted(set(names)):
        if name not in declaration.BY_NAME:
            close = difflib.get_close_matches(name, declaration.BY_NAME, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            problems.append(f"{name}: 未声明的设置 / not a greenmfg setting{hint}")
    values = {**{k: v for k, v in file_config.items() if k.startswith("GREENMFG_")}, **from_environment(environ)}
    for name, value in values.items():
        setting = declaration.BY_NAME.get(name)
        if setting is not None and name not in ENV_KEYS:
            problem = _type_problem(setting, value)
            if problem:
                problems.append(problem)
    from core.accounts.oidc import config_problems  # the unified identity service's settings together (issue 60)

    problems += config_problems(values)
    return problems, len(set(names))


@config_group.command("check")
def config_check() -> None:
    """Validate this environment and the instance's config.py before a start: unknown names, wrong types or
    values, then a trial start of the application (production requirements, plugins, keys), and that its
    database and Redis answer. Exit 1 on a problem (`greenmfg check` checks everything else)."""
    from flask import Config

    from core.config import ConfigurationError
    from core.plugins.errors import PluginError

    instance = Path(os.environ.get("GREENMFG_INSTANCE_PATH") or "instance").resolve()
    file_config = Config(str(instance))
    try:
        file_config.from_pyfile("config.py", silent=True)
    except Exception as exc:  # noqa: BLE001 - a broken config.py is the problem to report
        click.echo(f"错误 / error: {instance / 'config.py'}: {exc}", err=True)
        sys.exit(1)
    problems, count = check_settings(os.environ, file_config)
    if not problems:
        from core.app import create_app

        try:
            app = create_app()
        except (ConfigurationError, PluginError, ValueError) as exc:
            problems.append(str(exc))
        else:
            problems += _unreachable(app)
    if problems:
        for problem in problems:
            click.echo(f"错误 / error: {problem}", err=True)
        sys.exit(1)
    click.echo(f"配置有效 / configuration valid: {count} settings set, instance folder {instance}")


def _unreachable(app) -> list[str]:
    """The database and Redis (where the instance uses it) must answer: a valid file is not a working instance."""
    from core import checkup

    with app.app_context():
        found = [checkup.check_database(app), checkup.check_redis(app)]
    return [f"{c.name}: {c.detail}" for c in found if c.state == checkup.FAILED]


COMMANDS = [users_group, config_group]
