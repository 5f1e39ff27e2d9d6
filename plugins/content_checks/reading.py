"""content_checks.reading: read every post and page of content/ into ``Source``s (header and body, with
the line of each field), and the rules on the header's layout: a file that is not UTF-8, a field indented
by a tab, a blank line inside the header, a body read as a field. Each layout mistake is noted with the
meaning the editor meant, so that one misplaced tab or blank line gives one message, not a missing field
and an odd value.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path

from content_checks import Problem, Site, Source, content_checked, through_link
from content_checks.fields import FIELD_NAMES, HEADER_WORDS, PAGE_KEYS, POST_KEYS, SWEDISH_FIELDS

META_LINE = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")
# A header line indented by a tab or spaces: Markdown reads it as the previous field's continuation.
INDENTED_FIELD = re.compile(r"^([ \t]+)([A-Za-zÅÄÖåäö][\w-]*):\s*(.*)$")
# A field's value is a few words; an unknown field holding this many is a sentence from the body.
SENTENCE_WORDS = 5


def parse_source(path: Path, kind: str) -> Source:
    """Split a Markdown file into its ``Key: value`` header and its body, as Python-Markdown's meta does,
    and note every mistake in the header's layout (``Source.layout``) with the meaning the editor meant,
    so that one misplaced tab or blank line gives one message, not a missing field and an odd value."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Source(path, kind, {}, "", ["filen är inte sparad som UTF-8. Spara om den som UTF-8."])
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    layout: list[tuple[int, str, str]] = []
    lines = text.lstrip("\ufeff").splitlines()
    body_start = len(lines)
    last_key = None

    def add(key: str, value: str, number: int) -> None:
        if key in meta:
            layout.append(
                (
                    number,
                    key.capitalize(),
                    f"{key.capitalize()} står två gånger (också på rad {meta_lines[key]})."
                    " Ta bort en av dem.",
                )
            )
            return
        meta[key] = value.strip()
        meta_lines[key] = number

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
    body_start = _header_after_blank_line(lines, body_start, meta, layout, add)
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


def _header_after_blank_line(lines: list[str], body_start: int, meta: dict, layout: list, add) -> int:
    """A blank line ends the header: fields the editor meant for the header right after it are read as
    body text. Note the blank line, keep the fields, and return where the body really starts."""
    if not meta or body_start >= len(lines) or lines[body_start].strip():
        return body_start
    number = body_start + 1
    while number < len(lines) and not lines[number].strip():
        number += 1
    fields = []
    while number < len(lines):
        match = META_LINE.match(lines[number])
        # English field names only: a body may well start with "Bild: …" or "Foto: …" after the blank line.
        if not match or match.group(1).lower() not in FIELD_NAMES or match.group(1).lower() in meta:
            break
        fields.append((number + 1, match.group(1), match.group(2)))
        number += 1
    if not fields:
        return body_start
    names = ", ".join(name for _, name, _ in fields)
    layout.append(
        (
            body_start + 1,
            "filens huvud",
            f"en tom rad mitt i filens huvud: huvudet slutar vid första tomma raden, så {names} efter den"
            " läses som brödtext. Ta bort den tomma raden.",
        )
    )
    for line_number, name, value in fields:
        add(name.lower(), value, line_number)
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
    close = difflib.get_close_matches(key, sorted(POST_KEYS | PAGE_KEYS), n=1)
    return close[0] if close else None


def read_site(settings: dict) -> Site:
    """Parse every post and page Markdown file of the site named by ``settings``."""
    root = Path(settings["PATH"])
    sources = []
    for kind, setting in (("post", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        for folder in settings.get(setting, []):
            for path in sorted((root / folder).rglob("*.md")):
                if not through_link(path, root):  # content_checks.images refuses the link itself
                    sources.append(parse_source(path, kind))
    return Site(root=root, settings=settings, sources=sources)


# Rules on what was read: each takes the Site and yields Problems.


def check_encoding(site: Site) -> Iterator[Problem]:
    for source in site.sources:
        for message in source.problems:
            yield Problem(site.name(source.path), message, 1, "filen")


def check_layout(site: Site) -> Iterator[Problem]:
    """The header's layout: a field indented by a tab, a blank line inside it, a body read as a field."""
    for source in site.sources:
        if source.kind != "author":  # authors.py reports its own files
            for line, where, message in source.layout:
                yield Problem(site.name(source.path), message, line, where)


def register() -> None:
    content_checked.connect(check_encoding)
    content_checked.connect(check_layout)
