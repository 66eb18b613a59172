"""Listings found out early (issue 43): what the unit's existing listings mean for an application, at the start.

A unit already on the list of the round's level, of the type it applies for, is refused when it starts the
application (web, API and every other caller of :func:`core.applications.services.start_application`), with the
listing and the rule: a platform rule, as the list's publication refuses a unit already on it (before, the province
learnt it only when its decision reported ``already_listed``). A unit on a higher list of that type may apply lower:
no seed forbids it (004 第二条 describes 三级联动; 002 附件3 counts 国家、省、市 listings together; domain.md C5,
an inference), so the applicant, the city and the province see a warning (:func:`notes`), unless the region's
round policy refuses it (:attr:`JointRound.higher_listing`, with its document). Units in a stage before a list
(创建计划, 培育库) are not listed and count for neither.
"""
from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from sqlalchemy import select

from core.errors import Refused
from core.extensions import db
from core.i18n import bilingual
from core.kernel.names import level_name
from core.kernel.rules import lazy_source_name, region_rules
from core.models import Application, Campaign, ListEntry, Organization
from core.models.lists import LISTED
from core.plugins.citations import readable_cite
from core.plugins.types import Level
from core.services.limits import LEVEL_LABELS


def N_(msgid: str) -> str:
    """Mark a message for extraction (translated by :func:`bilingual_text`)."""
    return msgid


#: the rule a unit already on the round's list is refused by (a platform rule, named so on every page)
SAME_LEVEL_RULE = N_("platform rule: a unit is on each level's list once, and the list's publication refuses a unit "
                     "already on it")


def _rank(level: str) -> int:
    record = region_rules().list_levels.get(level)
    return record.rank if record else 0


def standing(organization_id: int, unit_type: str, level: str) -> tuple[ListEntry | None, list[ListEntry]]:
    """The unit's listing of ``unit_type`` at ``level`` (or ``None``) and its listings on higher lists, newest
    first; only entries still listed count (not removed ones, not a stage before a list)."""
    entries = list(db.session.scalars(select(ListEntry).where(
        ListEntry.organization_id == organization_id, ListEntry.unit_type == unit_type, ListEntry.status == LISTED)
        .order_by(ListEntry.year.desc(), ListEntry.id.desc())))
    same = next((e for e in entries if e.level == level), None)
    higher = [e for e in entries if _rank(e.level) > _rank(level)]
    return same, higher


def _listing(entry: ListEntry) -> dict[str, str]:
    """"2024年省级绿色工厂（湘工信〔2024〕88号）" in each language."""
    rules = region_rules()
    level, unit_type = rules.list_levels.get(entry.level), rules.unit_types.get(entry.unit_type)
    level_en = bilingual(LEVEL_LABELS[entry.level])["en"] if entry.level in LEVEL_LABELS else entry.level
    doc = entry.notice_no or "—"
    return {"zh": f"{entry.year}年{level.name if level else entry.level}{unit_type.name if unit_type else entry.unit_type}"
                  f"（{doc}）",
            "en": f"the {entry.year} {level_en} list ({unit_type.name_en if unit_type else entry.unit_type}, {doc})"}


def check_may_apply(org: Organization, unit_type: str, campaign: Campaign) -> None:
    """Refuse a unit already on the round's list (always) or on a higher one (where the region says so).

    :raises Refused: with the listing (year, level, document number) and the rule, in both languages.
    """
    problem = refusal(org.id, org.name, unit_type, campaign)
    if problem is not None:
        raise problem


def refusal(organization_id: int, name: str, unit_type: str, campaign: Campaign) -> Refused | None:
    """Why the unit may not start an application of ``unit_type`` in ``campaign`` because of its listings (the
    refusal, not raised), else ``None``; the city's summary import reports it on the row."""
    level = str(campaign.level)
    same, higher = standing(organization_id, unit_type, level)
    if same is not None:
        listing = _listing(same)
        return Refused("%(unit)s is already on %(listing)s: it does not apply to the %(level)s list again "
                       "(%(rule)s).", unit=name, listing=LazyString(_in_language, listing),
                       level=LazyString(level_name, level), rule=LazyString(_rule_text, SAME_LEVEL_RULE))
    joint = region_rules().joint_round(Level(level), campaign.year, unit_type)
    if higher and joint.higher_listing == "refuse":
        return Refused("%(unit)s is already on %(listing)s, a higher list: it may not apply to the %(level)s list "
                       "(rule from %(source)s: %(cite)s).", unit=name,
                       listing=LazyString(_in_language, _listing(higher[0])), level=LazyString(level_name, level),
                       source=lazy_source_name(joint.source), cite=readable_cite(joint.higher_listing_cite))
    return None


def _in_language(texts: dict[str, str]) -> str:
    from core.i18n import english

    return texts["en" if english() else "zh"]


def _rule_text(msgid: str) -> str:
    from flask_babel import gettext

    return gettext(msgid)


def notes(application: Application) -> list[dict[str, Any]]:
    """What the unit's listings mean for ``application``, for the applicant's, the city's and the province's pages:
    ``{"kind": "refused" | "warning", "message": "中文 / English", "cite": ...}``. ``refused``: the unit is (now)
    on the round's list or, where the region refuses it, on a higher one; ``warning``: on a higher list."""
    level = str(application.campaign.level)
    same, higher = standing(application.organization_id, application.unit_type, level)
    out = []
    level_texts = bilingual(LEVEL_LABELS[level]) if level in LEVEL_LABELS else {"zh": level, "en": level}
    if same is not None:
        listing = _listing(same)
        rule = bilingual(SAME_LEVEL_RULE)
        out.append({"kind": "refused", "cite": "",
                    "message": f"本单位已在{listing['zh']}中，不再申报{level_texts['zh']}名单（{rule['zh']}） / "
                               f"the unit is already on {listing['en']}: it does not apply to the "
                               f"{level_texts['en']} list again ({rule['en']})"})
    if higher:
        joint = region_rules().joint_round(Level(level), application.campaign.year, application.unit_type)
        listing = _listing(higher[0])
        if joint.higher_listing == "refuse":
            out.append({"kind": "refused", "cite": joint.higher_listing_cite,
                        "message": f"本单位已在更高层级的{listing['zh']}中，本地区规定不得申报{level_texts['zh']}名单 / the unit is "
                                   f"already on {listing['en']}, a higher list: the region's rule refuses its "
                                   f"application to the {level_texts['en']} list"})
        else:
            default = bilingual(N_("platform default, inferred: no document forbids it (004 第二条 links the national, "
                                   "provincial and city lists; 002 附件3 counts their listings together); the city and "
                                   "the province decide"))
            out.append({"kind": "warning", "cite": "",
                        "message": f"本单位已在更高层级的{listing['zh']}中，仍申报{level_texts['zh']}名单（{default['zh']}） / "
                                   f"the unit is already on {listing['en']}, a higher list, and applies to the "
                                   f"{level_texts['en']} list ({default['en']})"})
    return out

