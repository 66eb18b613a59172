"""Builders shared by tests/review and tests/lists (import as ``from kit import ...``).

Numbers come from the seeds: Shanxi grades A/B/C with B or better for national recommendation
(004_7a8ddd82f611ab67.txt 第十四条; cut-offs are the plugin's configurable defaults B ≥ 70, A ≥ 85),
a 10-working-day provincial notice (第十三条) and a cap of 10 provincial projects per legal
representative (第二十四条); national: 15 national projects per legal representative
(003_a3fa60aeba77aa34.txt 二（四）, 办法 第二十条), a 15-day notice (办法 第十二条) and the
2025 recommendation deadline 2025-11-07 (001_3f04a56fc6693327.txt 附件1 三).
"""
from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from flask import current_app
from stdnum.cn import uscc as stdnum_uscc

from core.applications.evidence import SELF_REPORT_SECTION
from core.extensions import db
from core.clock import SHANGHAI, end_of_day
from core.models import (
    AdminUnit, Application, ApplicationStatus, Campaign, EvaluationReport, EvaluationRequest, EvaluatorFirm, Evidence,
    ExpertProfile, Organization, Role, User,
)

SEED_NATIONAL = "001_3f04a56fc6693327.txt"
SEED_HUBEI = "002_9c75e1d2ebfbdf50.txt"
SEED_JIANGXI = "003_a3fa60aeba77aa34.txt"
SEED_SHANXI = "004_7a8ddd82f611ab67.txt"

#: self-evaluation values that score exactly on the MIIT 2025 factory table without reference values:
#: #4 eight platform functions → 6 (L = 8, B = 0, W = 6), #9 → 6, #12 → 8, #13 not done → 0 (001 附件1)
SELF_VALUES = {"4": 8, "9": True, "12": True, "13": False}
SELF_SCORES = {4: 6.0, 9: 6.0, 12: 8.0, 13: 0.0}
FACTORY_WEIGHTS = {1: 8, 2: 8, 3: 8, 4: 6, 5: 8, 6: 8, 7: 8, 8: 6, 9: 6, 10: 4, 11: 6, 12: 8, 13: 8, 14: 8}
#: full Hubei qualifications (002_9c75e1d2ebfbdf50.txt 附件2: ≥10 mid-level staff, ≥5 senior...)
HUBEI_QUALIFIED = {"registered_in_china": True, "independent_legal_person": True, "evaluation_experience": True,
                   "fixed_office": True, "sound_finances": True, "full_time_midlevel_staff": 12, "senior_staff": 6,
                   "staff_compliant": True, "green_record_5y": True, "evidence_in_report": True}

_n = itertools.count(1)


def uscc(division: str = "140100") -> str:
    body = f"91{division}{next(_n):08d}7"
    return body + stdnum_uscc.calc_check_digit(body)


def beijing(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def unit(region: str, code: str | None = None, name: str | None = None) -> AdminUnit:
    code = code or f"{region}.t{next(_n)}"
    row = db.session.query(AdminUnit).filter_by(region=region, code=code).one_or_none()
    if row is None:
        row = AdminUnit(region=region, code=code, name=name or code, kind="市", source="test")
        db.session.add(row)
        db.session.flush()
    return row


def campaign(region: str, year: int = 2025, level: str = "provincial", types=("factory", "park")) -> Campaign:
    c = Campaign(region=region, year=year, level=level, title=f"{year} {level}", unit_types=list(types),
                 opens_at=dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc), closes_at=end_of_day(dt.date(year, 12, 31)),
                 deadlines={}, deadline_reasons={})
    db.session.add(c)
    db.session.flush()
    return c


def organization(u: AdminUnit, name: str | None = None, legal_representative: str | None = None) -> Organization:
    n = next(_n)
    org = Organization(uscc=uscc(), name=name or f"测试企业{n}有限公司", admin_unit_id=u.id,
                       legal_representative=legal_representative)
    db.session.add(org)
    db.session.flush()
    return org


def application(c: Campaign, u: AdminUnit, unit_type: str = "factory", org: Organization | None = None,
                status: ApplicationStatus = ApplicationStatus.CITY_RECOMMENDED, mode: str = "third_party",
                values: dict | None = None, level: str | None = None, report: bool = True) -> Application:
    """An application as a round leaves it at ``status``. A self-evaluated one past the draft carries its
    self-evaluation report where the region requires a report (Jiangxi 2024 003 一, Shanxi 004 第十一条), unless
    ``report`` is False (to test that gate)."""
    org = org or organization(u)
    a = Application(campaign_id=c.id, organization_id=org.id, admin_unit_id=u.id, unit_type=unit_type,
                    level=level or c.level, evaluation_mode=mode, status=status,
                    indicator_values=dict(SELF_VALUES if values is None else values), extension_data={},
                    requested_levels=[level or c.level], declarations={},
                    submitted_at=dt.datetime(c.year, 5, 1, tzinfo=dt.timezone.utc))
    db.session.add(a)
    db.session.flush()
    if a.indicator_values and unit_type == "factory":
        a.score = Decimal(str(sum(SELF_SCORES.get(int(k), 0) for k in a.indicator_values)))
    if report and mode == "self" and status != ApplicationStatus.DRAFT:
        modes = current_app.extensions["greenmfg"].rules.evaluation_modes(unit_type, a.level, c.year)
        if modes.report_required:
            self_report(a)
    return a


def firm_report(request: EvaluationRequest, score: float = 85.0) -> EvaluationReport:
    """The engaged firm's evaluation report as a row (no file: what the gate reads)."""
    row = EvaluationReport(request_id=request.id, application_id=request.application_id, firm_id=request.firm_id,
                           original_name="第三方评价报告.pdf", storage_name=uuid.uuid4().hex, size=1000, sha256="0" * 64,
                           pages=12, score=Decimal(str(score)), filed_by="test", indicator_scores={})
    db.session.add(row)
    db.session.flush()
    return row


def self_report(a: Application, pages: int = 3) -> Evidence:
    """The applicant's self-evaluation report as an evidence row (no file: what the gate reads)."""
    row = Evidence(application_id=a.id, section=SELF_REPORT_SECTION, original_name="自评价报告.pdf",
                   storage_name=uuid.uuid4().hex, size=1000, sha256="0" * 64, pages=pages, uploaded_by="test")
    db.session.add(row)
    db.session.flush()
    return row


def firm(legal_representative: str = "孙立新", name: str | None = None, qualifications: dict | None = None,
         division: str = "110000") -> EvaluatorFirm:
    n = next(_n)
    f = EvaluatorFirm(uscc=uscc(division), name=name or f"绿评{n}咨询有限公司", legal_representative=legal_representative,
                      qualifications=dict(qualifications or {}))
    db.session.add(f)
    db.session.flush()
    return f


def user(role: Role, username: str | None = None, **bind) -> User:
    u = User(username=username or f"{role.value}{next(_n)}", display_name=username or role.value, password_hash="!",
             role=role, active=True, **bind)
    db.session.add(u)
    db.session.flush()
    return u


def expert(name: str, region: str, *, unit_: AdminUnit | None = None, firm_: EvaluatorFirm | None = None,
           employer: str | None = None, fields=("factory",)) -> ExpertProfile:
    account = user(Role.EXPERT)
    profile = ExpertProfile(user_id=account.id, region=region, name=name, employer_uscc=employer,
                            admin_unit_id=unit_.id if unit_ else None, evaluator_firm_id=firm_.id if firm_ else None,
                            fields=list(fields), active=True)
    db.session.add(profile)
    db.session.flush()
    return profile


def scores_for(total: float, weights: dict[int, int] = FACTORY_WEIGHTS) -> dict[str, float]:
    """Per-indicator scores proportional to the weights that add up to exactly ``total``."""
    out = {str(k): round(w * total / 100, 2) for k, w in weights.items()}
    first = str(next(iter(weights)))
    out[first] = round(out[first] + round(total - sum(out.values()), 2), 2)
    return out


def panel(application_: Application, totals: list[float], experts_: list[ExpertProfile], actor: str = "province"):
    """Assign ``experts_``, have each score ``totals[i]`` and submit, then grade. Returns the result."""
    from core.review import experts as svc

    weights = {int(i["number"]): i["weight"] for i in svc.score_items(application_)}
    for expert_, total in zip(experts_, totals, strict=True):
        row = svc.assign(actor, application_, expert_)
        svc.save_scores(expert_.user, row, scores_for(total, weights))
        svc.submit_scores(expert_.user, row)
    return svc.grade(actor, application_)
