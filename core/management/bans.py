"""Bans keyed on the 统一社会信用代码: no application (an organization) or no report accepted
(a third-party firm) until the end date.

* fraud found in evaluation or data → removal from every level and no application for 3 years
  (001_3f04a56fc6693327.txt 四.2; 004_7a8ddd82f611ab67.txt 第二十二条);
* a third-party firm that falsified or hid problems → its reports are not accepted for the years of the
  region's rule (``rules.evaluator_ban()``: Shanxi 004 第二十四条, Hubei 002_9c75e1d2ebfbdf50.txt 附件2 (五),
  Jiangxi 003_a3fa60aeba77aa34.txt 三（三）; elsewhere national's platform default of 3 years).

The ban row holds the USCC, never the organization row, so a renamed company is still caught.
:func:`check_not_banned` is what applications call before a new application is created.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.errors import InvalidInput, Refused
from core.extensions import db
from core.clock import add_years, today
from core.kernel.rules import region_rules
from core.management.common import optional_text, text
from core.models import Ban, EvaluatorFirm, Organization
from core.services import audit
from core.services.uscc import normalize_uscc

#: the ban's code when the region's rule names no sanction of its own
EVALUATOR_BAN_CODE = "evaluator_fraud"


def ban_end(starts_on: dt.date, years: int) -> dt.date:
    """The last day of a ban of ``years`` years that starts on ``starts_on`` (三年内)."""
    return add_years(starts_on, years) - dt.timedelta(days=1)


def active_ban(uscc: str, on: dt.date | None = None, subject: str = "organization") -> Ban | None:
    """The ban that runs longest among those in force on ``on`` for this credit code."""
    on = on or today()
    try:
        code = normalize_uscc(uscc)
    except InvalidInput:  # a malformed stored code: compare as stored
        code = (uscc or "").strip().upper()
    return db.session.scalars(select(Ban).where(Ban.uscc == code, Ban.subject == subject, Ban.starts_on <= on,
                                                Ban.ends_on >= on).order_by(Ban.ends_on.desc())).first()


def check_not_banned(organization: Organization, on: dt.date | None = None) -> None:
    """Refuse a new application from a banned credit code, naming the end date (whatever the name now)."""
    ban = active_ban(organization.uscc, on)
    if ban is not None:
        raise Refused("%(name)s (credit code %(uscc)s) may not apply until %(until)s: %(reason)s.",
                      name=organization.name, uscc=organization.uscc, until=ban.ends_on.isoformat(),
                      reason=ban.reason)


def _sanction(code: str):
    sanction = region_rules().sanctions.get(code)
    if sanction is None:
        raise InvalidInput("Unknown sanction: %(code)s.", field="sanction", code=code)
    return sanction


def ban_organization(organization: Organization, sanction_code: str, reason: str, actor: str,
                     on: dt.date | None = None, evidence_note: str = "") -> Ban:
    """Ban an organization from applying for the sanction's ``ban_years`` (fraud: 3)."""
    sanction = _sanction(sanction_code)
    if sanction.ban_years <= 0:
        raise InvalidInput("The sanction %(code)s carries no ban.", field="sanction", code=sanction_code)
    return _ban(organization.uscc, "organization", sanction.code, sanction.ban_years, reason, actor, on,
                evidence_note, cite=sanction.cite, source=sanction.source, name=organization.name)


def ban_evaluator(firm: EvaluatorFirm, reason: str, actor: str, on: dt.date | None = None,
                  evidence_note: str = "", sanction_code: str | None = None) -> Ban:
    """No report of ``firm`` is accepted for the years of the region's rule (``rules.evaluator_ban()``), or of
    the sanction ``sanction_code`` staff chose."""
    rule = region_rules().evaluator_ban()
    years, code, cite, source = rule.years, rule.sanction or EVALUATOR_BAN_CODE, rule.cite, rule.source
    if sanction_code:
        sanction = _sanction(sanction_code)
        years = sanction.ban_years or years
        code, cite, source = sanction.code, sanction.cite, sanction.source
    return _ban(firm.uscc, "evaluator", code, years, reason, actor, on, evidence_note, cite=cite, source=source,
                name=firm.name)


def _ban(uscc: str, subject: str, code: str, years: int, reason: str, actor: str, on: dt.date | None,
         evidence_note: str, *, cite: str, source: str, name: str) -> Ban:
    reason = text(reason, "reason")
    evidence_note = optional_text(evidence_note, "evidence_note")
    starts = on or today()
    ban = Ban(uscc=uscc, subject=subject, reason=reason, sanction_code=code, starts_on=starts,
              ends_on=ban_end(starts, years))
    db.session.add(ban)
    db.session.flush()
    audit.record(actor, "ban.imposed", "ban", ban.id, uscc=uscc, name=name, subject=subject, sanction=code,
                 source=source, cite=cite, years=years, starts_on=starts.isoformat(),
                 ends_on=ban.ends_on.isoformat(), reason=reason, evidence=evidence_note)
    return ban


def lift(ban: Ban, reason: str, actor: str, on: dt.date | None = None) -> None:
    """End a ban early (a decision overturned), keeping the row and the reason in the audit log."""
    reason = text(reason, "reason")
    on = on or today()
    before = ban.ends_on
    ban.ends_on = max(ban.starts_on, on - dt.timedelta(days=1))
    audit.record(actor, "ban.lifted", "ban", ban.id, uscc=ban.uscc, before=before.isoformat(),
                 after=ban.ends_on.isoformat(), reason=reason)
