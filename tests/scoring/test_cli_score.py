"""``greenmfg score FILE.json [--region R]`` (issue 3).

Seed: 001_3f04a56fc6693327.txt 附件1 (factory: 第1项 能源消耗强度 W=8 逆向; 第3项 可再生能源利用率
W=8 正向, %; 第4项 L=8 B=0 W=6; 第9项 定性 W=6); 004_7a8ddd82f611ab67.txt 第十四条 (Shanxi A/B/C).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.score import score
from core.models import ReferenceValue

#: test references (L, B) for the factory indicators that take one
REFS = {1: (0.40, 0.60), 2: (1.0, 2.0), 3: (40, 20), 5: (1.0, 1.2), 6: (2.0, 4.0), 7: (95, 85), 8: (95, 80),
        10: (3, 1), 11: (0.05, 0.10), 14: (2.0, 1.0)}
#: all at the leading value except #1 at its midpoint (4 of 8) → 96 points
VALUES = {"1": 0.50, "2": 1.0, "3": 40, "4": 8, "5": 1.0, "6": 2.0, "7": 95, "8": 95, "10": 3, "11": 0.05,
          "14": 2.0}
QUALITATIVE = {"9": True, "12": True, "13": True}


def request_file(tmp_path: Path, **changes) -> str:
    data = {"unit_type": "factory", "industry": "水泥", "year": 2025, "values": VALUES,
            "reference": {str(n): {"leading": lead, "baseline": base} for n, (lead, base) in REFS.items()},
            "qualitative": QUALITATIVE, **changes}
    path = tmp_path / "unit.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_score_prints_the_specified_json(runner, tmp_path):
    """Issue 3 output: total, indicators [{number, name, weight, value, score, status}], tier.
    附件1 第1项 at the midpoint of L=0.40/B=0.60 scores 4 of 8; the rest full → 96."""
    result = runner.invoke(score, [request_file(tmp_path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["total"] == 96.0 and out["complete"] is True and out["tier"] is None
    first = out["indicators"][0]
    assert {k: first[k] for k in ("number", "name", "weight", "value", "score", "status")} == {
        "number": 1, "name": "能源消耗强度", "weight": 8, "value": 0.5, "score": 4.0, "status": "scored"}
    assert [i["number"] for i in out["indicators"]] == list(range(1, 15))


def test_reference_is_optional_when_the_database_has_values(runner, tmp_path, scoring_db):
    """Issue 3: without "reference", stored values are used: the industry's own (建材/水泥 =
    building.01, 附件3) for 第1项, the general ``*`` ones otherwise; 第2项 has none → needs_reference."""
    scoring_db.add_all(ReferenceValue(indicator_set="miit2025.factory", industry="*", number=n, year=2025,
                                      leading=lead, baseline=base) for n, (lead, base) in REFS.items() if n != 2)
    scoring_db.add(ReferenceValue(indicator_set="miit2025.factory", industry="building.01", number=1,
                                  year=2025, leading=0.30, baseline=0.70))
    scoring_db.commit()
    data = json.loads(Path(request_file(tmp_path)).read_text(encoding="utf-8"))
    del data["reference"]
    (tmp_path / "unit.json").write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(score, [str(tmp_path / "unit.json")])
    assert result.exit_code == 0, result.output
    out = {i["number"]: i for i in json.loads(result.stdout)["indicators"]}
    assert out[1]["score"] == 4.0 and out[1]["inputs"]["leading"] == 0.30  # (0.70-0.50)/(0.70-0.30)·8
    assert out[2]["status"] == "needs_reference" and out[2]["score"] is None
    assert out[3]["inputs"]["reference_year"] == 2025


@pytest.mark.parametrize("changes, field, zh", [
    ({"values": {"15": 1}}, "values.15", "没有第15项指标"),
    ({"values": {"1": "abc"}}, "values.1", "须为数字"),
    ({"values": {"3": 120}}, "values.3", "百分比须在0到100之间"),
    ({"reference": {"1": {"leading": 0.5, "baseline": 0.5}}}, "reference.1", "引领值与基准值相同"),
    ({"unit_type": "mine"}, "unit_type", "未知的单位类型"),
])
def test_bad_input_exits_2_naming_the_field(runner, tmp_path, changes, field, zh):
    """Issue 3: unknown indicator number (附件1 has 14), non-numeric value, percentage outside
    0–100 (第3项), leading == baseline → exit code 2, the field named in Chinese and English."""
    result = runner.invoke(score, [request_file(tmp_path, **changes)])
    assert result.exit_code == 2
    assert field in result.stderr and zh in result.stderr and " / " in result.stderr
    assert result.stdout == ""


def test_invalid_json_exits_2(runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    result = runner.invoke(score, [str(path)])
    assert result.exit_code == 2 and "JSON格式错误" in result.stderr and "invalid JSON" in result.stderr


def test_installed_command_with_region(tmp_path):
    """The installed ``greenmfg score FILE --region shanxi``: 96 points → tier A
    (004_7a8ddd82f611ab67.txt 第十四条, A from 85 by default; B or better is recommendable)."""
    exe = Path(sys.executable).with_name("greenmfg")
    env = {**os.environ, "GREENMFG_INSTANCE_PATH": str(tmp_path / "instance"), "GREENMFG_REGION": "national"}
    out = subprocess.run([str(exe), "score", request_file(tmp_path), "--region", "shanxi"], capture_output=True, check=False,
                         text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert (doc["total"], doc["tier"]) == (96.0, "A")
    assert doc["grading"] == {"level": "provincial", "source": "shanxi", "tier_label": "A级", "recommendable": True}
    bad = subprocess.run([str(exe), "score", request_file(tmp_path, values={"3": -5})], capture_output=True, check=False,
                         text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "values.3" in bad.stderr
