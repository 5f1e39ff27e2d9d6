"""content_checks.images: images and files. The files a post or page refers to (``Image``, the images of
its body, its ``{static}`` and ``{attach}`` links) exist, stay inside content/images/ and have no spaces
in their names, and a top image has its alternative text. ``body_image_positions`` finds a body's images
for the figures plugin and the content cache too.

What is published from content/images/ (``STATIC_PATHS``) is decided by a list of what may be: regular
files whose bytes are JPEG, PNG, WebP or GIF, under a name that ends like an image. A script, an SVG,
an HTML page or a document there is refused with a message, and so is a HEIC photo (with how to convert
it); OS litter (``Thumbs.db``, ``.DS_Store``, ``desktop.ini``, ``._*``: ``IGNORE_FILES``) is skipped. A
symbolic link anywhere in content/ is refused and never followed: the checks read no file through one,
and ``publish_only_images`` keeps Pelican from copying anything else, should a file get past the rules.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from pelican import signals

from content_checks import Problem, Site, Source, content_checked

# ![alt](path "title") and <img src="path">: the images a body uses (one pattern each: a pattern that
# starts with a literal is searched for several times faster than an alternation of two). An inline
# image is everything between its parentheses (one level of pairs inside); ``inline_address`` takes the
# address from it. No part of a pattern here runs past the character its next match would start with
# ([, (, <, {), and none has two ways to split a run of spaces: each is linear in the length of a body,
# however hostile (tests/plugins/content_checks/test_linear_rules.py).
INLINE_IMAGE = re.compile(r"!\[[^\[\]]*\]\(([^()\n]*(?:\([^()\n]*\)[^()\n]*)*)\)")
RAW_IMAGE = re.compile(r"<img\b[^<>]*\bsrc=[\"']([^\"']+)[\"']")
# ![alt][label], ![alt][] and ![label]: reference-style images, whose address is in a definition
REFERENCE_IMAGE = re.compile(r"!\[([^\[\]]*)\](?:[ ]?\[([^\[\]]*)\])?")
# [label]: address "title" (Python-Markdown's reference definition, up to three spaces in)
REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[([^\[\]]+)\]:[ ]*+\n?[ ]*+<?([^\s>]+)>?", re.MULTILINE)
# {static}/… and {attach}/… anywhere in a body: Pelican resolves (and copies) these
INTERNAL_LINK = re.compile(r"\{(?:static|attach)\}([^\s)\"'>{]+)")
DECORATIVE_ALT = '""'
# Image: ![alt](path): a whole Markdown image where the field takes the path alone.
# (The path is taken whole, possessively: the rest cannot give back what it took, so it stays linear.)
MARKDOWN_IMAGE = re.compile(r"^!\[([^\]]*)\]\(\s*+<?([^)\s>]*+)>?[^)]*\)$")
# A caption in a word processor's quotes after an image's path: x.jpg ”Bildtext” (see curly_caption).
CURLY_MARKS = "”“„«»’‘"
CURLY_CAPTION_START = re.compile(rf"(?<!\s)\s++([{CURLY_MARKS}])")

# The images content/images/ publishes: their formats by their first bytes, and the names they may have.
IMAGE_FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WebP": (".webp",), "GIF": (".gif",)}
IMAGE_SUFFIXES = {suffix for suffixes in IMAGE_FORMATS.values() for suffix in suffixes}
# ISO base media files (HEIC, HEIF, AVIF) name their kind at bytes 8–12.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
# Markdown and text files in images/: a post or page saved in the wrong folder, which the rule on files in
# the wrong folder reports (issue 22). Never published, and no second message here.
MISPLACED_TEXT = {".md", ".markdown", ".txt"}
# Longest file name (in bytes) in images/: the derivatives add ~20 characters, a file system takes 255.
FILE_NAME_MAX = 200


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
    found = [(match.start(), inline_address(match.group(1))) for match in INLINE_IMAGE.finditer(text)]
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


def inline_address(inside: str) -> str:
    """The address of an inline image from what its parentheses hold: Python-Markdown takes an address
    with spaces whole, up to an optional quoted title after a space, and drops the angle brackets."""
    inside = inside.strip()
    if inside[-1:] in ('"', "'"):
        opening = inside.rfind(inside[-1], 0, len(inside) - 1)
        if opening > 0 and inside[opening - 1].isspace():
            inside = inside[:opening].rstrip()
    if inside.startswith("<") and inside.endswith(">"):
        inside = inside[1:-1]
    return inside


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
    """Images and {static} links exist and stay inside content/images/ (Pelican would copy any file a
    {static} link names, a comments file with its e-mail addresses too)."""
    for source in site.sources:
        for where, reference, line in image_references(source):
            problem = reference_problem(site, reference, source.path) or _unpublished(site, reference, source)
            if problem:
                yield Problem(site.name(source.path), problem, line, where)


def _unpublished(site: Site, reference: str, source: Source) -> str | None:
    target = site.resolve(reference, source.path)
    if target is None or in_static_folder(site, target):
        return None
    folder = site.settings.get("STATIC_PATHS", ["images"])[0]
    return (
        f"{reference} ligger utanför content/{folder}/, och bara bilder där publiceras."
        f" Lägg filen i content/{folder}/ och skriv {{static}}/{folder}/…"
    )


def in_static_folder(site: Site, path: Path) -> bool:
    """Whether a resolved path inside content/ lies in a folder Pelican publishes from (STATIC_PATHS)."""
    return any(
        path.is_relative_to(site.resolved_root / folder) for folder in site.settings.get("STATIC_PATHS", [])
    )


def reference_problem(site: Site, reference: str, source: Path | None = None) -> str | None:
    """Why a file reference is wrong, in Swedish, or None if it is fine (shared with other plugins).
    Asked once per target and build: posts show the same few images thousands of times."""
    place = site._place(reference, source)
    if place not in site._problems:
        site._problems[place] = _reference_problem(site, reference, source)
    return site._problems[place]


def curly_caption(reference: str) -> tuple[str, str, str, str] | None:
    """A caption in a word processor's quotes after an image's path (``x.jpg ”Bildtext”``): the path, the
    opening mark, the caption and the closing mark (or ""), or None. Found in two steps: linear."""
    found = CURLY_CAPTION_START.search(reference)
    if not found:
        return None
    rest = reference[found.end() :].rstrip()
    closing = rest[-1] if rest and rest[-1] in CURLY_MARKS else ""
    return reference[: found.start()].strip(), found.group(1), rest[: len(rest) - len(closing)], closing


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
    quoted = curly_caption(reference)
    if quoted:
        path, opening, caption, closing = quoted
        marks = f"{opening}…{closing}"
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


# Files: what content/images/ may publish, and no symbolic link anywhere in content/.


def image_format(head: bytes) -> str | None:
    """The image format of a file's first bytes (JPEG, PNG, WebP, GIF), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return None


SVG = "en SVG-bild, som kan innehålla kod som körs i läsarens webbläsare"
HTML = "en webbsida (HTML), som kan innehålla kod som körs i läsarens webbläsare"
SCRIPT = "ett program eller ett skript"
PDF = "ett PDF-dokument"
UNSHOWN = "en bild i ett format som webbläsare inte visar ({})"


def _what_it_is(head: bytes, suffix: str) -> str:
    """What a file that is no image is, in a few Swedish words, from its bytes and name."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    media = head[4:8] == b"ftyp"  # an ISO media file: AVIF, or a film (HEIC is found before)
    kinds = [
        (media and head[8:12] in (b"avif", b"avis"), UNSHOWN.format("AVIF")),
        (media, "en film eller en ljudfil"),
        (head.startswith((b"II*\x00", b"MM\x00*")), UNSHOWN.format("TIFF")),
        (head.startswith(b"BM"), UNSHOWN.format("BMP")),
        (start.startswith((b"<svg", b"<?xml")) or suffix == ".svg", SVG),
        (start.startswith(b"<") or suffix in (".html", ".htm", ".xhtml"), HTML),
        (start.startswith(b"%pdf"), PDF),
        (suffix in (".js", ".mjs", ".css", ".php", ".py", ".sh", ".exe", ".bat", ".wasm"), SCRIPT),
    ]
    return next((what for found, what in kinds if found), "ingen bild i JPEG, PNG, WebP eller GIF")


HEIC_ADVICE = (
    "filen är en HEIC-bild, formatet som iPhone sparar foton i, och webbläsare kan inte visa den."
    " Spara bilden som JPEG och lägg den här i stället: öppna den i Förhandsvisning på en Mac (Arkiv >"
    " Exportera, välj JPEG) eller i Foton på Windows (Spara som, välj .jpg), eller skicka den till dig"
    " själv med e-post från iPhonen, som då gör en JPEG. Ta sedan bort HEIC-filen."
)


def static_file_problem(path: Path, head: bytes) -> str | None:
    """Why a file in content/images/ cannot be published (``head``: its first bytes), or None."""
    suffix = path.suffix.lower()
    if suffix in MISPLACED_TEXT:
        return None  # a post or page in the wrong folder: the rule on misplaced files says so
    if len(path.name.encode()) > FILE_NAME_MAX:
        length = len(path.name.encode())
        return f"filnamnet är {length} tecken långt; det kan vara högst {FILE_NAME_MAX}. Döp om filen."
    found = image_format(head)
    if suffix in (".heic", ".heif") or (head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS):
        return HEIC_ADVICE
    if found is None:
        what = _what_it_is(head, suffix)
        fix = {
            PDF: "Lägg dokumentet på tillvaxtverket.se och länka dit.",
            SVG: "Spara bilden som PNG i stället.",
            HTML: "Ta bort filen.",
            SCRIPT: "Ta bort filen.",
        }.get(what, "Spara bilden som JPEG eller PNG, eller ta bort filen.")
        return (
            f"filen är {what}. Från content/images/ publiceras bara bilder i JPEG, PNG, WebP och GIF. {fix}"
        )
    if suffix not in IMAGE_SUFFIXES:
        better = path.with_suffix(IMAGE_FORMATS[found][0]).name
        return (
            f"filen är en {found}-bild men slutar på {path.suffix or 'ingen filändelse'}, och då läser"
            f" webbläsaren den inte som en bild. Döp om den till {better}."
        )
    return None


def _ignored(name: str, settings: dict) -> bool:
    return any(fnmatch(name, pattern) for pattern in settings.get("IGNORE_FILES", []))


def content_entries(site: Site) -> Iterator[os.DirEntry]:
    """Every file and folder in content/ (not following symbolic links, without ignored names)."""
    folders = [str(site.root)]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                found = sorted(entries, key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in found:
            if _ignored(entry.name, site.settings):
                continue
            yield entry
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)


def check_files(site: Site) -> Iterator[Problem]:
    """No symbolic link in content/; content/images/ holds only images a browser shows as images."""
    statics = [os.path.join(site.root, folder) + os.sep for folder in site.settings.get("STATIC_PATHS", [])]
    for entry in content_entries(site):
        name = site.name(Path(entry.path).parent) + "/" + entry.name
        if entry.is_symlink():
            what = "mappen" if entry.is_dir() else "filen"
            yield Problem(name, _link_message(entry, what), 0, what)
        elif entry.is_file(follow_symlinks=False) and any(
            entry.path.startswith(folder) for folder in statics
        ):
            try:
                with open(entry.path, "rb") as stream:
                    head = stream.read(32)
            except OSError:
                continue
            problem = static_file_problem(Path(entry.path), head)
            if problem:
                yield Problem(name, problem, 0, "filen")


def _link_message(entry: os.DirEntry, what: str) -> str:
    try:
        target = f" (till {os.readlink(entry.path)})"
    except OSError:
        target = ""
    return (
        f"{what} är en symbolisk länk{target}. Bygget följer aldrig länkar, eftersom en länk kan peka på vad"
        f" som helst på datorn, och det som den pekar på skulle publiceras. Ta bort länken och lägg {what}"
        " själv här i stället."
    )


def publishable(root: Path, relative: str, settings: dict) -> bool:
    """Whether Pelican may copy a static file (path relative to content/): inside a STATIC_PATHS folder, no
    symbolic link on the way, and an image by its bytes and name. The content rules have refused the rest,
    or (a Markdown file there) leave it to the rule on misplaced files."""
    parts = PurePosixPath(relative).parts
    if not any(PurePosixPath(relative).is_relative_to(folder) for folder in settings.get("STATIC_PATHS", [])):
        return False
    path = root
    for part in parts:
        path = path / part
        if path.is_symlink():
            return False
    if not path.is_file() or path.suffix.lower() not in IMAGE_SUFFIXES:
        return False
    with open(path, "rb") as stream:
        return image_format(stream.read(32)) is not None


def publish_only_images(generator) -> None:
    """static_generator_finalized: Pelican copies every file of STATIC_PATHS and every file a {static} link
    names; keep the images and drop the rest (in place: the context holds the same list)."""
    root = Path(generator.path)
    kept = [
        static
        for static in generator.staticfiles
        if publishable(root, static.relative_source_path, generator.settings)
    ]
    generator.staticfiles[:] = kept


def forget_bodies(_generators) -> None:
    """Every post is read: the memo of body images (keyed by whole bodies) would only keep every body's
    text alive while Pelican writes the pages (~13 MB at 2,000 posts)."""
    body_image_positions.cache_clear()


def register() -> None:
    content_checked.connect(check_top_image)
    content_checked.connect(check_references)
    content_checked.connect(check_files)
    signals.static_generator_finalized.connect(publish_only_images)
    signals.all_generators_finalized.connect(forget_bodies)
