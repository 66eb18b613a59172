"""Style sheets and scripts are kept by the browser (core/web/static_versions.py): every page links each static
file by an address that carries a digest of its content, and that address is answered with a year's lifetime, for
signed-in users too; the plain address, or an old digest, is answered to be asked again as before. Without this a
browser asked for every style sheet and script again on every page (15-45 ms of a page's load in chromium on the
2-core machine, and three to five requests a page on the server)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

CORE_STATIC = Path(__file__).resolve().parents[2] / "core" / "web" / "static"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def test_the_layout_links_each_file_by_its_content(client):
    html = client.get("/").get_data(as_text=True)
    css = f"/static/core/greenmfg.css?v={_digest(CORE_STATIC / 'greenmfg.css')}"
    js = f"/static/core/greenmfg.js?v={_digest(CORE_STATIC / 'greenmfg.js')}"
    assert f'href="{css}"' in html and f'src="{js}"' in html
    # every static address on the page carries its digest (the applications' style sheet, a blueprint's, too)
    static = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert len(static) >= 3 and all(re.search(r"\?v=[0-9a-f]{12}$", link) for link in static), static
    kept = client.get(css)
    assert kept.status_code == 200 and kept.get_data() == (CORE_STATIC / "greenmfg.css").read_bytes()
    assert kept.cache_control.public and kept.cache_control.max_age == 365 * 24 * 3600
    assert "immutable" in kept.headers["Cache-Control"] and "no-cache" not in kept.headers["Cache-Control"]


def test_a_plain_address_or_an_old_digest_is_asked_again(client):
    for url in ("/static/core/greenmfg.css", "/static/core/greenmfg.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200 and response.cache_control.max_age in (None, 0), url
        assert "immutable" not in response.headers.get("Cache-Control", ""), url
    assert client.get("/static/core/no-such-file.css?v=000000000000").status_code == 404


def test_signed_in_pages_keep_their_files_too(make_app):
    """A signed-in page is ``no-store`` (core/accounts/sessions.py); the files it links are not anyone's data and
    are kept, the review pages' own style sheet included."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))
    from app_world import build_world

    world = build_world(make_app("hunan", WTF_CSRF_ENABLED=False))
    client = world.client("province")
    page = client.get("/review")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    links = re.findall(r'(?:href|src)="(/static/[^"]+\?v=[0-9a-f]{12})"', page.get_data(as_text=True))
    assert any(link.startswith("/static/review/review.css?v=") for link in links), links
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.cache_control.max_age == 365 * 24 * 3600 and not response.cache_control.no_store, link
