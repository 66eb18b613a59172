"""The keyset paging arithmetic every paged list shares (:func:`core.kernel.paging.page`): which rows a page
shows, in what order, and the cursors of its next and previous links."""
import pytest

from core.kernel.paging import page

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

#: the rows of a list, newest first, as the lists show them; a row's cursor is its key
ROWS = list(range(100, 0, -1))


def cursor(row):
    return f"c{row}"


def read_forward(after=None, limit=11):
    """What a list reads going forward: the rows below ``after`` (all from the start), ``limit`` of them."""
    return [r for r in ROWS if after is None or r < after][:limit]


def read_backward(before, limit=11):
    """What a list reads going backward: the rows above ``before``, nearest first."""
    return [r for r in reversed(ROWS) if r > before][:limit]


def test_first_page_shows_the_first_rows_and_links_only_forward():
    shown = page(read_forward(), 10, "first", cursor)
    assert shown.rows == list(range(100, 90, -1))
    assert shown.next == "c91" and shown.prev is None


def test_middle_page_links_both_ways_from_its_own_first_and_last_rows():
    shown = page(read_forward(after=91), 10, "after", cursor)
    assert shown.rows == list(range(90, 80, -1))
    assert shown.next == "c81" and shown.prev == "c90"


def test_last_page_has_no_next_link():
    shown = page(read_forward(after=4), 10, "after", cursor)
    assert shown.rows == [3, 2, 1]
    assert shown.next is None and shown.prev == "c3"


def test_backward_from_a_cursor_shows_the_page_above_in_display_order():
    shown = page(read_backward(before=81), 10, "before", cursor)
    assert shown.rows == list(range(91, 81, -1))
    assert shown.next == "c82" and shown.prev == "c91"


def test_backward_to_the_first_page_has_no_previous_link():
    shown = page(read_backward(before=95), 10, "before", cursor)
    assert shown.rows == list(range(100, 95, -1))
    assert shown.next == "c96" and shown.prev is None


@pytest.mark.parametrize("direction", ["first", "after", "before"])
def test_empty_page_has_no_links(direction):
    assert page([], 10, direction, cursor) == ([], None, None)


def test_exactly_a_page_of_rows_is_the_last_page():
    shown = page(read_forward(after=11), 10, "after", cursor)
    assert shown.rows == list(range(10, 0, -1))
    assert shown.next is None and shown.prev == "c10"
    first = page(read_forward(limit=10), 10, "first", cursor)
    assert first.rows == list(range(100, 90, -1)) and first.next is None and first.prev is None


def test_exactly_a_page_read_backward_is_the_first_page():
    shown = page(read_backward(before=90), 10, "before", cursor)
    assert shown.rows == list(range(100, 90, -1))
    assert shown.next == "c91" and shown.prev is None


def test_the_rows_read_are_not_changed():
    rows = read_backward(before=50)
    kept = list(rows)
    page(rows, 10, "before", cursor)
    assert rows == kept


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError):
        page([1], 10, "sideways", cursor)
