"""hyphenation: Swedish soft hyphens in headings, so that phones break long compounds between syllables.

Templates apply the filter ``hyphenate`` only where a heading, a card or list title or the site name is
shown: ``{{ article.title|hyphenate }}``. It puts a soft hyphen (U+00AD, invisible unless the line breaks
there) at every break point Pyphen's Swedish dictionary (LibreOffice's patterns) knows in each word of
ten letters or more. Nothing else gets them: ``<title>``, descriptions, Open Graph, JSON-LD, feeds,
the sitemap and the search records all print the title without the filter, and bodies are never touched.
Browsers do not hyphenate Swedish reliably by themselves (Debian's Chromium not at all), which is why it
is done here, at build time, where a test can see it.

Titles arrive finished by typogrify: tags (``<span class="amp">``), entities (``&nbsp;``) and ``<code>``
are left exactly as they are; only the text between them is hyphenated.

The filter also turns typogrify's widow guard, the no-break space before a title's last word, back into a
plain space: glued to a long Swedish compound, the last pair is wider than a 320 px line (see the
README), while ``text-wrap: balance`` on headings keeps a lone last word from being left behind.
"""

from __future__ import annotations

import functools
import re

from markupsafe import Markup
from pelican import signals

SOFT_HYPHEN = "\u00ad"
# Shorter words fit any line at heading sizes; hyphenating them would only cost bytes.
MIN_LETTERS = 10
# Never fewer than 3 letters on either side of a break: "Öre-sunds-re-gi-o-nen", not "Ö-resunds".
LEFT, RIGHT = 3, 3
# A tag, a whole <code>…</code> element, or an entity: text the filter must not touch (linear on any text,
# as swedish_typography.PROTECTED).
PROTECTED = re.compile(
    r"""(<code\b(?:[^<]|<(?!/?code\b))*</code>|<(?:[^<>"']|"[^"]*"|'[^']*')*>|&#?\w+;)""",
    re.DOTALL | re.IGNORECASE,
)
# Runs of letters (no digits, no underscores) long enough to hyphenate.
LONG_WORD = re.compile(rf"[^\W\d_]{{{MIN_LETTERS},}}")
# typogrify's widont: "&nbsp;" between the last two words, at the end or before closing inline tags.
WIDONT = re.compile(r"&nbsp;(?=[^\s<>&]+(?:\s*</[a-z]+>)*\s*$)", re.IGNORECASE)


@functools.cache
def _dictionary():
    import pyphen  # loaded only when a page is rendered: the content checks never need it

    return pyphen.Pyphen(lang="sv", left=LEFT, right=RIGHT)


@functools.lru_cache(maxsize=65536)
def hyphenate_word(word: str) -> str:
    """One word with a soft hyphen at each break point: 'konkurrenskraftig' -> 'kon|kur|rens|kraf|tig'."""
    return _dictionary().inserted(word, hyphen=SOFT_HYPHEN)


def hyphenate_text(text: str) -> str:
    """Plain text: every long word hyphenated, everything else as it was."""
    return LONG_WORD.sub(lambda match: hyphenate_word(match.group()), text)


@functools.lru_cache(maxsize=65536)
def hyphenate_html(html: str) -> str:
    """Soft hyphens in the text between tags and entities, and typogrify's no-break space before the
    last word made a plain space. Memoised: a title is shown on its page and in several listings."""
    parts = PROTECTED.split(WIDONT.sub(" ", html))
    # split() with one group alternates text and protected parts: text at even indexes.
    return "".join(hyphenate_text(part) if index % 2 == 0 else part for index, part in enumerate(parts))


def hyphenate(value) -> str:
    """The filter: a title (HTML, or a category, tag or name) hyphenated for a heading; Markup stays
    Markup."""
    result = hyphenate_html(str(value))
    return Markup(result) if isinstance(value, Markup) else result


def add_filter(pelican) -> None:
    pelican.settings.setdefault("JINJA_FILTERS", {})["hyphenate"] = hyphenate


def register() -> None:
    signals.initialized.connect(add_filter)
