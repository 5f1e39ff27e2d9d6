"""content_checks.dates: ``Date`` and ``Modified`` are real dates in the agreed form (ÅÅÅÅ-MM-DD TT:MM),
with the date the editor most likely meant when they are not; a published post's ``Date`` is not in the
future (a mistyped year, or a post meant for later), and ``Modified`` is not before ``Date``.

A site that schedules posts sets Pelican's ``WITH_FUTURE_DATES = False``: a post dated in the future is
then a draft until a build after its date, and allowed. ``published`` says whether a post or page is on
the published site, for the rules on links and addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

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


def now(settings: dict) -> datetime:
    """The time now where the editors are (the site's TIMEZONE), as they write dates: without a zone."""
    zone = ZoneInfo(settings.get("TIMEZONE") or "Europe/Stockholm")
    return datetime.now(zone).replace(tzinfo=None, second=0, microsecond=0)


def scheduled(settings: dict) -> bool:
    """Whether a post dated in the future waits as a draft (Pelican's WITH_FUTURE_DATES = False)."""
    return settings.get("WITH_FUTURE_DATES", True) is False


def published(site: Site, source) -> bool:
    """Whether a post or page is on the published site: not a draft, and not waiting for its date."""
    if (source.meta.get("status") or "published").strip().lower() == "draft":
        return False
    if source.kind == "post" and scheduled(site.settings):
        date = parse_date(source.meta.get("date") or "")
        return date is None or date <= now(site.settings)
    return True


def check_order(site: Site) -> Iterator[Problem]:
    """A published post's Date is not in the future, and Modified is not before Date."""
    today = now(site.settings)
    for source in site.sources:
        date, modified = (parse_date(source.meta.get(key) or "") for key in ("date", "modified"))
        draft = (source.meta.get("status") or "").strip().lower() == "draft"
        if date and date > today and not draft and not scheduled(site.settings):
            yield Problem(
                site.name(source.path),
                f'Date: "{source.meta["date"]}" ligger i framtiden, och inlägget skulle visas med det'
                " datumet. Skriv datumet då inlägget publicerades. Ska det publiceras senare, gör det till"
                " ett utkast med Status: draft tills dess.",
                source.meta_lines.get("date", 1),
                "Date",
            )
        if date and modified and modified < date:
            yield Problem(
                site.name(source.path),
                f'Modified: "{source.meta["modified"]}" är före Date ({source.meta["date"]}). Modified är'
                " när inlägget senast ändrades, efter att det publicerades: skriv ett datum efter Date, eller"
                " ta bort raden Modified.",
                source.meta_lines.get("modified", 1),
                "Modified",
            )
        elif modified and modified > today:
            yield Problem(
                site.name(source.path),
                f'Modified: "{source.meta["modified"]}" ligger i framtiden. Skriv när inlägget senast'
                " ändrades.",
                source.meta_lines.get("modified", 1),
                "Modified",
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
    content_checked.connect(check_order)
