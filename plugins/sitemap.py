"""sitemap: sitemap.xml (the start page, every published post and page, with lastmod) and a robots.txt
that points to it, both with absolute addresses.

Written by a small generator inside the Pelican run, so a failed build writes neither. Drafts, hidden
pages, redirect pages of old addresses and the 404 page are never listed. Entries are sorted by
address, so the file is the same bytes for the same content.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.sax.saxutils import escape

from pelican import signals
from pelican.generators import Generator
from seo import absolute_url, public_base
from swedish_dates import iso_datetime

SITEMAP_DEFAULTS = {
    "sitemap": "sitemap.xml",  # where the sitemap is written, relative to the output folder
    "robots": "robots.txt",  # None: write no robots.txt (e.g. when the site lives below a host's root)
}


def sitemap_settings(settings: Mapping) -> dict:
    return {**SITEMAP_DEFAULTS, **settings.get("SITEMAP", {})}


def last_modified(content):
    """When a post or page last changed: Modified if given, else Date (None for undated pages)."""
    return getattr(content, "modified", None) or getattr(content, "date", None)


def sitemap_entries(base: str, articles: Iterable, pages: Iterable) -> list[tuple[str, str | None]]:
    """(absolute address, lastmod) of the start page, posts and pages, sorted by address."""
    articles = list(articles)
    dates = [last_modified(article) for article in articles]
    entries = {absolute_url(base, ""): iso_datetime(max(dates)) if dates else None}
    for content in [*articles, *pages]:
        changed = last_modified(content)
        entries[absolute_url(base, content.url)] = iso_datetime(changed) if changed else None
    return sorted(entries.items())


def sitemap_xml(entries: Iterable[tuple[str, str | None]]) -> str:
    """The sitemaps.org XML for the entries."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url, lastmod in entries:
        modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{modified}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(sitemap_url: str) -> str:
    """Everything may be crawled; the sitemap says where the posts are."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"


class SitemapGenerator(Generator):
    """Runs after posts and pages are written; reads them from the shared context."""

    def generate_output(self, writer) -> None:
        options = sitemap_settings(self.settings)
        base = public_base(self.settings)
        entries = sitemap_entries(base, self.context.get("articles", []), self.context.get("pages", []))
        output = Path(self.output_path)
        (output / options["sitemap"]).write_text(sitemap_xml(entries), encoding="utf-8")
        if options["robots"]:
            sitemap_url = absolute_url(base, options["sitemap"])
            (output / options["robots"]).write_text(robots_txt(sitemap_url), encoding="utf-8")


def get_generators(pelican) -> type[Generator]:
    return SitemapGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
