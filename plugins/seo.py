"""seo: what search engines and link previews read about a page: its canonical address, a plain-text
description, Open Graph properties and, for a post, a JSON-LD ``BlogPosting``.

The plugin only computes values; theme/templates/partials/meta.html writes the markup (one include in
base.html). Nothing re-parses the written pages. Values are plain text: tags stripped and entities
(typogrify's ``&nbsp;``) decoded exactly once, so the template's own escaping is the only escaping.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path

from content_checks import Site
from jinja2 import pass_context
from pelican import signals
from swedish_dates import iso_datetime

SEO_DEFAULTS = {
    "locale": "sv_SE",  # og:locale
    "description": None,  # listings and pages without a summary; None: SITESUBTITLE
    "description_length": 300,  # search engines show about 160 characters; previews more
    # Shared with every page that has no image of its own: a file in theme/static/, made for link
    # previews (1200 x 630, the size Facebook, LinkedIn and others crop to). Its alt text is the
    # theme's string share_image_alt.
    "image": {"path": "share.png", "width": 1200, "height": 630, "type": "image/png"},
}
TAG = re.compile(r"""<(?:[^<>"']|"[^"]*"|'[^']*')*>""")  # never past the next "<": linear on any text
SPACE = re.compile(r"\s+")
INDEX_FILE = "index.html"


def seo_settings(settings: Mapping) -> dict:
    """The plugin's settings (the SEO dict) merged over its defaults."""
    return {**SEO_DEFAULTS, **settings.get("SEO", {})}


def public_base(settings: Mapping) -> str:
    """The absolute address the site is read at: SITEURL in production, else the local preview's
    FEED_DOMAIN (canonical and Open Graph addresses must always be absolute)."""
    siteurl = settings.get("SITEURL") or ""
    if "://" not in siteurl:
        siteurl = settings.get("FEED_DOMAIN") or ""
    return siteurl.rstrip("/")


def absolute_url(base: str, url: str) -> str:
    """A site-relative address (``2018/02/x/``) made absolute; absolute ones stay as they are."""
    if "://" in url:
        return url
    return f"{base}/{url.lstrip('/')}"


def url_of_file(save_as: str) -> str:
    """The address a written file is served at: ``a/b/index.html`` is ``a/b/``."""
    if save_as == INDEX_FILE:
        return ""
    if save_as.endswith("/" + INDEX_FILE):
        return save_as[: -len(INDEX_FILE)]
    return save_as


def plain_text(fragment: str | None) -> str:
    """HTML (a title or summary) as one line of plain text: no tags, entities decoded once."""
    if not fragment:
        return ""
    text = html.unescape(TAG.sub(" ", str(fragment)))
    return SPACE.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """Text cut at a word boundary to at most ``limit`` characters, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace():  # the last word was cut through: drop it
        cut = cut.rsplit(" ", 1)[0]
    return f"{cut.rstrip(' ,.;:–-')}…"


def image_url(reference: str | None, source_path: str | None, settings: Mapping) -> str | None:
    """The absolute address of an ``Image:`` reference (``{static}/images/x.jpg`` or ``images/x.jpg``),
    resolved the way content_checks resolves it; None when there is no image."""
    if not reference:
        return None
    site = Site(root=Path(settings["PATH"]), settings={}, sources=[])
    target = site.resolve(reference, Path(source_path) if source_path else None)
    if target is None:  # already an external address
        return reference
    relative = target.relative_to(site.root.resolve()).as_posix()
    return absolute_url(public_base(settings), settings.get("STATIC_URL", "{path}").format(path=relative))


def top_image(article, settings: Mapping) -> dict | None:
    """The post's share image: {url, width, height, type}. The figures plugin's ``top_image`` (a
    derivative of a sensible size, with its dimensions) when there is one, else the ``Image:`` file."""
    rendition = getattr(article, "top_image", None)
    if rendition is not None:
        return {
            "url": absolute_url(public_base(settings), rendition.url),
            "width": getattr(rendition, "width", None),
            "height": getattr(rendition, "height", None),
            "type": getattr(rendition, "mime", None),
        }
    url = image_url(article.metadata.get("image"), article.source_path, settings)
    return {"url": url, "width": None, "height": None, "type": None} if url else None


def site_image(settings: Mapping) -> dict | None:
    """The site's own share image (SEO["image"]): {url, width, height, type, site: True}."""
    image = seo_settings(settings)["image"]
    if not image:
        return None
    folder = settings.get("THEME_STATIC_DIR", "theme")
    url = absolute_url(public_base(settings), f"{folder}/{image['path']}")
    return {
        "url": url,
        "width": image.get("width"),
        "height": image.get("height"),
        "type": image.get("type"),
        "site": True,
    }


def page_title(title_html: str | None, settings: Mapping) -> str:
    """What a page is called when it is shared: its <title> without the " – site name" every title ends
    with (og:site_name says that), or the site name alone for the start page."""
    sitename = settings.get("SITENAME", "")
    title = plain_text(title_html)
    return title.removesuffix(f" – {sitename}") or sitename


def _common(settings: Mapping, canonical: str | None, title: str, description: str) -> dict:
    options = seo_settings(settings)
    fallback = options["description"] or settings.get("SITESUBTITLE") or ""
    return {
        "canonical": canonical,
        "title": title,
        "description": shorten(description or fallback, options["description_length"]),
        "locale": options["locale"],
        "type": "website",
        "image": site_image(settings),
        "image_alt": None,
        "published": None,
        "modified": None,
        "noindex": False,
        "json_ld": None,
    }


def article_metadata(article, settings: Mapping) -> dict:
    """Everything meta.html writes for a post, including its JSON-LD BlogPosting."""
    base = public_base(settings)
    canonical = absolute_url(base, article.url)
    meta = _common(settings, canonical, plain_text(article.title), plain_text(article.summary))
    image = top_image(article, settings)
    published = iso_datetime(article.date)
    modified = iso_datetime(getattr(article, "modified", None) or article.date)
    publisher = settings.get("PUBLISHER") or {}
    json_ld = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": meta["title"],
        "description": meta["description"],
        "datePublished": published,
        "dateModified": modified,
        "author": [
            {"@type": "Person", "name": str(author), "url": absolute_url(base, author.url)}
            for author in getattr(article, "authors", [])
        ],
        "publisher": {"@type": "Organization", "name": publisher.get("name"), "url": publisher.get("url")},
        "inLanguage": getattr(article, "lang", None) or settings.get("DEFAULT_LANG"),
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
    }
    if getattr(article, "category", None):
        json_ld["articleSection"] = str(article.category)
    if getattr(article, "tags", None):
        json_ld["keywords"] = [str(tag) for tag in article.tags]
    if image:
        json_ld["image"] = image["url"]
    meta.update(
        type="article",
        image=image or meta["image"],
        image_alt=plain_text(article.metadata.get("image_alt", "").strip('"')) if image else None,
        published=published,
        modified=modified,
        json_ld=json_ld,
    )
    return meta


def page_metadata(page, settings: Mapping) -> dict:
    """A static page: canonical address, title and description."""
    canonical = absolute_url(public_base(settings), page.url)
    return _common(settings, canonical, plain_text(page.title), plain_text(page.summary))


def listing_metadata(output_file: str, settings: Mapping, title: str = "", description: str = "") -> dict:
    """A generated listing (start page, archive, category, …): its own address as canonical, and the
    title and description its template gives (every listing page its own, page 2 of a tag too).
    The 404 page is served at any address, so it gets no canonical and is kept out of search engines."""
    title = title or settings.get("SITENAME", "")
    if output_file == settings.get("NOT_FOUND_SAVE_AS"):
        meta = _common(settings, None, title, description)
        meta["noindex"] = True
        return meta
    canonical = absolute_url(public_base(settings), url_of_file(output_file))
    return _common(settings, canonical, title, description)


def redirect_metadata(article, settings: Mapping) -> dict:
    """A redirect page at a post's old address (see aliases): the post's own metadata, with the post's
    address as canonical. One signal only: an immediate refresh plus a canonical link is what search
    engines read as a permanent move; a ``noindex`` beside it would contradict the canonical."""
    canonical = absolute_url(public_base(settings), article.url)
    return _common(settings, canonical, plain_text(article.title), plain_text(article.summary))


@pass_context
def metadata_for(context, title: str | None = None, description: str | None = None) -> dict:
    """Jinja global used by partials/meta.html: the metadata of the page being rendered. ``title`` is the
    page's <title> (HTML), ``description`` the template's own description of a listing (HTML)."""
    if context.get("redirect_article") is not None:
        return redirect_metadata(context["redirect_article"], context)
    if context.get("article") is not None:
        return article_metadata(context["article"], context)
    if context.get("page") is not None:
        return page_metadata(context["page"], context)
    return listing_metadata(
        context.get("output_file", ""), context, page_title(title, context), plain_text(description)
    )


def add_global(pelican) -> None:
    pelican.settings.setdefault("JINJA_GLOBALS", {})["seo_metadata"] = metadata_for


def register() -> None:
    signals.initialized.connect(add_global)
