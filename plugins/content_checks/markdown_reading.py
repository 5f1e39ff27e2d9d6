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

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

NOT_NEWLINE = re.compile(r"[^\n]")
CODE_BLOCK_MARKS = ("```", "~~~", "\n    ", "\n\t")
FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[*+-]|\d+[.)])[ \t]")
# Patterns start with a literal character where they can: Python's re then skips to it quickly.
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# [text](target "title") and ![alt](target "title"); the text may hold one level of brackets, so
# that a linked image [![alt](a.jpg)](b) is one link.
BRACKETED = r"\[((?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)\]"
INLINE_LINK = re.compile(
    BRACKETED + r"\(\s*(<[^>\n]*>|(?:[^\s()]|\([^\s()]*\))*)"
    r"(?:\s+(\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
INLINE_IMAGE = re.compile(r"!" + BRACKETED + r"\([^)]*\)")
REFERENCE_LINK = re.compile(BRACKETED + r"[ ]?\[([^\]]*)\]")
REFERENCE_DEFINITION = re.compile(
    r"^[ ]{0,3}\[([^\]]+)\]:[ \t]*<?([^\s>]*)>?(?:[ \t]+(\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$", re.MULTILINE
)
ATX_HEADING = re.compile(r"(#{1,6})(?!#)")
# Python-Markdown's attr_list (part of extra): {: key=value } gives the element before it attributes.
ATTR_LIST = re.compile(r"\{:?[ ]*([^}\n]+?)[ ]*\}")
ATTR_PAIR = re.compile(r"""([^\s=]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")
HTML_HEADING = re.compile(r"h[1-6]")
SETEXT_UNDERLINE = re.compile(r"^(=+|-+)[ \t]*$")


def _blank(match: re.Match) -> str:
    return NOT_NEWLINE.sub(" ", match.group())


def without_code(text: str) -> str:
    """``text`` with every code span and fenced or indented code block blanked out (same length, same
    lines), so that what is shown as code is never taken for markup."""
    if not any(mark in text for mark in CODE_BLOCK_MARKS) and not text.startswith(("    ", "\t")):
        return CODE_SPAN.sub(_blank, text) if "`" in text else text  # most posts: no code block
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
    return CODE_SPAN.sub(_blank, text) if "`" in text else text


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


class _HtmlReader(HTMLParser):
    """The raw HTML in a text: every start tag, and every <a> and <img> as a Link."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts = [0]
        self.starts += [match.end() for match in re.finditer("\n", text)]
        self.tags: list[Tag] = []
        self.links: list[Link] = []
        self._anchor: Link | None = None
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if ":" in tag or "@" in tag:  # an autolink <https://…> or <namn@example.se>, not a tag
            return
        offset = self._offset()
        self.tags.append(Tag(offset, tag, attrs, self.get_starttag_text() or f"<{tag}>"))
        values = {name: value or "" for name, value in attrs}
        if tag == "a":
            self._anchor = Link(offset, "", values.get("href", ""), False, raw=self.get_starttag_text() or "")
            self._anchor.kind = "html"
        elif tag == "img":
            image = Link(offset, values.get("alt", ""), values.get("src", ""), True, values.get("title", ""))
            image.raw, image.kind = self.get_starttag_text() or "", "html"
            self.links.append(image)
            if self._anchor is not None:
                self._anchor.images.append(image.text)

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._anchor.text += data

    def handle_endtag(self, tag: str) -> None:
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
        Tag(match.start(), "{:}", _attribute_pairs(match.group(1)), match.group(0))
        for match in (ATTR_LIST.finditer(plain) if "{" in plain else ())
        if "=" in match.group(1)
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
        inner, target, title = match.group(1), match.group(2), match.group(3)
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
