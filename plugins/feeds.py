"""feeds: what the Atom feeds say, to feed readers and to a person who opens one in a browser.

Pelican writes every feed with feedgenerator's ``Atom1Feed``; this plugin adds, as each feed is made
(``feed_generated``):

- its language, ``xml:lang="sv"`` (DEFAULT_LANG) on ``<feed>``, so that readers pick Swedish voices,
  hyphenation and fonts;
- one ``<author>`` per author of a co-written post, each with its name and author page (RFC 4287
  4.2.1; Pelican names only the first, and a joined "A och B" would be one person to a feed reader);
- the post's top image at the top of the entry's content, a figure with its alt text and caption, in a
  mid-size derivative (feed readers show the content's first image in their lists);
- the same dash between the site's name and the feed's as the pages' titles use (" – ", not " - ");
- ``<?xml-stylesheet type="text/xsl" href="…/flode.xsl"?>``: a browser that still runs XSLT shows the
  feed as a Swedish page (what a feed is, how to subscribe, the latest posts) instead of raw XML. The
  stylesheet is the theme's template ``flode.xsl``, written to the site's root from the site's own origin
  (browsers refuse a stylesheet from elsewhere). Feed readers ignore the instruction.

Pelican hard-codes the feed class, so each feed's class is swapped for ``SiteAtomFeed`` (a subclass that
writes the instruction and the authors) when the feed is made; the feed is still valid Atom.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import build_context
from feedgenerator import Atom1Feed
from feedgenerator.django.utils.xmlutils import SimplerXMLGenerator
from markupsafe import Markup, escape
from pelican import signals
from pelican.generators import Generator
from seo import absolute_url, public_base
from swedish_dates import sv_month_name

FEEDS_DEFAULTS = {
    "stylesheet": "flode.xsl",  # the theme template, and the file written at the site's root; None: none
    "image_width": 960,  # the widest derivative of the top image a feed entry shows
}
FEED_SETTINGS = ("FEED_ATOM", "FEED_ALL_ATOM", "CATEGORY_FEED_ATOM", "AUTHOR_FEED_ATOM", "TAG_FEED_ATOM")


def feeds_settings(settings) -> dict:
    return {**FEEDS_DEFAULTS, **settings.get("FEEDS", {})}


class SiteAtomFeed(Atom1Feed):
    """Atom1Feed plus a stylesheet instruction (``feed["stylesheet"]``) and one ``<author>`` per entry of
    ``item["authors"]`` ([(name, uri)]), in place of feedgenerator's single ``author_name``."""

    def write(self, outfile, encoding) -> None:
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        if self.feed.get("stylesheet"):  # after the XML declaration, before the root element
            handler.processingInstruction(
                "xml-stylesheet", f'type="text/xsl" href="{escape(self.feed["stylesheet"])}"'
            )
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item) -> None:
        authors = item.get("authors")
        if authors:
            item = {**item, "author_name": None}
        super().add_item_elements(handler, item)
        for name, uri in authors or ():
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if uri:
                handler.addQuickElement("uri", uri)
            handler.endElement("author")


def image_figure(top_image, base: str, widest: int) -> Markup:
    """The top image as a figure for a feed entry: the widest derivative in the original format up to
    ``widest`` px (the smallest one if all are wider), absolute, with its size, alt text and caption."""
    rendition = top_image.rendition
    main = [d for d in rendition.derivatives if d.ext != "webp"] or list(rendition.derivatives)
    fitting = [d for d in main if d.width <= widest] or [min(main, key=lambda d: d.width)]
    chosen = max(fitting, key=lambda d: d.width)
    url = absolute_url(base, quote(chosen.output_path))
    caption = Markup("<figcaption>{}</figcaption>").format(top_image.caption) if top_image.caption else ""
    return Markup('<figure><img src="{}" alt="{}" width="{}" height="{}">{}</figure>').format(
        url, top_image.alt, chosen.width, chosen.height, caption
    )


def site_path(link: str, siteurl: str) -> str:
    """A feed entry's link as the site-relative URL of its post (``2021/03/slug/``)."""
    path = urlsplit(link).path
    prefix = urlsplit(siteurl).path.rstrip("/")
    return path[len(prefix) :].lstrip("/") if path.startswith(prefix) else path.lstrip("/")


def posts_by_url(context) -> dict:
    """{url: post} of the posts in ``context``, made once per build (kept in its context, build_context)."""
    articles = context.get("articles", [])
    made = build_context.of(context).state("feeds", dict)  # id of the articles list -> {url: article}
    if id(articles) not in made:
        made.clear()
        made[id(articles)] = {article.url: article for article in articles}
    return made[id(articles)]


def dress_feed(context, feed) -> None:
    """Language, title, stylesheet, authors and images of a feed Pelican has just made."""
    if type(feed) is not Atom1Feed:
        return
    feed.__class__ = SiteAtomFeed
    options = feeds_settings(context)
    base = public_base(context)
    sitename = Markup(context.get("SITENAME", "")).striptags()
    feed.feed["language"] = context.get("DEFAULT_LANG")
    if feed.feed["title"].startswith(f"{sitename} - "):
        feed.feed["title"] = f"{sitename} – {feed.feed['title'][len(sitename) + 3 :]}"
    if options["stylesheet"]:
        feed.feed["stylesheet"] = f"{context.get('SITEURL', '')}/{options['stylesheet']}"
    posts = posts_by_url(context)
    for item in feed.items:
        article = posts.get(site_path(item["link"], context.get("SITEURL", "")))
        if article is None:
            continue
        item["authors"] = [
            (author.name, absolute_url(base, author.url) if author.url else None)
            for author in getattr(article, "authors", [])
        ]
        top_image = getattr(article, "top_image", None)
        if top_image is not None and item.get("content") is not None:
            # A plain str: the XML writer escapes with str.replace, which Markup would escape again.
            item["content"] = str(image_figure(top_image, base, options["image_width"])) + item["content"]


class FeedStylesheetGenerator(Generator):
    """Writes the feeds' XSLT stylesheet (theme template ``flode.xsl``) when the site has Atom feeds."""

    def generate_output(self, writer) -> None:
        name = feeds_settings(self.settings)["stylesheet"]
        if not name or not any(self.settings.get(setting) for setting in FEED_SETTINGS):
            return
        months = [sv_month_name(date(2000, month, 1)) for month in range(1, 13)]
        text = self.env.get_template(name).render(**self.context, months=months)
        (Path(self.output_path) / name).write_text(text, encoding="utf-8")


def get_generators(pelican) -> type[Generator]:
    return FeedStylesheetGenerator


def register() -> None:
    signals.feed_generated.connect(dress_feed)
    signals.get_generators.connect(get_generators)
