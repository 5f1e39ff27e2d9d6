"""Strict, atomic builds: the site is built into a temporary folder and replaces the output folder only
when Pelican finished without a single warning or error. Used by tasks.py, the tests and the benchmarks.

``check`` is the same build into a folder that is thrown away: whatever stops a build stops the check
with the same message. Pelican's warnings that content causes become the editors' Swedish problems
(``pelican_warnings``); any other warning still stops the build, said as a warning for a developer."""

from __future__ import annotations

import functools
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import blinker
from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.log import LimitFilter, console
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))  # pelican_warnings reports through content_checks

import pelican_warnings  # noqa: E402
from pelican_warnings import BuildError  # noqa: E402, F401 (callers catch sitebuild.BuildError)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".svg"}


@dataclass(frozen=True)
class BuildResult:
    output: Path
    seconds: float
    # What was built: posts, pages, authors, images (see _count)
    counts: dict[str, int]


class _Collector(logging.Handler):
    """Remembers every warning and error logged while Pelican runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [f"{record.levelname}: {record.getMessage()}" for record in self.records]


@contextmanager
def _warnings_collected() -> Iterator[_Collector]:
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield collector
    finally:
        root.removeHandler(collector)


def reset_signals() -> None:
    """Disconnect every plugin receiver, so that one build's plugins never leak into the next build
    of the same process (Pelican connects them again from PLUGINS)."""
    for signal in list(blinker.default_namespace.values()):
        signal._clear_state()


def load_settings(settings_file: str | Path = "pelicanconf.py", overrides: dict | None = None) -> dict:
    """Pelican's settings from a settings file (relative to the project), with overrides applied."""
    settings = read_settings(str(ROOT / settings_file), override=overrides or {})
    # Pelican leaves OUTPUT_PATH relative to the working directory; the project's output/ is fixed.
    settings["OUTPUT_PATH"] = str(ROOT / settings["OUTPUT_PATH"])
    return settings


def forget_logged_messages() -> None:
    """Pelican logs each distinct warning once per process; a second build in the same process (tests,
    livereload) must see the same mistake again, or it would pass the strict check."""
    LimitFilter._raised_messages.clear()
    LimitFilter._ignore.clear()
    LimitFilter._group_count.clear()


def make_pelican(settings: dict) -> Pelican:
    """A Pelican with this project's plugins; creating it runs the content checks (see content_checks)."""
    reset_signals()
    forget_logged_messages()
    return Pelican(settings)


def build(settings_file: str | Path = "pelicanconf.py", overrides: dict | None = None) -> BuildResult:
    """Build the site; replace OUTPUT_PATH only if the whole build succeeded without warnings."""
    return _build(settings_file, overrides, publish=True)


def check(settings_file: str | Path = "pelicanconf.py", overrides: dict | None = None) -> BuildResult:
    """Run the whole build into a folder that is then removed: the same checks, the same messages,
    and OUTPUT_PATH untouched."""
    return _build(settings_file, overrides, publish=False)


def _build(settings_file: str | Path, overrides: dict | None, publish: bool) -> BuildResult:
    started = time.perf_counter()
    with _warnings_collected() as collector:
        settings = load_settings(settings_file, overrides)
    output = Path(settings["OUTPUT_PATH"])
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    settings["OUTPUT_PATH"] = str(staging)
    settings["PUBLISHED_OUTPUT_PATH"] = str(output)  # plugins/render_cache.py reuses unchanged pages from it
    counts: dict[str, int] = {}
    try:
        with _warnings_collected() as during_build, _quiet_console():
            pelican = make_pelican(settings)
            signals.all_generators_finalized.connect(functools.partial(_count, counts), weak=False)
            pelican.run()
        collector.records.extend(during_build.records)
        if collector.records:
            pelican_warnings.stop(collector.records, settings)
        counts["images"] = sum(1 for path in staging.rglob("*") if path.suffix.lower() in IMAGE_SUFFIXES)
        if publish:
            _replace(output, staging)
        else:
            shutil.rmtree(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(output=output, seconds=time.perf_counter() - started, counts=counts)


def _count(counts: dict[str, int], generators: list) -> None:
    """What the build made, for the editors' summary: published posts and pages, and every author."""
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            counts["posts"] = len(generator.articles)
            counts["authors"] = len(generator.context.get("all_authors", generator.authors))
        elif isinstance(generator, PagesGenerator):
            counts["pages"] = len(generator.pages)


@contextmanager
def _quiet_console() -> Iterator[None]:
    """Pelican's own closing line ("Done: Processed …") is English; tasks.py says it in Swedish."""
    quiet = console.quiet
    console.quiet = True
    try:
        yield
    finally:
        console.quiet = quiet


def _replace(output: Path, staging: Path) -> None:
    """Swap the finished build in with two renames, so a reader never sees a half-written site."""
    staging.chmod(0o755)  # mkdtemp makes it private; the published folder must be readable
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent))
        output.rename(retired / output.name)
        staging.rename(output)
        shutil.rmtree(retired)
    else:
        staging.rename(output)
