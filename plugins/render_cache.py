"""render_cache: a rebuild renders only the pages whose inputs changed; the others are taken as they were.

Pelican renders every page from its template on every build: ~2,000 post pages and every listing for a
2,000-post archive, even when one post's text changed. This plugin gives Pelican a writer that first
computes each page's key from

- the *site digest*: everything the site shows except the bodies of posts and pages: the caches' one
  stamp (``cachefile.stamp``: every installed package's version, Python, the settings' values and
  files, the plugins' code as imported), every file in the theme, and every file in content/ (authors,
  comments, pages; images by content hash, since a template shows an image's width and height and
  its derivatives' names). A post's or page's own Markdown file counts with its header only, or whole
  when it has no ``Summary`` (Pelican then cuts the summary out of the body, and listings show it);
- the bodies shown: the HTML of each post or page the page is written for (``article=``, ``page=``, …).

Only a post's or page's own page shows its body (``tests/plugins/test_render_cache.py`` holds every
template to that), so editing one body renders one page again; any other change (a title, a summary, an
author, a comment, a template, a setting, an image, a post added or deleted) renders every page, as
Pelican always does.

A page whose key is the one the previous build recorded for that file is read from the published site
(``PUBLISHED_OUTPUT_PATH``: sitebuild builds into a staging folder beside it) instead of rendered, once
its SHA-256 is the one recorded when it was rendered: a failed build, a hand-edited or deleted file is
rendered again, never trusted. Pelican still writes the file, logs it and sends ``content_written``.
A page whose rendering changes the build (a template that is first to use an image, so that its
derivatives are written; a body with an ``{attach}`` link, which moves the file) is always rendered.
Feeds (``write_feed``) are always written: they show bodies, and cost little.

The keys live in ``CACHE_PATH/<slot>/render-cache.pickle``, replaced atomically at the end of each build and
holding only the files that build wrote. Without ``PUBLISHED_OUTPUT_PATH`` (a plain ``pelican`` run)
Pelican's own writer renders everything.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

import build_context
import cachefile
import figures
import pelican_internals
from content_checks.addresses import ADDRESS_LIST
from content_checks.categories import CATEGORY_LIST
from pelican import signals
from pelican.contents import Content
from pelican.writers import Writer as PelicanWriter

logger = logging.getLogger(__name__)

VERSION = "1"  # bump when what a key covers changes
CACHE_FILE = "render-cache.pickle"
PUBLISHED = "PUBLISHED_OUTPUT_PATH"  # the setting sitebuild passes: where the previous build was published
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mkd", ".mdown"}
# Images count by content hash, remembered by their stat (cachefile.content_hash): the markup shows an
# image's size and the content hash its derivatives are named by.
IMAGE_SUFFIXES = {
    ".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".heic", ".heif", ".avif",
}  # fmt: skip
# Files in content/ that no page shows: the build's lists of categories and of published addresses (the
# latter rewritten by every build that publishes a new address, which would otherwise render every page
# again on the next build).
UNSHOWN = {CATEGORY_LIST, ADDRESS_LIST}
ATTACH = re.compile(r"[{|]attach[|}]")  # Pelican's {attach} link moves a file when the body is rendered


def header(data: bytes) -> bytes:
    """A Markdown file's header: the lines before the first blank one (Python-Markdown's meta extension
    stops there, or earlier; counting more than the header is only ever less caching)."""
    lines = data.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if not line.strip():
            return b"".join(lines[:number])
    return data


def code_digest(settings: dict) -> hashlib._Hash:
    """What renders a page besides the content: the caches' one stamp (packages, Python, settings, plugin
    code as imported; see cachefile) and every file of the theme."""
    digest = hashlib.sha256(f"{VERSION}\0{cachefile.stamp(settings)}".encode())
    for number, folder in enumerate([settings["THEME"], *settings.get("THEME_TEMPLATES_OVERRIDES", [])]):
        for path in files(Path(folder), skip=set()):
            if "__pycache__" not in path.parts:
                update(digest, f"{number}/{path.relative_to(folder)}", path.read_bytes())
    return digest


def files(root: Path, skip: set[str]) -> list[Path]:
    """Every file under root, sorted, following links as Pelican does; folders in ``skip`` left out."""
    found = []
    for folder, subfolders, names in os.walk(root, followlinks=True):
        subfolders[:] = [name for name in subfolders if os.path.realpath(Path(folder, name)) not in skip]
        found += [Path(folder, name) for name in names]
    return sorted(found)


def update(digest: hashlib._Hash, name: str, data: bytes) -> None:
    digest.update(f"\0{name}\0{len(data)}\0".encode() + data)


def site_digest(settings: dict, generated: dict[str, Content | None]) -> str:
    """Everything the site shows except the bodies of posts and pages (see the module docstring)."""
    digest = code_digest(settings)
    # Pelican's source paths are absolute and joined like these; a path spelt otherwise counts whole.
    sources = {content.source_path: content for content in generated.values() if content}
    root = Path(settings["PATH"])
    # Pelican never reads its own output or caches as content, even when they sit inside content/.
    derived = ("OUTPUT_PATH", PUBLISHED, "CACHE_PATH")
    skip = {os.path.realpath(settings[key]) for key in derived if key in settings}
    by_mtime = settings.get("DEFAULT_DATE") == "fs"  # a post without Date gets its file's time
    for path in files(root, skip):
        name = path.relative_to(root).as_posix()
        if name in UNSHOWN:
            continue
        if path.suffix.lower() in IMAGE_SUFFIXES:
            update(digest, name, (cachefile.content_hash(path) or "").encode())
            continue
        data = path.read_bytes()
        content = sources.get(str(path))
        if content is not None and path.suffix.lower() in MARKDOWN_SUFFIXES and "summary" in content.metadata:
            data = header(data)
        if content is not None and by_mtime:
            data += f"\0{path.stat().st_mtime_ns}".encode()
        update(digest, name, data)
    return digest.hexdigest()


def page_key(site: str, name: str, template: str, shown: Iterable[Content]) -> str:
    """A written file's key: the site digest, the file and template names, and the bodies it shows."""
    digest = hashlib.sha256(f"{site}\0{name}\0{template}".encode())
    for content in shown:
        update(digest, content.source_path or "", pelican_internals.raw_body(content).encode())
    return digest.hexdigest()


def image_uses(settings: dict) -> int:
    """How many images the figures plugin has been asked for so far: its derivatives of those are written."""
    return figures.images_used(settings)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RenderCache:
    """The previous build's keys ({file: (key, SHA-256 of its bytes)}) and this build's."""

    def __init__(self, path: Path, published: Path):
        self.path, self.published = path, published
        self.previous: dict[str, tuple[str, str]] = {}
        self.current: dict[str, tuple[str, str]] = {}
        self.seen: set[str] = set()
        self.reused = self.rendered = 0
        self.previous = cachefile.load(path, VERSION) or {}

    def published_text(self, name: str, key: str) -> str | None:
        """The published file, if the previous build wrote it with this key and nobody changed it since."""
        entry = self.previous.get(name)
        if entry is None or entry[0] != key:
            return None
        try:
            data = (self.published / name).read_bytes()
        except OSError:
            return None
        return data.decode("utf-8") if sha256(data) == entry[1] else None

    def render(self, template, context: dict, key: str, settings: dict, side_effects: bool) -> str:
        """The page's text: the published one when its key matches, else rendered (and its key recorded
        unless rendering it changed the build)."""
        name = context["output_file"]
        first = name not in self.seen
        self.seen.add(name)
        if not first:  # written twice (Pelican's override_output): render both, record neither
            self.current.pop(name, None)
        elif not side_effects:
            text = self.published_text(name, key)
            if text is not None:
                self.reused += 1
                self.current[name] = self.previous[name]
                return text
        images = image_uses(settings)
        text = template.render(context)
        self.rendered += 1
        if first and not side_effects and image_uses(settings) == images:
            self.current[name] = (key, sha256(text.encode("utf-8")))
        return text

    def save(self) -> None:
        """Write this build's keys (atomically: a crash leaves the previous file)."""
        cachefile.save(self.path, VERSION, self.current)


class CachedTemplate:
    """What Pelican's writer gets instead of the template: ``render`` asks the cache first."""

    def __init__(self, template, writer: Writer, shown: list[Content]):
        self.template, self.writer, self.shown = template, writer, shown
        self.side_effects = any(ATTACH.search(pelican_internals.raw_body(content)) for content in shown)

    def render(self, context: dict) -> str:
        writer = self.writer
        key = page_key(writer.site, context["output_file"], self.template.name or "", self.shown)
        return writer.cache.render(self.template, context, key, writer.settings, self.side_effects)

    def __getattr__(self, name: str):
        return getattr(self.template, name)


class Writer(PelicanWriter):
    """Pelican's writer, with the render cache in front of every template it renders."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings)
        self.site: str | None = None
        cache_file = cachefile.path(self.settings, CACHE_FILE)
        self.cache = RenderCache(cache_file, Path(self.settings[PUBLISHED]))
        build_context.of(self.settings).plugins["render_cache"] = self  # saved when the build is finalized

    def write_file(self, name, template, context, *args, **kwargs):
        if self.site is None:  # every generator has read its content by the first write
            self.site = site_digest(self.settings, pelican_internals.generated_content(context))
        shown = [value for _, value in sorted(kwargs.items()) if isinstance(value, Content)]
        return super().write_file(name, CachedTemplate(template, self, shown), context, *args, **kwargs)


def get_writer(pelican) -> type[Writer] | None:
    return Writer if pelican.settings.get(PUBLISHED) else None


def save_cache(pelican) -> None:
    context = build_context.of(pelican.settings)
    writer = context.plugins.pop("render_cache", None)
    if writer is not None:
        writer.cache.save()
        context.count("render_cache", reused=writer.cache.reused, rendered=writer.cache.rendered)
        logger.info("render_cache: %d pages from the published site, %d rendered", writer.cache.reused,
                    writer.cache.rendered)  # fmt: skip


def register() -> None:
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(save_cache)
