"""W1 in process, asked in turn (bench/bench_pages.py ``--floor --interleaved``, issue 57): the made page and its
floor are asked one request each, in turn, and compared by the medians of their CPU time per round, so both meet
the machine as it is at that moment."""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from bench_pages import build_parser, interleaved  # noqa: E402


def _burn(milliseconds: float) -> None:
    """Spend about ``milliseconds`` of this process's CPU time."""
    end = time.process_time_ns() + int(milliseconds * 1e6)
    while time.process_time_ns() < end:
        pass


def test_the_page_and_its_floor_are_asked_in_turn_and_compared_by_their_medians():
    asked: list[str] = []

    def made():
        asked.append("made")
        _burn(40.0 if asked.count("made") % 5 == 0 else 2.0)  # one request in five is slow (a collection, say)

    def floor():
        asked.append("floor")
        _burn(1.0)

    made_ms, floor_ms = interleaved(made, floor, requests=15, rounds=3)
    assert asked == ["made", "floor"] * 45  # one each, in turn, 15 a round
    assert len(made_ms) == len(floor_ms) == 3
    # the medians leave the slow requests out: the page costs twice its floor in every round
    for a, b in zip(made_ms, floor_ms):
        assert 1.6 <= a / b <= 2.6, (made_ms, floor_ms)
        assert a < 10


def test_interleaved_is_for_the_floor_in_process():
    parser = build_parser()
    assert parser.parse_args(["--floor", "--interleaved"]).interleaved
    from bench_pages import main

    for argv in (["--interleaved"], ["--floor", "--gunicorn", "--interleaved"]):
        try:
            main(argv)
        except SystemExit as stop:
            assert stop.code == 2
        else:
            raise AssertionError(f"{argv} was accepted")
