"""The scaling bench's comparison (bench/bench_pages.py ``scaled``, issue 57): a page that shows more rows at the
larger size is compared per row it shows, counting the rows of every list on it; a page that shows as many rows at
both sizes, or that reads more rows than a page shows (an aggregation), is compared whole."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from bench_pages import PAGE_ROWS, scaled  # noqa: E402


def test_a_page_of_three_lists_is_compared_per_row_of_all_three():
    # the city's recommended units, measured 2026-11-26: 166 buffers for 41 rows (lists of 23, 6 and 8 rows, and
    # the user, its city and the round) at 5,000 applications; 787 for 157 (three lists of 51) at 500,000
    ratio, per_row = scaled((166, 41, 23), (787, 157, 51))
    assert per_row and round(ratio, 2) == 1.24
    # divided by the longest list alone (23 and 51 rows), the same page measured 2.14x
    assert round((787 / 51) / (166 / 23), 2) == 2.14


def test_a_page_showing_as_many_rows_at_both_sizes_is_compared_whole():
    ratio, per_row = scaled((229, 104, 51), (403, 104, 51))  # the review queue: 50 rows and its cursor's
    assert not per_row and round(ratio, 2) == 1.76


def test_a_page_whose_longest_list_is_as_long_at_both_sizes_is_compared_whole():
    # a signed-in user's sessions: one row more or fewer elsewhere on the page does not make it a list that grew
    ratio, per_row = scaled((10, 5, 3), (10, 4, 3))
    assert not per_row and ratio == 1.0


def test_a_statement_reading_more_rows_than_a_page_shows_is_compared_whole():
    ratio, per_row = scaled((200, 400, 300), (2000, 4000, 3000))
    assert PAGE_ROWS < 3000 and not per_row and ratio == 10.0
