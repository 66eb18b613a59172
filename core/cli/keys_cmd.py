"""``greenmfg keys``: the province's signing key (Ed25519, or SM2 with ``GREENMFG_SIGNING_ALGORITHM=sm2``), and
the ministry's register of provinces' public keys (:mod:`core.services.signing`, :mod:`core.lists.keys`)."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli.output import emit, format_option
from core.errors import GreenmfgError


def _fail(message: str) -> None:
    click.echo(f"错误 / error: {message}", err=True)
    sys.exit(2)


@click.group("keys")
def keys_group() -> None:
    """推荐文件签名密钥 / signing keys of recommendation files."""


@keys_group.command("generate")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="where to write the private key (outside the instance folder, e.g. /etc/greenmfg/recommendation.key)")
@click.option("--force", is_flag=True, help="replace an existing key file (the old public key stops working)")
@click.option("--algorithm", type=click.Choice(["ed25519", "sm2"], case_sensitive=False),
              envvar="GREENMFG_SIGNING_ALGORITHM", default="ed25519", show_default=True,
              help="Ed25519, or SM2 with SM3 (GB/T 32918, GB/T 32905) for GB/T 39786-2021 "
                   "(default: GREENMFG_SIGNING_ALGORITHM)")
def keys_generate(out: Path, force: bool, algorithm: str) -> None:
    """生成本省签名密钥 / create this province's signing key, Ed25519 or SM2 (file mode 0600), and print its
    public key for the ministry to register. Needs no instance: it runs before the key it writes is configured
    (production mode would refuse to start without it)."""
    from core.app import instance_folder
    from core.services import signing

    out = out.expanduser().resolve()
    instance = instance_folder()
    if out == instance or instance in out.parents:
        _fail(f"私钥不得放在实例目录中 / the private key must not be kept in the instance folder ({instance}); "
              "choose a path outside it")
    if out.exists() and not force:
        _fail(f"{out} 已存在 / already exists (use --force to replace it)")
    key = signing.generate(algorithm.lower())
    signing.write_private(key, out, force=force)
    click.echo(f"私钥 / private key: {out} (0600, {signing.alg_of(key)})")
    click.echo(f"配置 / configure: GREENMFG_RECOMMENDATION_KEY_FILE={out}"
               + (" GREENMFG_SIGNING_ALGORITHM=sm2" if signing.alg_of(key) == signing.SM2 else ""))
    click.echo(f"密钥编号 / key id: {signing.key_id(key)}")
    click.echo(f"公钥（交部里登记）/ public key (for the ministry to register): {signing.public_text(key)}")


@keys_group.command("show")
@with_appcontext
def keys_show() -> None:
    """本省公钥 / the key id and public key of the configured signing key."""
    from core.services import signing

    try:
        key = signing.load_configured(current_app.config)
    except signing.KeyProblem as exc:
        _fail(str(exc))
    if key is None:
        _fail("未配置签名密钥 / no signing key configured (GREENMFG_RECOMMENDATION_KEY_FILE)")
    click.echo(f"{signing.key_id(key)}\t{signing.public_text(key)}\t{signing.alg_of(key)}")


@keys_group.command("register")
@click.argument("province")
@click.argument("public_key")
@click.option("--note", default="", help="how the key reached the ministry (letter number, date)")
@with_appcontext
def keys_register(province: str, public_key: str, note: str) -> None:
    """登记省级公钥（部级实例）/ register a province's public key (national instance)."""
    from core.extensions import db
    from core.lists import keys

    try:
        row = keys.register(f"cli:{getpass.getuser()}", province, public_key, note)
        db.session.commit()
    except GreenmfgError as exc:
        db.session.rollback()
        _fail(exc.bilingual())
    click.echo(f"{row.province}\t{row.key_id}\t{row.alg}")


@keys_group.command("revoke")
@click.argument("key_id")
@with_appcontext
def keys_revoke(key_id: str) -> None:
    """吊销已登记的公钥 / revoke a registered key: files it signed are refused from now on."""
    from core.extensions import db
    from core.lists import keys

    try:
        row = keys.revoke(f"cli:{getpass.getuser()}", key_id)
        db.session.commit()
    except GreenmfgError as exc:
        db.session.rollback()
        _fail(exc.bilingual())
    click.echo(f"{row.province}\t{row.key_id}\trevoked")


@keys_group.command("list")
@format_option
@with_appcontext
def keys_list(fmt: str) -> None:
    """已登记的省级公钥 / the registered keys: province, key id, registered, revoked."""
    from core.lists import keys

    emit([keys.key_json(row) for row in keys.listing()], fmt,
         ["province", "key_id", "alg", "registered_at", "revoked_at", "public_key"])


COMMANDS = [keys_group]
