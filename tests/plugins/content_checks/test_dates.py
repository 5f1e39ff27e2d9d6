"""content_checks.dates: the dates editors write."""

from __future__ import annotations

from datetime import datetime

import pytest
from content_checks.dates import parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-02-15 10:00", datetime(2018, 2, 15, 10, 0)),
        ("2018-02-15", datetime(2018, 2, 15)),
        ("2019-07-01 09:15:30", datetime(2019, 7, 1, 9, 15, 30)),
        ("2018-02-30 10:00", None),
        ("2018-2-15", None),
        ("15 februari 2018", None),
        ("2018-02-15 25:00", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected
