"""content_checks.placement: every text file in content/ is where the build reads it, or it vanishes (a
post saved as ``.txt``, ``.MD`` or ``.md.txt``, or directly in content/) or leaks (a post saved among the
images is copied as it is), or turns into many unrelated errors (a post saved among the pages or the
authors). Each such file gets one message, naming the place and name it belongs at.

A file's header says what it is (``reading.looks_like``): a post, a page or an author. The comments
folder is archived_comments' (its files are TOML), and content/images/ holds images only (a file there
that is no image and no text file is the images family's).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from authors import plugin_settings as author_settings

from content_checks import Problem, Site, content_checked
from content_checks.addresses import ADDRESS_LIST
from content_checks.categories import CATEGORY_LIST
from content_checks.dates import parse_date
from content_checks.reading import TEXT_SUFFIXES, is_text_file, looks_like, misplaced, parse_source

# The files in content/ itself that the build reads: the closed list of categories and the addresses.
LISTS = {CATEGORY_LIST, ADDRESS_LIST}
NOUNS = {"post": "ett inlägg", "page": "en fast sida", "author": "en skribent"}
HAS = {"post": ("Author", "Category", "Tags"), "page": ("Title",), "author": ("Name",)}


def plain_name(name: str) -> str:
    """A text file's name as the build reads it: its text endings replaced by one .md (x.md.txt: x.md)."""
    stem = name
    while stem.lower().endswith(TEXT_SUFFIXES):
        stem = stem[: stem.rfind(".")]
    return f"{stem}.md"


def folders(site: Site) -> dict[str, list[str]]:
    """The folders of content/ the build reads each kind of file from."""
    settings = site.settings
    return {
        "post": list(settings.get("ARTICLE_PATHS", [])),
        "page": list(settings.get("PAGE_PATHS", [])),
        "author": [author_settings(settings)["path"]],
    }


def where_read(site: Site, relative: PurePosixPath) -> str | None:
    """The kind of file the build reads at this path (a .md file in its folder), or None."""
    if relative.suffix != ".md":
        return None
    for kind, places in folders(site).items():
        for folder in places:
            if kind == "author" and relative.parent == PurePosixPath(folder):
                return kind
            if kind != "author" and relative.is_relative_to(folder):
                return kind
    return None


def place_for(site: Site, kind: str, relative: PurePosixPath, meta: dict) -> str:
    """Where a file of this kind belongs, from the project root: content/posts/2018/x.md."""
    name = plain_name(relative.name)
    home = folders(site)[kind][0] if folders(site)[kind] else kind
    if kind == "post":
        inside = [folder for folder in folders(site)["post"] if relative.is_relative_to(folder)]
        if inside:  # the right folder, the wrong name
            return f"content/{relative.parent / name}"
        date = parse_date(meta.get("date") or "")
        return f"content/{home}/{date.year if date else 'ÅÅÅÅ'}/{name}"
    return f"content/{home}/{name}"


def _where(site: Site, relative: PurePosixPath) -> str:
    """Where a file lies, as an editor would say it."""
    parent = relative.parent.as_posix()
    if parent == ".":
        return "direkt i content/"
    images = [folder for folder in site.settings.get("STATIC_PATHS", []) if relative.is_relative_to(folder)]
    if images:
        return f"bland bilderna i content/{images[0]}/"
    for kind, places in folders(site).items():
        for folder in places:
            if relative.is_relative_to(folder):
                return f"i content/{parent}/, bland {_plural(kind)}"
    return f"i content/{parent}/"


def _plural(kind: str) -> str:
    return {"post": "inläggen", "page": "de fasta sidorna", "author": "skribenterna"}[kind]


def file_problem(site: Site, relative: PurePosixPath, path: Path) -> str | None:
    """Why a text file is not read where it lies, and where it belongs; None if it is read as what it is."""
    read_as = where_read(site, relative)
    source = parse_source(path, read_as or "post")
    if read_as and (source.problems or not misplaced(source)):
        return None
    kind = None if source.problems else looks_like(source.meta)
    if read_as:  # read, but as another kind of file
        has = ", ".join([field for field in HAS[kind] if field.lower() in source.meta] or HAS[kind])
        target = place_for(site, kind, relative, source.meta)
        return (
            f"filen ser ut att vara {NOUNS[kind]} (den har {has}), men den ligger {_where(site, relative)},"
            f" så den läses som {NOUNS[read_as]}. Flytta den till {target}."
        )
    if kind is None:
        images = [
            folder for folder in site.settings.get("STATIC_PATHS", []) if relative.is_relative_to(folder)
        ]
        where = (
            f"i content/{images[0]}/ hör bara bilder hemma" if images else "den har inget huvud (Title:, …)"
        )
        return (
            f"filen läses inte av bygget: {where}. Är den ett inlägg, ge den ett huvud (Title:, Date:,"
            f" Author:, Category:) och flytta den till content/posts/ÅÅÅÅ/{plain_name(relative.name)};"
            " annars flytta den ut ur content/."
        )
    target = place_for(site, kind, relative, source.meta)
    if target == f"content/{relative.parent / plain_name(relative.name)}":
        ending = relative.name[len(plain_name(relative.name)) - 3 :]
        return (
            f"filen läses inte, eftersom den slutar på {ending}: {NOUNS[kind]} är en .md-fil (med små"
            f" bokstäver). Byt namn på filen till {plain_name(relative.name)}."
        )
    return (
        f"filen läses inte: den ser ut att vara {NOUNS[kind]}, men den ligger {_where(site, relative)}, och"
        f" bygget läser {_plural(kind)} bara i content/{folders(site)[kind][0]}/."
        f" Flytta den till {target}."
    )


def text_files(site: Site) -> Iterator[tuple[PurePosixPath, Path]]:
    """(path from content/, path) of every text file in content/, except editors' backup files, the
    comments folder and folders the build writes to."""
    root = site.root
    ignore = site.settings.get("IGNORE_FILES", [])
    comments = (site.settings.get("ARCHIVED_COMMENTS") or {}).get("path", "comments")
    skip = {
        os.path.realpath(site.settings[key])
        for key in ("OUTPUT_PATH", "CACHE_PATH")
        if site.settings.get(key)
    }
    for folder, subfolders, names in os.walk(root):
        here = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if os.path.realpath(here / name) not in skip and not (here == root and name == comments)
        )
        for name in sorted(names):
            path = here / name
            relative = PurePosixPath(path.relative_to(root).as_posix())
            if path.is_symlink() or any(fnmatch(name, pattern) for pattern in ignore):
                continue
            if is_text_file(path) and not (here == root and name in LISTS):
                yield relative, path


def check_placement(site: Site) -> Iterator[Problem]:
    """Every text file in content/ is read as what it is, where it is."""
    read = {source.path for source in site.sources}  # posts and pages read as what they are
    for relative, path in text_files(site):
        if path in read:
            continue
        problem = file_problem(site, relative, path)
        if problem:
            yield Problem(site.name(path), problem, 0, "filen")


def register() -> None:
    content_checked.connect(check_placement)
