"""figures: captions from plain Markdown, the post's top image, and responsive, privacy-safe images.

Pelican glue for three parts: ``mdx_figures`` (the Markdown extension, attached in pelicanconf's
MARKDOWN setting as ``figures.mdx_figures``), ``images`` (Pillow derivatives cached by content hash)
and the templates ``partials/figure.html``. It also

- checks every image a post or page uses with Pillow (a content rule: corrupt or unreadable files stop
  the build, naming the post and the image);
- gives each article with ``Image`` a ``top_image`` (url, width, height, alt, caption, srcset …);
- adds the Jinja filters ``responsive_image`` (any content image → <picture>), ``image_rendition``
  and ``picture``;
- links the derivatives into the output and replaces copied originals that carry EXIF (GPS), or are
  larger than ``original_max`` pixels (the editor guide's limit), with stripped copies that fit.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import build_context
import sanitizer
import time_budget
from content_checks import Problem, Site, content_checked
from content_checks.images import DECORATIVE_ALT, body_image_positions, publishable, reference_problem
from markdown import Markdown
from markdown.serializers import to_html_string
from markupsafe import Markup
from pelican import signals
from pelican.contents import Article

from .images import ImageError, ImageStore, Rendition, original_facts, picture_element, place
from .mdx_figures import render_inline

logger = logging.getLogger(__name__)

EXTENSION = "figures.mdx_figures"
STATE = "figures"  # this build's Runtime, in the build's context (build_context)
DEFAULTS = {
    "widths": (480, 960, 1600),
    # The post column is at most 42rem wide, with 1rem of padding on each side on small screens.
    "sizes": "(min-width: 44rem) 42rem, calc(100vw - 2rem)",
    "cache_path": None,  # None: <CACHE_PATH>/images
    # An original wider or taller than this (the editor guide's limit, "Bilder") is published as a copy
    # that fits; pages show the derivatives anyway.
    "original_max": 2000,
}
# Copied originals that may carry EXIF/GPS: web formats get a stripped copy, the others stop the build.
STRIPPABLE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
OTHER_IMAGE_SUFFIXES = {".gif", ".tif", ".tiff", ".bmp", ".heic", ".heif"}


@dataclass(frozen=True)
class TopImage:
    """A post's top image (``Image``, ``Image_alt``, ``Image_caption``), ready for templates and Open
    Graph: ``url`` is the largest derivative in the original format, with its ``width`` and ``height``."""

    rendition: Rendition
    alt: str
    caption: Markup

    def __getattr__(self, name: str):
        # url, width, height, mime, srcset, webp_srcset: those of the rendition
        if name == "rendition":  # not set yet (while unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.rendition, name)


@dataclass
class Runtime:
    """One build's state: the options, the image store and the static files Pelican copies."""

    options: dict
    store: ImageStore
    site: Site
    statics: list[tuple[Path, str]] = field(default_factory=list)
    _md: Markdown | None = None
    _pictures: dict = field(default_factory=dict)
    _stores: dict[tuple[int, ...], ImageStore] = field(default_factory=dict)

    def __getstate__(self) -> dict:
        # pickled with the settings (its filters are in JINJA_FILTERS) by Pelican's content cache
        return {**self.__dict__, "_md": None}

    def store_for(self, widths: Iterable[int] | None = None) -> ImageStore:
        """The store that makes derivatives at ``widths`` (default: the post widths). A small picture,
        such as a 6rem author photo, needs small derivatives; each set of widths has its own cache."""
        key = tuple(sorted(widths)) if widths else self.store.widths
        if key == self.store.widths:
            return self.store
        if key not in self._stores:
            store = self.store
            self._stores[key] = ImageStore(store.content, store.cache, store.site_url, key)
        return self._stores[key]

    def stores(self) -> list[ImageStore]:
        return [self.store, *self._stores.values()]

    def markdown(self) -> Markdown:
        """A Markdown like the posts' (same extensions) for captions that come from metadata."""
        if self._md is None:
            self._md = Markdown(**self.site.settings["MARKDOWN"])
        return self._md


def options_from(settings: dict) -> dict:
    unknown = set(settings.get("FIGURES", {})) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"figures: unknown FIGURES keys {sorted(unknown)}; known: {sorted(DEFAULTS)}")
    return {**DEFAULTS, **settings.get("FIGURES", {})}


def runtime(settings: dict) -> Runtime:
    """This build's Runtime, made on first use (the content rule may run before ``initialized``)."""
    return build_context.of(settings).state(STATE, lambda: new_runtime(settings))


def new_runtime(settings: dict) -> Runtime:
    """A build's Runtime: FIGURES over the defaults, the image store and the content folder."""
    options = options_from(settings)
    cache = Path(options["cache_path"] or Path(settings["CACHE_PATH"]) / "images")
    root = Path(settings["PATH"])
    store = ImageStore(root, cache, settings.get("SITEURL", ""), tuple(options["widths"]))
    return Runtime(options, store, Site(root=root, settings=settings, sources=[]))


def images_used(settings: dict) -> int:
    """How many images this build has asked for so far (0 before the first): their derivatives are written."""
    state = build_context.of(settings).plugins.get(STATE)
    return sum(len(store.used) for store in state.stores()) if state is not None else 0


def alt_text(value: str | None) -> str:
    """``Image_alt: ""`` is the editor's explicit choice of a decorative image: alt=""."""
    value = (value or "").strip()
    return "" if value == DECORATIVE_ALT else value


# The content rule: every image a post or page shows must be one Pillow can read.


def body_image_references(source) -> list[tuple[str, str, int]]:
    """(field, reference, line) for the top image and every image shown in the body (not mere links)."""
    found = (
        [("Image", source.meta["image"], source.meta_lines.get("image", 1))]
        if source.meta.get("image")
        else []
    )
    found += [("brödtexten", ref, source.line_at(start)) for start, ref in body_image_positions(source.shown)]
    return found


EXTERNAL_IMAGE = (
    "{reference} ligger på en annan webbplats. Lägg bilden i content/images/ och skriv"
    " {{static}}/images/…: då får den rätt storlek och läsarna hämtar den inte från någon annan."
)


def image_problem(
    site: Site, reference: str, source: Path | None = None, widths: Iterable[int] | None = None
) -> str | None:
    """Why an image reference cannot be shown, in Swedish, or None when it is fine: the file must exist
    inside content/ and be an image Pillow reads. Reading it makes its derivatives (cached), so this is
    also how an image gets ready for the build. For other plugins' rules, e.g. an author's Photo."""
    return reference_problem(site, reference, source) or _unreadable(site, reference, source, widths)


def _unreadable(
    site: Site, reference: str, source: Path | None, widths: Iterable[int] | None = None
) -> str | None:
    """image_problem for a reference that content_checks already found to be a file inside content/."""
    target = runtime(site.settings).site.resolve(reference, source)
    if target is None:
        return EXTERNAL_IMAGE.format(reference=reference)
    try:
        runtime(site.settings).store_for(widths).rendition(target)
    except ImageError as error:
        return f"{reference}: {error}"
    return None


def check_images(site: Site) -> list[Problem]:
    """Every image a post or page shows: inside content/, readable by Pillow. The images are decoded
    on every core first (once per content hash, then cached), so the check finds them ready."""
    references = [
        (source, where, reference, line)
        for source in site.sources
        for where, reference, line in body_image_references(source)
    ]
    state = runtime(site.settings)
    local = {state.site.resolve(reference, source.path) for source, _, reference, _ in references}
    state.store.prepare(target for target in local if target and target.is_file())
    problems = []
    for source, where, reference, line in references:
        if reference_problem(site, reference, source.path):
            continue  # content_checks reports missing files and paths outside content/
        if where != "Image" and reference.startswith("{static}") and not reference.startswith("{static}/"):
            problem = "skriv bildens sökväg från content/, till exempel {static}/images/…"
        else:
            problem = _unreadable(site, reference, source.path)
        if problem:
            problems.append(Problem(site.name(source.path), problem, line, where))
    return problems


# Markdown, metadata and templates.


# The records of the conversions running now (see ``images_asked``): one list per conversion.
_ASKED: list[list[str]] = []


@contextmanager
def images_asked() -> Iterator[list[str]]:
    """The references the Markdown extension asks for while the block runs (inline, reference-style, in
    a summary or a caption), in order: a cache that keeps a conversion keeps this list with it and gives
    it to ``ask_again`` on a hit, so that the build writes those images' derivatives."""
    record: list[str] = []
    _ASKED.append(record)
    try:
        yield record
    finally:
        _ASKED.remove(record)


def ask_again(settings: dict, references: Iterable[str]) -> None:
    """Ask for the images a cached conversion asked for, as its conversion did: their derivatives are
    then written by this build (and this build's process), as if the Markdown had been converted here."""
    for src in references:
        body_picture(settings, src, "")


def body_picture(settings: dict, src: str, alt: str):
    """The hook the Markdown extension calls for each image: a <picture> element, or None to keep <img>."""
    for record in _ASKED:
        record.append(src)
    state = runtime(settings)
    target = state.site.resolve(src)
    if target is None or not target.is_file():
        return None
    try:
        rendition = state.store.rendition(target)
    except ImageError as problem:
        logger.error("figures: %s: %s", src, problem)
        return None
    return picture_element(rendition, alt, state.options["sizes"])


def attach_markdown_hook(pelican) -> None:
    """Give the extension its picture hook: a copy of MARKDOWN, so the settings module stays as written."""
    settings = pelican.settings
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **filters(runtime(settings))}
    markdown = dict(settings["MARKDOWN"])
    configs = dict(markdown.get("extension_configs", {}))
    if EXTENSION not in configs:
        logger.warning("figures: add %r to MARKDOWN['extension_configs'] in pelicanconf.py", EXTENSION)
        return
    configs[EXTENSION] = {**configs[EXTENSION], "picture": functools.partial(body_picture, settings)}
    markdown["extension_configs"] = configs
    markdown["extensions"] = list(markdown.get("extensions", []))
    settings["MARKDOWN"] = markdown


def add_top_image(content) -> None:
    if not isinstance(content, Article):
        return
    content.top_image = None  # always there, so templates can test it
    if not content.metadata.get("image"):
        return
    state = runtime(content.settings)
    reference, source = content.metadata["image"], Path(content.source_path)
    problem = image_problem(state.site, reference, source)
    if problem:  # only when the content check was bypassed
        logger.error("figures: %s: Image: %s", content.source_path, problem)
        return
    rendition = state.store.rendition(state.site.resolve(reference, source))
    caption = content.metadata.get("image_caption", "").strip()
    content.top_image = TopImage(
        rendition=rendition,
        alt=alt_text(content.metadata.get("image_alt")),
        caption=caption_html(state, caption, content) if caption else Markup(""),
    )


def caption_html(state: Runtime, caption: str, content) -> Markup:
    """``Image_caption`` as HTML (inline Markdown), within the time budget, through the sanitizer."""
    settings = content.settings
    try:
        with time_budget.within(time_budget.seconds(settings)):
            html = render_inline(state.markdown(), caption)
    except time_budget.OverBudget:
        problem = Problem(
            sanitizer.source_name(settings, content.source_path),
            time_budget.message(time_budget.seconds(settings)),
            0,
            "filen",
        )
        sanitizer.report(settings, [problem])
        return Markup("")
    return sanitizer.field_html(settings, html, content.source_path, "Image_caption")


def picture(
    state: Runtime,
    rendition: Rendition,
    alt: str = "",
    sizes: str | None = None,
    *,
    lazy: bool = True,
    css_class: str | None = None,
) -> Markup:
    """Jinja filter: ``rendition|picture(alt, sizes)`` → the same <picture> markup the posts get
    (``sizes`` defaults to the post column's, FIGURES["sizes"])."""
    # srcset too: one file may have several renditions (post widths, portrait widths)
    key = (rendition.path, rendition.srcset, alt, sizes or state.options["sizes"], lazy, css_class)
    if key not in state._pictures:  # a post's card is shown in several listings
        element = picture_element(rendition, alt, key[3], lazy=lazy, css_class=css_class)
        state._pictures[key] = Markup(to_html_string(element))
    return state._pictures[key]


def image_rendition(state: Runtime, reference: str, widths: Iterable[int] | None = None) -> Rendition | None:
    """Jinja filter: ``"{static}/images/x.jpg"|image_rendition`` → url, width, height, srcset … or None
    (and a build error) when the file is missing or unreadable. ``widths``: other derivative widths
    than the post images' (for a picture shown small)."""
    problem = image_problem(state.site, reference, widths=widths)
    if problem:
        logger.error("figures: %s", problem)
        return None
    return state.store_for(widths).rendition(state.site.resolve(reference))


def responsive_image(
    state: Runtime,
    reference: str,
    alt: str = "",
    sizes: str | None = None,
    *,
    lazy: bool = True,
    css_class: str | None = None,
    widths: Iterable[int] | None = None,
) -> Markup:
    """Jinja filter for any content image (author photos, …): ``photo|responsive_image(alt, sizes)``."""
    rendition = image_rendition(state, reference, widths)
    if rendition is None:
        return Markup("")
    return picture(state, rendition, alt, sizes, lazy=lazy, css_class=css_class)


def filters(state: Runtime) -> dict:
    """The Jinja filters, bound to this build's images."""
    return {
        name: functools.partial(function, state)
        for name, function in (
            ("picture", picture),
            ("image_rendition", image_rendition),
            ("responsive_image", responsive_image),
        )
    }


# Output: derivatives in, EXIF out.


def remember_statics(generator) -> None:
    state = runtime(generator.settings)
    root = Path(generator.path)
    state.statics = [
        (root / static.source_path, static.save_as)
        for static in generator.staticfiles
        # Whichever of the two receivers runs first: only what content_checks.images lets Pelican copy.
        if publishable(root, static.relative_source_path, generator.settings)
    ]


def write_images(pelican) -> None:
    state = runtime(pelican.settings)
    output = Path(pelican.output_path)
    count = sum(store.write(output) for store in state.stores())
    stripped = 0
    largest = state.options["original_max"]
    for source, save_as in state.statics:
        suffix = source.suffix.lower()
        if suffix not in STRIPPABLE_SUFFIXES | OTHER_IMAGE_SUFFIXES:
            continue
        private, size = original_facts(source)
        too_large = size is None or max(size) > largest
        if not (private or too_large):
            continue
        if suffix in OTHER_IMAGE_SUFFIXES:
            logger.error("figures: %s: %s", state.site.name(source), _unstrippable(private, largest))
            continue
        try:
            place(state.store.stripped(source, largest if too_large else None), output / save_as)
        except ImageError as problem:
            logger.error("figures: %s: %s", state.site.name(source), problem)
            continue
        stripped += 1
    for store in state.stores():
        store.save_hashes()
    logger.info(
        "figures: %d images processed with Pillow, %d derivatives written, %d originals stripped, %.2f s",
        state.store.processed,
        count,
        stripped,
        state.store.seconds,
    )
    processed = sum(store.processed for store in state.stores())
    build_context.of(pelican.settings).count("figures", processed=processed, written=count, stripped=stripped)


def _unstrippable(private: bool, largest: int) -> str:
    """Why an original in a format the build does not rewrite (GIF) cannot be published as it is."""
    if private:
        return (
            "bilden bär metadata (EXIF, kanske GPS-position) som inte får publiceras."
            " Spara den som JPEG, PNG eller WebP."
        )
    return (
        f"bilden är större än {largest} pixlar, och en GIF-bild publiceras bara som den är."
        f" Minska den till högst {largest} pixlar, eller spara den som JPEG eller PNG."
    )


def register() -> None:
    content_checked.connect(check_images)
    signals.initialized.connect(attach_markdown_hook)
    signals.content_object_init.connect(add_top_image)
    signals.static_generator_finalized.connect(remember_statics)
    signals.finalized.connect(write_images)
