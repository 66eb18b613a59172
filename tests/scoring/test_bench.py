"""The scoring benchmark (bench/bench_scoring.py, W2) still runs, prints both ratios with their spread and
fails on a miss.

Issue 23: the first recompute of all scores, ranks and flags within 2× a plain SELECT of the same rows (issue 3:
the steady run within 3×). Here on 300 units only, to keep the script from rotting; the figures themselves come
from a full run.
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
    assert bench.main(["--units", "300", "--trials", "2", "--no-fail"]) == 0
    out = capsys.readouterr().out
    assert "first run ratio (x)" in out and "steady run ratio (x)" in out and "load average" in out
    assert out.count("median") >= 8 and "rows: 900" in out and "trial 2:" in out


def test_bench_exits_1_when_a_ratio_is_missed(capsys):
    bench = load()
    assert bench.main(["--units", "100", "--trials", "1", "--target", "0.01"]) == 1
    assert "goal missed by the first run" in capsys.readouterr().err


def test_bench_takes_a_size_in_rows(capsys):
    bench = load()
    assert bench.main(["--rows", "1.5k", "--trials", "1", "--no-fail"]) == 0
    assert "500 units × 3 years = 1500 rows" in capsys.readouterr().out
