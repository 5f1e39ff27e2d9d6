"""swedish_typography: Swedish quotes and dashes in titles, which Markdown never sees.

Bodies and summaries get the same rules from the Markdown extension ``mdx_swedish_quotes`` (configured
in pelicanconf). Titles are plain metadata, and typogrify's smartypants (omitted) only knows English
quotes. Swedish uses the same mark on both sides (”citat”, ’ord’), so no left/right guessing is needed:
a straight mark always becomes the closing one. Tags and code in a title are left alone.
"""

from __future__ import annotations

import re

from pelican import signals
from pelican.contents import Article, Page

# The characters bodies get too (mdx_swedish_quotes, see MARKDOWN in pelicanconf.py).
SUBSTITUTIONS = (
    ("---", "\u2014"),  # em dash
    ("--", "\u2013"),  # en dash
    ("...", "\u2026"),  # ellipsis
    ('"', "\u201d"),  # ”
    ("'", "\u2019"),  # ’
)
# A tag, or a whole <code>…</code> element: text the rules must not touch. Neither part runs past the next
# "<" it could start at (outside a quoted attribute), so the pattern is linear on any text.
PROTECTED = re.compile(
    r"""(<code\b(?:[^<]|<(?!/?code\b))*</code>|<(?:[^<>"']|"[^"]*"|'[^']*')*>)""", re.DOTALL | re.IGNORECASE
)


def swedish_text(text: str) -> str:
    """Straight quotes and ASCII dashes in running text become Swedish typography."""
    for ascii_form, mark in SUBSTITUTIONS:
        text = text.replace(ascii_form, mark)
    return text


def swedish_html(html: str) -> str:
    """Like swedish_text, for an HTML fragment: tags, attributes and code stay exactly as they are."""
    parts = PROTECTED.split(html)
    # split() with one group alternates text and protected parts: text at even indexes.
    return "".join(swedish_text(part) if index % 2 == 0 else part for index, part in enumerate(parts))


def typeset_title(content) -> None:
    # After the slug is made from the raw title, so typography never changes an address.
    if isinstance(content, (Article, Page)) and isinstance(getattr(content, "title", None), str):
        content.title = swedish_html(content.title)
        content.metadata["title"] = content.title


def register() -> None:
    signals.content_object_init.connect(typeset_title)
