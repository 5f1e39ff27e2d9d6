"""content_checks: validate everything editors wrote before Pelican reads it, and stop the build with
every problem of the whole site at once, each naming the file, the field and the fix, in Swedish.

Pelican on its own drops a post with a bad date or no title with only a warning; these checks make such
mistakes impossible to miss. Other plugins add their own rules by connecting to ``content_checked``:
a receiver gets the ``Site`` and returns an iterable of ``Problem``.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from blinker import signal
from markdown_reading import without_code
from pelican import signals
from pelican.readers import ensure_metadata_list
from slugs import slugify
from swedish_dates import meant_date

POST_KEYS = {
    "title", "date", "modified", "author", "authors", "category", "tags", "summary",
    "image", "image_alt", "image_caption", "comments", "slug", "status", "alias",
}  # fmt: skip
PAGE_KEYS = {"title", "slug", "status", "summary", "date", "modified", "template", "url", "save_as"}
REQUIRED_POST_KEYS = {"title": "rubriken", "date": "datumet", "category": "kategorin"}
STATUSES = {"post": {"published", "draft"}, "page": {"published", "draft", "hidden"}}
COMMENTS_VALUES = {"closed", "off"}
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$")
META_LINE = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")
# ![alt](path "title") and <img src="path">: the images a body uses (one pattern each: a pattern that
# starts with a literal is searched for several times faster than an alternation of two)
# Python-Markdown takes an address with spaces whole: everything up to an optional quoted title.
INLINE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)>\n]*?)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
RAW_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']")
# ![alt][label], ![alt][] and ![label]: reference-style images, whose address is in a definition
REFERENCE_IMAGE = re.compile(r"!\[([^\]]*)\](?:[ ]?\[([^\]]*)\])?")
# [label]: address "title" (Python-Markdown's reference definition, up to three spaces in)
REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[([^\[\]]+)\]:[ ]*\n?[ ]*<?([^\s>]+)>?", re.MULTILINE)
# {static}/… and {attach}/… anywhere in a body: Pelican resolves (and copies) these
INTERNAL_LINK = re.compile(r"\{(?:static|attach)\}([^\s)\"'>]+)")
DECORATIVE_ALT = '""'
# {what}target at the start of a link or an image's address, in Markdown or in HTML
LINK_INDICATOR = re.compile(r"\]\(\s*<?\{(\w+)\}([^\s)>]*)|\b(?:href|src)=[\"']\{(\w+)\}([^\"']*)")
INDICATORS = {"static", "attach", "filename", "category", "tag", "author", "index"}
LINK_EXAMPLE = "till exempel {filename}/posts/2018/att-motas-for-en-konkurrenskraftig-industri.md"
# A header line indented by a tab or spaces: Markdown reads it as the previous field's continuation.
INDENTED_FIELD = re.compile(r"^([ \t]+)([A-Za-zÅÄÖåäö][\w-]*):\s*(.*)$")
# Field names editors write in Swedish, and the field each one means.
SWEDISH_FIELDS = {
    "rubrik": "title", "datum": "date", "författare": "author", "skribent": "author",
    "kategori": "category", "taggar": "tags", "sammanfattning": "summary", "bild": "image",
    "alt-text": "image_alt", "alttext": "image_alt", "bildtext": "image_caption", "uppdaterad": "modified",
}  # fmt: skip
# A field's value is a few words; an unknown field holding this many is a sentence from the body.
SENTENCE_WORDS = 5
# Every header field of some file (posts, pages, authors), and with the Swedish names.
FIELD_NAMES = POST_KEYS | PAGE_KEYS | {"name", "role", "photo"}
HEADER_WORDS = FIELD_NAMES | SWEDISH_FIELDS.keys()

content_checked = signal("bloggarkivet.content_checked")


@dataclass(frozen=True)
class Problem:
    """One mistake in one file, said so that an editor can fix it.

    ``line`` is the 1-based line of the mistake in that file (0: the file as a whole) and ``field`` what
    the editor calls the place (``Image_alt``, ``brödtexten``, ``[[comment]] 2``); both are optional
    so that a rule without a line can still report. Problems sort by file, then line.
    """

    path: str
    message: str
    line: int = 0
    field: str = ""

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.field, self.message)

    def __lt__(self, other: Problem) -> bool:
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        where = f"{self.path}, rad {self.line}" if self.line else self.path
        return f"{where}: {self.text()}"

    def text(self) -> str:
        """The message with its field in front, unless its first sentence already names it."""
        named = re.search(rf"(?<![\w/]){re.escape(self.field)}\b", self.message.split(". ")[0])
        if not self.field or named or self.message.casefold().startswith(self.field.casefold()):
            return self.message
        return f"{self.field}: {self.message}"

    def located(self) -> str:
        """The problem as one line under its file's name: ``rad 4: …`` (only the text without a line)."""
        return f"rad {self.line}: {self.text()}" if self.line else self.text()


def problem_report(problems: Iterable[Problem]) -> str:
    """Problems as an editor reads them: each file's name once, then its problems in line order."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in sorted(problems, key=Problem.sort_key):
        by_file[problem.path].append(problem)
    return "\n\n".join(
        "\n".join([path, *(f"  {problem.located()}" for problem in found)]) for path, found in by_file.items()
    )


class ContentError(Exception):
    """The content has problems; the build stops before anything is written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=Problem.sort_key)
        count = len(self.problems)
        files = len({problem.path for problem in self.problems})
        where = "en fil" if files == 1 else f"{files} filer"
        super().__init__(
            f"Bygget stoppades: {count} fel i innehållet ({where}).\n\n{problem_report(self.problems)}"
        )


@dataclass
class Source:
    """One Markdown file of content/: its metadata (keys in lower case, as Pelican reads them) and body."""

    path: Path
    kind: str
    meta: dict[str, str]
    body: str
    problems: list[str] = field(default_factory=list)
    # 1-based line of each header key (lower case) in the file, and of the body's first line.
    meta_lines: dict[str, int] = field(default_factory=dict)
    body_line: int = 1
    # Mistakes in the header's layout: (line, field, message).
    layout: list[tuple[int, str, str]] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        """The file's line number of a character offset into ``body``."""
        return self.body_line + self.body.count("\n", 0, offset)

    @functools.cached_property
    def shown(self) -> str:
        """``body`` with its code spans and blocks blanked out, same offsets and lines: an image or a link
        written as code is shown as text (a post may teach Markdown), so no rule looks for its file.
        (The content cache's key reads every image of the raw body: more than shown is harmless there.)"""
        return without_code(self.body)


@dataclass
class Site:
    """Everything the rules look at: the content folder, the settings and the parsed sources."""

    root: Path
    settings: dict
    sources: list[Source]
    # Resolving a path costs system calls; every rule (and plugin) asks for the same few thousand.
    _names: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _targets: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _problems: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def posts(self) -> list[Source]:
        return [source for source in self.sources if source.kind == "post"]

    @property
    def pages(self) -> list[Source]:
        return [source for source in self.sources if source.kind == "page"]

    def name(self, path: Path) -> str:
        """A path as the editor knows it: relative to the project, e.g. content/posts/2018/x.md."""
        if path not in self._names:
            try:
                self._names[path] = str(path.resolve().relative_to(self.project_root))
            except ValueError:
                self._names[path] = str(path)
        return self._names[path]

    def slug(self, source: Source) -> str:
        """The slug Pelican gives this source (Slug, else made from Title)."""
        if source.meta.get("slug"):
            return source.meta["slug"].strip()
        return self.name_slug(source.meta.get("title", ""))

    def name_slug(self, name: str, kind: str = "") -> str:
        """The slug Pelican makes of a title, or of a category's or tag's name (``kind`` CATEGORY or TAG:
        those may have substitutions of their own)."""
        regex_subs = self.settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
        return slugify(
            name,
            regex_subs=self.settings.get(f"{kind}_REGEX_SUBSTITUTIONS", regex_subs) if kind else regex_subs,
            preserve_case=self.settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=self.settings.get("SLUGIFY_USE_UNICODE", False),
        )

    def resolve(self, reference: str, source: Path | None = None) -> Path | None:
        """The file inside content/ that an image reference points to, or None for external URLs.

        ``{static}/x`` and a plain ``images/x`` are relative to content/; ``{static}x`` (no slash) is
        relative to the referring file, as in Pelican. The result may lie outside content/: callers
        check that with ``inside``.
        """
        place = self._place(reference, source)
        if place not in self._targets:
            self._targets[place] = self._resolve(reference, source)
        return self._targets[place]

    @staticmethod
    def _place(reference: str, source: Path | None) -> tuple[str, Path | None]:
        """What a reference's target depends on: only a {static}x without a slash depends on the
        referring file's folder."""
        relative = reference.startswith(("{static}", "{attach}")) and reference[8:9] != "/"
        return reference, source.parent if relative and source is not None else None

    def _resolve(self, reference: str, source: Path | None) -> Path | None:
        reference = reference.split("#", maxsplit=1)[0].split("?", maxsplit=1)[0]
        for prefix in ("{static}", "{attach}"):
            if reference.startswith(prefix):
                reference = reference[len(prefix) :]
                if not reference.startswith("/") and source is not None:
                    return (source.parent / reference).resolve()
                break
        else:
            if "://" in reference or reference.startswith(("//", "data:", "mailto:")):
                return None
        return (self.root / reference.lstrip("/")).resolve()

    def inside(self, path: Path) -> bool:
        return path.is_relative_to(self.resolved_root)

    @functools.cached_property
    def project_root(self) -> Path:
        return self.root.parent.resolve()

    @functools.cached_property
    def resolved_root(self) -> Path:
        # Resolving costs a few system calls, and a site checks thousands of references.
        return self.root.resolve()


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
                sources.append(parse_source(path, kind))
    return Site(root=root, settings=settings, sources=sources)


# Rules: each takes the Site and yields Problems.


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


def suggest_field(word: str, known: Iterable[str]) -> str:
    """`` Menade du Title?`` for an unknown or Swedish field name (empty when nothing is close)."""
    meant = SWEDISH_FIELDS.get(word)
    if meant not in known:
        close = difflib.get_close_matches(word, sorted(known), n=1)
        meant = close[0] if close else None
    return f" Menade du {meant.capitalize()}?" if meant else ""


def check_fields(site: Site) -> Iterator[Problem]:
    """Required fields are there; no unknown field (a typo would silently drop what it holds)."""
    for source in site.sources:
        if not source.problems:
            for line, where, message in _field_problems(source):
                yield Problem(site.name(source.path), message, line, where)


def _field_problems(source: Source) -> Iterator[tuple[int, str, str]]:
    known = POST_KEYS if source.kind == "post" else PAGE_KEYS
    meant = set()  # fields written under another name: reported once, as that name
    for key in sorted(source.meta.keys() - known):
        suggestion = suggest_field(key, known)
        meant.add(suggestion.removeprefix(" Menade du ").removesuffix("?").lower())
        yield (
            source.meta_lines.get(key, 1),
            key.capitalize(),
            f"fältet {key.capitalize()} finns inte och skulle inte visas.{suggestion}"
            f" Tillåtna fält: {', '.join(sorted(k.capitalize() for k in known))}.",
        )
    if not source.meta.get("title") and "title" not in meant:
        yield 1, "Title", "Title saknas. Skriv rubriken överst, till exempel: Title: Min rubrik"
    if source.kind != "post":
        return
    for key, what in REQUIRED_POST_KEYS.items():
        if key != "title" and not source.meta.get(key) and key not in meant:
            yield 1, key.capitalize(), f"{key.capitalize()} saknas. Ange {what} i filens huvud."
    has_author, has_authors = bool(source.meta.get("author")), bool(source.meta.get("authors"))
    if not (has_author or has_authors or {"author", "authors"} & meant):
        yield 1, "Author", "Author saknas. Ange skribenten, till exempel: Author: Förnamn Efternamn"
    elif has_author and has_authors:
        yield source.meta_lines["authors"], "Authors", "både Author och Authors är angivna. Använd bara ett."


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


def check_choices(site: Site) -> Iterator[Problem]:
    """Status and Comments take one of a few words."""
    for source in site.sources:
        name = site.name(source.path)
        status = source.meta.get("status")
        allowed = STATUSES[source.kind]
        if status is not None and status.lower() not in allowed:
            yield Problem(
                name,
                f'Status: "{status}" är okänt. Använd {_either(allowed)}.',
                source.meta_lines.get("status", 1),
                "Status",
            )
        comments = source.meta.get("comments")
        if source.kind == "post" and comments is not None and comments.lower() not in COMMENTS_VALUES:
            yield Problem(
                name,
                f'Comments: "{comments}" är okänt. Använd {_either(COMMENTS_VALUES)}.',
                source.meta_lines.get("comments", 1),
                "Comments",
            )


def _either(words: Iterable[str]) -> str:
    *first, last = sorted(words)
    return f"{', '.join(first)} eller {last}"


def check_top_image(site: Site) -> Iterator[Problem]:
    """A top image needs alternative text; ``Image_alt: ""`` marks it decorative on purpose."""
    for source in site.posts:
        if source.meta.get("image") and not source.meta.get("image_alt"):
            yield Problem(
                site.name(source.path),
                "Image_alt saknas. Beskriv bilden för den som inte ser den, till exempel: "
                'Image_alt: Kvinna håller en presentation. Är bilden bara dekorativ, skriv Image_alt: ""',
                source.meta_lines.get("image_alt", source.meta_lines.get("image", 1)),
                "Image_alt",
            )


def _label(text: str) -> str:
    """A reference label as Python-Markdown matches it: case and runs of white space do not count."""
    return " ".join(text.lower().split())


@functools.lru_cache(maxsize=4096)
def body_image_positions(text: str) -> tuple[tuple[int, str], ...]:
    """Every image address a Markdown body shows, with the offset where the image is written, in order:
    ``![alt](address)``, ``<img src>``, and reference-style images (``![alt][label]`` with
    ``[label]: address`` anywhere in the text). Remembered: the content checks, the figures plugin and
    the content cache all ask for each post."""
    found = [(match.start(), match.group(1)) for match in INLINE_IMAGE.finditer(text)]
    found += [(match.start(), match.group(1)) for match in RAW_IMAGE.finditer(text)]
    definitions: dict[str, str] = {}
    if "]:" in text:
        for match in REFERENCE_DEFINITION.finditer(text):
            definitions.setdefault(_label(match.group(1)), match.group(2))
    if definitions:
        for match in REFERENCE_IMAGE.finditer(text):
            label = _label(match.group(2) or match.group(1))
            if label in definitions and text[match.end() : match.end() + 1] != "(":
                found.append((match.start(), definitions[label]))
    return tuple(sorted(found))


def body_images(text: str) -> tuple[str, ...]:
    """The image addresses of ``body_image_positions``, without their offsets."""
    return tuple(address for _start, address in body_image_positions(text))


# Messages that pelican_warnings says too, for a mistake that got past the rules.


def no_alt(reference: str) -> str:
    return (
        f"bilden {reference} saknar alternativtext. Beskriv bilden för den som inte ser den (WCAG 1.1.1),"
        f" mellan hakparenteserna: ![Kvinna håller en presentation]({reference}). En bild i brödtexten kan"
        ' inte vara dekorativ: tillför den inget, ta bort den, eller gör den till toppbild med Image_alt: "".'
    )


def unknown_indicator(indicator: str, target: str) -> str:
    return (
        f"länken {{{indicator}}}{target} börjar med något Pelican inte känner till."
        f"{_suggest(indicator, INDICATORS)} Skriv {{static}} för bilder och filer,"
        " {filename} för inlägg och sidor."
    )


def static_by_filename(target: str) -> str:
    return (
        f"länken {{filename}}{target} leder till en fil, inte ett inlägg. Skriv {{static}}{target} i stället."
    )


def no_such_post(link: str, hint: str = "") -> str:
    return (
        f"länken {link} leder till ett inlägg som inte finns.{hint}"
        f" Skriv sökvägen från content/, {LINK_EXAMPLE}."
    )


def image_references(source: Source) -> Iterator[tuple[str, str, int]]:
    """Every (field, reference, line) of a source that points to a file: metadata images, body images
    and {static}/{attach} links."""
    if source.meta.get("image"):
        yield "Image", source.meta["image"], source.meta_lines.get("image", 1)
    seen = set()
    for start, reference in body_image_positions(source.shown):
        seen.add(reference)
        yield "brödtexten", reference, source.line_at(start)
    for match in INTERNAL_LINK.finditer(source.shown):
        reference = match.group(0)
        if reference not in seen:
            yield "brödtexten", reference, source.line_at(match.start())


def check_references(site: Site) -> Iterator[Problem]:
    """Images and {static} links exist and stay inside content/."""
    for source in site.sources:
        for where, reference, line in image_references(source):
            problem = reference_problem(site, reference, source.path)
            if problem:
                yield Problem(site.name(source.path), problem, line, where)


def check_links(site: Site) -> Iterator[Problem]:
    """{filename} links lead to a post or page, and every {…} in a link is one Pelican knows
    (Pelican would only warn, and publish a broken link)."""
    articles = {source.path.resolve() for source in site.sources}
    for source in site.sources:
        for match in LINK_INDICATOR.finditer(source.shown):
            indicator, target = match.group(1) or match.group(3), match.group(2) or match.group(4)
            line = source.line_at(match.start())
            if indicator not in INDICATORS:
                yield Problem(
                    site.name(source.path), unknown_indicator(indicator, target), line, "brödtexten"
                )
            elif indicator == "filename":
                problem = _link_problem(site, target, source.path, articles)
                if problem:
                    yield Problem(site.name(source.path), problem, line, "brödtexten")


def _link_problem(site: Site, target: str, source: Path, articles: set[Path]) -> str | None:
    link = f"{{filename}}{target}"
    path = site.resolve(f"{{static}}{target}", source)
    if path is None or not site.inside(path):
        return f"länken {link} pekar utanför content/. Skriv sökvägen från content/, {LINK_EXAMPLE}."
    if path in articles:
        return None
    if path.is_file():
        return static_by_filename(target)
    return no_such_post(link, _suggest_file(site, path))


def _suggest(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" Menade du {{{close[0]}}}?" if close else ""


def reference_problem(site: Site, reference: str, source: Path | None = None) -> str | None:
    """Why a file reference is wrong, in Swedish, or None if it is fine (shared with other plugins).
    Asked once per target and build: posts show the same few images thousands of times."""
    place = site._place(reference, source)
    if place not in site._problems:
        site._problems[place] = _reference_problem(site, reference, source)
    return site._problems[place]


def _reference_problem(site: Site, reference: str, source: Path | None) -> str | None:
    target = site.resolve(reference, source)
    if target is None:
        return None
    if any(char.isspace() for char in reference):
        return _spaced_problem(site, reference)
    if not site.inside(target):
        return f"sökvägen {reference} pekar utanför content/. Lägg filen i content/images/."
    if not target.is_file():
        hint = _suggest_file(site, target)
        return f"filen {reference} finns inte.{hint} Kontrollera stavningen och att filen ligger i content/."
    return None


def _spaced_problem(site: Site, reference: str) -> str:
    """A file reference with spaces works in Markdown but breaks in mail, feeds and some programs: the
    name to rename the file (or folder) to, made the way addresses are."""
    *folders, name = reference.split("/")
    stem, dot, suffix = name.rpartition(".")
    named = f"{site.name_slug(stem)}{dot}{suffix.lower()}" if stem else site.name_slug(name)
    better = [site.name_slug(folder) if any(c.isspace() for c in folder) else folder for folder in folders]
    if better == folders:
        return (
            f"{reference} har mellanslag i filnamnet, och då går adressen sönder i en del program."
            f" Döp om filen till {named} och skriv {'/'.join([*folders, named])}."
        )
    renamed = "mappen och filen" if any(c.isspace() for c in name) else "mappen"
    return (
        f"{reference} har mellanslag i en mapps namn, och då går adressen sönder i en del program."
        f" Döp om {renamed} så att du kan skriva {'/'.join([*better, named])}."
    )


def _suggest_file(site: Site, target: Path) -> str:
    if not target.parent.is_dir():
        return ""
    close = difflib.get_close_matches(target.name, sorted(p.name for p in target.parent.iterdir()), n=1)
    return f" Menade du {close[0]}?" if close else ""


def check_unique_slugs(site: Site) -> Iterator[Problem]:
    """Two posts (or two pages) with one slug would overwrite each other's address."""
    for kind in ("post", "page"):
        by_slug: dict[str, list[Source]] = defaultdict(list)
        for source in site.sources:
            if source.kind == kind and source.meta.get("title"):
                by_slug[site.slug(source)].append(source)
        for slug, sources in by_slug.items():
            for source in sources[1:]:
                key = "slug" if source.meta.get("slug") else "title"
                yield Problem(
                    site.name(source.path),
                    f'adressen "{slug}" används redan av {site.name(sources[0].path)}.'
                    " Ändra rubriken eller ange en egen Slug.",
                    source.meta_lines.get(key, 1),
                    key.capitalize(),
                )


TERMS = (  # header key, field, the name's Swedish noun, Pelican's class name for its slug settings, the fix
    ("category", "Category", "En kategori", "CATEGORY", "Category: {}"),
    ("tags", "Tags", "En tagg", "TAG", "{}"),
)


def check_term_spellings(site: Site) -> Iterator[Problem]:
    """A category or a tag has one page and one name. Posts that write it two ways (other capitals, or
    anything else that gives the same address) are grouped on one page under one of the names, while each
    post shows its own: the name most posts use is the one to write."""
    for key, field_name, noun, kind, fix in TERMS:
        spellings: dict[str, dict[str, list[Source]]] = defaultdict(lambda: defaultdict(list))
        for source in sorted(site.posts, key=lambda source: source.path):
            value = source.meta.get(key, "")
            for name in [value.strip()] if key == "category" else ensure_metadata_list(value):
                if name:
                    slug = site.name_slug(name, kind)
                    spellings[slug][name].append(source)
        for names in spellings.values():
            usual = max(names, key=lambda name: len(names[name]))  # a tie: the first file's
            others = len(names[usual])
            where = "i ett annat inlägg" if others == 1 else f"i {others} andra inlägg"
            for name, sources in names.items():
                if name == usual:
                    continue
                for source in sources:
                    yield Problem(
                        site.name(source.path),
                        f'"{name}" skrivs "{usual}" {where}, till exempel {site.name(names[usual][0].path)}.'
                        f" {noun} har en enda sida och ett enda namn: skriv {fix.format(usual)}.",
                        source.meta_lines.get(key, 1),
                        field_name,
                    )


RULES: list[Callable[[Site], Iterable[Problem]]] = [
    check_encoding,
    check_layout,
    check_fields,
    check_dates,
    check_choices,
    check_top_image,
    check_references,
    check_links,
    check_unique_slugs,
    check_term_spellings,
]


def check_site(settings: dict) -> list[Problem]:
    """Every problem in the site's content, from this module's rules and every connected plugin's."""
    site = read_site(settings)
    problems = [problem for rule in RULES for problem in rule(site)]
    for _receiver, found in content_checked.send(site):
        problems.extend(found or ())
    return sorted(set(problems), key=Problem.sort_key)


def stop_on_problems(pelican) -> None:
    problems = check_site(pelican.settings)
    if problems:
        raise ContentError(problems)


def forget_bodies(_generators) -> None:
    """Every post is read: the memo of body images (keyed by whole bodies) would only keep every body's
    text alive while Pelican writes the pages (~13 MB at 2,000 posts)."""
    body_image_positions.cache_clear()


def register() -> None:
    signals.initialized.connect(stop_on_problems)
    signals.all_generators_finalized.connect(forget_bodies)
