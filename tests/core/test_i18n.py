"""Every user-visible string has a Chinese translation, and the compiled catalogue is current."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
PO = ROOT / "core/translations/zh/LC_MESSAGES/messages.po"
KEYWORDS = ["_l", "InvalidInput", "LimitReached", "DeadlinePassed", "CalendarDataMissing", "Refused", "AccessDenied",
            "NotFound"]


def test_every_extracted_string_is_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    args = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-o", str(pot), "."]
    for k in KEYWORDS:
        args += ["-k", k]
    subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    catalogue = read_po(PO.open("rb"))
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert wanted - translated == set(), "run scripts/i18n and translate the new strings"


def test_compiled_catalogue_is_current():
    """The compiled catalogue holds exactly the catalogue's translations (compared message by message: Babel
    releases lay out the same messages in different bytes, so a byte comparison fails on a fresh install)."""
    buf = io.BytesIO()
    write_mo(buf, read_po(PO.open("rb")))
    buf.seek(0)
    expected = {m.id: m.string for m in read_mo(buf) if m.id}
    compiled = {m.id: m.string for m in read_mo(PO.with_suffix(".mo").open("rb")) if m.id}
    assert compiled == expected, "run scripts/i18n"


def test_the_request_catalogue_follows_force_locale(make_app):
    """``core.i18n.translations`` keeps one catalogue a request, yet a ``force_locale`` block (used for
    bilingual API errors and Chinese exports) gets its own, and the request's comes back after it."""
    from flask import render_template_string
    from flask_babel import force_locale

    from core.i18n import bilingual, translations

    app = make_app("hunan")
    with app.test_request_context("/?lang=zh"):
        assert translations().gettext("Home") == "首页"
        with force_locale("en"):
            assert translations().gettext("Home") == "Home"
            assert render_template_string("{{ _('Home') }}") == "Home"
        assert translations().gettext("Home") == "首页"
        assert render_template_string("{{ _('%(n)d accounts', n=2) }}") == "共 2 个账户"
        assert bilingual("Home") == {"zh": "首页", "en": "Home"}
        assert translations().gettext("Home") == "首页"
