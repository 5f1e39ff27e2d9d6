"""content_checks: validate everything editors wrote before Pelican reads it, and stop the build with
every problem of the whole site at once, each naming the file, the field and the fix, in Swedish.

Pelican on its own drops a post with a bad date or no title with only a warning; these checks make such
mistakes impossible to miss. This module is the core: ``Problem`` and ``ContentError``, the ``Source``
and ``Site`` every rule reads, and the ``content_checked`` signal. A rule is a function that gets the
``Site`` and yields ``Problem``s; it is connected to ``content_checked``, by one of the rule families
below (each a module of this package, listed once in ``FAMILIES``) or by another plugin whose rule needs
that plugin's own data (authors, archived_comments, figures).

- ``reading``: reading the files, header and body, and the header's layout (a tab, a blank line);
- ``placement``: every text file is where the build reads it (a post is no .txt, no page, no image);
- ``fields``: the header's fields: required fields, unknown ones, choices, term spellings, unique slugs;
- ``categories``: the closed list of categories (``content/kategorier.txt``);
- ``dates``: ``Date`` and ``Modified`` (real dates, none in the future, Modified after Date);
- ``body``: a published post or page has text, and not the sample text of ``make new-post``;
- ``links``: ``{filename}`` links, the ``{…}`` indicators of links, and aliases (old addresses);
- ``addresses``: no address the site has published disappears (``content/adresser.txt``);
- ``images``: files a post refers to (images, ``{static}`` links), the top image, spaced names;
- ``safety``: what content may contain: nothing that runs or loads from elsewhere, no HTML in text
  fields, headings, alt texts and link texts;
- ``contacts``: no e-mail address or phone number in an archived comment (``contact_details``).

``markdown_reading`` finds what a piece of Markdown contains without rendering it, for ``safety``.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from blinker import signal
from pelican import signals
from slugs import slugify

from content_checks.markdown_reading import Text, read_markdown, without_code

# The rule families: content_checks.<name>, each connecting its rules to content_checked.
FAMILIES = (
    "reading", "placement", "fields", "categories", "dates", "body", "links", "addresses", "images", "safety",
    "contacts",
)  # fmt: skip

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
    problem_line: int = 1  # the line ``problems`` are on: the first byte that is not UTF-8
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

    @functools.cached_property
    def markdown(self) -> Text:
        """What the body's Markdown contains (links, tags, headings), read once for every rule."""
        return read_markdown(self.body)


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
    def files_by_name(self) -> dict[str, list[str]]:
        """Every file of content/ by its name, as paths from content/ (images/2018/x.jpg): where a file
        an editor names without its folder lies. Made only when a rule asks (a mistake was found)."""
        found: dict[str, list[str]] = defaultdict(list)
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                found[path.name].append(path.relative_to(self.root).as_posix())
        return dict(found)

    @functools.cached_property
    def project_root(self) -> Path:
        return self.root.parent.resolve()

    @functools.cached_property
    def resolved_root(self) -> Path:
        # Resolving costs a few system calls, and a site checks thousands of references.
        return self.root.resolve()


def through_link(path: Path, root: Path) -> bool:
    """Whether a path below ``root`` is, or lies in, a symbolic link: no check reads a file through one
    (content_checks.images refuses every link in content/, and it might point anywhere on the machine)."""
    for part in (path, *path.parents):
        if part == root:
            return False
        if part.is_symlink():
            return True
    return False


def connect_families() -> None:
    """Connect every family's rules to ``content_checked`` (blinker keeps one connection per receiver)."""
    for name in FAMILIES:
        importlib.import_module(f"{__name__}.{name}").register()


def check_site(settings: dict) -> list[Problem]:
    """Every problem in the site's content, from this package's families and every connected plugin's.
    The families are connected here too, so that a check outside a build (tests, tasks) runs them."""
    from content_checks.reading import read_site  # the families import this module: they come after it

    connect_families()
    site = read_site(settings)
    problems: list[Problem] = []
    for _receiver, found in content_checked.send(site):
        problems.extend(found or ())
    return sorted(set(problems), key=Problem.sort_key)


def stop_on_problems(pelican) -> None:
    problems = check_site(pelican.settings)
    if problems:
        raise ContentError(problems)


def register() -> None:
    signals.initialized.connect(stop_on_problems)
    connect_families()
