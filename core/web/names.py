"""Names and values in the page's language, and the templates' filters for them: a record's name
(:mod:`core.kernel.names`: a plugin's ``name_en``, a list level by its level), a unit's kind, a saved value, who
acted. Other names (units, documents) have no English."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.formfields import ELASTICITY_PARTS, choice
from core.i18n import bracketed, english, in_language, listed, local_text
from core.kernel.names import (
    deadline_title, level_name, local_name, mode_name, region_grades, sanction_title, tier_name, unit_name,
    unit_type_name,
)
from core.plugins.citations import readable_message
from core.plugins.types import UnitKind

#: the kinds of unit as a page says them (the stored value is the Chinese name)
KIND_LABELS = {UnitKind.CITY: _l("Prefecture-level city"), UnitKind.PREFECTURE: _l("Autonomous prefecture"),
               UnitKind.DIRECT_CITY: _l("City administered by the province"),
               UnitKind.FORESTRY_DISTRICT: _l("Forestry district"),
               UnitKind.PILOT_COUNTY: _l("Pilot county administered by the province"),
               UnitKind.NEW_AREA: _l("New area"), UnitKind.REFORM_ZONE: _l("Comprehensive reform zone"),
               #: on the ministry's instance the submitting units are provinces (the demo's 示范省)
               "省": _l("Province-level")}


def unit_kind_name(kind: str) -> str:
    """A submitting unit's kind (市, 州, 省直管试点县...) in the page's language."""
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def moved_by() -> str:
    """Who moved a round's deadline, in the page's language: the instance's authority (the ministry on the
    national instance, the province on a province's)."""
    from core.kernel.rules import region_rules

    national = region_rules().region.authority == "national"
    return str(_l("moved by the ministry") if national else _l("moved by the province"))


def mode_choices(modes: Iterable[Any]) -> list[choice]:
    """A form's choices of evaluation mode (自评价 / Third-party evaluation), the round's allowed ``modes`` in order
    (the forms are made for each request, in its language)."""
    return [choice(str(m), mode_name(str(m))) for m in modes]


#: why an indicator has no score (core.scoring.engine statuses)
_SCORE_STATUSES = {"scored": _l("scored"), "missing_value": _l("no value given"),
                   "needs_reference": _l("no reference values for this industry and year"),
                   "needs_review": _l("for the reviewer to decide")}


def score_status(code: str) -> str:
    """An indicator's scoring status in words."""
    label = _SCORE_STATUSES.get(str(code))
    return str(label) if label is not None else "—"


def plain_value(value: Any) -> str:
    """A saved value as a reader writes it: lists joined, yes/no, "—" for nothing; never a Python repr."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_YES if value else _NO)
    if isinstance(value, (list, tuple, set)):
        return "; ".join(plain_value(v) for v in value) if any(isinstance(v, dict) for v in value) \
            else ", ".join(plain_value(v) for v in value)
    if isinstance(value, dict):  # a row of a table: its cells, in order
        return " · ".join(plain_value(v) for v in value.values())
    return str(value)


_YES, _NO = _l("yes"), _l("no")


def indicator_value(value: Any) -> str:
    """An indicator's saved value: an elasticity's parts named (弹性系数 0.42 · 工业增加值增长率 9.6), else as
    :func:`plain_value` writes it."""
    if isinstance(value, dict) and value and set(value) <= set(ELASTICITY_PARTS):
        return " · ".join(f"{ELASTICITY_PARTS[k]} {plain_value(v)}" for k, v in value.items())
    return plain_value(value)


def authority_name(name: str) -> str:
    """An authority named in Chinese (a document's issuer), in English when it is a region that has an English
    name (工业和信息化部 → Ministry of Industry and Information Technology)."""
    from core.kernel.rules import region_rules

    if english():
        for region in region_rules().identities.values():
            if region.name == name and region.name_en:
                return region.name_en
    return name


#: who did something when it was not a person's account (core.jobs.schedule, core.notifications, the CLI)
_WORKERS = {"scheduler": _l("scheduled work of the platform"), "system": _l("the platform"),
            "notifications": _l("the platform's notifications"), "demo:data": _l("demo data")}
_COMMAND_LINE = _l("command line (%(user)s)")


#: who may read an account's log-in name beside its name: who lists and looks after every account
_SEES_LOGIN_NAMES = "accounts.users"


def recorded_by(actor: str | None) -> str:
    """Who a record says acted, as people know them: an account's name (the person's, its bureau's or its
    organisation's, as the account gives it), with its log-in name for an administrator only; the platform's own
    work in words. A log-in name no account holds (a closed-down record) is shown as it is."""
    if not actor:
        return "—"
    label = _WORKERS.get(actor)
    if label is not None:
        return str(label)
    if actor.startswith("cli:"):
        return str(_COMMAND_LINE) % {"user": actor[4:]}
    name = _account_names().get(actor)
    if name is None:
        name = _account_names()[actor] = _account_name(actor)
    if not name or name == actor:
        return actor
    return f"{name}{bracketed(actor)}" if _sees_login_names() else name


def _account_names() -> dict[str, str | None]:
    """The names looked up on this page (a history table names the same few accounts again and again)."""
    from flask import g, has_request_context

    if not has_request_context():
        return {}
    return g.setdefault("greenmfg_account_names", {})


def _account_name(username: str) -> str | None:
    from sqlalchemy import select

    from core.extensions import db
    from core.models import User

    return db.session.scalar(select(User.display_name).where(User.username == username))


def _sees_login_names() -> bool:
    from flask import has_request_context
    from flask_login import current_user

    from core.kernel.permissions import may

    return has_request_context() and may(current_user, _SEES_LOGIN_NAMES)


def local_title(record: Any) -> str:
    """``record.title`` (a plugin rule's) or ``record["title"]`` (a case file's negative-list item), or its
    ``title_en`` on an English page where the plugin gives one."""
    if isinstance(record, Mapping):
        return local_text(record["title"], record.get("title_en"))
    return local_text(record.title, getattr(record, "title_en", None))


def message_in_language(text: str | None) -> str:
    """A stored "中文 / English" text (a check's result, a plugin's message) in the page's language, a document it
    quotes by its seed file named as people cite it (:func:`core.plugins.rules.readable_message`)."""
    return in_language(readable_message(text))


def register(app: Flask) -> None:
    app.add_template_filter(recorded_by, "who")
    app.add_template_filter(message_in_language, "in_language")
    app.add_template_filter(authority_name, "authority")
    app.add_template_filter(plain_value, "plain")
    app.add_template_filter(indicator_value, "indicator_value")
    app.add_template_filter(score_status, "score_status")
    app.add_template_filter(local_name, "named")
    app.add_template_filter(local_title, "titled")
    app.add_template_filter(unit_type_name, "unit_type")
    app.add_template_filter(level_name, "level")
    app.add_template_filter(tier_name, "tier")
    app.add_template_global(region_grades, "region_grades")
    app.add_template_filter(sanction_title, "sanction")
    app.add_template_filter(unit_name, "unit")
    app.add_template_filter(bracketed, "bracketed")
    app.add_template_filter(deadline_title, "deadline_title")
    app.add_template_filter(mode_name, "mode")
    app.add_template_filter(listed, "listed")
    app.add_template_global(english, "is_english")
    app.add_template_filter(unit_kind_name, "unit_kind")
    app.add_template_global(moved_by, "moved_by")
