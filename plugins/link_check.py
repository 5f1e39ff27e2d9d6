"""link_check: every internal link and image of the built site leads to a file the build made, and every
``#anchor`` to an id on that page; checked inside the build (sitebuild), before the site is published.

A link an editor wrote (in a body, a ``Summary``, an ``Image_caption`` or a bio) that leads nowhere stops
the build as a content problem at the file and line where it is written; any other (the theme's) stops it
for a developer, naming the page. Links to other hosts are not followed.

The pages are read as text with one regular expression each, not parsed: the attributes that point to
another file (``href``, ``src``, ``srcset``, ``poster``) in the quotes the theme and Python-Markdown write.
Each address is resolved once per folder (most are the same root-relative links on every page). Only when
something is broken are the content files read, to find where a link is written.
"""

from __future__ import annotations

import difflib
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from content_checks import Problem

URL_ATTRIBUTE = re.compile(r"""\s(href|src|srcset|poster)=(?:"([^"]*)"|'([^']*)')""")
ID_ATTRIBUTE = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)')""")
LOCAL_BASE = "http://site.invalid"  # the site's own address when it has none (local builds)


@dataclass(frozen=True, order=True)
class Broken:
    """A link on a built page that leads nowhere: the page (from the output folder), the address as
    written, and what is wrong (no such file, or no such id)."""

    page: str
    url: str
    missing_id: str = ""

    def __str__(self) -> str:
        if self.missing_id:
            return f"{self.page}: {self.url} (ankaret #{self.missing_id} finns inte)"
        return f"{self.page}: {self.url} leder ingenstans"


def page_address(relative: str) -> str:
    """The path a page is served at: …/index.html as its folder, any other file as itself."""
    if relative == "index.html" or relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


class Site:
    """The files of a built site, and the addresses that lead to them."""

    def __init__(self, output: Path, base: str) -> None:
        self.output = output
        self.own = urlsplit(base or LOCAL_BASE)
        self.base = (base or LOCAL_BASE).rstrip("/")
        self.files: set[str] = set()
        self.folders: set[str] = {""}
        for folder, subfolders, names in os.walk(output):
            relative = os.path.relpath(folder, output)
            prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
            self.folders.update(prefix + name for name in subfolders)
            self.files.update(prefix + name for name in names)
        self._resolved: dict[tuple[str, str], tuple[str | None, str] | None] = {}
        self._ids: dict[str, set[str]] = {}

    def html_pages(self) -> list[str]:
        return sorted(name for name in self.files if name.endswith(".html"))

    def target(self, page: str, url: str) -> tuple[str | None, str] | None:
        """(the file an address on the page at ``page`` leads to, or None if there is none; its anchor),
        or None for an address on another host or no file at all (mailto:, tel:). A root-relative
        address is resolved once for the whole site."""
        key = ("", url) if url.startswith("/") and not url.startswith("//") else (page, url)
        if key not in self._resolved:
            self._resolved[key] = self._target(page, url)
        return self._resolved[key]

    def _target(self, page: str, url: str) -> tuple[str | None, str] | None:
        absolute = urlsplit(urljoin(f"{self.base}{page}", url))
        if absolute.scheme not in ("http", "https") or absolute.netloc != self.own.netloc:
            return None
        path = unquote(absolute.path or "/")
        base_path = self.own.path.rstrip("/")
        if base_path:  # a site served below a path (https://org.github.io/repo): links must stay under it
            if path != base_path and not path.startswith(base_path + "/"):
                return None, absolute.fragment
            path = path[len(base_path) :]
        name = path.lstrip("/")
        if name.rstrip("/") in self.folders or path.endswith("/") or not name:
            name = f"{name.rstrip('/')}/index.html".lstrip("/")
        return (name if name in self.files else None), absolute.fragment

    def ids(self, name: str) -> set[str]:
        """The ids of a page that other pages link into (read again: few pages are)."""
        if name not in self._ids:
            text = (self.output / name).read_text(encoding="utf-8", errors="replace")
            self._ids[name] = {match.group(1) or match.group(2) for match in ID_ATTRIBUTE.finditer(text)}
        return self._ids[name]


def broken_links(output: Path, base: str = "") -> list[Broken]:
    """Every internal link, image and anchor in the built site's HTML that leads nowhere. ``base`` is the
    site's own address (SITEURL): links to it count as internal, links to other hosts are not followed."""
    site = Site(output, base)
    broken: list[Broken] = []
    anchors: list[tuple[str, str, str, str]] = []  # (page, url, target, id) to another page
    for name in site.html_pages():
        text = (output / name).read_text(encoding="utf-8", errors="replace")
        address = page_address(name)
        # Each distinct address once per page: the menu, footer and cards repeat the same few.
        for attribute, double, single in set(URL_ATTRIBUTE.findall(text)):
            value = double or single
            if "&" in value:
                value = html.unescape(value)
            for url in srcset_urls(value) if attribute == "srcset" else (value,):
                # An anchor on the page itself (every page's skip link) needs no address resolved.
                found = (name, url[1:]) if url.startswith("#") else site.target(address, url)
                if found is None:
                    continue
                target, anchor = found
                if target is None:
                    broken.append(Broken(name, url))
                elif anchor and target.endswith(".html"):
                    if target == name:
                        if f' id="{anchor}"' not in text and f" id='{anchor}'" not in text:
                            broken.append(Broken(name, url, anchor))
                    else:
                        anchors.append((name, url, target, anchor))
    for name, url, target, anchor in anchors:
        if anchor not in site.ids(target):
            broken.append(Broken(name, url, anchor))
    return sorted(set(broken))


# Where a broken link is written: the content files' links, by address.


def content_sources(settings: dict) -> list:
    """Every file an editor writes links in: posts, pages and authors (``content_checks.Source``)."""
    from authors import author_sources, plugin_settings
    from content_checks.reading import read_site

    site = read_site(settings)
    return [*site.sources, *author_sources(site.root, plugin_settings(settings)["path"])]


def written_links(sources: list) -> dict[str, list[tuple[Path, int]]]:
    """{address as written: [(file, line)]} for every link and image an editor wrote: in the bodies,
    Summary and Image_caption of posts and pages, and in author bios."""
    from content_checks.markdown_reading import read_markdown

    found: dict[str, list[tuple[Path, int]]] = {}
    for source in sources:
        for link in read_markdown(source.body).links:
            found.setdefault(link.target.strip(), []).append((source.path, source.line_at(link.offset)))
        for key in ("summary", "image_caption"):
            for link in read_markdown(source.meta.get(key, "")).links:
                found.setdefault(link.target.strip(), []).append((source.path, source.meta_lines.get(key, 1)))
    return found


def content_problems(
    broken: list[Broken], settings: dict, output: Path
) -> tuple[list[Problem], list[Broken]]:
    """The broken links an editor wrote, as problems at their file and line, and the others (the theme's)."""
    from content_checks import Site as ContentSite

    sources = content_sources(settings)
    written = written_links(sources)
    names = ContentSite(root=Path(settings["PATH"]), settings=settings, sources=[])
    addresses = sorted({page_address(name) for name in Site(output, "").files if name.endswith(".html")})
    problems, others = [], []
    pages: dict[tuple[str, str], list[Broken]] = {}  # a summary's link is on every listing that shows it
    for link in broken:
        pages.setdefault((link.url, link.missing_id), []).append(link)
    for (url, _missing_id), found in pages.items():
        places = written.get(url) or _written_like(url, written) or _lines_holding(url, sources)
        if not places:
            others.extend(found)
            continue
        for path, line in places:
            problems.append(Problem(names.name(path), _message(found, addresses), line, "brödtexten"))
    return problems, others


def _loose(url: str) -> str:
    """An address with its white space collapsed and entities decoded: Markdown turns a tab into spaces
    and may end an address at a parenthesis, so what reaches the page is not always what was written."""
    return " ".join(html.unescape(url).split())


def _written_like(url: str, written: dict[str, list[tuple[Path, int]]]) -> list[tuple[Path, int]]:
    """Where a broken address was written when it reached the page changed (see ``_loose``): every
    written address that it begins, or that begins it. Asked only for a broken link."""
    loose = _loose(url)
    if not loose:
        return []
    return [
        place
        for target, places in written.items()
        if (other := _loose(target)) and (other.startswith(loose) or loose.startswith(other))
        for place in places
    ]


def _lines_holding(url: str, sources: list) -> list[tuple[Path, int]]:
    """The lines of the content files that hold a broken address, for one that the rules' reading of the
    Markdown does not see as a link (Python-Markdown still made one of it): an editor wrote it all the
    same, so it is theirs to fix, at its line."""
    loose = _loose(url)
    if not loose:
        return []
    return [
        (source.path, number)
        for source in sources
        for number, line in enumerate(source.path.read_text(encoding="utf-8").splitlines(), start=1)
        if loose in _loose(line)
    ]


def _message(found: list[Broken], addresses: list[str]) -> str:
    """What is wrong with a link an editor wrote, on the pages where it is (the first and how many more)."""
    link = found[0]
    where = page_address(link.page)
    if len(found) > 1:
        where += f" och {len(found) - 1} {'annan sida' if len(found) == 2 else 'andra sidor'}"
    if link.missing_id:
        return (
            f"länken {link.url} leder till ankaret #{link.missing_id}, som inte finns på den sidan"
            f" (länken står på {where}). Rätta ankaret, eller ta bort #{link.missing_id}."
        )
    path = urlsplit(link.url).path
    close = difflib.get_close_matches(path, addresses, n=1, cutoff=0.8) if path.startswith("/") else []
    hint = f" Menade du {close[0]}?" if close else ""
    return (
        f"länken {link.url} leder till en sida som bygget inte gör (länken står på {where}).{hint} Rätta"
        " adressen; ett annat inlägg länkas säkrast med {filename} och sökvägen till dess fil,"
        " till exempel {filename}/posts/ÅÅÅÅ/filnamn.md."
    )


def check(output: Path, settings: dict) -> tuple[list[Problem], list[Broken]]:
    """The built site's broken links: (the content's, as problems; the theme's). Cheap when none is."""
    broken = broken_links(output, settings.get("SITEURL", ""))
    if not broken:
        return [], []
    return content_problems(broken, settings, output)
