"""Pelican's warnings as the editors' problems: the file from the project root, the line, the fix, in
Swedish. Content rules (plugins/content_checks/) catch these mistakes before Pelican runs; this is the
net under them, so that a mistake no rule knows yet still reaches the editor in words they can act on.

A warning no translation knows stops the build as a ``BuildError`` for a developer: Pelican's words with
absolute paths shortened, under a Swedish line that says who should look at it.

An exception while a content file is read or written (something no rule foresaw) is no traceback either:
``unexpected`` makes it the editor's problem with that file, and the details for a developer below it.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from pathlib import Path

import pelican_internals
from content_checks import ContentError, Problem, Source
from content_checks.fields import HEADER_WORDS
from content_checks.images import no_alt
from content_checks.links import no_such_post, static_by_filename, unknown_indicator
from pelican.contents import Content

ROOT = Path(__file__).resolve().parent
# A derivative made by the figures plugin: natverk-1200.863dd7e8.jpg is natverk.jpg at 1200 px.
DERIVATIVE = re.compile(r"-\d+\.[0-9a-f]{6,}(?=\.\w+$)")
EMPTY_ALT_MARK = re.compile(r"!\[\s*\]\(|\balt=([\"'])\1")
# Our plugins log "<plugin>: <file>: <message>"; the message is already Swedish.
PLUGIN_MESSAGE = re.compile(r"^(?P<plugin>\w+): (?P<path>[^:]+?): (?P<message>.*)$", re.DOTALL)


class Translator:
    """Turns one build's warning records into Problems; knows the content folder to name files from."""

    def __init__(self, settings: dict) -> None:
        self.content = Path(settings["PATH"]).resolve()
        self.project = self.content.parent if not self.content.is_relative_to(ROOT) else ROOT

    def name(self, path: str | Path) -> str:
        """A file as the editor knows it: from the project root (content/posts/…)."""
        path = Path(path)
        if not path.is_absolute():
            path = self.content / path
        try:
            return str(path.resolve().relative_to(self.project))
        except ValueError:
            return path.name

    def sources(self) -> list[Path]:
        return sorted(self.content.rglob("*.md"))

    def line_of(self, path: Path, pattern: str | re.Pattern) -> int:
        """The first line of a file that holds a text (or matches a pattern), else 0."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return 0
        found = re.search(pattern, text) if isinstance(pattern, re.Pattern) else None
        offset = found.start() if found else (text.find(pattern) if isinstance(pattern, str) else -1)
        return text.count("\n", 0, offset) + 1 if offset >= 0 else 0

    def holder(self, text: str) -> Path | None:
        """The first content file that contains a text (for warnings that do not name their file)."""
        for path in self.sources():
            if text in path.read_text(encoding="utf-8", errors="replace"):
                return path
        return None

    def problem(self, record: logging.LogRecord) -> Problem | None:
        """The record as a Problem, or None when it is no content mistake this module knows."""
        args = record.args if isinstance(record.args, tuple) else ()
        for starts, translate in TRANSLATIONS:
            if isinstance(record.msg, str) and record.msg.startswith(starts):
                return translate(self, *args)
        return self.plugin_problem(record.getMessage())

    def plugin_problem(self, message: str) -> Problem | None:
        match = PLUGIN_MESSAGE.match(message)
        if not match:
            return None
        given = Path(match.group("path"))
        candidates = [given] if given.is_absolute() else [self.content / given, self.project / given]
        path = next((candidate for candidate in candidates if candidate.is_file()), None)
        if path is None:
            return None
        message = match.group("message")
        word = message.split(" ", maxsplit=1)[0].rstrip(":")
        if word.lower() not in HEADER_WORDS:
            return Problem(self.name(path), message)
        return Problem(self.name(path), message, self.line_of(path, re.compile(rf"(?im)^{word}:")), word)

    def shortened(self, message: str) -> str:
        """Pelican's own words, with the project's absolute paths made relative."""
        for folder in (self.content, self.project):
            message = message.replace(f"{folder}/", f"{self.name(folder)}/" if folder != self.project else "")
        return message


def _empty_alt(tr: Translator, image: str, path: str) -> Problem:
    line = tr.line_of(Path(path), EMPTY_ALT_MARK)
    return Problem(tr.name(path), no_alt(DERIVATIVE.sub("", image)), line, "brödtexten")


def _not_found(tr: Translator, url: str) -> Problem | None:
    path = tr.holder(url)
    if path is None:
        return None
    written = re.search(r"\{\w+\}" + re.escape(url), path.read_text(encoding="utf-8", errors="replace"))
    link = written.group(0) if written else url
    own = (
        path.resolve().relative_to(tr.content).as_posix() if path.resolve().is_relative_to(tr.content) else ""
    )
    return Problem(tr.name(path), no_such_post(link, own=own), tr.line_of(path, link), "brödtexten")


def _filename_to_static(tr: Translator, target: str, source: str) -> Problem:
    line = tr.line_of(tr.content / source, f"{{filename}}{target}")
    return Problem(tr.name(source), static_by_filename(target), line, "brödtexten")


def _duplicate(tr: Translator, key: str, source: str) -> Problem:
    field = key.capitalize()
    return Problem(
        tr.name(source),
        f"{field} står två gånger i filens huvud. Ta bort en av raderna.",
        tr.line_of(Path(source), re.compile(rf"(?im)^{re.escape(key)}:")),
        field,
    )


def _indicator(tr: Translator, what: str, origin: str) -> Problem | None:
    path = tr.holder(f"{{{what}}}")
    if path is None:
        return None
    return Problem(tr.name(path), unknown_indicator(what, "…"), tr.line_of(path, f"{{{what}}}"), "brödtexten")


def _attach(tr: Translator, source: str, target: str, *_reason: str) -> Problem:
    return Problem(
        tr.name(source),
        f"länken {{attach}} till {target} kan inte användas här. Skriv {{static}}/{target} i stället.",
        tr.line_of(tr.content / source, "{attach}"),
        "brödtexten",
    )


UNREADABLE = (
    "filen kunde inte läsas: något i den stoppade bygget på ett sätt som ingen kontroll känner till."
    " Se efter vad du senast ändrade i filen (ovanliga tecken, ett fält i huvudet) och rätta det; hittar"
    " du inget, visa meddelandet för en utvecklare. Detaljerna för en utvecklare står sist."
)
UNWRITABLE = (
    "sidan som görs av filen kunde inte skrivas: något i filen stoppade bygget på ett sätt som ingen"
    " kontroll känner till. Se efter vad du senast ändrade i filen (rubriken, ett fält i huvudet) och"
    " rätta det; hittar du inget, visa meddelandet för en utvecklare. Detaljerna för en utvecklare står sist."
)


def _unprocessable(tr: Translator, path: str) -> Problem:
    return Problem(tr.name(path), UNREADABLE, 0, "filen")


def _skipped(tr: Translator, content: object, prop: str) -> Problem:
    return Problem(
        tr.name(str(content)), f"{prop.capitalize()} saknas. Skriv fältet i filens huvud.", 1, prop
    )


# Pelican's English texts are pinned in plugins/pelican_internals.py (and its test).
TRANSLATIONS: list[tuple[str, Callable[..., Problem | None]]] = [
    (pelican_internals.EMPTY_ALT, _empty_alt),
    (pelican_internals.NOT_FOUND, _not_found),
    (pelican_internals.FILENAME_TO_STATIC, _filename_to_static),
    (pelican_internals.DUPLICATE, _duplicate),
    (pelican_internals.UNKNOWN_INDICATOR, _indicator),
    (pelican_internals.ATTACH, _attach),
    (pelican_internals.MISSING_PROPERTY, _skipped),
    (pelican_internals.UNPROCESSABLE, _unprocessable),
]


class BuildError(Exception):
    """The build stopped; the message is meant for an editor and the previous output is untouched.
    ``problems`` holds the content mistakes among the reasons (for annotations and summaries)."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = sorted(problems or [], key=Problem.sort_key)


class UnexpectedError(ContentError):
    """A content file made the build fail in a way no rule foresaw: the editor's problem naming the file,
    and below the report what a developer needs (the exception and where it was raised)."""

    def __init__(self, problems: list[Problem], details: str) -> None:
        super().__init__(problems)
        self.details = details
        self.args = (f"{self.args[0]}\n\nFör en utvecklare:\n{details}",)


def details(error: BaseException, settings: dict) -> str:
    """An exception as a developer reads it, with the build's folders shortened (so that a build and a
    check, each in a staging folder of its own, say the same)."""
    translator = Translator(settings)
    frames = traceback.extract_tb(error.__traceback__)[-6:]
    lines = [f"  {Path(frame.filename).name}:{frame.lineno} ({frame.name}): {frame.line}" for frame in frames]
    text = "\n".join([f"  {type(error).__name__}: {error}", *lines])
    for folder, shown in ((settings.get("OUTPUT_PATH"), "output"), (settings.get("CACHE_PATH"), ".cache")):
        if folder:
            text = text.replace(str(Path(folder).resolve()), shown).replace(str(folder), shown)
    return translator.shortened(text)


# Where a post or page is while Pelican reads or writes it and the checks read it: a local variable of one
# of these names, or the ``article``/``page`` of a template's context (not a feed's items: the one a loop
# left behind need not be the one to blame).
HOLDERS = ("article", "page", "content", "source")


def content_source(error: BaseException) -> str | None:
    """The content file an exception was raised for: the innermost frame of its traceback that holds a
    post or page (Pelican's, or the checks' Source) as one of ``HOLDERS``."""
    for frame, _line in reversed(list(traceback.walk_tb(error.__traceback__))):
        for name, value in frame.f_locals.items():
            if isinstance(value, dict):
                candidates = [value.get(key) for key in ("article", "page")]
            else:
                candidates = [value] if name in HOLDERS else []
            for candidate in candidates:
                if isinstance(candidate, Content) and candidate.source_path:
                    return candidate.source_path
                if isinstance(candidate, Source):
                    return str(candidate.path)
    return None


def unexpected(error: Exception, settings: dict) -> UnexpectedError | None:
    """An exception raised while a content file was read or written, as the editor's problem with that
    file and the details for a developer; None when no content file was being read or written (a
    mistake in the settings, the templates or a plugin: its traceback is for a developer)."""
    source = content_source(error)
    if source is None:
        return None
    problem = Problem(Translator(settings).name(source), UNWRITABLE, 0, "filen")
    return UnexpectedError([problem], details(error, settings))


def stop(records: list[logging.LogRecord], settings: dict) -> None:
    """Raise for a build that logged warnings: ContentError when each is a content mistake, else
    BuildError with the content mistakes first and the rest for a developer. A file Pelican could not
    read (an exception it caught) is the editor's problem, with the exception for a developer."""
    translator = Translator(settings)
    problems, others, raised = [], [], []
    for record in records:
        problem = translator.problem(record)
        if problem:
            problems.append(problem)
            exception = getattr(record, "exception", None) or (record.exc_info or (None, None))[1]
            if exception is not None and problem.message == UNREADABLE:
                raised.append(details(exception, settings))
        else:
            others.append(f"  {record.levelname}: {translator.shortened(record.getMessage())}")
    if not others and raised:
        raise UnexpectedError(problems, "\n\n".join(raised))
    if not others:
        raise ContentError(problems)
    report = f"{ContentError(problems)}\n\n" if problems else ""
    raise BuildError(
        f"{report}Bygget stoppades av en varning som inte gäller innehållet (mallarna, inställningarna"
        " eller ett tillägg). Visa den för en utvecklare; Pelicans egna ord:\n" + "\n".join(others),
        problems,
    )
