"""swedish_order: lists of categories, tags and authors in Swedish alphabetical order.

Python orders by code point, which puts ä before å and sorts é after z. Swedish order is a–z, then
å, ä, ö; accented letters (é, ü) sort as their base letter. A Jinja filter, ``sv_sort``, gives that order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from pelican import signals

# Letters of their own at the end of the Swedish alphabet (Danish/Norwegian forms sort with them).
LAST_LETTERS = {"å": "\x7b", "ä": "\x7c", "æ": "\x7c", "ö": "\x7d", "ø": "\x7d"}


def sv_key(text: str) -> str:
    """A sort key that orders words as a Swedish dictionary does."""
    key = []
    for char in str(text).casefold():
        if char in LAST_LETTERS:
            key.append(LAST_LETTERS[char])
        else:
            key.append(unicodedata.normalize("NFKD", char)[0])
    return "".join(key)


def sv_sort(items: Iterable, attribute: str | None = None) -> list:
    """Jinja filter: items in Swedish order, by an attribute path like "0.name" if given."""

    def value(item):
        for part in attribute.split(".") if attribute else ():
            item = item[int(part)] if part.isdigit() else getattr(item, part)
        return sv_key(item)

    return sorted(items, key=value)


def add_filter(pelican) -> None:
    pelican.settings.setdefault("JINJA_FILTERS", {})["sv_sort"] = sv_sort


def register() -> None:
    signals.initialized.connect(add_filter)
