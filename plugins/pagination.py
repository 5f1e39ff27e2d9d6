"""pagination: which page numbers a listing's navigation shows, so that a reader of a 600-post archive
can go straight to the first, the last or a nearby page instead of only one page back or forward.

Templates call ``page_window(articles_page.number, articles_paginator.num_pages)`` (a Jinja global; see
theme/templates/partials/pagination.html) and get the numbers to link in order, with ``None`` where pages
are left out (shown as "…"): ``page_window(30, 60)`` is ``[1, None, 29, 30, 31, None, 60]``. At most
seven entries whatever the number of pages, so the navigation fits a phone's line or two.
"""

from __future__ import annotations

from pelican import signals

AROUND = 1  # pages shown on each side of the current one


def page_window(current: int, total: int, around: int = AROUND) -> list[int | None]:
    """The first and the last page, the current one and ``around`` pages on each side of it, in order;
    ``None`` for each run of pages left out. A run of one page is shown instead: "1 2 3", not "1 … 3"."""
    if total < 1:
        return []
    current = min(max(current, 1), total)
    shown = sorted({1, total} | set(range(max(1, current - around), min(total, current + around) + 1)))
    window: list[int | None] = []
    for number in shown:
        if window:
            previous = window[-1]
            if number - previous == 2:
                window.append(previous + 1)
            elif number - previous > 2:
                window.append(None)
        window.append(number)
    return window


def add_global(pelican) -> None:
    pelican.settings.setdefault("JINJA_GLOBALS", {})["page_window"] = page_window


def register() -> None:
    signals.initialized.connect(add_global)
