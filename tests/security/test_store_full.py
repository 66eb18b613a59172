"""A full evidence store answers 507 with a message that the store is full, in both languages, and nothing is
half-written (issue 47; before: the generic 500 "系统内部出错"); storage_status() reports it for the readiness check."""
from __future__ import annotations

import errno
import io

import pytest
from app_world import build_world, open_campaign, pdf, start_draft
from sqlalchemy import func, select

from core.extensions import db
from core.models import Evidence


class _FullDisk(io.RawIOBase):
    def __init__(self, fd, mode):
        import os

        os.close(fd)

    def writable(self):
        return True

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="city", unit_types=("factory",))
    world.app_id = start_draft(world, world.campaign_id)
    world.evidence_dir = tmp_path / "ev"
    return world


def test_a_full_store_answers_507_in_both_languages_and_keeps_nothing(world, monkeypatch):
    from core.storage import local, storage_status

    with world.app.app_context():
        assert storage_status()["ok"] is True
    monkeypatch.setattr(local.os, "fdopen", lambda fd, mode: _FullDisk(fd, mode))
    api = world.api("applicant_changsha")
    answer = api.post(f"/api/v1/applications/{world.app_id}/evidence", content_type="multipart/form-data",
                      data={"section": "general", "file": (io.BytesIO(pdf(1)), "report.pdf")})
    assert answer.status_code == 507, answer.get_data(as_text=True)
    error = answer.get_json()["errors"][0]
    assert "文件存储空间已满" in error["message_zh"] and "file store is full" in error["message_en"]
    page = world.client("applicant_changsha").post(f"/applications/{world.app_id}/evidence",
                                                   content_type="multipart/form-data",
                                                   data={"section": "general",
                                                         "file": (io.BytesIO(pdf(1)), "report.pdf")})
    assert page.status_code == 507 and "文件存储空间已满" in page.get_data(as_text=True)
    assert [p for p in world.evidence_dir.rglob("*") if p.is_file()] == []
    with world.app.app_context():
        assert db.session.scalar(select(func.count(Evidence.id))) == 0
        status = storage_status()
        assert status["ok"] is False and "file store is full" in status["message"]["en"]
