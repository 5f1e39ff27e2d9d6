"""swedish_dates: Jinja filters that write dates in Swedish with Babel ("15 februari 2018"), without
depending on the host's locales (Pelican's strftime route silently falls back to English)."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date
from pelican import signals

LOCALE = "sv_SE"


# Babel takes ~0.1 ms a date, and each post's date is shown on many listing pages: remember them.
@functools.cache
def sv_date(value: date) -> str:
    """A date as readers see it: '1 juli 2019'."""
    return format_date(value, "d MMMM y", locale=LOCALE)


@functools.cache
def sv_month(value: date) -> str:
    """A month and year for archive headings: 'juli 2019'."""
    return format_date(value, "LLLL y", locale=LOCALE)


@functools.cache
def sv_month_name(value: date) -> str:
    """A month alone: 'juli'."""
    return format_date(value, "LLLL", locale=LOCALE)


def iso_datetime(value: date) -> str:
    """The machine-readable form for <time datetime>: '2019-07-01T09:15:00+02:00'."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


FILTERS = {
    "sv_date": sv_date,
    "sv_month": sv_month,
    "sv_month_name": sv_month_name,
    "iso_datetime": iso_datetime,
}


def add_filters(pelican) -> None:
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(FILTERS)


def register() -> None:
    signals.initialized.connect(add_filters)


# Reading a date the way editors write it in Swedish, to suggest the agreed form (content_checks.dates).


@functools.cache
def _month_numbers() -> dict[str, int]:
    """Swedish month names as editors write them, from Babel: "februari", "feb.", "feb" → 2."""
    months = Locale.parse(LOCALE).months["format"]
    numbers = {}
    for width in ("wide", "abbreviated"):
        for number, name in months[width].items():
            numbers[name.lower().rstrip(".")] = number
            numbers[name.lower()[:3]] = number
    return numbers


TIME = r"(?:,?\s*(?:kl\.?|klockan|T)?\s*(\d{1,2})[.:](\d{2}))?"
# "16 februari 2018", "16 feb. 2018 kl. 10.00"
NAMED_MONTH = re.compile(r"(\d{1,2})\.?\s+([a-zåäö]+\.?)\s+(\d{4})" + TIME, re.IGNORECASE)
# "2018-2-16", "2018-02-16 kl 10.00", "2018-02-16T10:00", "2018/02/16"
YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + TIME, re.IGNORECASE)
# "16/2 2018", "16/2-2018", "16.2.2018": day first, as in Sweden
DAY_FIRST = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[-/. ]|\s+)(\d{4})" + TIME, re.IGNORECASE)


def meant_date(value: str) -> str | None:
    """The agreed form (``2018-02-16 10:00``, or ``2018-02-16`` without a time) of a date an editor wrote
    another common way, or None when it is not such a date (or no real day)."""
    value = value.strip()
    for pattern, order in ((NAMED_MONTH, "dmy"), (YEAR_FIRST, "ymd"), (DAY_FIRST, "dmy")):
        match = pattern.fullmatch(value)
        if match is None:
            continue
        parts = dict(zip(order, match.groups()[:3], strict=True))
        month = (
            _month_numbers().get(parts["m"].lower().rstrip("."))
            if pattern is NAMED_MONTH
            else int(parts["m"])
        )
        hour, minute = match.groups()[3:]
        try:
            meant = datetime(int(parts["y"]), month or 0, int(parts["d"]), int(hour or 0), int(minute or 0))
        except ValueError:
            return None
        return f"{meant:%Y-%m-%d %H:%M}" if hour else f"{meant:%Y-%m-%d}"
    return None
