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
from pelican import signals
from slugs import slugify

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
INLINE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?")
RAW_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']")
# ![alt][label], ![alt][] and ![label]: reference-style images, whose address is in a definition
REFERENCE_IMAGE = re.compile(r"!\[([^\]]*)\](?:[ ]?\[([^\]]*)\])?")
# [label]: address "title" (Python-Markdown's reference definition, up to three spaces in)
REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[([^\[\]]+)\]:[ ]*\n?[ ]*<?([^\s>]+)>?", re.MULTILINE)
# {static}/… and {attach}/… anywhere in a body: Pelican resolves (and copies) these
INTERNAL_LINK = re.compile(r"\{(?:static|attach)\}([^\s)\"'>]+)")
DECORATIVE_ALT = '""'

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
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content has problems; the build stops before anything is written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=Problem.sort_key)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"Bygget stoppades: {count} fel i innehållet.\n{lines}")


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

    def line_at(self, offset: int) -> int:
        """The file's line number of a character offset into ``body``."""
        return self.body_line + self.body.count("\n", 0, offset)


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
        return slugify(
            source.meta.get("title", ""),
            regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
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
    """Split a Markdown file into its ``Key: value`` header and its body, as Python-Markdown's meta does."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Source(path, kind, {}, "", ["filen är inte sparad som UTF-8. Spara om den som UTF-8."])
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    lines = text.lstrip("\ufeff").splitlines()
    body_start = len(lines)
    last_key = None
    for number, line in enumerate(lines):
        match = META_LINE.match(line)
        if match:
            last_key = match.group(1).lower()
            meta[last_key] = match.group(2).strip()
            meta_lines.setdefault(last_key, number + 1)
        elif line.startswith(("    ", "\t")) and last_key:
            meta[last_key] = f"{meta[last_key]} {line.strip()}".strip()
        else:
            body_start = number
            break
    return Source(
        path, kind, meta, "\n".join(lines[body_start:]), meta_lines=meta_lines, body_line=body_start + 1
    )


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
            yield Problem(site.name(source.path), message)


def _suggest(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" Menade du {close[0].capitalize()}?" if close else ""


def check_fields(site: Site) -> Iterator[Problem]:
    """Required fields are there; no unknown field (a typo would silently drop what it holds)."""
    for source in site.sources:
        if not source.problems:
            for message in _field_problems(source):
                yield Problem(site.name(source.path), message)


def _field_problems(source: Source) -> Iterator[str]:
    known = POST_KEYS if source.kind == "post" else PAGE_KEYS
    for key in sorted(source.meta.keys() - known):
        yield (
            f"fältet {key.capitalize()} finns inte och skulle inte visas.{_suggest(key, known)}"
            f" Tillåtna fält: {', '.join(sorted(k.capitalize() for k in known))}."
        )
    if not source.meta.get("title"):
        yield "Title saknas. Skriv rubriken överst, till exempel: Title: Min rubrik"
    if source.kind != "post":
        return
    for key, what in REQUIRED_POST_KEYS.items():
        if key != "title" and not source.meta.get(key):
            yield f"{key.capitalize()} saknas. Ange {what} i filens huvud."
    has_author, has_authors = bool(source.meta.get("author")), bool(source.meta.get("authors"))
    if not (has_author or has_authors):
        yield "Author saknas. Ange skribenten, till exempel: Author: Förnamn Efternamn"
    elif has_author and has_authors:
        yield "både Author och Authors är angivna. Använd ett av dem."


def check_dates(site: Site) -> Iterator[Problem]:
    for source in site.sources:
        for key in ("date", "modified"):
            value = source.meta.get(key)
            if value and parse_date(value) is None:
                yield Problem(
                    site.name(source.path),
                    f'{key.capitalize()}: "{value}" är inget giltigt datum. Skriv ÅÅÅÅ-MM-DD TT:MM,'
                    " till exempel 2018-02-15 10:00.",
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
        status = source.meta.get("status")
        allowed = STATUSES[source.kind]
        if status is not None and status.lower() not in allowed:
            yield Problem(site.name(source.path), f'Status: "{status}" är okänt. Använd {_either(allowed)}.')
        comments = source.meta.get("comments")
        if source.kind == "post" and comments is not None and comments.lower() not in COMMENTS_VALUES:
            yield Problem(
                site.name(source.path), f'Comments: "{comments}" är okänt. Använd {_either(COMMENTS_VALUES)}.'
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
            )


def _label(text: str) -> str:
    """A reference label as Python-Markdown matches it: case and runs of white space do not count."""
    return " ".join(text.lower().split())


@functools.lru_cache(maxsize=4096)
def body_images(text: str) -> tuple[str, ...]:
    """Every image address a Markdown body shows, in order: ``![alt](address)``, ``<img src>``, and
    reference-style images (``![alt][label]`` with ``[label]: address`` anywhere in the text).
    Remembered: the content checks, the figures plugin and the content cache all ask for each post."""
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
    return tuple(address for _start, address in sorted(found))


def image_references(source: Source) -> Iterator[tuple[str, str]]:
    """Every (field, reference) pair of a source that points to a file: metadata images and body images."""
    if source.meta.get("image"):
        yield "Image", source.meta["image"]
    seen = set()
    for reference in body_images(source.body):
        seen.add(reference)
        yield "brödtexten", reference
    for match in INTERNAL_LINK.finditer(source.body):
        reference = match.group(0)
        if reference not in seen:
            yield "brödtexten", reference


def check_references(site: Site) -> Iterator[Problem]:
    """Images and {static} links exist and stay inside content/."""
    for source in site.sources:
        for where, reference in image_references(source):
            problem = reference_problem(site, reference, source.path)
            if problem:
                yield Problem(site.name(source.path), f"{where}: {problem}")


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
    if not site.inside(target):
        return f"sökvägen {reference} pekar utanför content/. Lägg filen i content/images/."
    if not target.is_file():
        hint = _suggest_file(site, target)
        return f"filen {reference} finns inte.{hint} Kontrollera stavningen och att filen ligger i content/."
    return None


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
                yield Problem(
                    site.name(source.path),
                    f'adressen "{slug}" används redan av {site.name(sources[0].path)}.'
                    " Ändra rubriken eller ange en egen Slug.",
                )


RULES: list[Callable[[Site], Iterable[Problem]]] = [
    check_encoding,
    check_fields,
    check_dates,
    check_choices,
    check_top_image,
    check_references,
    check_unique_slugs,
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


def register() -> None:
    signals.initialized.connect(stop_on_problems)
