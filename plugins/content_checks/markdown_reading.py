"""content_checks.markdown_reading: what a piece of Markdown contains, found without rendering it, each
with its offset in the text (so a rule can name the line): raw HTML tags (read with ``html.parser``),
links and images (inline, reference and HTML), attribute lists ``{: … }`` and headings.

Code spans and fenced and indented code blocks are blanked out first, keeping every offset and line, so
that what is shown as code is never taken for markup. The patterns follow Python-Markdown's own (with
the ``extra`` extensions) as far as the content rules need, and start with a literal character where
they can: rendering every post a second time would cost more than the rest of the checks together.
Knows nothing of Pelican; content_checks.safety reads every body, summary, caption and bio with it.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

NOT_NEWLINE = re.compile(r"[^\n]")
CODE_BLOCK_MARKS = ("```", "~~~", "\n    ", "\n\t")
FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[*+-]|\d+[.)])[ \t]")
# Patterns start with a literal character where they can: Python's re then skips to it quickly.
# A code span: a run of backticks, then the first later run of exactly as many (Python-Markdown's
# (`+)(.+?)(?<!`)\1(?!`)); found by ``code_spans`` from the runs, since that pattern is cubic on a
# long run of backticks (2 s for 1,000, 136 s for 4,000).
BACKTICKS = re.compile(r"`+")
# [text](target "title") and ![alt](target "title"); the text may hold one level of brackets, so
# that a linked image [![alt](a.jpg)](b) is one link.
# (Not at an escaped "\[": each of "[\[\[\[…" would read to the end of the text.)
# (The "[" first: a pattern that starts with a literal is found several times faster.)
BRACKETED = r"\[(?:(?<!\\\[)|(?<=\\\\\[))((?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)\]"
# (Runs of white space are taken whole, ``*+``/``++``: "(" and 3,000 spaces must not be split three ways.)
INLINE_LINK = re.compile(
    BRACKETED + r"\(\s*+(?:(<[^<>\n]*>|(?:[^\s()]|\([^\s()]*\))+)"
    r"(?:\s++(\"[^\"]*\"|'[^']*'|\([^()]*\)))?)?\s*+\)"
)
INLINE_IMAGE = re.compile(r"!" + BRACKETED + r"\((?:[^()]|\([^()]*\))*\)")
REFERENCE_LINK = re.compile(BRACKETED + r"[ ]?\[([^\]]*)\]")
REFERENCE_DEFINITION = re.compile(
    r"^[ ]{0,3}\[([^\]\n]+)\]:[ \t]*<?([^\s>]*)>?(?:[ \t]+(\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$",
    re.MULTILINE,
)
ATX_HEADING = re.compile(r"(#{1,6})(?!#)")
# Python-Markdown's attr_list (part of extra): {: key=value } gives the element before it attributes.
# (Its spaces are stripped afterwards: a pattern that trims them itself is cubic on "{" and 3,000 spaces.)
ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
ATTR_PAIR = re.compile(r"""(?<!\S)([^\s=]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")
HTML_HEADING = re.compile(r"h[1-6]")
SETEXT_UNDERLINE = re.compile(r"^(=+|-+)[ \t]*$")


def code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every code span, as Python-Markdown's pattern finds them, in one pass over the runs
    of backticks: a run opens with as many of its backticks as the first later run has exactly (the most
    it can), and the span ends with that run."""
    runs = [(match.start(), match.end() - match.start()) for match in BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = defaultdict(list)
    for start, length in runs:
        by_length[length].append(start)
    spans, end = [], 0
    for start, length in runs:
        if start < end:
            continue  # inside the span found last
        for count in range(length, 0, -1):
            later = by_length.get(count, ())
            index = bisect.bisect_right(later, start + length)
            if index < len(later):
                end = later[index] + count
                spans.append((start, end))
                break
    return spans


def _without_code_spans(text: str) -> str:
    if "`" not in text:
        return text
    parts, last = [], 0
    for start, end in code_spans(text):
        parts += [text[last:start], NOT_NEWLINE.sub(" ", text[start:end])]
        last = end
    return "".join([*parts, text[last:]])


def without_code(text: str) -> str:
    """``text`` with every code span and fenced or indented code block blanked out (same length, same
    lines), so that what is shown as code is never taken for markup."""
    if not any(mark in text for mark in CODE_BLOCK_MARKS) and not text.startswith(("    ", "\t")):
        return _without_code_spans(text)  # most posts: no code block
    lines = text.split("\n")
    fence = ""
    after_blank, in_list = True, False
    for number, line in enumerate(lines):
        if fence:
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = ""
            lines[number] = " " * len(line)
            continue
        opening = FENCE.match(line)
        if opening:
            fence = opening.group(1)
            lines[number] = " " * len(line)
            continue
        if not line.strip():
            after_blank = True
            continue
        indented = line.startswith(("    ", "\t"))
        if LIST_ITEM.match(line):
            in_list = True
        elif not indented:
            in_list = False
        if indented and not in_list and after_blank:
            lines[number] = " " * len(line)  # an indented code block: a blank line before, no list
            continue
        after_blank = False
    text = "\n".join(lines)
    return _without_code_spans(text)


@dataclass
class Link:
    """A link or image as written: where it starts in the text, its text (alt), target and title."""

    offset: int
    text: str
    target: str
    image: bool
    title: str = ""
    raw: str = ""
    kind: str = "inline"  # inline, reference ([text][ref]), definition ([ref]: target) or html
    images: list[str] = field(default_factory=list)  # alt texts of images inside a link's text


@dataclass
class Tag:
    offset: int
    name: str
    attrs: list[tuple[str, str | None]]
    raw: str


# Raw HTML read as a browser's tokenizer reads it (HTML5, from the data state), in one pass from left to
# right that never goes back: html.parser reads the rest of the text again at every "<" of a tag that
# never closes (0.37 s for 2,700 "<a ", a minute for 33,000). A tag: "<", a letter, its name, attributes
# (quoted values may hold > and <), ">"; each part taken whole (atomic groups), so that a tag the text
# ends inside fails at once. A browser reads nothing after such a tag, and neither does this.
_SPACE = r"\t\n\f\r "
_ATTRIBUTES = (
    rf"(?>[{_SPACE}/]*+[^{_SPACE}/>][^{_SPACE}/=>]*+"
    rf"(?>[{_SPACE}]*+=[{_SPACE}]*+(?>\"[^\"]*+\"|'[^']*+'|[^{_SPACE}>\"'][^{_SPACE}>]*+))?)*+"
)
HTML_TAG = re.compile(rf"<(/?)([A-Za-z][^{_SPACE}/>]*+)({_ATTRIBUTES})[{_SPACE}/]*+>")
HTML_ATTRIBUTE = re.compile(
    rf"([^{_SPACE}/>][^{_SPACE}/=>]*)(?:[{_SPACE}]*=[{_SPACE}]*(\"[^\"]*\"|'[^']*'|[^{_SPACE}>]*))?"
)
# Elements whose content a browser reads as text up to their end tag (RAWTEXT, RCDATA, script data).
TEXT_ELEMENTS = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"}


def _comment_end(text: str, start: int) -> int | None:
    """Where a comment that starts at ``start`` ends, as a browser reads it: <!--> and <!---> are empty
    comments, --!> ends one as --> does; None when the text ends inside it."""
    for empty in ("<!-->", "<!--->"):
        if text.startswith(empty, start):
            return start + len(empty)
    ends = [found + len(mark) for mark in ("-->", "--!>") if (found := text.find(mark, start + 4)) >= 0]
    return min(ends) if ends else None


def html_attributes(written: str) -> list[tuple[str, str | None]]:
    """A tag's attributes as html.parser gives them: names in lower case, values unquoted and unescaped."""
    found = []
    for match in HTML_ATTRIBUTE.finditer(written):
        value = match.group(2)
        if value is not None and value[:1] in ('"', "'"):
            value = value[1:-1]
        found.append((match.group(1).lower(), html.unescape(value) if value else value))
    return found


class _HtmlReader:
    """The raw HTML in a text: every start tag, and every <a> and <img> as a Link."""

    def __init__(self, text: str) -> None:
        self.tags: list[Tag] = []
        self.links: list[Link] = []
        self._anchor: Link | None = None
        self._read(text)

    def _read(self, text: str) -> None:
        position = 0
        while (start := text.find("<", position)) >= 0:
            self._data(text[position:start])
            end = self._markup(text, start)
            if end is None:
                return  # the text ends inside a tag or a comment: a browser shows nothing of the rest
            position = end
        self._data(text[position:])

    def _markup(self, text: str, start: int) -> int | None:
        """Read what starts at a "<" and return where reading goes on (None: nothing more to read)."""
        following = text[start + 1 : start + 3]
        first = following[:1]
        if first.isascii() and (first.isalpha() or (first == "/" and following[1:].isalpha())):
            return self._tag(text, start)
        if text.startswith("<!--", start):
            return _comment_end(text, start)
        if first in ("!", "?", "/"):  # <!DOCTYPE, <![CDATA[, <?xml, </3: a bogus comment to the next >
            closing = text.find(">", start + 2)
            return start + 3 if following == "/>" else closing + 1 if closing >= 0 else None
        self._data("<")  # a "<" that starts nothing is text
        return start + 1

    def _tag(self, text: str, start: int) -> int | None:
        tag = HTML_TAG.match(text, start)
        if tag is None:
            return None
        name = tag.group(2).lower()
        if tag.group(1):
            self._end_tag(name)
        else:
            self._start_tag(start, name, html_attributes(tag.group(3)), tag.group(0))
        if tag.group(1) or name not in TEXT_ELEMENTS:
            return tag.end()
        closing = re.compile(rf"</{re.escape(name)}(?=[{_SPACE}/>])", re.IGNORECASE).search(text, tag.end())
        return closing.start() if closing else None

    def _start_tag(self, offset: int, tag: str, attrs: list[tuple[str, str | None]], raw: str) -> None:
        if ":" in tag or "@" in tag:  # an autolink <https://…> or <namn@example.se>, not a tag
            return
        self.tags.append(Tag(offset, tag, attrs, raw))
        values = {name: value or "" for name, value in attrs}
        if tag == "a":
            self._anchor = Link(offset, "", values.get("href", ""), False, raw=raw)
            self._anchor.kind = "html"
        elif tag == "img":
            image = Link(offset, values.get("alt", ""), values.get("src", ""), True, values.get("title", ""))
            image.raw, image.kind = raw, "html"
            self.links.append(image)
            if self._anchor is not None:
                self._anchor.images.append(image.text)

    def _data(self, data: str) -> None:
        if self._anchor is not None and data:
            self._anchor.text += html.unescape(data)

    def _end_tag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            self.links.append(self._anchor)
            self._anchor = None


@dataclass
class Text:
    """One piece of Markdown that the rules read: code blanked, its raw HTML and its links found."""

    source: str
    plain: str  # without code
    tags: list[Tag]
    links: list[Link]
    attributes: list[Tag] = field(default_factory=list)  # attribute lists {: … }, as tags named "{:}"

    @functools.cached_property
    def headings(self) -> list[tuple[int, int, str]]:
        return headings(self)


def read_markdown(text: str) -> Text:
    """Everything the rules look at in a piece of Markdown, found once."""
    plain = without_code(text)
    tags, links = [], []
    if "<" in plain:
        reader = _HtmlReader(plain)
        tags, links = reader.tags, reader.links
    definitions = {}
    for match in REFERENCE_DEFINITION.finditer(plain) if "]:" in plain else ():
        definitions[match.group(1).casefold()] = (match.group(2), (match.group(3) or "")[1:-1])
        definition = Link(match.start(), "", match.group(2), False, raw=match.group(0).strip())
        links.append(replace(definition, kind="definition"))
    if "[" in plain:
        links.extend(_markdown_links(plain, 0, definitions))
    links.sort(key=lambda link: link.offset)
    attributes = [
        Tag(match.start(), "{:}", _attribute_pairs(match.group(1).strip(" ")), match.group(0))
        for match in (ATTR_LIST.finditer(plain) if "{" in plain else ())
        if "=" in match.group(1) and match.group(1).strip(" ")
    ]
    return Text(text, plain, tags, links, attributes)


def _attribute_pairs(written: str) -> list[tuple[str, str | None]]:
    return [
        (m.group(1).casefold(), m.group(2) or m.group(3) or m.group(4) or "")
        for m in ATTR_PAIR.finditer(written)
    ]


def _markdown_links(text: str, start: int, definitions: dict) -> Iterator[Link]:
    taken: list[tuple[int, int]] = []
    for match in INLINE_LINK.finditer(text) if "](" in text else ():
        inner, target, title = match.group(1), match.group(2) or "", match.group(3)
        image = match.start() > 0 and text[match.start() - 1] == "!"
        begin = match.start() - image
        link = Link(start + begin, inner, target.strip("<>"), image, (title or "")[1:-1])
        link.raw = text[begin : match.end()]
        if not image:  # a linked image: the image is checked too, and its alt is the link's text
            inner_start = start + match.start(1)
            for inner_link in _markdown_links(inner, inner_start, definitions):
                if inner_link.image:
                    link.images.append(inner_link.text)
                yield inner_link
        taken.append(match.span())
        yield link
    for match in REFERENCE_LINK.finditer(text) if definitions else ():
        if any(begin <= match.start() < end for begin, end in taken):
            continue
        key = (match.group(2) or match.group(1)).casefold()
        if key in definitions:
            target, title = definitions[key]
            image = match.start() > 0 and text[match.start() - 1] == "!"
            begin = match.start() - image
            link = Link(start + begin, match.group(1), target, image, title)
            link.raw, link.kind = text[begin : match.end()], "reference"
            yield link


def lines_starting_with(text: str, mark: str) -> Iterator[int]:
    """The offsets of the lines of ``text`` that start with ``mark`` (found by str.find, which is fast)."""
    if text.startswith(mark):
        yield 0
    start = text.find("\n" + mark)
    while start >= 0:
        yield start + 1
        start = text.find("\n" + mark, start + 1)


def headings(text: Text) -> list[tuple[int, int, str]]:
    """(offset, level, as written) of every heading, in order: ``#`` lines, underlined lines (``===``
    level 1, ``---`` level 2) and HTML ``<h1>``–``<h6>``."""
    found = [(tag.offset, int(tag.name[1]), tag.raw) for tag in text.tags if HTML_HEADING.fullmatch(tag.name)]
    plain = text.plain
    for start in lines_starting_with(plain, "#"):
        line = plain[start : plain.find("\n", start) % (len(plain) + 1)]
        found.append((start, len(ATX_HEADING.match(line).group(1)), line.strip()))
    for start in [*lines_starting_with(plain, "="), *lines_starting_with(plain, "-")]:
        line = plain[start : plain.find("\n", start) % (len(plain) + 1)]
        if not start or not SETEXT_UNDERLINE.match(line):
            continue
        # Python-Markdown makes a heading of the underlined line only at the start of a block.
        above = plain.rfind("\n", 0, start - 1) + 1
        previous = plain[above : start - 1]
        starts_block = above == 0 or not plain[plain.rfind("\n", 0, above - 1) + 1 : above - 1].strip()
        paragraph = not LIST_ITEM.match(previous) and not previous.startswith(("#", "    ", "\t"))
        if previous.strip() and starts_block and paragraph:
            level = 1 if line[0] == "=" else 2
            found.append((above, level, f"{previous.strip()} / {line.strip()}"))
    return sorted(found)
