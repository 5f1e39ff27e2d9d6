"""hyphenation: Swedish break points in long words wherever readers see text, so that a phone (or large
text on any screen) breaks a long compound between syllables, with a hyphen, instead of between any two
letters or out of the page sideways.

Two Jinja filters, used only where text is shown (never in ``<title>``, descriptions, Open Graph,
JSON-LD, feeds, the sitemap or the search records, which print their text without them):

- ``hyphenate`` for titles, headings and names (``{{ article.title|hyphenate }}``): a break point at every
  place Pyphen's Swedish dictionary (LibreOffice's patterns) knows, in every word of seven letters or
  more; a heading at 200 % text size on a 320 px phone holds about seven letters a line. A title shown
  at reading size takes the text rule below: ``{{ article.title|hyphenate("text") }}``.
- ``hyphenate_text`` for text at reading size (``{{ article.content|hyphenate_text }}``, summaries, bios,
  captions, comments, menus, the meta line): only words of ten letters or more, and only as many break
  points as keep every piece within eight letters; headings inside the text get the heading rule;
  ``<pre>``, ``<code>``, ``<kbd>`` and ``<samp>`` are never touched.

A break point is not the character U+00AD but an empty ``<bk-shy></bk-shy>`` element whose CSS draws a
soft hyphen (``bk-shy::before { content: "\\ad" / "" }``): the line breaks there with a hyphen, as at
U+00AD, but generated content is left out of what a reader copies (Ctrl+C of a title gives the plain
title, which the search then finds) and, with its empty alternative text, out of accessible names. It
costs 17 bytes where U+00AD costs 2, which is why text at reading size gets few. Browsers do not
hyphenate Swedish reliably by themselves (Debian's Chromium not at all), so it is done here, where a test
sees it.

Titles arrive finished by typogrify: tags (``<span class="amp">``) and entities are left exactly as they
are; only the text between them gets break points. ``hyphenate`` turns typogrify's widow guard, the
no-break space before a title's last word, back into a plain space: glued to a long Swedish compound, the
last pair is wider than a phone's line (``text-wrap: balance`` keeps a lone last word from being left
behind instead). ``hyphenate_text`` does the same to any no-break space that holds more than nine
characters together (``olika&nbsp;entreprenörskapsfrågor.``), six in a heading, and keeps short ones
(``10&nbsp;000``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from pelican import signals

SOFT_HYPHEN = "\u00ad"
# A soft hyphen drawn by the theme's CSS: it breaks a line like U+00AD but is never copied or read out.
MARK = "<bk-shy></bk-shy>"
# Never fewer than 3 letters on either side of a break: "Öre-sunds-re-gi-o-nen", not "Ö-resunds".
LEFT, RIGHT = 3, 3


@dataclass(frozen=True)
class Rule:
    """Where a kind of text gets break points."""

    min_letters: int  # shorter words fit a line: they get none
    # None: every break point; else only as many as keep each piece within this many letters
    longest_piece: int | None


HEADING = Rule(min_letters=7, longest_piece=None)
TEXT = Rule(min_letters=11, longest_piece=10)
# How many characters a no-break space may hold together: in text a list item's line at 200 % on a
# 320 px phone holds about ten; in a heading inside a body, fewer.
TEXT_GLUE, HEADING_GLUE = 9, 6

# A tag, a whole <code>…</code> element, or an entity: text the title filter must not touch (linear on any
# text, as swedish_typography.PROTECTED).
PROTECTED = re.compile(
    r"""(<code\b(?:[^<]|<(?!/?code\b))*</code>|<(?:[^<>"']|"[^"]*"|'[^']*')*>|&#?\w+;)""",
    re.DOTALL | re.IGNORECASE,
)
# Running text: elements whose text is code, whole (up to their end tag, never past another of their
# start tags: linear); any other tag; headings' tags are looked at.
TEXT_PROTECTED = re.compile(
    r"""(<(pre|code|kbd|samp)\b(?:[^<]|<(?!/?\2\b))*</\2\s*>|<(?:[^<>"']|"[^"]*"|'[^']*')*>)""",
    re.DOTALL | re.IGNORECASE,
)
HEADING_TAG = re.compile(r"<(/?)h[1-6]\b", re.IGNORECASE)
# typogrify's widont: "&nbsp;" between the last two words, at the end or before closing inline tags.
WIDONT = re.compile(r"&nbsp;(?=[^\s<>&]+(?:\s*</[a-z]+>)*\s*$)", re.IGNORECASE)
NO_BREAK_SPACE = re.compile(r"&nbsp;|\xa0", re.IGNORECASE)
# What ends a run of words glued by no-break spaces (Python's \\s would count a no-break space too).
SPACE = re.compile(r"[ \t\n\r\f]")


@functools.cache
def _dictionary():
    import pyphen  # loaded only when a page is rendered: the content checks never need it

    return pyphen.Pyphen(lang="sv", left=LEFT, right=RIGHT)


@functools.lru_cache(maxsize=65536)
def hyphenate_word(word: str) -> str:
    """One word with a soft hyphen at each break point: 'konkurrenskraftig' -> 'kon|kur|rens|kraf|tig'."""
    return _dictionary().inserted(word, hyphen=SOFT_HYPHEN)


def fewest_breaks(pieces: list[str], longest: int) -> list[int]:
    """Which of the breaks between ``pieces`` to keep so that no run of pieces is longer than ``longest``
    letters: as few as that allows and, among those, the most even runs, then the longest first ones (a
    line fills before it breaks). Indexes of the breaks kept (break i is after piece i). A piece longer
    than ``longest`` on its own is left as it is."""
    ends = [0]
    for piece in pieces:
        ends.append(ends[-1] + len(piece))
    count = len(pieces)
    # best[j]: (breaks, sum of squared run lengths, later breaks first, breaks kept) for pieces[:j].
    best: list[tuple] = [(0, 0, (), ())] + [None] * count
    for end in range(1, count + 1):
        for start in range(end):
            length = ends[end] - ends[start]
            if length > longest and end - start > 1:
                continue
            breaks, squares, _, kept = best[start]
            if start:
                kept = (*kept, start - 1)
            candidate = (breaks + (start > 0), squares + length * length, tuple(-k for k in kept), kept)
            if best[end] is None or candidate[:3] < best[end][:3]:
                best[end] = candidate
    return list(best[count][3])


@functools.lru_cache(maxsize=65536)
def word_with_marks(word: str, min_letters: int, longest_piece: int | None) -> str:
    """A word with the theme's soft-hyphen mark at the break points a Rule asks for."""
    if len(word) < min_letters:
        return word
    pieces = hyphenate_word(word).split(SOFT_HYPHEN)
    if longest_piece is None:
        return MARK.join(pieces)
    kept = set(fewest_breaks(pieces, longest_piece))
    return "".join(piece + (MARK if index in kept else "") for index, piece in enumerate(pieces))


@functools.cache
def long_words(least: int) -> re.Pattern:
    """Whole runs of at least ``least`` letters (no digits, no underscores), never an entity's name
    (``&thinsp;``): shorter words never reach Python, which is most of the time this filter takes."""
    return re.compile(rf"(?<![&\w])[^\W\d_]{{{least},}}")


def _mark_words(text: str, rule: Rule) -> str:
    least, longest = rule.min_letters, rule.longest_piece
    return long_words(least).sub(lambda match: word_with_marks(match.group(), least, longest), text)


def unglue(text: str, longest: int) -> str:
    """No-break spaces that hold more than ``longest`` characters together made plain spaces."""
    out: list[str] = []
    position = 0  # text before it is in out
    for match in NO_BREAK_SPACE.finditer(text):
        if match.start() < position:  # a later no-break space of a run already done
            continue
        before = text[position : match.start()]
        start = position + max(before.rfind(" "), before.rfind("\n"), before.rfind("\t")) + 1
        after = SPACE.search(text, match.end())
        end = after.start() if after else len(text)
        run = text[start:end]
        loose = NO_BREAK_SPACE.sub(" ", run)
        out += [text[position:start], loose if len(loose) > longest else run]
        position = end
    return "".join(out) + text[position:] if out else text


@functools.lru_cache(maxsize=65536)
def hyphenate_html(html: str, rule: Rule = HEADING) -> str:
    """A title's HTML: marks in the text between tags and entities where ``rule`` says, and typogrify's
    no-break space before the last word made a plain space. Memoised: a title is shown on its page and
    in several listings."""
    parts = PROTECTED.split(WIDONT.sub(" ", html))
    # split() with one group alternates text and protected parts: text at even indexes.
    return "".join(_mark_words(part, rule) if index % 2 == 0 else part for index, part in enumerate(parts))


def _mark_text(text: str, in_heading: bool) -> str:
    if in_heading:
        return _mark_words(unglue(text, HEADING_GLUE), HEADING)
    return _mark_words(unglue(text, TEXT_GLUE), TEXT)


def hyphenate_text_html(html: str) -> str:
    """Running text's HTML: marks in long words, and long glued runs loosened; headings inside it as
    ``hyphenate_html`` does them; code and tags as they were."""
    out: list[str] = []
    in_heading = False
    position = 0
    for match in TEXT_PROTECTED.finditer(html):
        text = html[position : match.start()]
        out.append(_mark_text(text, in_heading))
        tag = match.group()
        heading = HEADING_TAG.match(tag)
        if heading:
            in_heading = not heading.group(1)
        out.append(tag)
        position = match.end()
    tail = html[position:]
    out.append(_mark_text(tail, in_heading))
    return "".join(out)


def _as_html(value) -> str:
    """Strings are HTML (Pelican's titles, summaries and bodies are); anything else, such as a Tag or a
    Category, is text and is escaped."""
    return str(value) if isinstance(value, str) else str(escape(str(value)))


def hyphenate(value, size: str = "heading") -> Markup:
    """The filter for titles, headings and names: ``|hyphenate`` where they are large (a heading, a card),
    ``|hyphenate("text")`` where they are shown at reading size (an archive list, a link)."""
    return Markup(hyphenate_html(_as_html(value), TEXT if size == "text" else HEADING))


# Short texts come again and again (menus, footers, summaries in several listings, bios under every
# post): those are memoised; bodies, each shown once and long, are not kept.
_short_text_html = functools.lru_cache(maxsize=65536)(hyphenate_text_html)
SHORT = 2000


def hyphenate_text(value) -> Markup:
    """The filter for running text: a body, a summary, a bio, a caption, a comment, a menu label."""
    if not value:
        return Markup("")
    html = _as_html(value)
    return Markup(_short_text_html(html) if len(html) <= SHORT else hyphenate_text_html(html))


def add_filters(pelican) -> None:
    filters = pelican.settings.setdefault("JINJA_FILTERS", {})
    filters["hyphenate"] = hyphenate
    filters["hyphenate_text"] = hyphenate_text


def register() -> None:
    signals.initialized.connect(add_filters)
