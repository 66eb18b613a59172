"""JSON answers are written by orjson (core/web/json_answers.py, issue 23: a 50-row API page took 0.26 ms in
``json``) and mean what Flask's own provider wrote: keys sorted, times and dates as HTTP dates, decimals and
translated texts as text; only the encoding differs (UTF-8, not \\u escapes). Debug mode still indents."""
from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import uuid

from flask.json.provider import DefaultJSONProvider
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l


@dataclasses.dataclass
class _Figure:
    name: str
    value: float


def _flask_wrote(app, value) -> bytes:
    return DefaultJSONProvider(app).response(value).get_data()


def test_answers_mean_what_flasks_provider_wrote_in_utf8(app):
    value = {"z": 1, "名称": "绿色工厂", "a": [dt.datetime(2025, 10, 27, 9, 30, tzinfo=dt.UTC), dt.date(2025, 10, 30)],
             "score": decimal.Decimal("87.50"), "id": uuid.UUID(int=7), "figure": _Figure("单位产品综合能耗", 0.42),
             "big": 2 ** 70, "none": None, "ratio": 0.1}
    for language in ("zh", "en"):
        with force_locale(language):
            value["label"] = _l("Draft")
            ours = app.json.response(value)
            theirs = _flask_wrote(app, value)
        assert ours.mimetype == "application/json" and ours.get_data().endswith(b"\n")
        assert json.loads(ours.get_data()) == json.loads(theirs)
    body = app.json.response({"b": 1, "a": {"d": 2, "c": "绿色工厂"}}).get_data()
    assert body == '{"a":{"c":"绿色工厂","d":2},"b":1}\n'.encode()  # sorted, compact, UTF-8


def test_the_api_answers_in_utf8(client):
    """An anonymous API answer (the published lists) carries Chinese as UTF-8 and reads as JSON."""
    response = client.get("/api/v1/lists")
    assert response.status_code == 200 and response.mimetype == "application/json"
    raw = response.get_data()
    assert b"\\u" not in raw and json.loads(raw) == response.get_json()


def test_debug_mode_indents_as_flask_does(app):
    app.debug = True
    try:
        value = {"b": [1, 2], "a": "绿色"}
        assert app.json.response(value).get_data() == _flask_wrote(app, value)
    finally:
        app.debug = False
