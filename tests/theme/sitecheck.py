"""Helpers for the theme's whole-site tests: the typography site, one page of every type, internal links."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import link_check
import pytest
from bs4 import BeautifulSoup
from conftest import SITES, build_site, shared_build

# Attributes that point at another document or file.
URL_ATTRIBUTES = {"a": ("href",), "link": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
                  "script": ("src",), "iframe": ("src",), "video": ("src", "poster"), "audio": ("src",)}  # fmt: skip
# Attributes that make the browser fetch something while loading the page (not links a reader follows).
RESOURCE_TAGS = {"img", "source", "script", "iframe", "video", "audio"}
RESOURCE_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest", "apple-touch-icon"}


@pytest.fixture(scope="session", name="typography_site")
def typography_site_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Swedish quotes, dates, neighbours and a draft, two posts a page so that every listing paginates.
    Import it into a test module to use it (shared per session)."""
    return shared_build(tmp_path_factory, "typography", lambda folder: build_site(
        SITES / "typography" / "content", folder / "output", DEFAULT_PAGINATION=2))  # fmt: skip


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def page_url(site: Path, path: Path, base: str) -> str:
    """The address a page is served at: …/index.html as its folder, other files as themselves."""
    relative = path.relative_to(site).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative[: -len("index.html")]
    return f"{base}/{relative}"


def srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def urls_of(document: BeautifulSoup) -> Iterator[tuple[str, str, str]]:
    """(tag name, attribute, url) of every URL in a page."""
    for name, attributes in URL_ATTRIBUTES.items():
        for element in document.find_all(name):
            for attribute in attributes:
                value = element.get(attribute)
                if not value:
                    continue
                for url in srcset_urls(value) if attribute == "srcset" else [value]:
                    yield name, attribute, url


def fetched_urls(document: BeautifulSoup) -> list[str]:
    """URLs a browser fetches while loading the page (not links a reader may follow)."""
    fetched = [url for name, _, url in urls_of(document) if name in RESOURCE_TAGS]
    for link in document.find_all("link", href=True):
        if RESOURCE_RELS & set(link.get("rel") or []):
            fetched.append(link["href"])
    return fetched


def resolve(site: Path, path: str) -> Path | None:
    """The file a site path is served from, or None."""
    target = site / unquote(path).lstrip("/")
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def broken_links(site: Path, base: str = "http://site.invalid") -> list[str]:
    """Every internal href/src/srcset (and #fragment) in the site's HTML that leads nowhere: the build's
    own check (plugins/link_check.py), which every build runs; here for sites built without it.

    ``base`` is the site's own address (SITEURL); absolute URLs to other hosts are not checked."""
    return [str(link) for link in link_check.broken_links(site, base)]


def one_page_of_each_type(site: Path) -> dict[str, str]:
    """{page type: site path} for one page of every template, found in the built site."""

    def first(pattern: str) -> str:
        matches = sorted(site.glob(pattern))
        assert matches, f"no page matches {pattern} in {site}"
        return "/" + matches[0].relative_to(site).as_posix().removesuffix("index.html")

    return {
        "post": first("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"),
        "page": "/tillganglighet/",
        "index": "/",
        "archives": "/arkiv/",
        "year archive": first("arkiv/[0-9][0-9][0-9][0-9]/index.html"),
        "month archive": first("arkiv/[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"),
        "category": first("kategorier/*/index.html"),
        "categories": "/kategorier/",
        "tag": first("taggar/*/index.html"),
        "tags": "/taggar/",
        "author": first("skribenter/*/index.html"),
        "authors": "/skribenter/",
        "404": "/404.html",
    }
