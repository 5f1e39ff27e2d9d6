"""Strict, atomic builds: the site is built into a temporary folder and replaces the output folder only
when Pelican finished without a single warning or error. Used by tasks.py, the tests and the benchmarks."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import blinker
from pelican import Pelican
from pelican.log import LimitFilter
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent


class BuildError(Exception):
    """The build stopped; the message is meant for an editor and the previous output is untouched."""


@dataclass(frozen=True)
class BuildResult:
    output: Path
    seconds: float


class _Collector(logging.Handler):
    """Remembers every warning and error logged while Pelican runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


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
    started = time.perf_counter()
    with _warnings_collected() as collector:
        settings = load_settings(settings_file, overrides)
    output = Path(settings["OUTPUT_PATH"])
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    settings["OUTPUT_PATH"] = str(staging)
    settings["PUBLISHED_OUTPUT_PATH"] = str(output)  # plugins/render_cache.py reuses unchanged pages from it
    try:
        with _warnings_collected() as during_build:
            make_pelican(settings).run()
        collector.messages.extend(during_build.messages)
        if collector.messages:
            raise BuildError(
                "Bygget stoppades: Pelican varnade om något som annars hade tappats bort tyst.\n"
                + "\n".join(f"  {message}" for message in collector.messages)
            )
        _replace(output, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(output=output, seconds=time.perf_counter() - started)


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
