"""slugs: Pelican's slugify computed once per distinct text, and remembered from one build to the next.

Pelican makes a slug every time it meets a name: each post's tags, category and authors are new
objects, so a 2,000-post archive slugifies the same few dozen names ~11,000 times (unidecode and four
regex substitutions each), and every title is slugified twice (the content checks use the title as
written, Pelican the typographically finished one). ``slugify`` here gives what ``pelican.utils.slugify``
gives: on a miss it calls it, and a slug depends only on the text, the rules and the package versions,
all of them part of the memo's key or its stamp.

On ``initialized`` (before content_checks, which slugifies every title) the memo is loaded from
``CACHE_PATH/slugs.pickle`` and Pelican's modules that import slugify by name are made to call it; on
``finalized`` the slugs this build used are saved (atomically) for the next build.
"""

from __future__ import annotations

import importlib.metadata
import logging
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import cachefile
import pelican.contents
import pelican.urlwrappers
from pelican import signals
from pelican.utils import slugify as pelican_slugify

logger = logging.getLogger(__name__)

VERSION = "1"  # bump when what is stored changes shape
CACHE_FILE = "slugs.pickle"
PACKAGES = ("pelican", "unidecode", "markupsafe")  # what a slug is made with

Key = tuple[str, tuple[tuple[str, str], ...], bool, bool]
MEMO: dict[Key, str] = {}  # every slug this process made or loaded
USED: dict[Key, str] = {}  # the slugs of the current build: what is saved


def stamp() -> str:
    """What a stored slug was made with besides its key: packages and the Unicode tables."""
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package}=={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} missing")
    return f"{VERSION} {' '.join(versions)} unicode=={unicodedata.unidata_version}"


def slugify(
    value: str,
    regex_subs: Iterable[tuple[str, str]] = (),
    preserve_case: bool = False,
    use_unicode: bool = False,
) -> str:
    """``pelican.utils.slugify``, memoised. Pelican wraps the value in Markup first, so a str and a
    Markup with the same characters give the same slug; anything else goes straight through."""
    if not isinstance(value, str):
        return pelican_slugify(value, regex_subs, preserve_case, use_unicode)
    key = (str(value), tuple(tuple(rule) for rule in regex_subs), bool(preserve_case), bool(use_unicode))
    slug = MEMO.get(key)
    if slug is None:
        slug = MEMO[key] = pelican_slugify(*key)
    USED[key] = slug
    return slug


def cache_file(settings: dict) -> Path:
    return Path(settings["CACHE_PATH"]) / CACHE_FILE


def load(path: Path) -> None:
    """Start a build: forget the last build's use, and add the stored slugs if their stamp matches."""
    USED.clear()
    MEMO.update(cachefile.load(path, stamp()) or {})  # no usable file: every slug is made afresh


def save(path: Path) -> None:
    """Keep the slugs this build used (atomically: a crash leaves the previous file)."""
    cachefile.save(path, stamp(), USED)


def use_memo(pelican_object) -> None:
    """Load the stored slugs and make Pelican's contents and urlwrappers modules call the memo."""
    load(cache_file(pelican_object.settings))
    pelican.contents.slugify = slugify
    pelican.urlwrappers.slugify = slugify


def save_memo(pelican_object) -> None:
    save(cache_file(pelican_object.settings))
    logger.debug("slugs: %d slugs kept for the next build", len(USED))


def register() -> None:
    signals.initialized.connect(use_memo)
    signals.finalized.connect(save_memo)
