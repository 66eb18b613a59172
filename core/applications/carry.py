"""A provincial application starts from the unit's application in the same year's city round (issue 61).

Where a region has a city round first (Shanxi, 晋工信节能规字〔2024〕3号 第十二条: 省层面绿色工厂原则上应先纳入市层面绿色工厂名单),
the unit has already typed its indicator values, the region's form and its contact for the city's list; its
provincial application starts from them rather than empty. Carried: the indicator values, the region form's
fields (not its uploads), the industry and the contact. Not carried: the status, the evidence files and the
negative-list declarations, which the unit makes again for the level it now applies for.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.applications.fields import fields_for, is_upload, jsonable, typed_extension
from core.applications.scoring import check_values
from core.errors import GreenmfgError
from core.extensions import db
from core.kernel.rules import region_rules
from core.models import Application, Campaign
from core.plugins.types import Level

#: the contact and the industry, as the unit entered them
CARRIED_FIELDS = ("contact_name", "contact_phone", "contact_email", "industry")


def city_round_application(campaign: Campaign, organization_id: int, unit_type: str) -> Application | None:
    """The unit's latest application of ``unit_type`` in a city round of ``campaign``'s year and region, when
    ``campaign`` is a provincial round; else None."""
    if campaign.level != Level.PROVINCIAL:
        return None
    return db.session.scalar(
        select(Application).join(Campaign, Campaign.id == Application.campaign_id)
        .where(Campaign.region == campaign.region, Campaign.year == campaign.year, Campaign.level == Level.CITY,
               Application.organization_id == organization_id, Application.unit_type == unit_type)
        .order_by(Application.id.desc()).limit(1))


def carry_from(application: Application, source: Application) -> list[str]:
    """Fill the new draft ``application`` from ``source``; return the keys filled (``contact_name``,
    ``indicator.<n>``, ``ext.<code>``). A value the provincial form no longer takes is left out."""
    filled: list[str] = []
    for key in CARRIED_FIELDS:
        value = getattr(source, key)
        if value not in (None, ""):
            setattr(application, key, value)
            filled.append(key)
    if source.indicator_values:
        try:
            values = check_values(application, dict(source.indicator_values))
        except GreenmfgError:
            values = {}
        application.indicator_values = jsonable(values)
        filled += [f"indicator.{k}" for k in values]
    rules = region_rules()
    ffs = [f for f in fields_for(rules, application.unit_type, application.level, application.campaign.year)
           if not is_upload(f)]
    typed = typed_extension(ffs, source.extension_data or {})
    kept = {k: v for k, v in jsonable(typed).items() if v not in (None, "")}
    application.extension_data = kept
    filled += [f"ext.{k}" for k in kept]
    return filled


def carried_diff(application: Application, filled: list[str]) -> dict[str, list[Any]]:
    """What the carry wrote, as a recorded change {key: [None, value]}."""
    out: dict[str, list[Any]] = {}
    for key in filled:
        if key.startswith("indicator."):
            out[key] = [None, (application.indicator_values or {}).get(key[len("indicator."):])]
        elif key.startswith("ext."):
            out[key] = [None, (application.extension_data or {}).get(key[len("ext."):])]
        else:
            out[key] = [None, getattr(application, key)]
    return out
