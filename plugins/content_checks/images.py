"""content_checks.images: the files a post or page refers to (``Image``, the images of its body, its
``{static}`` and ``{attach}`` links) exist, stay inside content/ and have no spaces in their names, and a
top image has its alternative text. ``body_image_positions`` finds a body's images for the figures
plugin and the content cache too.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from pathlib import Path

from pelican import signals

from content_checks import Problem, Site, Source, content_checked

# ![alt](path "title") and <img src="path">: the images a body uses (one pattern each: a pattern that
# starts with a literal is searched for several times faster than an alternation of two)
# Python-Markdown takes an address with spaces whole: everything up to an optional quoted title.
INLINE_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)>\n]*?)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
RAW_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']")
# ![alt][label], ![alt][] and ![label]: reference-style images, whose address is in a definition
REFERENCE_IMAGE = re.compile(r"!\[([^\]]*)\](?:[ ]?\[([^\]]*)\])?")
# [label]: address "title" (Python-Markdown's reference definition, up to three spaces in)
REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[([^\[\]]+)\]:[ ]*\n?[ ]*<?([^\s>]+)>?", re.MULTILINE)
# {static}/… and {attach}/… anywhere in a body: Pelican resolves (and copies) these
INTERNAL_LINK = re.compile(r"\{(?:static|attach)\}([^\s)\"'>]+)")
DECORATIVE_ALT = '""'
# Image: ![alt](path): a whole Markdown image where the field takes the path alone.
MARKDOWN_IMAGE = re.compile(r"^!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)$")
# A caption in a word processor's quotes after an image's path: x.jpg ”Bildtext”.
CURLY_CAPTION = re.compile(r"\s+([”“„«»’‘])(.*?)([”“„«»’‘]?)\s*$")


def check_top_image(site: Site) -> Iterator[Problem]:
    """A top image needs alternative text; ``Image_alt: ""`` marks it decorative on purpose."""
    for source in site.posts:
        written = source.meta.get("image", "").strip()
        # Image: ![alt](path) has its alt text: that mistake's message says to move it to Image_alt.
        if written and not source.meta.get("image_alt") and not MARKDOWN_IMAGE.match(written):
            yield Problem(
                site.name(source.path),
                "Image_alt saknas. Beskriv bilden för den som inte ser den, till exempel: "
                'Image_alt: Kvinna håller en presentation. Är bilden bara dekorativ, skriv Image_alt: ""',
                source.meta_lines.get("image_alt", source.meta_lines.get("image", 1)),
                "Image_alt",
            )


def _label(text: str) -> str:
    """A reference label as Python-Markdown matches it: case and runs of white space do not count."""
    return " ".join(text.lower().split())


@functools.lru_cache(maxsize=4096)
def body_image_positions(text: str) -> tuple[tuple[int, str], ...]:
    """Every image address a Markdown body shows, with the offset where the image is written, in order:
    ``![alt](address)``, ``<img src>``, and reference-style images (``![alt][label]`` with
    ``[label]: address`` anywhere in the text). Remembered: the content checks, the figures plugin and
    the content cache all ask for each post."""
    found = [(match.start(), match.group(1)) for match in INLINE_IMAGE.finditer(text)]
    found += [(match.start(), match.group(1)) for match in RAW_IMAGE.finditer(text)]
    definitions: dict[str, str] = {}
    if "]:" in text:
        for match in REFERENCE_DEFINITION.finditer(text):
            definitions.setdefault(_label(match.group(1)), match.group(2))
    if definitions:
        for match in REFERENCE_IMAGE.finditer(text):
            label = _label(match.group(2) or match.group(1))
            if label in definitions and text[match.end() : match.end() + 1] != "(":
                found.append((match.start(), definitions[label]))
    return tuple(sorted(found))


def body_images(text: str) -> tuple[str, ...]:
    """The image addresses of ``body_image_positions``, without their offsets."""
    return tuple(address for _start, address in body_image_positions(text))


# A message that pelican_warnings says too, for a mistake that got past the rules.


def no_alt(reference: str) -> str:
    return (
        f"bilden {reference} saknar alternativtext. Beskriv bilden för den som inte ser den (WCAG 1.1.1),"
        f" mellan hakparenteserna: ![Kvinna håller en presentation]({reference}). En bild i brödtexten kan"
        ' inte vara dekorativ: tillför den inget, ta bort den, eller gör den till toppbild med Image_alt: "".'
    )


def image_references(source: Source) -> Iterator[tuple[str, str, int]]:
    """Every (field, reference, line) of a source that points to a file: metadata images, body images
    and {static}/{attach} links."""
    if source.meta.get("image"):
        yield "Image", source.meta["image"], source.meta_lines.get("image", 1)
    seen = set()
    for start, reference in body_image_positions(source.shown):
        seen.add(reference)
        yield "brödtexten", reference, source.line_at(start)
    for match in INTERNAL_LINK.finditer(source.shown):
        reference = match.group(0)
        if reference not in seen:
            yield "brödtexten", reference, source.line_at(match.start())


def check_references(site: Site) -> Iterator[Problem]:
    """Images and {static} links exist and stay inside content/."""
    for source in site.sources:
        for where, reference, line in image_references(source):
            problem = reference_problem(site, reference, source.path)
            if problem:
                yield Problem(site.name(source.path), problem, line, where)


def reference_problem(site: Site, reference: str, source: Path | None = None) -> str | None:
    """Why a file reference is wrong, in Swedish, or None if it is fine (shared with other plugins).
    Asked once per target and build: posts show the same few images thousands of times."""
    place = site._place(reference, source)
    if place not in site._problems:
        site._problems[place] = _reference_problem(site, reference, source)
    return site._problems[place]


def _written_wrong(reference: str) -> str | None:
    """A reference written as something else than a path: ``Image: ![alt](path)`` (the field takes the
    path alone), or a caption in a word processor's quotes, ``x.jpg ”Bildtext”`` (Markdown takes only
    straight quotes, and reads the rest as part of the file name)."""
    written = MARKDOWN_IMAGE.match(reference.strip())
    if written:
        alt = (
            f", och alternativtexten på en egen rad: Image_alt: {written.group(1)}"
            if written.group(1)
            else ""
        )
        return (
            f"{reference} är en bild skriven i Markdown, men fältet tar bara bildens sökväg. Skriv bara"
            f" sökvägen: Image: {written.group(2)}{alt}"
        )
    quoted = CURLY_CAPTION.search(reference)
    if quoted:
        path, caption = reference[: quoted.start()].strip(), quoted.group(2)
        marks = f"{quoted.group(1)}…{quoted.group(3)}"
        return (
            f"bildtexten i {reference} står inom typografiska citattecken ({marks}), och då läser Markdown"
            " den som en del av filnamnet. Skriv raka citattecken runt bildtexten, så att det inom"
            f' parenteserna står: {path} "{caption}"'
        )
    return None


def _reference_problem(site: Site, reference: str, source: Path | None) -> str | None:
    wrong = _written_wrong(reference)
    if wrong:
        return wrong
    target = site.resolve(reference, source)
    if target is None:
        return None
    if any(char.isspace() for char in reference):
        return _spaced_problem(site, reference)
    if not site.inside(target):
        return f"sökvägen {reference} pekar utanför content/. Lägg filen i content/images/."
    if not target.is_file():
        hint = suggest_file(site, target)
        return f"filen {reference} finns inte.{hint} Kontrollera stavningen och att filen ligger i content/."
    return None


def _spaced_problem(site: Site, reference: str) -> str:
    """A file reference with spaces works in Markdown but breaks in mail, feeds and some programs: the
    name to rename the file (or folder) to, made the way addresses are."""
    *folders, name = reference.split("/")
    stem, dot, suffix = name.rpartition(".")
    named = f"{site.name_slug(stem)}{dot}{suffix.lower()}" if stem else site.name_slug(name)
    better = [site.name_slug(folder) if any(c.isspace() for c in folder) else folder for folder in folders]
    if better == folders:
        return (
            f"{reference} har mellanslag i filnamnet, och då går adressen sönder i en del program."
            f" Döp om filen till {named} och skriv {'/'.join([*folders, named])}."
        )
    renamed = "mappen och filen" if any(c.isspace() for c in name) else "mappen"
    return (
        f"{reference} har mellanslag i en mapps namn, och då går adressen sönder i en del program."
        f" Döp om {renamed} så att du kan skriva {'/'.join([*better, named])}."
    )


def suggest_file(site: Site, target: Path) -> str:
    """`` Menade du x.jpg?`` for a file that is not there: the closest name in its folder, else a file of
    that very name elsewhere in content/ (`` Menade du images/2018/x.jpg?``: a folder left out)."""
    if target.parent.is_dir():
        names = sorted(p.name for p in target.parent.iterdir())
        close = difflib.get_close_matches(target.name, names, n=1)
        if close:
            return f" Menade du {close[0]}?"
    elsewhere = site.files_by_name.get(target.name, [])
    return f" Menade du {elsewhere[0]}?" if elsewhere else ""


def forget_bodies(_generators) -> None:
    """Every post is read: the memo of body images (keyed by whole bodies) would only keep every body's
    text alive while Pelican writes the pages (~13 MB at 2,000 posts)."""
    body_image_positions.cache_clear()


def register() -> None:
    content_checked.connect(check_top_image)
    content_checked.connect(check_references)
    signals.all_generators_finalized.connect(forget_bodies)
