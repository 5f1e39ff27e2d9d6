"""Strict, atomic builds: the site is built into a temporary folder and replaces the output folder only
when Pelican finished without a single warning or error. Used by tasks.py, the tests and the benchmarks.

``check`` is the same build into a folder that is thrown away: whatever stops a build stops the check
with the same message. Pelican's warnings that content causes become the editors' Swedish problems
(``pelican_warnings``); any other warning still stops the build, said as a warning for a developer."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import blinker
from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent
if str(ROOT / "plugins") not in sys.path:  # the caches' stamp lives with the caches, in plugins/
    sys.path.insert(0, str(ROOT / "plugins"))
import build_context  # noqa: E402
import cachefile  # noqa: E402
import link_check  # noqa: E402
import pelican_internals  # noqa: E402
from content_checks import ContentError  # noqa: E402
from processes import HELD, signals_held  # noqa: E402

import pelican_warnings  # noqa: E402 (reports through content_checks, in plugins/)
from pelican_warnings import BuildError  # noqa: E402 (callers catch sitebuild.BuildError)

SETTINGS_FILES = "SETTINGS_FILES"  # the settings file built with and the project's modules it imports
LOCK_FILE = "bygge.lock"  # in CACHE_PATH: held by the build that uses the cache (see _cache_locked)
STRAY_IN_CACHE = "sokindex-*"  # search_index's run folders: only a stopped build leaves one behind
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".svg"}


@dataclass(frozen=True)
class BuildResult:
    output: Path
    seconds: float
    # What was built: posts, pages, authors, images (see _count)
    counts: dict[str, int]
    # This build's context (plugins/build_context.py), closed: its numbers, and nothing of another build's
    context: build_context.BuildContext

    @property
    def stats(self) -> dict[str, dict[str, int]]:
        """The work each plugin did in this build: ``stats["content_cache"] == {"hits": …, "misses": …}``."""
        return self.context.stats


class _Collector(logging.Handler):
    """Remembers every warning and error logged while Pelican runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Pelican logs a file it could not read without the exception (unless DEBUG): keep it, for the
        # developer's part of the message (pelican_warnings.stop).
        if not record.exc_info and sys.exc_info()[1] is not None:
            record.exception = sys.exc_info()[1]
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
    of the same process (Pelican connects them again from PLUGINS). Only blinker's public API: the
    ``receivers`` mapping (weak or strong references) and ``disconnect``, which leaves all senders."""
    for named in list(blinker.default_namespace.values()):
        for reference in list(named.receivers.values()):
            receiver = reference() if isinstance(reference, weakref.ref) else reference
            if receiver is not None:
                named.disconnect(receiver)


def load_settings(settings_file: str | Path = "pelicanconf.py", overrides: dict | None = None) -> dict:
    """Pelican's settings from a settings file (relative to the project), with overrides applied."""
    path = ROOT / settings_file
    cachefile.forget_import(path)  # Pelican executes the settings file again: what it reads now counts
    settings = read_settings(str(path), override=overrides or {})
    # Pelican leaves OUTPUT_PATH relative to the working directory; the project's output/ is fixed.
    settings["OUTPUT_PATH"] = str(ROOT / settings["OUTPUT_PATH"])
    # The caches' stamp hashes these files, and each settings file keeps its caches apart (cachefile).
    settings[SETTINGS_FILES] = [str(file) for file in cachefile.settings_files(path)]
    settings[cachefile.SLOT] = Path(settings_file).stem
    return settings


class CodeChangedError(BuildError):
    """A plugin or settings module changed since this process imported it: only a new process runs it."""


def code_files(settings: dict) -> list[Path]:
    """The project's own modules a build runs besides the plugins: the settings files and this one."""
    return [*(Path(file) for file in settings.get(SETTINGS_FILES, [])), Path(__file__)]


def check_code_unchanged(settings: dict) -> None:
    """Stop before building when this process runs other code than is on disk (a plugin edited under
    ``make livereload``): its output would not be what a build from scratch makes, and its caches
    would be stamped for code it did not run."""
    folders = [Path(folder) for folder in settings.get("PLUGIN_PATHS", [])]
    changed = cachefile.changed_since_import(code_files(settings), folders)
    if changed:
        names = ", ".join(
            str(file.relative_to(ROOT)) if file.is_relative_to(ROOT) else str(file) for file in changed
        )
        raise CodeChangedError(
            f"Koden har ändrats sedan den här processen startade ({names}), och en process kan inte läsa"
            " in den igen. Starta om bygget (make livereload startar om sig själv)."
        )


def forget_logged_messages(settings: dict) -> None:
    """Pelican logs each distinct warning once per process; a second build in the same process (tests,
    livereload) must see the same mistake again, or it would pass the strict check."""
    pelican_internals.forget_logged_messages(settings.get("LOG_FILTER", []))


def make_pelican(settings: dict) -> Pelican:
    """A Pelican with this project's plugins; creating it runs the content checks (see content_checks)."""
    reset_signals()
    forget_logged_messages(settings)
    # The settings part of the caches' stamp: the values as read, before the plugins add their own.
    settings[cachefile.SETTINGS_DIGEST] = cachefile.settings_digest(settings, code_files(settings))
    pelican = Pelican(settings)
    cachefile.remember_imports([Path(folder) for folder in settings.get("PLUGIN_PATHS", [])])
    return pelican


class Terminated(SystemExit):
    """The build got SIGTERM (a cancelled CI job, a closed terminal): it stops as Ctrl-C stops it."""


@dataclass
class _Stop:
    """What the SIGTERM handler of the running build knows: whether a SIGTERM came, and whether the new
    site was already published when it did (the message then says so)."""

    requested: bool = False
    published: bool = False

    def message(self) -> str:
        if self.published:
            return (
                "Bygget avbröts (SIGTERM) när webbplatsen redan var publicerad i utdatamappen. Bygg igen,"
                " så att listan över adresser (content/adresser.txt) också kommer med."
            )
        return "Bygget avbröts (SIGTERM). Inget ändrades i utdatamappen."

    def checkpoint(self) -> None:
        """Stop here if a SIGTERM came whose exception was lost: Python ignores an exception raised where
        it cannot be passed on (a ``__del__``, a callback at fork), and the build must not go on to
        publish after one."""
        if self.requested:
            raise Terminated(128 + signal.SIGTERM)


_RUNNING: dict[str, _Stop] = {}  # "stop": the running build's, while its handler is installed (main thread)

_FORKING = threading.local()  # the signal mask a thread had before it forked


def _hold_sigterm_for_fork() -> None:
    """Before a fork while a build handles SIGTERM: hold the signal back until the fork is done. Its
    exception, raised inside the callbacks Python runs around a fork, would be ignored there, and in
    logging's it would leave the logging lock held: the next log line would wait forever."""
    if "stop" in _RUNNING:
        _FORKING.mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})


def _release_sigterm_in_parent() -> None:
    mask = getattr(_FORKING, "mask", None)
    if mask is not None:
        _FORKING.mask = None
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # as before the fork (held, inside signals_held)


def _release_sigterm_in_child() -> None:
    """A forked child (a Markdown worker, the indexer) ends on SIGTERM and SIGINT, also one forked while
    the build held them back; the build's handler is not its."""
    if "stop" in _RUNNING:
        _FORKING.mask = None
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)


# Registered after logging's own (imported above): so these run first before a fork and last after it,
# holding the signal across every callback registered before them.
os.register_at_fork(
    before=_hold_sigterm_for_fork,
    after_in_parent=_release_sigterm_in_parent,
    after_in_child=_release_sigterm_in_child,
)


@contextmanager
def _sigterm_stops_the_build() -> Iterator[_Stop]:
    """Turn SIGTERM into an exception while the build runs, so that it cleans up as after Ctrl-C: the
    staging folder is removed and the search indexer is stopped (when the build's context closes; the
    kernel kills the indexer too when this process ends, see ``processes.die_with_parent``). The message
    is printed when the exception leaves the build, and says whether the new site was published."""
    stop = _Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # only the main thread may handle signals
        return

    def handle(signum: int, frame) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: a second one must not cut the clean-up short
        stop.requested = True
        raise Terminated(128 + signum)

    previous = signal.signal(signal.SIGTERM, handle)
    _RUNNING["stop"] = stop
    try:
        yield stop
    except Terminated:
        print(stop.message(), file=sys.stderr)
        raise
    finally:
        del _RUNNING["stop"]
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _cache_locked(cache: Path) -> Iterator[None]:
    """Hold the lock on CACHE_PATH for the whole build: two builds in one checkout would delete each
    other's staging folders and index runs, and write the same cache files. A second build stops at
    once and says why. The lock is an flock, so it ends with its process, however that ends."""
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / LOCK_FILE).open("a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "okänd"
            raise BuildError(
                f"Ett annat bygge pågår redan med samma cache ({cache}, process {holder}). Vänta tills"
                " det är klart, eller stoppa det, och bygg sedan igen."
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def remove_stray_folders(output: Path, cache: Path) -> list[Path]:
    """Remove what stopped builds left behind: staging folders beside the output (``.output-*``) and
    search index runs in the cache (``sokindex-*``, see search_index). Call it holding the cache's lock:
    no other build is running then, so none of these folders is in use. Returns what was removed."""
    strays = sorted([*output.parent.glob(f".{output.name}-*"), *cache.glob(STRAY_IN_CACHE)])
    for folder in strays:
        shutil.rmtree(folder, ignore_errors=True)
    return strays


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
    check_code_unchanged(settings)
    with _sigterm_stops_the_build() as stop, _cache_locked(Path(settings["CACHE_PATH"])):
        return _build_locked(settings, collector, started, publish, stop)


def _build_locked(
    settings: dict, collector: _Collector, started: float, publish: bool, stop: _Stop
) -> BuildResult:
    output = Path(settings["OUTPUT_PATH"])
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_stray_folders(output, Path(settings["CACHE_PATH"]))
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    settings["OUTPUT_PATH"] = str(staging)
    settings["PUBLISHED_OUTPUT_PATH"] = str(output)  # plugins/render_cache.py reuses unchanged pages from it
    counts: dict[str, int] = {}
    context = build_context.start(settings)  # this build's, and only this build's (build_context)
    try:
        try:
            with _warnings_collected() as during_build, pelican_internals.quiet_console():
                pelican = make_pelican(settings)
                signals.all_generators_finalized.connect(functools.partial(_count, counts), weak=False)
                pelican.run()
        except (ContentError, BuildError):
            raise
        except Exception as error:  # something in a file no rule foresaw: a message, never a traceback
            unexpected = pelican_warnings.unexpected(error, settings)
            if unexpected is None:
                raise
            raise unexpected from error
        collector.records.extend(during_build.records)
        if collector.records:
            pelican_warnings.stop(collector.records, settings)
        _stop_on_broken_links(staging, settings)
        counts["images"] = sum(1 for path in staging.rglob("*") if path.suffix.lower() in IMAGE_SUFFIXES)
        stop.checkpoint()
        if publish:
            _replace(output, staging)
            # The addresses this build published join content/adresser.txt (content_checks.addresses).
            from content_checks.addresses import save_list

            save_list(settings)
        else:
            shutil.rmtree(staging)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        _close_after(context, error)
        raise
    context.close()
    return BuildResult(output=output, seconds=time.perf_counter() - started, counts=counts, context=context)


def _close_after(context: build_context.BuildContext, error: BaseException) -> None:
    """Close a build that failed; a closer that fails too is told below the build's own error, which
    stays the one raised (it says why the build stopped)."""
    try:
        context.close()
    except BaseException as closing:  # told with the error that is raised
        error.add_note(f"Dessutom misslyckades avslutningen av bygget: {closing!r}")


def _stop_on_broken_links(staging: Path, settings: dict) -> None:
    """Every internal link and image of the built site leads somewhere (plugins/link_check.py): a broken
    link an editor wrote stops the build at its file and line, any other for a developer."""
    if settings.get("LINK_CHECK") is False:
        return
    problems, others = link_check.check(staging, settings)
    if not others:
        if problems:
            raise ContentError(problems)
        return
    report = f"{ContentError(problems)}\n\n" if problems else ""
    raise BuildError(
        f"{report}Bygget stoppades av länkar som inte leder någonstans, i mallarna eller ett tillägg."
        " Visa dem för en utvecklare:\n" + "\n".join(f"  {link}" for link in others),
        problems,
    )


def _count(counts: dict[str, int], generators: list) -> None:
    """What the build made, for the editors' summary: published posts and pages, and every author."""
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            counts["posts"] = len(generator.articles)
            counts["authors"] = len(generator.context.get("all_authors", generator.authors))
        elif isinstance(generator, PagesGenerator):
            counts["pages"] = len(generator.pages)


def _replace(output: Path, staging: Path) -> None:
    """Swap the finished build in, so that a reader never sees a half-written site and a signal at any
    moment leaves ``output/`` whole: either the last good site or this build. The first publish is one
    rename; after that the two folders are exchanged in one step (``staging`` then holds the old site,
    which the caller's clean-up or the next build's sweep of stray folders may remove). SIGTERM and
    SIGINT wait until the build knows which site output/ holds (see _Stop)."""
    staging.chmod(0o755)  # mkdtemp makes it private; the published folder must be readable
    if not output.exists():
        with signals_held():
            staging.rename(output)
            _published()
        return
    with signals_held():
        exchanged = _exchange(staging, output)
        if exchanged:
            _published()
    if exchanged:
        shutil.rmtree(staging)  # the old site now
    else:
        _replace_with_signals_held(output, staging)


def _published() -> None:
    """The new site is in output/: a SIGTERM from now on says so (see _Stop)."""
    if "stop" in _RUNNING:
        _RUNNING["stop"].published = True


AT_FDCWD = -100  # <fcntl.h>: paths relative to the working directory
RENAME_EXCHANGE = 2  # <linux/fs.h>: renameat2 swaps the two paths, both of which must exist


@functools.cache
def _renameat2():
    """glibc's renameat2 (Linux 3.15, glibc 2.28), or None where there is none (not Linux, musl)."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two folders atomically; False where the system cannot (then nothing was changed)."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # old kernel, or a file system without it
        return False
    raise OSError(number, os.strerror(number), str(first), None, str(second))


def _replace_with_signals_held(output: Path, staging: Path) -> None:
    """Where folders cannot be exchanged: two renames with SIGTERM and SIGINT held back between them (a
    signal then stops the build after the new site is in place), and the old site moved back if the
    second rename fails. The old site waits in a ``.output-old-*`` folder only while output/ is whole."""
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent)) / output.name
    with signals_held():
        output.rename(retired)
        try:
            staging.rename(output)
        except BaseException:
            retired.rename(output)
            raise
        _published()
    shutil.rmtree(retired.parent)
