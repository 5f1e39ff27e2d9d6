"""search_index: build the Pagefind search index of the posts beside Pelican, while it writes the site.

Pagefind (the ``pagefind[extended]`` wheel ships its binary) indexes HTML files. It does not read the
finished post pages: once every post is read (``all_generators_finalized``), this plugin renders one
small *search record* per published post with the theme's ``search_record.html`` into a temporary folder
in ``CACHE_PATH``, at the post's own path, and starts Pagefind on that folder in the background. Pelican
then writes the site on one core while Pagefind indexes on the other (at 2,000 posts its ~4 s were a
third of a build when it ran after Pelican). On ``finalized`` the plugin waits for Pagefind and moves
the finished bundle into ``pelican.output_path``, the staging folder of ``sitebuild.build``: a failed
index logs an error, which fails the whole build and leaves the published output untouched. A build
that stops before ``finalized`` leaves its run behind; the next build (or the end of the process) stops
it and removes its folder.

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
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator

log = logging.getLogger(__name__)

DEFAULTS = {"enabled": True, "bundle": "pagefind", "language": None}
RECORD_TEMPLATE = "search_record"
# Pagefind's ready-made search UIs; the theme has its own (theme/static/js/search.js), so these go.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.*",
    "pagefind-component-ui.*",
    "pagefind-modular-ui.*",
    "pagefind-highlight.js",
)
TIMEOUT_SECONDS = 600


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


def start_pagefind(site: Path, bundle: Path, language: str) -> subprocess.Popen:
    """Pagefind running in the background; its words (stdout and stderr together) are read at the end."""
    return subprocess.Popen(
        pagefind_command(site, bundle, language),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_pagefind(process: subprocess.Popen) -> str | None:
    """Wait for Pagefind; return None on success, or what went wrong (Pagefind's own words) on failure."""
    try:
        said, _ = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        process.kill()
        process.communicate()
        return str(error)
    said = said.strip()
    if process.returncode != 0:
        return said or f"slutkod {process.returncode}"
    # With --quiet, Pagefind prints nothing unless something is wrong.
    return said or None


def run_pagefind(site: Path, bundle: Path, language: str) -> str | None:
    """Index `site` into `bundle` and wait: None on success, else what went wrong."""
    try:
        return finish_pagefind(start_pagefind(site, bundle, language))
    except OSError as error:
        return str(error)


def indexed_pages(bundle_dir: Path) -> int:
    """How many pages the index holds, in all languages (from Pagefind's entry file)."""
    entry = json.loads((bundle_dir / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def remove_unused_files(bundle_dir: Path) -> None:
    for pattern in UNUSED_BUNDLE_FILES:
        for path in bundle_dir.glob(pattern):
            path.unlink()


def write_records(generator: ArticlesGenerator, folder: Path) -> int:
    """One search record per published post, at the post's own path below `folder` (Pagefind makes each
    hit's address from it); returns how many."""
    template = generator.get_template(RECORD_TEMPLATE)
    posts = [*generator.articles, *generator.translations]
    for post in posts:
        path = folder / post.save_as
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.render(generator.context, article=post), encoding="utf-8")
    return len(posts)


@dataclass
class Run:
    """One Pagefind run in flight: the process, its temporary folder, what it indexes, when it began."""

    process: subprocess.Popen | None
    folder: Path
    posts: int
    started: float
    problem: str | None = None  # a failure before Pagefind could start

    @property
    def bundle(self) -> Path:
        return self.folder / "bundle"

    def stop(self) -> None:
        """End the run (if it still runs) and remove its folder."""
        process = self.process
        if process is not None and process.stdout is not None and not process.stdout.closed:
            if process.poll() is None:
                process.kill()
            process.communicate()
        shutil.rmtree(self.folder, ignore_errors=True)


RUNS: list[Run] = []  # the run of the current build; a build that failed before `finalized` left it here


def stop_runs() -> None:
    while RUNS:
        RUNS.pop().stop()


def start_index(generators) -> None:
    """Receiver of `all_generators_finalized`: every post is read, so write the records and start Pagefind."""
    stop_runs()
    articles = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles is None:
        return
    options = search_settings(articles.settings)
    if not options["enabled"]:
        return
    cache = Path(articles.settings["CACHE_PATH"])
    cache.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="sokindex-", dir=cache))
    run = Run(process=None, folder=folder, posts=0, started=time.perf_counter())
    RUNS.append(run)
    run.posts = write_records(articles, folder / "records")
    try:
        run.process = start_pagefind(folder / "records", run.bundle, options["language"])
    except OSError as error:
        run.problem = str(error)


def finish_index(pelican) -> None:
    """Receiver of `finalized`: wait for Pagefind, then move its bundle into the (staging) output folder."""
    if not RUNS:
        return
    run = RUNS.pop()
    try:
        options = search_settings(pelican.settings)
        problem = run.problem or finish_pagefind(run.process)
        if not problem:
            problem = place_bundle(run.bundle, Path(pelican.output_path) / options["bundle"])
        if problem:
            log.error("search_index: sökindexet kunde inte byggas, så inget publicerades.\n%s", problem)
            return
        log.info(
            "search_index: %d sidor i sökindexet (%s) på %.1f s, bredvid Pelican",
            indexed_pages(Path(pelican.output_path) / options["bundle"]),
            options["language"],
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
