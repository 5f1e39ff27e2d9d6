"""content_checks.reading: read every post and page of content/ into ``Source``s (header and body, with
the line of each field), and the rules on the header's layout: a file that is not UTF-8, a field indented
by a tab, a blank line inside the header, a header line that ends the header early (no colon, a space in
the field's name, a value wrapped onto the next line), and a body read as a field. Each layout mistake is
noted with the meaning the editor meant, so that one misplaced tab or blank line gives one message at its
own line, not a missing field on line 1 and an odd value; and the fields the editor meant are kept.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path

from content_checks import Problem, Site, Source, content_checked, through_link
from content_checks.fields import HEADER_WORDS, LIST_FIELDS, PAGE_KEYS, POST_KEYS, SWEDISH_FIELDS, meant_field

META_LINE = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")
# A header line indented by a tab or spaces: Markdown reads it as the previous field's continuation.
INDENTED_FIELD = re.compile(r"^([ \t]+)([A-Za-zÅÄÖåäö][\w-]*):\s*(.*)$")
# "Name: value" as an editor may write a header line that Markdown does not take for one: a space in the
# name (Image caption:), a space before the colon, a Swedish letter first. Up to three words of name.
FIELD_LIKE = re.compile(r"^([A-Za-zÅÄÖåäö][\w-]*(?:[ ][A-Za-zÅÄÖåäö][\w-]*){0,2})[ \t]*:[ \t]*(\S.*)$")
# "Name value": a header line whose colon was forgotten (Category Smart industri).
NO_COLON = re.compile(r"^([A-Za-zÅÄÖåäö][\w-]*)[ \t]+(\S.*)$")
# Values that say what a field is: an image is a path to a file, a date has digits. A body's first line
# "Bild: Tillväxtverket" is a credit, not a field.
IMAGE_VALUE = re.compile(r"[/{]|\.\w{3,4}\s*$")
# A field's value is a few words; an unknown field holding this many is a sentence from the body.
SENTENCE_WORDS = 5
# Fields whose value is running text, that an editor's program may wrap onto a second line.
TEXT_FIELDS = {"title", "summary", "image_alt", "image_caption", "tags"}


def field_line(line: str) -> tuple[str, str, str] | None:
    """(name as written, the field meant, value) when a line is meant as a header field, else None."""
    match = FIELD_LIKE.match(line)
    if not match:
        return None
    written, value = match.group(1), match.group(2).strip()
    meant = meant_field(written)
    if meant is None:
        return None
    if meant in ("image", "photo") and not IMAGE_VALUE.search(value):
        return None
    if meant in ("date", "modified") and not any(char.isdigit() for char in value):
        return None
    return written, meant, value


def no_colon_line(line: str, meta: dict) -> tuple[str, str, str] | None:
    """(name as written, field, value) for a field written without its colon (Category Smart industri,
    Kategori Turism): the name of a field that is not in the header yet, then its value."""
    match = NO_COLON.match(line)
    if not match:
        return None
    meant = meant_field(match.group(1))
    if meant is None or meant in meta:
        return None
    return match.group(1), meant, match.group(2).strip()


def _written(name: str) -> str:
    """A field's name as the guide writes it: Image_caption."""
    return name.capitalize()


class _Header:
    """A file's header as it is read: the fields, the line of each, and the mistakes in its layout."""

    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}
        self.layout: list[tuple[int, str, str]] = []

    def add(self, key: str, value: str, number: int) -> None:
        if key in self.meta:
            twice = _twice(key, self.meta[key], value.strip(), self.meta_lines[key])
            self.layout.append((number, _written(key), twice))
            return
        self.meta[key] = value.strip()
        self.meta_lines[key] = number

    def last(self) -> str | None:
        """The field on the header's last line so far."""
        return max(self.meta_lines, key=self.meta_lines.get) if self.meta_lines else None


def parse_source(path: Path, kind: str) -> Source:
    """Split a Markdown file into its ``Key: value`` header and its body, as Python-Markdown's meta does,
    and note every mistake in the header's layout (``Source.layout``) with the meaning the editor meant,
    so that one misplaced tab or blank line gives one message, not a missing field and an odd value."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text reads it
    except UnicodeDecodeError as error:
        problem = "filen är inte sparad som UTF-8. Spara om den som UTF-8."
        return Source(path, kind, {}, "", [problem], problem_line=data.count(b"\n", 0, error.start) + 1)
    header = _Header()
    meta, meta_lines, layout, add = header.meta, header.meta_lines, header.layout, header.add
    lines = text.lstrip("\ufeff").splitlines()
    body_start = len(lines)
    last_key = None

    for number, line in enumerate(lines, start=1):
        match = META_LINE.match(line)
        indented = INDENTED_FIELD.match(line)
        if match:
            last_key = match.group(1).lower()
            add(last_key, match.group(2), number)
        elif indented and last_key and indented.group(2).lower() in HEADER_WORDS:
            space, the_space = ("en tabb", "tabben") if "\t" in indented.group(1) else ("mellanslag",) * 2
            key = indented.group(2)
            layout.append(
                (
                    number,
                    key,
                    f"raden börjar med {space} före {key}:, och då läses den som en fortsättning på raden"
                    f" {last_key.capitalize()}. Ta bort {the_space} så att {key}: står först på raden.",
                )
            )
            last_key = key.lower()
            add(last_key, indented.group(3), number)
        elif line.startswith(("    ", "\t")) and last_key:
            meta[last_key] = f"{meta[last_key]} {line.strip()}".strip()
        else:
            body_start = number - 1
            break
    if body_start < len(lines) and lines[body_start].strip():
        body_start = _header_ended_early(lines, body_start, header)
    else:
        body_start = _header_after_blank_line(lines, body_start, header)
    _body_read_as_field(lines, meta, meta_lines, layout)
    return Source(
        path,
        kind,
        meta,
        "\n".join(lines[body_start:]),
        meta_lines=meta_lines,
        body_line=body_start + 1,
        layout=layout,
    )


def _twice(key: str, first: str, second: str, line: int) -> str:
    """A field written on two lines: for names and tags, both values belong on one line."""
    if key in LIST_FIELDS and first and second and first != second:
        return (
            f"{_written(key)} står två gånger (också på rad {line}), och då skulle bara den ena raden"
            " gälla. Skriv alla på en rad, med kommatecken emellan:"
            f" {_written(key)}: {first}, {second}"
        )
    return f"{_written(key)} står två gånger (också på rad {line}). Ta bort en av dem."


def _classify(line: str, meta: dict) -> tuple[tuple[str, str, str] | None, str]:
    """(the field a line is meant as, or None; how it is written: "field" as Markdown reads one, "odd"
    (a space in the name or before the colon), "no colon", or "text")."""
    written, meant = META_LINE.match(line), field_line(line)
    if written and meant:  # an unknown or Swedish name Markdown reads is the fields' rule's
        return (written.group(1), written.group(1).lower(), written.group(2)), "field"
    if meant:
        return meant, "odd"
    missing = no_colon_line(line, meta)
    return (missing, "no colon") if missing else (None, "text")


def _header_ended_early(lines: list[str], start: int, header: _Header) -> int:
    """The header ended on a line that is not blank (``lines[start]``): a field without its colon, with
    a space in its name, or a line that continues the field above it (a wrapped Title or Summary).
    Markdown then reads that line and every field after it as body text. Note each such line with what
    it is, keep the fields, and return where the body really starts."""
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    found = [(index, *_classify(lines[index], header.meta)) for index in range(start, end)]
    fields = [index for index, field, _how in found if field]
    if not fields:
        if header.meta:  # no field follows: the line is the body's first, or the end of a wrapped field
            _text_under_header(lines, start, header)
        return start
    last = fields[-1]
    cascade = [field[0] for index, field, _how in found if field and start < index <= last]
    previous = header.last()
    for index, field, how in found[: last - start + 1]:
        also = _also(cascade) if index == start and index else ""  # line 1: the whole header, said so
        if how == "text":
            header.layout.append((index + 1, "filens huvud", _continued(previous, header.meta_lines, also)))
            if previous:
                header.meta[previous] = f"{header.meta[previous]} {lines[index].strip()}".strip()
            continue
        name, meant, value = field
        if how != "field":
            why = f"det saknas ett kolon efter {name}" if how == "no colon" else _odd_name(lines[index], name)
            ends = (
                "och då slutar filens huvud på raden före"
                if index
                else "och då blir hela filens huvud brödtext"
            )
            message = (
                f"raden läses som brödtext eftersom {why}, {ends}.{also} Skriv {_written(meant)}: {value}"
            )
            header.layout.append((index + 1, name, message))
        header.add(meant, value, index + 1)
        previous = meant
    if last + 1 < end:
        _text_under_header(lines, last + 1, header)
    return last + 1


def _also(names: list[str]) -> str:
    if not names:
        return ""
    shown = ", ".join(dict.fromkeys(names))
    return f" Också raderna efter den ({shown}) blir då brödtext."


def _odd_name(line: str, name: str) -> str:
    """Why Markdown does not read a line as a field: a space in the name or before the colon, or a name
    that starts with Å, Ä or Ö."""
    if " " in name:
        return f"fältnamnet {name} har ett mellanslag"
    if re.match(r"^[^:]*\s:", line):
        return f"det står ett mellanslag före kolonet efter {name}"
    return f"{name} inte är ett fältnamn"


def _continued(previous: str | None, meta_lines: dict, also: str) -> str:
    """A line inside the header that is no field: most often the end of the field above, wrapped."""
    if previous is None:
        return (
            "raden läses som brödtext eftersom den inte börjar med ett fältnamn, och då blir hela filens"
            f" huvud brödtext.{also} Är raden rubriken, skriv Title: först på raden; annars ta bort raden."
        )
    return (
        "raden läses som brödtext eftersom den inte börjar med ett fältnamn, och då slutar filens huvud"
        f" på raden före.{also} Är raden slutet på {_written(previous)} (rad {meta_lines[previous]}),"
        f" skriv hela {_written(previous)} på en rad; annars ta bort raden."
    )


def _text_under_header(lines: list[str], index: int, header: _Header) -> None:
    """Text right under the header, with no blank line between: the end of a wrapped field (it would be
    published as the first paragraph) or the body's first line without its blank line."""
    previous, meta_lines = header.last(), header.meta_lines
    blank = "lägg in en tom rad före den"
    if previous in TEXT_FIELDS:
        fix = (
            f" Är raden slutet på {_written(previous)} (rad {meta_lines[previous]}), skriv hela"
            f" {_written(previous)} på en rad. Är den brödtextens första rad, {blank}."
        )
    else:
        fix = f" Är den brödtextens första rad, {blank}."
    header.layout.append(
        (
            index + 1,
            "filens huvud",
            "raden läses som brödtext eftersom den inte börjar med ett fältnamn, och filens huvud slutar"
            f" på raden före utan en tom rad.{fix}",
        )
    )


def _header_after_blank_line(lines: list[str], body_start: int, header: _Header) -> int:
    """A blank line ends the header: fields the editor meant for the header right after it are read as
    body text. Note the blank line, keep the fields, and return where the body really starts."""
    if body_start >= len(lines) or lines[body_start].strip():
        return body_start
    number = body_start + 1
    while number < len(lines) and not lines[number].strip():
        number += 1
    fields = []
    while number < len(lines) and (found := field_line(lines[number])):
        fields.append((number + 1, *found))
        number += 1
    if not fields:
        return body_start
    names = ", ".join(name for _, name, _, _ in fields)
    renamed = [(name, meant) for _, name, meant, _ in fields if name != _written(meant)]
    rename = "".join(f" Skriv {_written(meant)} i stället för {name}." for name, meant in renamed)
    where = "mitt i filens huvud" if header.meta else "först i filen"
    header.layout.append(
        (
            body_start + 1,
            "filens huvud",
            f"en tom rad {where}: huvudet slutar vid första tomma raden, så {names} efter den"
            f" läses som brödtext. Ta bort den tomma raden.{rename}",
        )
    )
    for line_number, _name, meant, value in fields:
        header.add(meant, value, line_number)
    return number


def _body_read_as_field(lines: list[str], meta: dict, meta_lines: dict, layout: list) -> None:
    """A body whose first line is ``Word: text`` right under the header (no blank line between) is read
    as one more field. Such a last field, unknown and holding a sentence, is the body's first line."""
    if not meta_lines:
        return
    key = max(meta_lines, key=meta_lines.get)
    number = meta_lines[key]
    # A field's value is a few words; a sentence under the header is the body's first line.
    if key in HEADER_WORDS or _close_field(key) or len(meta[key].split()) < SENTENCE_WORDS:
        return
    del meta[key], meta_lines[key]
    layout.append(
        (
            number,
            "filens huvud",
            f"raden {lines[number - 1].split(':', maxsplit=1)[0]}: … läses som ett fält i filens huvud,"
            " eftersom det saknas en tom rad mellan huvudet och brödtexten. Lägg in en tom rad före raden.",
        )
    )


def _close_field(key: str) -> str | None:
    """The header field an editor most likely meant by an unknown or Swedish field name, or None."""
    if key in SWEDISH_FIELDS:
        return SWEDISH_FIELDS[key]
    meant = meant_field(key)
    if meant:
        return meant
    close = difflib.get_close_matches(key, sorted(POST_KEYS | PAGE_KEYS), n=1)
    return close[0] if close else None


# Endings of files an editor means as text: Markdown as Pelican knows it, and plain text.
TEXT_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown", ".txt", ".text")


def is_text_file(path: Path) -> bool:
    """Whether a file's name says it holds text: x.md, x.MD, x.markdown, x.txt, x.md.txt, …"""
    return path.name.lower().endswith(TEXT_SUFFIXES)


# Fields only one kind of file has: a post names its author and category, an author file a Name.
POST_ONLY = ("author", "authors", "category", "tags")


def looks_like(meta: dict) -> str | None:
    """What a file's header says it is: "post", "page", "author", or None (no header)."""
    if any(key in meta for key in POST_ONLY):
        return "post"
    if "name" in meta and "title" not in meta:
        return "author"
    if "title" in meta:
        return "page"
    return None


def misplaced(source: Source) -> bool:
    """A file read as one kind that is plainly another (a post saved among the pages or the authors, an
    author among the posts): content_checks.placement says where it belongs, and no other rule reads it."""
    kind = looks_like(source.meta)
    if source.problems or kind is None or kind == source.kind:
        return False
    return (
        source.kind == "page" or kind == "author" or (source.kind == "author" and "name" not in source.meta)
    )


def read_site(settings: dict) -> Site:
    """Parse every post and page Markdown file of the site named by ``settings`` (except misplaced ones)."""
    root = Path(settings["PATH"])
    sources = []
    for kind, setting in (("post", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        for folder in settings.get(setting, []):
            for path in sorted((root / folder).rglob("*.md")):
                if through_link(path, root):  # content_checks.images refuses the link itself
                    continue
                source = parse_source(path, kind)
                if not misplaced(source):
                    sources.append(source)
    return Site(root=root, settings=settings, sources=sources)


# Rules on what was read: each takes the Site and yields Problems.


def check_encoding(site: Site) -> Iterator[Problem]:
    for source in site.sources:
        for message in source.problems:
            yield Problem(site.name(source.path), message, source.problem_line, "filen")


def check_layout(site: Site) -> Iterator[Problem]:
    """The header's layout: a field indented by a tab, a blank line inside it, a body read as a field."""
    for source in site.sources:
        if source.kind != "author":  # authors.py reports its own files
            for line, where, message in source.layout:
                yield Problem(site.name(source.path), message, line, where)


def register() -> None:
    content_checked.connect(check_encoding)
    content_checked.connect(check_layout)
