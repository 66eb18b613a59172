"""Keeping the ``admin_unit`` table in step with the region plugin."""
from __future__ import annotations

from sqlalchemy import select

from core.errors import InvalidInput
from core.extensions import db
from core.kernel.rules import lazy_source_name, region_rules
from core.models import AdminUnit
from core.plugins.types import UnitKind
from core.services import audit


def sync_admin_units(actor: str) -> int:
    """Insert or update the plugin's units; deactivate plugin units it no longer lists. Returns changes."""
    rules = region_rules()
    region = rules.region_code
    existing = {u.code: u for u in db.session.scalars(select(AdminUnit).where(AdminUnit.region == region))}
    changes = 0
    for code, rec in rules.admin_units.items():
        row = existing.pop(code, None)
        values = {"name": rec.name, "kind": rec.kind.value, "source": rec.source, "active": True}
        if row is None:
            db.session.add(AdminUnit(region=region, code=code, **values))
            changes += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changes += 1
    for row in existing.values():
        if row.source != "admin" and row.active:
            row.active = False
            changes += 1
    if changes:
        audit.record(actor, "admin_units.synced", "admin_unit", None, region=region, changes=changes)
    return changes


def add_configurable_unit(code: str, name: str, kind: str, actor: str) -> AdminUnit:
    """Add a unit of a kind the plugin marks admin-configurable (e.g. 省直管试点县)."""
    rules = region_rules()
    try:
        kind = UnitKind(kind)
    except ValueError:
        raise InvalidInput("Unknown kind of administrative unit: %(kind)s.", field="kind", kind=kind) from None
    region = rules.region_code
    if not code.startswith(f"{region}."):
        raise InvalidInput("Unit codes must start with the region code: %(prefix)s.", field="code",
                           prefix=f"{region}.")
    name = (name or "").strip()
    if not 2 <= len(name) <= 100:
        raise InvalidInput("A unit's name has 2 to 100 characters.", field="name")
    if db.session.scalar(select(AdminUnit.id).where(AdminUnit.region == region, AdminUnit.code == code)):
        raise InvalidInput("An administrative unit with this code already exists.", field="code")
    unit = AdminUnit(region=region, code=code, name=name, kind=kind.value, source="admin", active=True)
    db.session.add(unit)
    audit.record(actor, "admin_units.added", "admin_unit", code, name=name, kind=kind.value)
    return unit


def change_unit(unit: AdminUnit, actor: str, *, name: str | None = None, active: bool | None = None) -> dict:
    """Rename, close or reopen a unit an administrator added (a plugin's units follow the plugin). Audited;
    returns the diff."""
    from core.errors import Refused

    if unit.source != "admin":
        raise Refused("This unit comes from the region plugin (%(source)s); it changes with the plugin.",
                      source=lazy_source_name(unit.source))
    changes = {}
    if name is not None and not 2 <= len(name.strip()) <= 100:
        raise InvalidInput("A unit's name has 2 to 100 characters.", field="name")
    if name is not None and name.strip() != unit.name:
        changes["name"] = [unit.name, name.strip()]
        unit.name = name.strip()
    if active is not None and active != unit.active:
        changes["active"] = [unit.active, active]
        unit.active = active
    if changes:
        audit.record(actor, "admin_units.changed", "admin_unit", unit.code, diff=changes)
    return changes
