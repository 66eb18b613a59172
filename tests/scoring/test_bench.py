"""The scoring benchmark (bench/bench_scoring.py) still runs, prints both ratios and fails on a miss.

Issue 3: recompute all scores, ranks and flags within 3× a plain SELECT of the same rows. Here
on 300 units only, to keep the script from rotting; the figures themselves come from a full run.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_scoring.py"


def load():
    spec = importlib.util.spec_from_file_location("bench_scoring", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_prints_first_and_steady_ratios(capsys):
    bench = load()
    assert bench.main(["--units", "300", "--trials", "1", "--no-fail"]) == 0
    out = capsys.readouterr().out
    assert "first run   SELECT" in out and "steady run  SELECT" in out and out.count("ratio") == 2
    assert "rows: 900" in out


def test_bench_exits_1_when_a_ratio_is_missed(capsys):
    bench = load()
    assert bench.main(["--units", "100", "--trials", "1", "--target", "0.01"]) == 1
    assert "target 0.01x exceeded" in capsys.readouterr().err
