"""An application's page names a region-form file by the file's name (Hunan walk): the row 湖南省绿色制造体系创建工作方案
read "文件编号 86", a record number the applicant never saw anywhere else, while the evidence list and the history
named the same file 创建工作方案.pdf."""
from __future__ import annotations

import io

from app_world import build_world, open_campaign, pdf
from bs4 import BeautifulSoup
from test_walk import hunan_web_form


def test_region_form_file_row_names_the_uploaded_file(make_app, tmp_path):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    world = build_world(app)
    campaign_id = open_campaign(app)
    ent = world.client("applicant_changsha")
    r = ent.post("/applications/start", data={"campaign_id": campaign_id, "unit_type": "factory"})
    app_id = int(r.headers["Location"].split("/")[-2])
    data = hunan_web_form(app)
    data["ext_hunan__work_plan"] = (io.BytesIO(pdf(2)), "长沙示范创建工作方案.pdf")
    r = ent.post(f"/applications/{app_id}/edit", data=data, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    for lang, label in (("zh", "湖南省绿色制造体系创建工作方案"), ("en", None)):
        soup = BeautifulSoup(ent.get(f"/applications/{app_id}?lang={lang}").get_data(as_text=True), "html.parser")
        links = [a for a in soup.select("table.grid td a") if "/evidence/" in a.get("href", "")
                 or "download" in a.get("href", "")]
        texts = [a.get_text(strip=True) for a in links]
        assert "长沙示范创建工作方案.pdf" in texts, texts
        assert not [t for t in texts if "文件编号" in t or "File no" in t], texts
        if label:
            row = next(th.find_parent("tr") for th in soup.select("th") if th.get_text(strip=True) == label)
            assert row.select_one("a").get_text(strip=True) == "长沙示范创建工作方案.pdf"
