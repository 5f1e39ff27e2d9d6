"""pagination: the page numbers a listing's navigation shows."""

from __future__ import annotations

import pytest
from pagination import page_window


@pytest.mark.parametrize(
    ("current", "total", "expected"),
    [
        (1, 1, [1]),
        (1, 2, [1, 2]),
        (3, 5, [1, 2, 3, 4, 5]),  # a gap of one page is shown, never "…" for it
        (1, 5, [1, 2, None, 5]),
        (30, 60, [1, None, 29, 30, 31, None, 60]),
        (2, 60, [1, 2, 3, None, 60]),
        (3, 60, [1, 2, 3, 4, None, 60]),
        (60, 60, [1, None, 59, 60]),
        (99, 60, [1, None, 59, 60]),  # out of range: the nearest page
        (1, 0, []),
    ],
)
def test_first_last_and_nearby_pages_with_gaps_between(current, total, expected):
    assert page_window(current, total) == expected


def test_never_more_than_seven_entries():
    assert max(len(page_window(current, 600)) for current in range(1, 601)) == 7
