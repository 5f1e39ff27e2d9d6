"""content_checks.dates: ``Date`` and ``Modified`` are real dates in the agreed form (ÅÅÅÅ-MM-DD TT:MM),
with the date the editor most likely meant when they are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from swedish_dates import meant_date

from content_checks import Problem, Site, content_checked

DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$")


def check_dates(site: Site) -> Iterator[Problem]:
    for source in site.sources:
        for key in ("date", "modified"):
            value = source.meta.get(key)
            if value and parse_date(value) is None:
                meant = meant_date(value)
                hint = f" Menade du {key.capitalize()}: {meant}?" if meant else ""
                yield Problem(
                    site.name(source.path),
                    f'{key.capitalize()}: "{value}" är inget giltigt datum. Skriv ÅÅÅÅ-MM-DD TT:MM,'
                    f" till exempel 2018-02-15 10:00.{hint}",
                    source.meta_lines.get(key, 1),
                    key.capitalize(),
                )


def parse_date(value: str) -> datetime | None:
    """The date an editor wrote (local time), or None if it is not a real date in the agreed form."""
    value = value.strip()
    if not DATE_SHAPE.match(value):
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(value, date_format)
        except ValueError:
            continue
    return None


def register() -> None:
    content_checked.connect(check_dates)
