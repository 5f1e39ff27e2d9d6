"""content_cache: each post is converted to HTML once per content hash, not once per build.

Pelican's Markdown reader builds a new Markdown instance for every file, and its own content cache
stores the reader's output *before* typogrify, so typogrify reruns on every build; that cache also
pickles Pelican objects that carry the settings of the build that made them. This plugin replaces
the Markdown reader with one that

- reuses one Markdown instance (``reset()`` between files);
- runs typogrify itself, so the cached HTML is the finished HTML (Pelican's own pass is turned off);
- caches the body HTML, the formatted fields (``Summary``) and the raw header strings, keyed by the
  SHA-256 of the file (a git checkout that resets mtimes costs nothing) and the SHA-256 of every
  image it references, inline, reference-style or as raw ``<img>`` (an extension writes an image's size
  and content hash into the HTML);
- keeps with each entry the images its conversion asked the figures plugin for, and asks for them
  again on every hit (and for a conversion made in a worker process), so that the build's own
  process writes their derivatives;
- caches with them the header values that depend only on their string: a full Date or Modified
  (dateutil) and the typogrified title;
- processes the other header strings on every build (authors, categories, tags: objects that carry
  this build's settings), with this build's settings and warnings;
- converts the posts the cache lacks in worker processes on every core, before Pelican reads them
  (``CONTENT_CACHE = {"workers": 2, "parallel_from": 50}``);
- keeps each post's url once all content is read (Pelican would format it again on every access).

The cache (``CACHE_PATH/<slot>/content-cache.pickle``) is valid under one stamp: ``cachefile.stamp``,
shared by every cache (packages, Python, settings values and files, plugin code as imported); a change
to any of them starts it afresh. Entries not used by a build are dropped when it is saved.
"""

from __future__ import annotations

import hashlib
import html
import logging
import multiprocessing
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import build_context
import cachefile
import pelican_internals
import sanitizer
import time_budget
from content_checks import Problem, Site
from content_checks.dates import DATE_SHAPE
from content_checks.images import INTERNAL_LINK, body_images
from figures import ask_again, images_asked
from markdown import Markdown
from pelican import signals
from pelican.contents import Static
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED
from pelican.readers import MarkdownReader as PelicanMarkdownReader
from pelican.utils import pelican_open
from processes import die_with_parent, signals_held

logger = logging.getLogger(__name__)

VERSION = "4"  # bump when what is cached changes shape
CACHE_FILE = "content-cache.pickle"
DEFAULTS = {
    "workers": 2,  # processes that convert new posts in parallel (1: none)
    "parallel_from": 50,  # fewer new posts than this are converted in the build's own process
}

# The lists of content objects Pelican's article and page generators keep.
CONTENT_LISTS = (
    "articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations",
    "pages", "hidden_pages", "draft_pages", "draft_translations",
)  # fmt: skip


def key(text: str, source_path: str, settings: dict) -> str:
    """A file's cache key: its text, and the content hash of every file it references (an extension
    puts an image's size and content hash into the HTML): an image replaced at the same size and time
    is a new key. A file that is missing counts as missing (the content check stops such a build)."""
    references = set(body_images(text))
    references |= {match.group(0) for match in INTERNAL_LINK.finditer(text)}
    digest = hashlib.sha256(text.encode("utf-8"))
    for reference in sorted(references):
        digest.update(f"\0{reference}\0{content_hash(settings, reference, source_path)}".encode())
    return digest.hexdigest()


def content_hash(settings: dict, reference: str, source_path: str) -> str | None:
    """SHA-256 of the file a reference points to (None: none), once per build and place (an image is
    often shown by many posts, and resolving a path costs system calls)."""
    current = state(settings)
    memo, place = current["hashes"], (reference, os.path.dirname(source_path))  # relative ones differ
    if place not in memo:
        target = current["site"].resolve(reference, Path(source_path))
        memo[place] = cachefile.content_hash(target) if target is not None else None
    return memo[place]


class ContentCache:
    """The cached conversions of one build: loaded if the stamp matches, saved with used entries (a
    build without a stamp, not made by sitebuild, neither loads nor saves: every file is converted)."""

    def __init__(self, path: Path, key: str | None):
        self.path, self.key = path, key
        self.entries: dict[str, tuple] = {}
        self.used: dict[str, tuple] = {}
        self.ahead: dict[str, tuple] = {}  # converted this build by worker processes, not yet read
        self.hits = self.misses = 0
        self.entries = cachefile.load(path, key) or {}

    def get(self, digest: str) -> tuple | None:
        entry = self.entries.get(digest)
        if entry is not None:
            self.hits += 1
            self.used[digest] = entry
            return entry
        entry = self.ahead.pop(digest, None)
        return None if entry is None else self.put(digest, entry, keep=not over_budget(entry))

    def put(self, digest: str, entry: tuple, keep: bool = True) -> tuple:
        """Remember a fresh conversion; ``keep=False`` for one that logged a warning, so the next build
        converts it again and the warning stops that build too."""
        self.misses += 1
        if keep:
            self.used[digest] = entry
        return entry

    def save(self) -> None:
        """Write the entries this build used (atomically: a crash leaves the previous file)."""
        cachefile.save(self.path, self.key, self.used)


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def warnings_logged() -> Iterator[list[logging.LogRecord]]:
    """The warnings and errors logged (by any extension) while the block runs."""
    recorder = _Recorder()
    logging.getLogger().addHandler(recorder)
    try:
        yield recorder.records
    finally:
        logging.getLogger().removeHandler(recorder)


class MarkdownReader(PelicanMarkdownReader):
    """Pelican's Markdown reader with a reused Markdown instance, typogrify inside, and the cache."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._body: Markdown | None = None
        self._fields: Markdown | None = None

    def _converters(self) -> tuple[Markdown, Markdown]:
        """One Markdown for bodies (reads the header) and one for header fields (must not)."""
        if self._body is None:
            self._body = Markdown(**self.settings["MARKDOWN"])
            self._fields = Markdown(**self.settings["MARKDOWN"])
            self._fields.preprocessors.deregister("meta")
        return self._body, self._fields

    def convert(self, text: str) -> tuple:
        """The expensive part, within the time budget: body HTML, raw header strings, formatted fields'
        HTML (typogrified, then sanitized), the header values that depend on nothing but their string
        (see ``finished``), the images the conversion asked the figures plugin for (asked again on every
        cache hit: see ``read``), and the problems found, as (line, field, message): what the sanitizer
        took away, or that the file took longer than the budget. Problems are part of the entry, so a
        warm build stops on exactly what a cold one stops on."""
        budget = time_budget.seconds(self.settings)
        try:
            with time_budget.within(budget):
                return self._convert(text)
        except time_budget.OverBudget:
            return self.late(text)

    def late(self, text: str) -> tuple:
        """The entry of a file whose conversion ran out of time: its header, no body, and the problem."""
        problem = (0, "filen", time_budget.message(time_budget.seconds(self.settings)))
        return "", self._header(text), {}, {}, (), (problem,)

    def _header(self, text: str) -> dict[str, list[str]]:
        """Only the header, as Markdown's meta extension reads it (linear): Pelican still gets its fields
        when the body could not be converted."""
        body, _fields = self._converters()
        body.reset()
        body.preprocessors["meta"].run(text.split("\n"))
        return {name.lower(): list(values) for name, values in getattr(body, "Meta", {}).items()}

    def _convert(self, text: str) -> tuple:
        body, fields = self._converters()
        with images_asked() as images:
            body.reset()
            content = body.convert(text)
            meta = {name.lower(): list(values) for name, values in getattr(body, "Meta", {}).items()}
            formatted = {}
            for name in sorted(set(meta) & set(self.settings["FORMATTED_FIELDS"])):
                fields.reset()
                formatted[name] = fields.convert("\n".join(meta[name]))
        typogrify = state(self.settings)["typogrify"]
        if typogrify:
            content = typogrify(content) if content else content
            formatted = {name: typogrify(html) for name, html in formatted.items()}
        content, problems = self.sanitized(text, "brödtexten", content)
        for name, fragment in formatted.items():
            formatted[name], found = self.sanitized(text, name.capitalize(), fragment)
            problems += found
        finished = self.finished(meta, formatted)
        return content, meta, formatted, finished, tuple(dict.fromkeys(images)), tuple(problems)

    def sanitized(self, text: str, field: str, fragment: str) -> tuple[str, list[tuple[int, str, str]]]:
        """A fragment as the allowlist leaves it, and (line, field, message) for what that took away: a
        field's at its header line, the body's where its text is (searched from the end of the header)."""
        checked = sanitizer.check(fragment, self.settings.get("SITEURL", ""))
        if not checked.removed:
            return checked.html, []
        header_end = HEADER_END.search(text)
        end = header_end.end() if header_end else 0
        if field == "brödtexten":
            found = sanitizer.problems(checked, text, start=end, fallback=text.count("\n", 0, end) + 1)
        else:
            line = re.search(rf"(?im)^{re.escape(field)}\s*:", text)
            start = line.start() if line else 0
            fallback = text.count("\n", 0, start) + 1
            found = sanitizer.problems(checked, text, start=start, end=end or None, fallback=fallback)
        return checked.html, [(line, field, message) for line, message in found]

    def finished(self, meta: dict[str, list[str]], formatted: dict[str, str]) -> dict:
        """Header values as ``metadata`` makes them, for the fields whose processing depends only on the
        string and the settings (both in the cache key): a single Date or Modified written in full
        (dateutil fills a missing part from today's date) and the typogrified Title. Tags, category
        and authors are objects that carry this build's settings: those are made on every build."""
        finished = {}
        for name in ("date", "modified"):
            values = meta.get(name, [])
            if name not in formatted and len(values) == 1 and DATE_SHAPE.match(values[0].strip()):
                try:
                    finished[name] = self.process_metadata(name, values[0])
                except ValueError:  # no such day: left to Pelican, which reports it
                    continue
        titles = meta.get("title", [])
        if "title" not in formatted and len(titles) == 1:
            title = self.process_metadata("title", titles[0])
            if isinstance(title, str):
                finished["title"] = typeset_title(title, state(self.settings)["typogrify"])
        return finished

    def read(self, source_path):
        self._source_path = source_path
        with pelican_open(source_path) as text:
            digest = key(text, source_path, self.settings)
        cache: ContentCache = state(self.settings)["cache"]
        entry = cache.get(digest)
        if entry is None:
            with warnings_logged() as warnings:
                entry = self.convert(text)
            entry = cache.put(digest, entry, keep=not warnings and not over_budget(entry))
        content, meta, formatted, finished, images, problems = entry
        # A conversion kept from an earlier build, or made in a worker process, asked for its images
        # somewhere else: ask here, so that this build writes their derivatives.
        ask_again(self.settings, images)
        if problems:
            name = state(self.settings)["site"].name(Path(source_path))
            found = [Problem(name, message, line, field) for line, field, message in problems]
            sanitizer.report(self.settings, found)
        return content, self.metadata(meta, formatted, finished)

    def metadata(self, meta: dict[str, list[str]], formatted: dict[str, str], finished: dict) -> dict:
        """The header as Pelican's reader makes it, processed with this build's settings (``finished``
        values were processed by an earlier build with the same settings)."""
        output = {}
        for name, values in meta.items():
            if name in finished:
                output[name] = finished[name]
            elif name in formatted:
                output[name] = self.process_metadata(name, formatted[name])
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(values) > 1:
                    logger.warning(pelican_internals.DUPLICATE_MESSAGE, name, self._source_path)
                output[name] = self.process_metadata(name, values[0])
            elif len(values) > 1:
                output[name] = self.process_metadata(name, values)
            else:
                output[name] = self.process_metadata(name, values[0])
        if "title" not in finished and isinstance(output.get("title"), str):
            output["title"] = typeset_title(output["title"], state(self.settings)["typogrify"])
        return output


# The end of a file's header: Python-Markdown's meta extension reads up to the first blank line.
HEADER_END = re.compile(r"\n[ \t]*\n")


def typeset_title(title: str, typogrify) -> str:
    """A title is text: escaped first (``<`` stays a character, never a tag), then typeset. Quotes stay
    as written, for Swedish typography to turn (swedish_typography); ``&`` becomes typogrify's span."""
    escaped = html.escape(title, quote=False)
    return typogrify(escaped) if typogrify else escaped


def over_budget(entry: tuple) -> bool:
    """An entry whose conversion ran out of time: never kept (another machine may be fast enough)."""
    return any(field == "filen" for _line, field, _message in entry[5])


_WORKER: dict[str, MarkdownReader] = {}  # the reader a forked worker process converts with


def _quiet_worker(build: int) -> None:
    """A worker's log goes nowhere: a file that warned is converted again, and logged, by the build. It
    ends with the build's process, and on SIGTERM (the pool's way to stop it) without the build's own
    handler (see sitebuild)."""
    logging.getLogger().handlers.clear()
    die_with_parent(build)


def _convert_in_worker(chunk: list[bytes]) -> list[tuple[tuple, bool]]:
    converted = []
    for data in chunk:
        with warnings_logged() as warnings:
            entry = _WORKER["reader"].convert(data.decode("utf-8"))
        converted.append((entry, bool(warnings)))
    return converted


def convert_ahead(generator) -> None:
    """Convert the posts the cache lacks on every core, before Pelican reads them one by one.

    Worker processes are forked, so they share the build's settings, plugins and Markdown extensions;
    they return only strings. A post whose conversion logged a warning is left to the build itself,
    which logs it (and stops).
    """
    options = {**DEFAULTS, **generator.settings.get("CONTENT_CACHE", {})}
    reader = generator.readers.readers.get("md")
    workers = min(options["workers"], os.cpu_count() or 1)
    if (
        not isinstance(reader, MarkdownReader)
        or workers < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return
    settings = generator.settings
    cache: ContentCache = state(settings)["cache"]
    todo: dict[str, tuple[str, str]] = {}  # {digest: (path, text)}
    files = [*generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]),
             *generator.get_files(settings["PAGE_PATHS"], exclude=settings["PAGE_EXCLUDES"])]  # fmt: skip
    for relative in sorted(set(files)):
        if relative.rsplit(".", 1)[-1] not in MarkdownReader.file_extensions:
            continue
        path = os.path.join(generator.path, relative)
        with pelican_open(path) as text:
            digest = key(text, path, settings)
        if digest not in cache.entries:
            todo[digest] = (path, text)
    if len(todo) < options["parallel_from"]:
        return
    _WORKER["reader"] = reader
    chunk = max(1, len(todo) // (workers * 8))
    # A worker keeps the time budget itself; its parent waits this long for the next chunk of results,
    # in case a conversion is stuck where no signal reaches it (inside one regular expression).
    wait = time_budget.seconds(settings) * (chunk + 1) + 60
    # Each text goes as UTF-8 bytes, encoded as the pool takes it: pickling the str itself would leave a
    # UTF-8 copy cached inside it (CPython keeps one once asked), and the texts live until every post is
    # read (the body-image memo holds them), so the copies did too: ~14 MB at 2,000 posts.
    digests = list(todo)
    chunks = [digests[start : start + chunk] for start in range(0, len(digests), chunk)]
    payloads = ([todo[digest][1].encode("utf-8") for digest in part] for part in chunks)
    try:
        with signals_held():  # a SIGTERM waits until the pool has started: not halfway through its forks
            pool = multiprocessing.get_context("fork").Pool(workers, _quiet_worker, (os.getpid(),))
        with pool:  # leaving it terminates the workers, whatever happened
            results = pool.imap(_convert_in_worker, payloads)
            for part in chunks:
                try:
                    converted = results.next(timeout=wait)
                except multiprocessing.TimeoutError:
                    # Stuck where no signal reaches it (inside one regular expression): the chunk's first
                    # file stops the build; the posts not converted yet are read as usual.
                    cache.ahead[part[0]] = reader.late(todo[part[0]][1])
                    logger.info("content_cache: no result from the workers for %.0f s", wait)
                    break
                for digest, (entry, warned) in zip(part, converted, strict=True):
                    if not warned:
                        cache.ahead[digest] = entry
    finally:
        _WORKER.clear()


def state(settings: dict) -> dict:
    """This build's cache and typogrify function (in the build's context, see build_context), made on
    first use: after every plugin's ``initialized``, so the stamp sees the settings as they will be used."""
    return build_context.of(settings).state(
        "content_cache",
        lambda: {
            "cache": ContentCache(cachefile.path(settings, CACHE_FILE), cachefile.stamp(settings)),
            "typogrify": pelican_internals.typogrifier(settings)
            if settings.get("CONTENT_CACHE_TYPOGRIFY")
            else None,
            "site": Site(root=Path(settings["PATH"]), settings=settings, sources=[]),
            "hashes": {},  # content_hash's memo: files change between builds
        },
    )


def take_over_typogrify(pelican) -> None:
    """Typogrify moves into the reader, before the cache; Pelican's pass after it is turned off."""
    settings = pelican.settings
    settings["CONTENT_CACHE_TYPOGRIFY"] = bool(settings.get("TYPOGRIFY"))
    settings["TYPOGRIFY"] = False


def typogrified_elsewhere(content) -> None:
    """With TYPOGRIFY taken over, a file that another reader read (an .htm, an .rst) gets no typogrify
    at all: say so, which stops the build, rather than publish it without."""
    if isinstance(content, Static):
        return
    settings = content.settings
    source = getattr(content, "source_path", None) or ""
    extension = source.rsplit(".", 1)[-1] if "." in os.path.basename(source) else ""
    if settings.get("CONTENT_CACHE_TYPOGRIFY") and source and extension not in MarkdownReader.file_extensions:
        logger.warning(
            "content_cache: %s lästes utan typogrify (content_cache stänger av Pelicans TYPOGRIFY och gör"
            " det bara för Markdown). Skriv filen i Markdown, eller stäng av läsaren i READERS.",
            source,
        )


def use_reader(readers) -> None:
    pelican_internals.replace_reader(
        readers, MarkdownReader.file_extensions, PelicanMarkdownReader, MarkdownReader
    )


def save_cache(pelican) -> None:
    context = build_context.of(pelican.settings)
    current = context.plugins.pop("content_cache", None)
    if current is not None:
        cache: ContentCache = current["cache"]
        cache.save()
        context.count("content_cache", hits=cache.hits, misses=cache.misses)
        logger.info("content_cache: %d files from the cache, %d converted", cache.hits, cache.misses)


def freeze_urls(generators) -> None:
    """Pelican formats a post's url from its settings and metadata on every access (~20,000 times for
    1,000 posts, ~20 % of a cached rebuild). Once every generator has read its content, the url no
    longer changes: keep it in ``override_url``, Pelican's own slot for a fixed url. (``save_as`` is
    left alone: its override would also relax the writer's check for two files on one path.)"""
    for generator in generators:
        for name in CONTENT_LISTS:
            for content in getattr(generator, name, []):
                pelican_internals.freeze_url(content)


def register() -> None:
    signals.initialized.connect(take_over_typogrify)
    signals.content_object_init.connect(typogrified_elsewhere)
    signals.readers_init.connect(use_reader)
    signals.all_generators_finalized.connect(freeze_urls)
    signals.article_generator_init.connect(convert_ahead)
    signals.finalized.connect(save_cache)
