"""What a city gives with its recommendation (issue 43), as the region's rule asks for it
(``rules.city_recommendation``: national's platform default, or a province's document):

- its 推荐意见 on each application it recommends (text, stored on the application; required where
  ``opinion_required``, e.g. Hubei 鄂经信办节能〔2022〕8号 三(四) 出具推荐意见);
- its 推荐文件 for a round (the city's official recommendation document, one PDF per city and round, beside its
  summary table; the province's page marks a city without one where ``file_required``, e.g. Jiangxi 2024 一
  将推荐文件、推荐汇总表…报送省工业和信息化厅).

Web, API and CLI call these functions; every change is audited.
"""
from __future__ import annotations

import hashlib
import io
import uuid
from typing import IO, Any

from sqlalchemy import func, select

from core.accounts.permissions import Perm, city_of
from core.applications import evidence
from core.errors import AccessDenied, InvalidInput, NotFound
from core.extensions import db
from core.kernel.permissions import may
from core.kernel.rules import region_rules, rule_of, rules_of_round
from core.models import AdminUnit, ApplicationStatus, Campaign, CityRecommendationFile
from core.models.counters import ApplicationCount
from core.plugins.types import CityRecommendation, Level
from core.services import audit
from core.services.deadlines import check_step_open
from core.storage import staging

#: statuses of an application the city has recommended (and the province may have acted on since)
RECOMMENDED = (ApplicationStatus.CITY_RECOMMENDED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.GRADED,
               ApplicationStatus.IN_NOTICE, ApplicationStatus.LISTED)


def policy(campaign: Campaign) -> CityRecommendation:
    """The round's rule: the region's, or as the round's notice has it (a condition it switches on or sets aside,
    issue 53: :func:`core.kernel.rules.rules_of_round`)."""
    return rules_of_round(campaign).city_recommendation(Level(campaign.level), campaign.year)


# ------------------------------------------------------------------ opinion --


def check_opinion(campaign: Campaign, text: Any) -> str | None:
    """The city's 推荐意见 as stored (stripped; None when none is given), or :class:`InvalidInput` (422) when the
    region's rule requires one and it is missing, or it is too short or too long."""
    rule = policy(campaign)
    value = str(text or "").strip()
    if not value:
        if rule.opinion_required:
            raise InvalidInput("Write the city's recommendation opinion: this round requires it (rule "
                               "from %(source)s: %(cite)s).", field="opinion", **rule_of(rule))
        return None
    low = rule.opinion_min if rule.opinion_required else 1
    if not low <= len(value) <= rule.opinion_max:
        raise InvalidInput("The recommendation opinion must have %(low)d to %(high)d characters (rule from "
                           "%(source)s: %(cite)s).", field="opinion", low=low, high=rule.opinion_max,
                           **rule_of(rule))
    return value


# --------------------------------------------------------- recommendation file --


def file_of(campaign: Campaign, admin_unit_id: int) -> CityRecommendationFile | None:
    return db.session.scalar(select(CityRecommendationFile).where(
        CityRecommendationFile.campaign_id == campaign.id, CityRecommendationFile.admin_unit_id == admin_unit_id))


def upload_file(campaign: Campaign, unit: AdminUnit, filename: str | None, data: bytes,
                actor: str) -> CityRecommendationFile:
    """Check and store the city's 推荐文件 for the round (a PDF, checked like evidence); a new upload replaces the
    previous one (its file goes once the change is committed). Refused once the city's step of the round has
    closed for the city (the round's city deadline, Jiangxi 2024: 于2024年5月27日前报送). The caller commits."""
    check_step_open(campaign, "city", admin_unit_id=unit.id)
    pages = evidence.check_pdf(data)
    name = uuid.uuid4().hex
    staging.stage(name, data)
    row = file_of(campaign, unit.id)
    replaced = None
    if row is None:
        row = CityRecommendationFile(campaign_id=campaign.id, admin_unit_id=unit.id)
        db.session.add(row)
    else:
        replaced = row.sha256
        staging.delete_after_commit(row.storage_name)
    row.original_name = evidence._clean_name(filename)
    row.storage_name, row.size, row.pages = name, len(data), pages
    row.sha256, row.uploaded_by = hashlib.sha256(data).hexdigest(), actor
    db.session.flush()
    audit.record(actor, "city.recommendation_file_uploaded", "campaign", campaign.id, admin_unit=unit.id,
                 name=row.original_name, size=row.size, sha256=row.sha256, pages=pages, replaced=replaced)
    return row


def may_read_files(user: Any) -> None:
    """Who may ask for a 推荐文件 at all: the province and city staff (which file: :func:`file_for`)."""
    if not (may(user, Perm.CAMPAIGN_MANAGE) or may(user, Perm.SUMMARY)):
        raise AccessDenied("Your role may not do this.")


def file_for(user: Any, file_id: Any) -> CityRecommendationFile:
    """A 推荐文件 the user may read: the province (who manages rounds) any city's, a city its own only."""
    try:
        row = db.session.get(CityRecommendationFile, int(file_id))
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise NotFound("No such file.")
    if may(user, Perm.CAMPAIGN_MANAGE):
        return row
    if may(user, Perm.SUMMARY) and city_of(user) == row.admin_unit_id:
        return row
    raise AccessDenied("This file belongs to another city.")


def open_file(row: CityRecommendationFile) -> IO[bytes]:
    try:
        return io.BytesIO(staging.read(row.storage_name))
    except FileNotFoundError:
        raise NotFound("No such file.") from None


def download_name(row: CityRecommendationFile) -> str:
    return row.original_name if row.original_name.lower().endswith(".pdf") else row.original_name + ".pdf"


def round_files(campaign: Campaign) -> list[dict[str, Any]]:
    """The province's view of the round: each city that recommended an application, or uploaded its file, with
    how many it recommended, its file (or None) and ``missing`` where the region's rule requires the file."""
    rule = policy(campaign)
    total = func.sum(ApplicationCount.n)  # issue 57: the counters the database keeps (migration 0052)
    counts = dict(db.session.execute(
        select(ApplicationCount.admin_unit_id, total)
        .where(ApplicationCount.campaign_id == campaign.id, ApplicationCount.status.in_([s.value for s in RECOMMENDED]))
        .group_by(ApplicationCount.admin_unit_id).having(total > 0)).all())
    files = {f.admin_unit_id: f for f in db.session.scalars(
        select(CityRecommendationFile).where(CityRecommendationFile.campaign_id == campaign.id))}
    ids = set(counts) | set(files)
    units = {u.id: u for u in db.session.scalars(select(AdminUnit).where(AdminUnit.id.in_(ids)))} if ids else {}
    rows = [{"unit": units[i], "recommended": counts.get(i, 0), "file": files.get(i),
             "missing": rule.file_required and i not in files} for i in ids if i in units]
    return sorted(rows, key=lambda r: (not r["missing"], r["unit"].code))


def round_files_json(campaign: Campaign) -> list[dict[str, Any]]:
    return [{"city": r["unit"].code, "city_name": r["unit"].name, "recommended": r["recommended"],
             "file": r["file"], "missing": r["missing"]} for r in round_files(campaign)]
