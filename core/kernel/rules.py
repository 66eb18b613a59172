"""The one accessor of the region rules: the merged view of every installed plugin's rules
(:class:`core.plugins.rules.RegionRules`), built once per application at start-up."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app

if TYPE_CHECKING:
    from core.plugins.rules import RegionRules


def region_rules() -> RegionRules:
    """The region rules of the running application."""
    return current_app.extensions["greenmfg"].rules


def rules_of_round(campaign: Any) -> Any:
    """The region rules as the round ``campaign`` applies them: with what the notice it was opened from sets for it
    (issue 43, :class:`core.plugins.applied.NoticeRules`), else the region's."""
    from core.plugins.applied import NoticeRules, RoundNotice

    notice = RoundNotice.of(campaign) if campaign is not None else None
    return region_rules() if notice is None else NoticeRules(region_rules(), notice)


def rules_of_list(level: str, year: int) -> Any:
    """The region rules the ``level`` list of ``year`` follows (its public notice's length): those of the newest
    round of that level and year opened from a notice that sets a rule for the list, else the region's."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Campaign

    rules = region_rules()
    rounds = db.session.scalars(select(Campaign).where(
        Campaign.region == rules.region_code, Campaign.year == year, Campaign.level == str(level),
        Campaign.notice_no.is_not(None)).order_by(Campaign.id.desc()))
    for campaign in rounds:
        if any(r.get("kind") == "notice_period" and r.get("key") == str(level) for r in campaign.notice_rules or ()):
            return rules_of_round(campaign)
    return rules


def source_name(source: str | None) -> str:
    """Who supplies a rule, as people say it: the plugin's region by name (its ``name_en`` in English), or
    "platform default" for what core itself assumes where no document gives a value, "this instance's setting"
    for what the deployer configured."""
    from flask_babel import get_locale, gettext

    if not source or source == "core":
        return gettext("platform default")
    if source == "config":  # a value the deployer set where the documents leave it open
        return gettext("this instance's setting")
    region = region_rules().identities.get(source)
    if region is None:
        return source
    locale = get_locale()
    return region.name_en if locale is not None and locale.language == "en" and region.name_en else region.name


def lazy_source_name(source: str | None):
    """:func:`source_name` in the language a message is shown in (for refusals shown in Chinese and English)."""
    from flask_babel import LazyString

    return LazyString(source_name, source)


def rule_of(record: Any) -> dict[str, Any]:
    """A refusal's ``source`` and ``cite`` parameters for the rule ``record`` gives (a plugin record with
    ``source`` and ``cite``): who gives it by name in the language the message is read in (:func:`lazy_source_name`),
    and its document as people cite it (《title》（文号）article)."""
    from core.plugins.citations import readable_cite

    return {"source": lazy_source_name(record.source), "cite": readable_cite(record.cite)}


def results_line(results: Any, *, sources: bool = False) -> Any:
    """Check results (``title``, ``message``, ``source``: an eligibility or gate result) as one line in the
    language it is read in, ``title (message; source)`` joined by "; ": a refusal's reasons, made when the
    message is rendered, in each of its languages."""
    from flask_babel import LazyString

    from core.i18n import in_language
    from core.plugins.citations import readable_message

    def line() -> str:
        parts = []
        for r in results:
            inner = [in_language(readable_message(r["message"]))] if r.get("message") else []
            if sources:
                inner.append(source_name(r.get("source")))
            parts.append(in_language(r["title"]) + (f" ({'; '.join(inner)})" if inner else ""))
        return "; ".join(parts)

    return LazyString(line)
