"""swedish_dates: Jinja filters that write dates in Swedish with Babel ("15 februari 2018"), without
depending on the host's locales (Pelican's strftime route silently falls back to English)."""

from __future__ import annotations

import functools
from datetime import date, datetime

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
