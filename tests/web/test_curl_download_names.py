"""Issue 58: ``curl -OJ`` (which reads only ``filename``, never RFC 5987's ``filename*``) saved a Jiangxi city's
summary table as ``-2026-.xlsx`` and a round's notice as ``.pdf``, a hidden file: Werkzeug's ASCII fallback is the
Chinese name with its Chinese characters dropped. Against a live server, with the real curl, in an empty folder:
the summary table is saved as its English name, the notice and a background export's file under what their
addresses serve and the numbers of their names; browsers still get the Chinese names through ``filename*``."""
from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from werkzeug.http import parse_options_header

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))  # app_world.py
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))  # browser_kit.py (serving)
from app_world import build_world, open_campaign  # noqa: E402
from browser_kit import serving  # noqa: E402

NOTICE = "赣工信节能字〔2024〕5号.pdf"
SUMMARY = "汇总表-2024-赣江新区.xlsx"


def _curl(url: str, token: str, where: Path, language: str) -> list[str]:
    """What ``curl -OJ`` saves in the empty folder ``where``."""
    where.mkdir()
    done = subprocess.run(["curl", "--silent", "--show-error", "--fail", "-O", "-J", "-H",
                           f"Accept-Language: {language}", "-H", f"Authorization: Bearer {token}", url],
                          cwd=where, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return sorted(p.name for p in where.iterdir())


def test_curl_oj_saves_the_summary_table_and_the_notice_under_their_names(make_app, tmp_path):
    if shutil.which("curl") is None:
        pytest.skip("curl not found (apt-get install -y curl)")
    from core.extensions import db
    from core.models import Campaign, Job
    from core.storage import staging

    app = make_app("jiangxi")
    world = build_world(app, units=("ganjiang_new_area",))
    campaign_id = open_campaign(app, year=2024)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        staging.stage("notice-curl-test", b"%PDF-1.4\n%%EOF\n")
        campaign.notice_file, campaign.notice_file_name = "notice-curl-test", NOTICE
        # the summary table a background export made for the city (core/applications/jobs.py names it so)
        staging.stage("job-curl-test", b"PK\x03\x04")
        job = Job(public_id=uuid.uuid4().hex, name="summary.xlsx", status="done", progress=100, attempts=1,
                  max_attempts=3, actor=world.users["city_ganjiang_new_area"].username,
                  user_id=world.users["city_ganjiang_new_area"].id, result_key="job-curl-test", result_name=SUMMARY,
                  result_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        db.session.add(job)
        db.session.commit()
        job_id = job.public_id
    city = world.tokens["city_ganjiang_new_area"]
    with serving(app) as base:
        summary = f"{base}/api/v1/summary?campaign_id={campaign_id}"
        notice = f"{base}/api/v1/campaigns/{campaign_id}/notice"
        assert _curl(summary, city, tmp_path / "summary-zh", "zh") == ["Summary-table-2024.xlsx"]
        assert _curl(summary, city, tmp_path / "summary-en", "en") == ["Summary-table-2024.xlsx"]
        assert _curl(notice, city, tmp_path / "notice", "zh") == ["notice-2024-5.pdf"]
        assert _curl(f"{base}/api/v1/jobs/{job_id}/result", city, tmp_path / "job", "zh") == ["result-2024.xlsx"]
    assert (tmp_path / "summary-zh" / "Summary-table-2024.xlsx").read_bytes()[:2] == b"PK"
    # browsers read filename* (RFC 6266): the Chinese names stay theirs
    client = world.api("city_ganjiang_new_area")
    for url, name in ((f"/api/v1/summary?campaign_id={campaign_id}", SUMMARY),
                      (f"/api/v1/campaigns/{campaign_id}/notice", NOTICE), (f"/api/v1/jobs/{job_id}/result", SUMMARY)):
        answer = client.get(url, headers={"Accept-Language": "zh"})
        kind, options = parse_options_header(answer.headers["Content-Disposition"])
        assert (kind, options["filename"]) == ("attachment", name), answer.headers["Content-Disposition"]
