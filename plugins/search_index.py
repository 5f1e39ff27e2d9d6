"""search_index: build the Pagefind search index of the posts beside Pelican: indexed one publication
year at a time, published as one bundle.

Pagefind (the ``pagefind[extended]`` wheel ships its binary) indexes HTML files. It does not read the
finished post pages: once every post is read (``all_generators_finalized``), the plugin forks a child
process that renders one small *search record* per published post with the theme's
``search_record.html`` into ``CACHE_PATH/<slot>/search-records/<year>/`` (each at its post's own path
below its year) and then becomes a shell that runs Pagefind once per year whose records changed, one after the
other, each into a bundle of its own. The build's own process goes on writing the site meanwhile.

Why parts: Pagefind has no incremental mode, and holds ~230 KB of memory per indexed post. An archive is
partitioned by nature (a post belongs to one year, and old years rarely change), so a rebuild after one
edited post indexes one year again, and memory is that of the largest year, not of the whole archive.
Each year's bundle is kept in ``CACHE_PATH/<slot>/search-index/<year>/`` under a key made of its
records' keys (the template and every value each record shows, under a stamp of the code, settings and
packages); a year whose key is the one the last published build recorded is not indexed again. A build
whose index is not published leaves no record and no year trusted. Local and publish builds keep theirs
in their own cache slots (``kept_in``), so switching between them indexes nothing again.

Readers get one bundle, not the years': yearly bundles searched together answer worse than one index
(junk hits, another order, twice the bytes), so after the last year the child runs ``search_merge`` in a
fresh interpreter, which joins the years' bundles into the one bundle a single Pagefind run over every
record would make, plus a word-less copy of it for listings (see that module). The merged bundle is
kept in ``CACHE_PATH/<slot>/search-merged/`` under the years' keys and made again only when one of them
changed; the yearly bundles stay in the cache and are never published.

On ``finalized`` the plugin waits for the child and links the merged bundle into
``pelican.output_path/<bundle>/``, the staging folder of ``sitebuild.build``: a failed index logs an
error, which fails the whole build and leaves the published output untouched. The run is kept in the
build's context (``build_context``): a build that stops before ``finalized`` stops it and removes its
folder when sitebuild closes that context. The child dies with the build's process however that ends
(``processes.die_with_parent``), and a folder left by a build killed outright is removed by the next
build (``sitebuild.remove_stray_folders``). (``os.fork``: POSIX only, like the rest of the tool chain.)

What gets indexed is decided in ``search_record.html``, not here: the title, the summary and the body, the
tags (as metadata: found, never shown in an excerpt), the filters (author, category, year) and the
metadata shown with each hit (title, date). The post pages that readers load carry no search markup.

Settings (``SEARCH_INDEX``, merged over ``DEFAULTS``):
    enabled   -- build the index at all (default True)
    bundle    -- folder of the index inside the output (default "pagefind")
    language  -- the one language of the whole index (default DEFAULT_LANG, "sv": Swedish stemming)
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import shlex
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import build_context
import cachefile
import search_merge
from pagefind_bin_extended import get_executable
from pelican import signals
from pelican.generators import ArticlesGenerator
from processes import die_with_parent, dying_with_parent, libc_function
from render_cache import code_digest

log = logging.getLogger(__name__)

DEFAULTS = {"enabled": True, "bundle": "pagefind", "language": None}
RECORD_TEMPLATE = "search_record"
# In the build's cache slot (kept_in), kept between builds:
RECORDS_FOLDER = "search-records"  # <year>/<post's save_as>
RECORDS_FILE = "search-records.pickle"  # {record file: record key} of the last published index
BUNDLES_FOLDER = "search-index"  # <year>/, one Pagefind bundle each
BUNDLES_FILE = "search-index.pickle"  # {"years": {year: key}, "merged": key} the last published index used
MERGED_FOLDER = "search-merged"  # the merged bundle (search_merge) of the years in BUNDLES_FILE
PLAN_FILE = "plan.pickle"  # in a run's folder: the keys the child decided on
# Pagefind's ready-made search UIs; the theme has its own (theme/static/js/search.js), so these go.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.*",
    "pagefind-component-ui.*",
    "pagefind-modular-ui.*",
    "pagefind-highlight.js",
)
TIMEOUT_SECONDS = 600
POLL_SECONDS = 0.02
CHILD_FAILED = 70  # the forked child's exit code when it could not render the records or index a year
# The Pagefind program itself, from the pinned ``pagefind[extended]`` wheel, found once in the build's
# process. Run directly, not as ``python -m pagefind``: that wrapper starts an interpreter and imports
# asyncio only to exec this file, ~0.15 s of CPU for each year's run (1.2 s of a 300-post cold build's 8).
PAGEFIND = str(get_executable().resolve())
# The merge runs as a script in its own interpreter: the indexing child is a shell by then (see start_run).
MERGE_COMMAND = [sys.executable, "-I", search_merge.__file__]
STATE = "search_index"  # this build's Run, in the build's context (build_context), until `finalized`
GIVE_BACK_EVERY = 100  # files the build writes between two give_back_memory while Pagefind runs (~2 ms each)


MALLOC_TRIM = libc_function("malloc_trim")  # None without glibc (musl, macOS)


def give_back_memory() -> None:
    """Return the memory the build's process has freed to the system, so that Pagefind, running beside
    it, adds to what the build still uses and not to what it once used. glibc keeps freed blocks for
    reuse and returns only the top of its heap: what reading freed (the posts' texts, the body-image
    memo) lies between blocks still in use and stays resident, ~25 MB at 2,000 posts, as do the pages
    freed while the site is written. ``malloc_trim(0)`` returns every whole free page, wherever it is."""
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)


def search_settings(settings: dict) -> dict:
    """The plugin's settings: SEARCH_INDEX over DEFAULTS, with the language defaulting to the site's."""
    merged = {**DEFAULTS, **settings.get("SEARCH_INDEX", {})}
    unknown = set(merged) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"search_index: okända inställningar i SEARCH_INDEX: {', '.join(sorted(unknown))}")
    merged["language"] = merged["language"] or settings.get("DEFAULT_LANG", "sv")
    return merged


def partition(post) -> str:
    """The part of the index a post belongs to: its publication year (old years rarely change)."""
    return str(post.date.year)


def record_file(post) -> str:
    """Where a post's record is, below the records' folder: <year>/<the post's save_as>."""
    return f"{partition(post)}/{post.save_as}"


def installed_pagefind() -> str:
    """The version of the Pagefind program the build runs (the pinned wheel's)."""
    return importlib.metadata.version("pagefind_bin_extended")


def pagefind_command(site: Path, bundle: Path, language: str) -> list[str]:
    """The Pagefind command line that indexes every page under `site` as one language into `bundle`;
    --quiet prints only problems."""
    return [
        PAGEFIND, "--site", str(site), "--output-path", str(bundle),
        "--force-language", language, "--quiet",
    ]  # fmt: skip


def verdict(status: int, said: str) -> str | None:
    """None for a run that ended well and said nothing (with --quiet, Pagefind prints only problems)."""
    said = said.strip()
    if status != 0:
        return said or f"slutkod {status}"
    return said or None


def indexed_pages(bundle: Path) -> int:
    """How many pages a bundle holds, in every language (from Pagefind's entry file)."""
    languages = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
    return sum(language["page_count"] for language in languages.values())


def remove_files(bundle_dir: Path, patterns: tuple[str, ...]) -> None:
    for pattern in patterns:
        for path in bundle_dir.glob(pattern):
            path.unlink()


def record_keys(generator: ArticlesGenerator, posts: list) -> dict[str, str]:
    """Each post's record key, by the record's file (<year>/<save_as>): the template's source and every
    value it shows. A record whose key is unchanged is already right on disk, and is not rendered again."""
    template = Path(generator.get_template(RECORD_TEMPLATE).filename).read_bytes()
    keys = {}
    for post in posts:
        shown = (post.title, post.date.isoformat(), post.category.name, [a.name for a in post.authors],
                 [tag.name for tag in getattr(post, "tags", [])], post.metadata.get("summary"),
                 post.content)  # fmt: skip
        keys[record_file(post)] = hashlib.sha256(template + repr(shown).encode()).hexdigest()
    return keys


def partition_keys(keys: dict[str, str], language: str) -> dict[str, str]:
    """Each year's key: its language and every record file with its key. A year's bundle is the same as
    long as its key is."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for name, key in keys.items():
        grouped.setdefault(name.split("/", 1)[0], []).append((name, key))
    return {
        year: hashlib.sha256(repr((language, sorted(records))).encode()).hexdigest()
        for year, records in grouped.items()
    }


def write_records(generator: ArticlesGenerator, folder: Path, posts: list, gone: list[str]) -> None:
    """Render the records of `posts`, each at its post's own path below its year's folder in `folder`
    (Pagefind makes each hit's address from the path below the year), and remove those that are `gone`."""
    for name in gone:
        (folder / name).unlink(missing_ok=True)
    template = generator.get_template(RECORD_TEMPLATE)
    for post in posts:
        path = folder / record_file(post)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.render(generator.context, article=post), encoding="utf-8")


def indexing_script(records: Path, bundles: Path, years: list[str], language: str,
                    merge: tuple[Path, Path, list[Path]] | None = None) -> str:  # fmt: skip
    """A shell script that runs Pagefind on each year's records into its own bundle, one year after the
    other, and stops at the first that fails, naming its year; then, if `merge` is (target, the previous
    merged bundle, the years' bundles oldest first), merges those bundles into target. One at a time:
    Pagefind runs beside Pelican's writing, so the build's memory is its own plus one year's index.
    Each Pagefind, and the merge, dies with the shell, as the shell dies with the build."""
    steps = []
    for year in years:
        command = shlex.join(dying_with_parent(pagefind_command(records / year, bundles / year, language)))
        failed = shlex.quote(f"Pagefind, årets {year} del: slutkod")
        steps.append(f'{command} || {{ status=$?; echo {failed} "$status" >&2; exit {CHILD_FAILED}; }}')
    if merge is not None:
        target, previous, parts = merge
        command = shlex.join(dying_with_parent([*MERGE_COMMAND, "--previous", str(previous), str(target),
                                                *map(str, parts)]))  # fmt: skip
        steps.append(f"{command} || exit {CHILD_FAILED}")  # search_merge has said what went wrong
    return "\n".join([*steps, "exit 0"])


@dataclass
class Run:
    """One indexing run in flight: the child process, its temporary folder, when it began."""

    pid: int
    folder: Path
    started: float
    status: int | None = None  # the child's exit code, once it has ended
    written: int = 0  # files the build has written since the run began (see give_back_while_indexing)

    @property
    def bundles(self) -> Path:
        return self.folder / "bundles"

    @property
    def merged(self) -> Path:
        return self.folder / "merged"

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
        """End the child and the Pagefind runs it started (if they still run), and remove the run's folder.
        The child leads its own process group, so one signal reaches them all."""
        if self.status is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
                self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            except (ProcessLookupError, ChildProcessError, PermissionError):
                self.status = -1
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Records:
    """The search records and the years' bundles kept between builds, and what this build changes."""

    folder: Path
    cache: Path  # the build's cache slot (cachefile.path): the records' and bundles' folders and manifests
    stamp: str  # the code that renders them: packages, settings, plugins, theme (render_cache)
    keys: dict[str, str]  # {record file: key}
    changed: list  # the posts whose record must be rendered
    gone: list[str]  # record files of posts that no longer exist
    years: dict[str, str]  # {year: key}
    to_index: list[str]  # the years whose bundle must be made, largest first
    merged: str  # the merged bundle's key: every year's
    to_merge: bool  # whether the merged bundle must be made again

    @classmethod
    def plan(cls, generator: ArticlesGenerator, posts: list, language: str) -> Records:
        cache = kept_in(generator.settings)
        folder = cache / RECORDS_FOLDER
        stamp = code_digest(generator.settings).hexdigest()
        previous = cachefile.load(cache / RECORDS_FILE, stamp) or {}
        kept_bundles = cachefile.load(cache / BUNDLES_FILE, stamp) or {}
        kept_years = kept_bundles.get("years", {})
        # Until this build's index is published, no record and no bundle on disk is trusted.
        for manifest in (RECORDS_FILE, BUNDLES_FILE):
            (cache / manifest).unlink(missing_ok=True)
        if not previous:
            shutil.rmtree(folder, ignore_errors=True)
        keys = record_keys(generator, posts)
        changed = [post for post in posts if previous.get(record_file(post)) != keys[record_file(post)]]
        years = partition_keys(keys, language)
        kept = cache / BUNDLES_FOLDER
        stale = [
            year for year, key in years.items() if kept_years.get(year) != key or not (kept / year).is_dir()
        ]
        # Largest first: the last one to run is then a small one, so the child ends soon after Pelican.
        size = {year: sum(1 for name in keys if name.startswith(f"{year}/")) for year in years}
        to_index = sorted(stale, key=lambda year: (-size[year], year))
        gone = [name for name in previous if name not in keys]
        merged = hashlib.sha256(repr(sorted(years.items())).encode()).hexdigest()
        to_merge = (
            bool(to_index) or kept_bundles.get("merged") != merged or not (cache / MERGED_FOLDER).is_dir()
        )
        return cls(folder, cache, stamp, keys, changed, gone, years, to_index, merged, to_merge)

    def merge(self, run: Run) -> tuple[Path, Path, list[Path]] | None:
        """What the indexing script merges: into the run's folder, with the chunks the kept merged bundle
        has, every year's bundle, oldest first (a year indexed in this run from the run's folder, the
        others from the cache); None if nothing."""
        if not self.to_merge:
            return None
        kept = self.cache / BUNDLES_FOLDER
        years = [run.bundles / year if year in self.to_index else kept / year for year in sorted(self.years)]
        return run.merged, self.cache / MERGED_FOLDER, years

    def hand_over(self, run_folder: Path) -> None:
        """The child's plan, for the build to keep once the index is published (see keep)."""
        plan = {"stamp": self.stamp, "keys": self.keys, "rendered": len(self.changed), "years": self.years,
                "indexed": self.to_index, "merged": self.merged, "merge": self.to_merge}  # fmt: skip
        cachefile.save(run_folder / PLAN_FILE, PLAN_FILE, plan)

    @staticmethod
    def keep(run_folder: Path, cache: Path) -> dict:
        """Record the keys of the records and years this published index was built from; return the plan."""
        plan = cachefile.load(run_folder / PLAN_FILE, PLAN_FILE)
        cachefile.save(cache / RECORDS_FILE, plan["stamp"], plan["keys"])
        cachefile.save(
            cache / BUNDLES_FILE, plan["stamp"], {"years": plan["years"], "merged": plan["merged"]}
        )
        return plan


def kept_in(settings: dict) -> Path:
    """Where the records, the years' bundles and their manifests are kept: the build's own cache slot, so
    that a local build and a publish build (other settings, other stamp) keep theirs side by side. A run's
    temporary folder stays in CACHE_PATH itself, where sitebuild removes what a stopped build left."""
    return cachefile.path(settings, "")


def start_run(generator: ArticlesGenerator, folder: Path, language: str) -> Run:
    """Fork a child that renders the records and then becomes a shell running Pagefind on every year that
    changed, so that neither costs the build's own process any time: it goes on writing pages while the
    child works on the other core. The child shares the build's memory (copy-on-write) until it becomes
    the shell, and leads its own process group (see Run.stop). Deciding which records to render and which
    years to index happens in the child too."""
    run = Run(pid=0, folder=folder, started=time.perf_counter())
    with run.log.open("wb") as sink:
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child
            try:
                die_with_parent(parent)
                os.setpgid(0, 0)
                os.dup2(sink.fileno(), 1)
                os.dup2(sink.fileno(), 2)
                posts = [*generator.articles, *generator.translations]
                records = Records.plan(generator, posts, language)
                records.hand_over(folder)
                write_records(generator, records.folder, records.changed, records.gone)
                # A shell, not this process, waits for Pagefind: the child's copy of the build's memory
                # would otherwise stay, and grow as the build changes its own pages (copy-on-write).
                script = indexing_script(
                    records.folder, run.bundles, records.to_index, language, records.merge(run)
                )
                os.execv("/bin/sh", ["/bin/sh", "-c", script])
            except BaseException:
                os.write(2, traceback.format_exc().encode())  # fd 2, whatever sys.stderr is now
            finally:
                os._exit(CHILD_FAILED)
    run.pid = pid
    return run


def start_index(generators) -> None:
    """Receiver of `all_generators_finalized`: every post is read, so start the records and Pagefind, and
    tell the search page where the index is (``search_bundle``; None: there is none)."""
    articles = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles is None:
        return
    articles.context["search_bundle"] = None
    options = search_settings(articles.settings)
    if not options["enabled"]:
        return
    posts = [*articles.articles, *articles.translations]
    if not posts:
        # Pagefind refuses an empty index; /sok/ then says search is unavailable, with the archive link.
        log.info("search_index: inga publicerade inlägg, så inget sökindex")
        return
    if installed_pagefind() != search_merge.PAGEFIND_VERSION:
        log.error(
            "search_index: Pagefind %s är installerat, men sammanslagningen av sökindexet (search_merge) "
            "kan bara Pagefind %s. Kör make clean && make build, som installerar den låsta versionen, eller "
            "läs search_merge.py om uppgraderingen är avsiktlig.",
            installed_pagefind(),
            search_merge.PAGEFIND_VERSION,
        )
        return
    articles.context["search_bundle"] = options["bundle"]
    cache = Path(articles.settings["CACHE_PATH"])
    cache.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="sokindex-", dir=cache))
    # Before the fork, and after content_checks (earlier in PLUGINS) has dropped its body-image memo.
    give_back_memory()
    run = start_run(articles, folder, options["language"])
    context = build_context.of(articles.settings)
    context.plugins[STATE] = run
    context.on_close(run.stop)  # a build that stops before `finalized` stops its indexer too


def give_back_while_indexing(path, context=None) -> None:
    """Receiver of `content_written`: while Pagefind runs beside the writing, give back what rendering
    has freed every GIVE_BACK_EVERY files, since the build's own memory at that time plus one year's
    Pagefind is the peak of the whole build."""
    build = (context or {}).get(build_context.KEY)  # a template context holds the build's, like the settings
    run = build.plugins.get(STATE) if build is not None else None
    if run is not None:
        run.written += 1
        if run.written % GIVE_BACK_EVERY == 0:
            give_back_memory()


def finish_index(pelican) -> None:
    """Receiver of `finalized`: wait for Pagefind, then link every year's bundle into the (staging) output."""
    context = build_context.of(pelican.settings)
    run = context.plugins.pop(STATE, None)
    if run is None:
        return
    try:
        options = search_settings(pelican.settings)
        cache = kept_in(pelican.settings)
        target = Path(pelican.output_path) / options["bundle"]
        problem = run.wait()
        if not problem:
            plan = cachefile.load(run.folder / PLAN_FILE, PLAN_FILE)
            problem = place_bundles(run, cache, target, plan)
        if problem:
            log.error("search_index: sökindexet kunde inte byggas, så inget publicerades.\n%s", problem)
            return
        plan = Records.keep(run.folder, cache)
        numbers = {"records": len(plan["keys"]), "rendered": plan["rendered"], "years": len(plan["years"]),
                   "indexed": len(plan["indexed"]), "merged": int(plan["merge"])}  # fmt: skip
        context.count("search_index", **numbers)
        log.info(
            "search_index: %d sidor i sökindexet (%s; nytt: %d sökposter, %d av %d år%s) på %.1f s",
            indexed_pages(target),
            options["language"],
            plan["rendered"],
            len(plan["indexed"]),
            len(plan["years"]),
            ", sammanslaget" if plan["merge"] else "",
            time.perf_counter() - run.started,
        )
    finally:
        run.stop()


def replace_folder(new: Path, old: Path) -> None:
    """Put the folder `new` where `old` is (the run's folder is in CACHE_PATH: one file system)."""
    aside = old.with_name(f".{old.name}.old")
    shutil.rmtree(aside, ignore_errors=True)
    if old.exists():
        old.rename(aside)
    new.rename(old)
    shutil.rmtree(aside, ignore_errors=True)


def place_bundles(run: Run, cache: Path, target: Path, plan: dict) -> str | None:
    """Keep the yearly bundles and the merged bundle this run made in the cache (beside the records),
    drop those of years that are gone, and link the merged bundle into `target`; None, or what went
    wrong."""
    if target.exists():
        return f"{target} finns redan i utdata; välj en annan mapp i SEARCH_INDEX['bundle']."
    kept = cache / BUNDLES_FOLDER
    try:
        kept.mkdir(parents=True, exist_ok=True)
        for year in plan["indexed"]:
            remove_files(run.bundles / year, UNUSED_BUNDLE_FILES)
            replace_folder(run.bundles / year, kept / year)
        for path in kept.iterdir():
            if path.name not in plan["years"]:
                shutil.rmtree(path, ignore_errors=True)
        if plan["merge"]:
            replace_folder(run.merged, cache / MERGED_FOLDER)
        # Linked, not copied: a kept bundle is never changed in place, only replaced (above).
        shutil.copytree(cache / MERGED_FOLDER, target, copy_function=link_or_copy)
    except OSError as error:
        return str(error)
    return None


def link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def register() -> None:
    signals.all_generators_finalized.connect(start_index)
    signals.content_written.connect(give_back_while_indexing)
    signals.finalized.connect(finish_index)
