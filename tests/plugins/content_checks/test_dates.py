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


def test_a_site_that_schedules_posts_publishes_a_future_one_on_its_date(tmp_path):
    """WITH_FUTURE_DATES = False (Pelican's setting for scheduled posts): a post dated in the future is
    allowed, and waits as a draft; without it, the same post stops the build (test_editor_mistakes)."""
    from conftest import build_site, copy_site, write_files

    content = write_files(
        copy_site("minimal", tmp_path),
        {
            "posts/2018/senare.md": "Title: Senare\nDate: 2099-03-01 10:00\nAuthor: Anna Berg\nCategory: Turism\n\nText.\n"
        },
    )
    output = build_site(content, tmp_path / "output", WITH_FUTURE_DATES=False)
    assert not (output / "2099").exists()
    assert (output / "utkast/senare/index.html").is_file()
    assert "/2099/03/senare/" not in (content / "adresser.txt").read_text(encoding="utf-8")
