"""search_index: build the Pagefind search index of the posts inside the Pelican run.

Pagefind (the ``pagefind[extended]`` wheel ships its binary) reads the finished HTML, so it runs on
``finalized`` over ``pelican.output_path``: that is the staging folder of ``sitebuild.build``, and a
failed index logs an error, which fails the whole build and leaves the published output untouched.

What gets indexed is decided in the templates, not here: ``article.html`` marks the post's title, summary
and body ``data-pagefind-body`` (so listing pages and other pages are never indexed) and
``partials/search_fields.html`` names each post's filters (author, category, year) and metadata (title,
date). Anything else on a post page, such as archived comments, is outside those elements and therefore
never indexed.

Settings (``SEARCH_INDEX``, merged over ``DEFAULTS``):
    enabled   -- build the index at all (default True)
    bundle    -- folder of the index inside the output (default "pagefind")
    language  -- the one language of the whole index (default DEFAULT_LANG, "sv": Swedish stemming)
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import time
from pathlib import Path

from pelican import signals

log = logging.getLogger(__name__)

DEFAULTS = {"enabled": True, "bundle": "pagefind", "language": None}
# Pagefind's ready-made search UIs; the theme has its own (theme/static/js/search.js), so these go.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.*",
    "pagefind-component-ui.*",
    "pagefind-modular-ui.*",
    "pagefind-highlight.js",
)
TIMEOUT_SECONDS = 600
SAVE_AS_FIELD = re.compile(r"\{[^}]*\}")


def search_settings(settings: dict) -> dict:
    """The plugin's settings: SEARCH_INDEX over DEFAULTS, with the language defaulting to the site's."""
    merged = {**DEFAULTS, **settings.get("SEARCH_INDEX", {})}
    unknown = set(merged) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"search_index: okända inställningar i SEARCH_INDEX: {', '.join(sorted(unknown))}")
    merged["language"] = merged["language"] or settings.get("DEFAULT_LANG", "sv")
    return merged


def post_glob(settings: dict) -> str:
    """The files Pagefind reads: the posts' pages (ARTICLE_SAVE_AS with each {field} a wildcard). Only
    posts carry data-pagefind-body, so reading listing pages too cost ~20 % of Pagefind's time for
    nothing."""
    return SAVE_AS_FIELD.sub("*", settings["ARTICLE_SAVE_AS"])


def pagefind_command(site: Path, bundle: str, language: str, glob: str = "**/*.html") -> list[str]:
    """The Pagefind command line that indexes `site` as one language; --quiet prints only problems."""
    return [
        sys.executable, "-m", "pagefind", "--site", str(site), "--glob", glob,
        "--output-subdir", bundle, "--force-language", language, "--quiet",
    ]  # fmt: skip


def run_pagefind(site: Path, bundle: str, language: str, glob: str = "**/*.html") -> str | None:
    """Index the site; return None on success, or what went wrong (Pagefind's own words) on failure."""
    try:
        done = subprocess.run(
            pagefind_command(site, bundle, language, glob),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    said = "\n".join(part.strip() for part in (done.stdout, done.stderr) if part.strip())
    if done.returncode != 0:
        return said or f"slutkod {done.returncode}"
    # With --quiet, Pagefind prints nothing unless something is wrong.
    return said or None


def indexed_pages(bundle_dir: Path) -> int:
    """How many pages the index holds, in all languages (from Pagefind's entry file)."""
    entry = json.loads((bundle_dir / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def remove_unused_files(bundle_dir: Path) -> None:
    for pattern in UNUSED_BUNDLE_FILES:
        for path in bundle_dir.glob(pattern):
            path.unlink()


def build_index(pelican) -> None:
    """Receiver of `finalized`: index the just-written site in its (staging) output folder."""
    options = search_settings(pelican.settings)
    if not options["enabled"]:
        return
    site = Path(pelican.output_path)
    started = time.perf_counter()
    problem = run_pagefind(site, options["bundle"], options["language"], post_glob(pelican.settings))
    if problem:
        log.error("search_index: sökindexet kunde inte byggas, så inget publicerades.\n%s", problem)
        return
    remove_unused_files(site / options["bundle"])
    log.info(
        "search_index: %d sidor i sökindexet (%s) på %.1f s",
        indexed_pages(site / options["bundle"]),
        options["language"],
        time.perf_counter() - started,
    )


def register() -> None:
    signals.finalized.connect(build_index)
