"""search_index: build the Pagefind search index of the posts beside Pelican, while it writes the site.

Pagefind (the ``pagefind[extended]`` wheel ships its binary) indexes HTML files. It does not read the
finished post pages: once every post is read (``all_generators_finalized``), the plugin forks a child
process that renders one small *search record* per published post with the theme's
``search_record.html`` into ``CACHE_PATH/search-records/`` (each at its post's own path) and then
becomes Pagefind on that folder. Records are kept between builds: a record whose key (the template and
every value it shows, under a stamp of the code, settings and packages) is the one the last published
build recorded is not rendered again. A build whose index is not published leaves no record trusted.
The build's own process goes on writing the site on one core while the child indexes on the other: at
2,000 posts the records and the index were ~5 s, a third of a build, when they ran after Pelican. On
``finalized`` the plugin waits for the child and moves the finished bundle into ``pelican.output_path``,
the staging folder of ``sitebuild.build``: a failed index logs an error, which fails the whole build and
leaves the published output untouched. A build that stops before ``finalized`` leaves its run behind; the
next build (or the end of the process) stops it and removes its folder. The child dies with the build's
process however that ends (``processes.die_with_parent``), and a folder left by a build killed outright
is removed by the next build (``sitebuild.remove_stray_folders``).
(``os.fork``: POSIX only, like the rest of the tool chain here.)

What gets indexed is decided in ``search_record.html``, not here: the title, the summary and the body, the
filters (author, category, year) and the metadata shown with each hit (title, date). The post pages that
readers load carry no search markup.

Settings (``SEARCH_INDEX``, merged over ``DEFAULTS``):
    enabled   -- build the index at all (default True)
    bundle    -- folder of the index inside the output (default "pagefind")
    language  -- the one language of the whole index (default DEFAULT_LANG, "sv": Swedish stemming)
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import cachefile
from pelican import signals
from pelican.generators import ArticlesGenerator
from processes import die_with_parent
from render_cache import code_digest

log = logging.getLogger(__name__)

DEFAULTS = {"enabled": True, "bundle": "pagefind", "language": None}
RECORD_TEMPLATE = "search_record"
RECORDS_FOLDER = "search-records"  # in CACHE_PATH, kept between builds
RECORDS_FILE = "search-records.pickle"
PLAN_FILE = "plan.pickle"  # in a run's folder: the keys the child decided on
LAST_BUILD: dict[str, int] = {}  # how many records the last build had and rendered, for tests
# Pagefind's ready-made search UIs; the theme has its own (theme/static/js/search.js), so these go.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.*",
    "pagefind-component-ui.*",
    "pagefind-modular-ui.*",
    "pagefind-highlight.js",
)
TIMEOUT_SECONDS = 600
POLL_SECONDS = 0.02
CHILD_FAILED = 70  # the forked child's exit code when it could not start Pagefind


def search_settings(settings: dict) -> dict:
    """The plugin's settings: SEARCH_INDEX over DEFAULTS, with the language defaulting to the site's."""
    merged = {**DEFAULTS, **settings.get("SEARCH_INDEX", {})}
    unknown = set(merged) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"search_index: okända inställningar i SEARCH_INDEX: {', '.join(sorted(unknown))}")
    merged["language"] = merged["language"] or settings.get("DEFAULT_LANG", "sv")
    return merged


def pagefind_command(site: Path, bundle: Path, language: str) -> list[str]:
    """The Pagefind command line that indexes every page under `site` as one language into `bundle`;
    --quiet prints only problems."""
    return [
        sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(bundle),
        "--force-language", language, "--quiet",
    ]  # fmt: skip


def verdict(status: int, said: str) -> str | None:
    """None for a run that ended well and said nothing (with --quiet, Pagefind prints only problems)."""
    said = said.strip()
    if status != 0:
        return said or f"slutkod {status}"
    return said or None


def indexed_pages(bundle_dir: Path) -> int:
    """How many pages the index holds, in all languages (from Pagefind's entry file)."""
    entry = json.loads((bundle_dir / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def remove_unused_files(bundle_dir: Path) -> None:
    for pattern in UNUSED_BUNDLE_FILES:
        for path in bundle_dir.glob(pattern):
            path.unlink()


def record_keys(generator: ArticlesGenerator, posts: list) -> dict[str, str]:
    """Each post's record key, by the record's file: the template's source and every value it shows. A
    record whose key is unchanged is already right on disk, and is not rendered again."""
    template = Path(generator.get_template(RECORD_TEMPLATE).filename).read_bytes()
    keys = {}
    for post in posts:
        shown = (post.title, post.date.isoformat(), post.category.name, [a.name for a in post.authors],
                 post.metadata.get("summary"), post.content)  # fmt: skip
        keys[post.save_as] = hashlib.sha256(template + repr(shown).encode()).hexdigest()
    return keys


def write_records(generator: ArticlesGenerator, folder: Path, posts: list, gone: list[str]) -> None:
    """Render the records of `posts`, each at its post's own path below `folder` (Pagefind makes each
    hit's address from it), and remove those of posts that are `gone`."""
    for name in gone:
        (folder / name).unlink(missing_ok=True)
    template = generator.get_template(RECORD_TEMPLATE)
    for post in posts:
        path = folder / post.save_as
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.render(generator.context, article=post), encoding="utf-8")


@dataclass
class Run:
    """One indexing run in flight: the child process, its temporary folder, when it began."""

    pid: int
    folder: Path
    started: float
    status: int | None = None  # the child's exit code, once it has ended

    @property
    def bundle(self) -> Path:
        return self.folder / "bundle"

    @property
    def log(self) -> Path:
        return self.folder / "pagefind.log"

    def wait(self, timeout: float = TIMEOUT_SECONDS) -> str | None:
        """Wait for the child; None on success, else what went wrong."""
        deadline = time.monotonic() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
            elif time.monotonic() > deadline:
                self.stop()
                return f"Pagefind blev inte klart på {timeout:.0f} s."
            else:
                time.sleep(POLL_SECONDS)
        return verdict(self.status, self.log.read_text(encoding="utf-8", errors="replace"))

    def stop(self) -> None:
        """End the child (if it still runs) and remove the run's folder."""
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            except (ProcessLookupError, ChildProcessError):
                self.status = -1
        shutil.rmtree(self.folder, ignore_errors=True)


RUNS: list[Run] = []  # the run of the current build; a build that failed before `finalized` left it here


def stop_runs() -> None:
    while RUNS:
        RUNS.pop().stop()


@dataclass
class Records:
    """The search records kept between builds (CACHE_PATH/search-records/) and what this build changes."""

    folder: Path
    manifest: Path  # {record file: key} of the last build whose index was published
    stamp: str  # the code that renders them: packages, settings, plugins, theme (render_cache)
    keys: dict[str, str]
    changed: list  # the posts whose record must be rendered
    gone: list[str]  # record files of posts that no longer exist

    @classmethod
    def plan(cls, generator: ArticlesGenerator, posts: list) -> Records:
        cache = Path(generator.settings["CACHE_PATH"])
        folder, manifest = cache / RECORDS_FOLDER, cache / RECORDS_FILE
        stamp = code_digest(generator.settings).hexdigest()
        previous = cachefile.load(manifest, stamp) or {}
        # Until this build's index is published, no record on disk is trusted.
        manifest.unlink(missing_ok=True)
        if not previous:
            shutil.rmtree(folder, ignore_errors=True)
        keys = record_keys(generator, posts)
        changed = [post for post in posts if previous.get(post.save_as) != keys[post.save_as]]
        return cls(folder, manifest, stamp, keys, changed, [name for name in previous if name not in keys])

    def hand_over(self, run_folder: Path) -> None:
        """The child's plan, for the build to keep once the index is published (see keep)."""
        plan = {"stamp": self.stamp, "keys": self.keys, "rendered": len(self.changed)}
        cachefile.save(run_folder / PLAN_FILE, PLAN_FILE, plan)

    @staticmethod
    def keep(run_folder: Path, cache: Path) -> dict:
        """Record the keys of the records this published index was built from; return the plan."""
        plan = cachefile.load(run_folder / PLAN_FILE, PLAN_FILE)
        cachefile.save(cache / RECORDS_FILE, plan["stamp"], plan["keys"])
        return plan


def start_run(generator: ArticlesGenerator, folder: Path, language: str) -> Run:
    """Fork a child that renders the records and then becomes Pagefind, so that neither costs the build's
    own process any time: it goes on writing pages while the child works on the other core. The child
    shares the build's memory (copy-on-write) until Pagefind replaces it. Deciding which records to
    render happens in the child too."""
    run = Run(pid=0, folder=folder, started=time.perf_counter())
    with run.log.open("wb") as sink:
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child
            try:
                die_with_parent(parent)
                os.dup2(sink.fileno(), 1)
                os.dup2(sink.fileno(), 2)
                records = Records.plan(generator, [*generator.articles, *generator.translations])
                records.hand_over(folder)
                write_records(generator, records.folder, records.changed, records.gone)
                command = pagefind_command(records.folder, run.bundle, language)
                os.execv(command[0], command)
            except BaseException:
                os.write(2, traceback.format_exc().encode())  # fd 2, whatever sys.stderr is now
            finally:
                os._exit(CHILD_FAILED)
    run.pid = pid
    return run


def start_index(generators) -> None:
    """Receiver of `all_generators_finalized`: every post is read, so start the records and Pagefind."""
    stop_runs()
    articles = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles is None:
        return
    options = search_settings(articles.settings)
    if not options["enabled"]:
        return
    if not articles.articles and not articles.translations:
        # Pagefind refuses an empty index; /sok/ then says search is unavailable, with the archive link.
        log.info("search_index: inga publicerade inlägg, så inget sökindex")
        return
    cache = Path(articles.settings["CACHE_PATH"])
    cache.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="sokindex-", dir=cache))
    RUNS.append(start_run(articles, folder, options["language"]))


def finish_index(pelican) -> None:
    """Receiver of `finalized`: wait for Pagefind, then move its bundle into the (staging) output folder."""
    if not RUNS:
        return
    run = RUNS.pop()
    try:
        options = search_settings(pelican.settings)
        problem = run.wait()
        if not problem:
            problem = place_bundle(run.bundle, Path(pelican.output_path) / options["bundle"])
        if problem:
            log.error("search_index: sökindexet kunde inte byggas, så inget publicerades.\n%s", problem)
            return
        plan = Records.keep(run.folder, Path(pelican.settings["CACHE_PATH"]))
        LAST_BUILD.update(records=len(plan["keys"]), rendered=plan["rendered"])
        log.info(
            "search_index: %d sidor i sökindexet (%s, %d sökposter nya) på %.1f s, bredvid Pelican",
            indexed_pages(Path(pelican.output_path) / options["bundle"]),
            options["language"],
            plan["rendered"],
            time.perf_counter() - run.started,
        )
    finally:
        run.stop()


def place_bundle(bundle: Path, target: Path) -> str | None:
    """Move the finished bundle to `target`, without Pagefind's unused UIs; None, or what went wrong."""
    remove_unused_files(bundle)
    if target.exists():
        return f"{target} finns redan i utdata; välj en annan mapp i SEARCH_INDEX['bundle']."
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        bundle.rename(target)  # the run's folder is in CACHE_PATH, on the output's file system
    except OSError as error:
        return str(error)
    return None


def register() -> None:
    signals.all_generators_finalized.connect(start_index)
    signals.finalized.connect(finish_index)


atexit.register(stop_runs)
