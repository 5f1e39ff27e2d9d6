"""Responsive images with Pillow: width-limited derivatives in the original format and WebP, cached by
content hash, stripped of EXIF (GPS) with the orientation applied, and the <picture> markup for them.

Nothing here knows Pelican: ``ImageStore`` takes a content folder, a cache folder and a site URL.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote
from xml.etree.ElementTree import Element, SubElement

import PIL
from PIL import Image, ImageOps, UnidentifiedImageError

WIDTHS = (480, 960, 1600)
QUALITY = {"JPEG": 82, "WEBP": 80}
# Formats a browser shows as they are; anything else Pillow reads gets a PNG or JPEG fallback.
WEB_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MIME = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
HASH_INDEX = "hashes.json"
# Bump when the derivatives change for the same input, so old cache entries are not reused.
RECIPE_VERSION = 2
# Metadata an image may carry that says where or by whom it was taken.
PRIVATE_INFO_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc")


class ImageError(Exception):
    """An image that cannot be published; the message is Swedish and meant for an editor."""


@dataclass(frozen=True)
class Derivative:
    """One file made from a source image: where it lies in the cache and where it goes in the output."""

    cache_file: Path
    output_path: str  # relative to the output folder, with forward slashes
    width: int
    height: int
    ext: str


@dataclass(frozen=True)
class Rendition:
    """Everything a page needs to show one image responsively (also handy for Open Graph)."""

    path: str  # the source, relative to content/
    width: int  # of the largest derivative, which is also the fallback src
    height: int
    url: str  # the largest derivative in the original format (a safe og:image)
    mime: str
    srcset: str  # original format, every width
    webp_srcset: str  # empty when the original is WebP already (srcset covers it)
    derivatives: tuple[Derivative, ...] = field(repr=False)


# This module's source as imported, and Pillow's version: what makes the derivatives' bytes.
MAKER = [hashlib.sha256(Path(__file__).read_bytes()).hexdigest(), PIL.__version__]


def recipe(widths: tuple[int, ...] = WIDTHS) -> str:
    """A short fingerprint of how derivatives are made; part of the cache folder name."""
    text = json.dumps([RECIPE_VERSION, sorted(widths), QUALITY, MAKER], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def target_widths(width: int, widths: tuple[int, ...] = WIDTHS) -> list[int]:
    """The widths to make for an image this wide: the image's own width capped at the largest configured
    one, and every configured width clearly below that (within 10 % it would add bytes, not quality).
    Never upscaled."""
    largest = min(width, max(widths))
    return sorted({w for w in widths if w < largest * 0.9} | {largest})


def fallback_extension(image: Image.Image) -> str:
    if image.format in WEB_FORMATS:
        return WEB_FORMATS[image.format]
    return "png" if image.mode in ("RGBA", "LA", "P", "PA") else "jpg"


def _prepared(image: Image.Image, ext: str) -> Image.Image:
    """An image in a mode the target format can store."""
    if ext == "jpg" and image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    if ext in ("png", "webp") and image.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    return image


def _save(image: Image.Image, target: Path, ext: str, icc_profile: bytes | None) -> None:
    """Write atomically (a temporary file renamed into place), with no EXIF, XMP or comments."""
    options: dict = {"icc_profile": icc_profile} if icc_profile else {}
    if ext == "jpg":
        options |= {"format": "JPEG", "quality": QUALITY["JPEG"], "optimize": True, "progressive": True}
    elif ext == "webp":
        options |= {"format": "WEBP", "quality": QUALITY["WEBP"], "method": 4}
    else:
        options |= {"format": "PNG", "optimize": False}
    _write_atomically(target, lambda stream: _prepared(image, ext).save(stream, **options))


def _write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """``write(stream)`` to a temporary file of its own beside ``target``, renamed into place: a reader (a
    thread, another build, an output hard-linked to it) sees the old file or the whole new one, and two
    writers of one target (two images with the same bytes, in two threads or two builds) never share a
    name."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        # mkstemp makes the file private; the output is hard-linked to it and must be readable by all
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def open_image(path: Path) -> Image.Image:
    """Open and fully decode an image, or raise ImageError saying why it cannot be used (in Swedish)."""
    try:
        with Image.open(path) as image:  # leaving the block closes the file, the decoded pixels stay
            if getattr(image, "is_animated", False):
                raise ImageError("animerade bilder stöds inte. Använd en stillbild (JPEG, PNG eller WebP).")
            image.load()
            return image
    except UnidentifiedImageError:
        raise ImageError(
            "filen är ingen bild i ett format som bygget kan läsa. Spara den som JPEG, PNG eller WebP."
        ) from None
    except Image.DecompressionBombError:
        raise ImageError("bilden är orimligt stor. Minska den till högst 4000 pixlar bred.") from None
    except (OSError, SyntaxError, ValueError):
        raise ImageError("bildfilen är trasig eller ofullständig. Spara eller exportera om den.") from None


def make_derivatives(source: Path, folder: Path, key: str, widths: tuple[int, ...]) -> dict:
    """Decode ``source`` once and write every derivative as ``<key>-<width>.<ext>`` into ``folder``;
    return the description that is stored beside them as ``<key>.json``."""
    image = open_image(source)
    icc_profile = image.info.get("icc_profile")
    ext = fallback_extension(image)
    upright = ImageOps.exif_transpose(image)  # applies the EXIF orientation; EXIF itself is never saved
    width, height = upright.size
    sizes = []
    for target in target_widths(width, widths):
        resized = (
            upright
            if target == width
            else upright.resize(
                (target, max(1, round(height * target / width))), Image.LANCZOS, reducing_gap=3.0
            )
        )
        for out_ext in dict.fromkeys((ext, "webp")):
            _save(resized, folder / f"{key}-{target}.{out_ext}", out_ext, icc_profile)
        sizes.append([target, resized.height])
    return {"ext": ext, "sizes": sizes, "original": [width, height]}


def has_private_info(path: Path) -> bool:
    """Whether an image file carries EXIF, XMP, IPTC or comments (where and by whom it was taken)."""
    return original_facts(path)[0]


def original_facts(path: Path) -> tuple[bool, tuple[int, int] | None]:
    """Whether an image file carries private metadata (see ``has_private_info``), and its size in pixels
    (None when Pillow cannot tell, or the image is too large for it to open). Reads only the header."""
    try:
        with Image.open(path) as image:
            text_chunks = getattr(image, "text", None)  # PNG tEXt/iTXt: author, software, comments
            private = bool(image.getexif() or text_chunks) or any(
                key in image.info for key in PRIVATE_INFO_KEYS
            )
            return private, image.size
    except Image.DecompressionBombError:
        return False, None
    except (OSError, SyntaxError, ValueError):
        return False, (0, 0)


def strip_private_info(source: Path, target: Path, largest: int | None = None) -> None:
    """Write ``source`` to ``target`` upright, in its own format, without EXIF and the like: at full size,
    or made to fit ``largest`` × ``largest`` pixels."""
    image = open_image(source)
    icc_profile = image.info.get("icc_profile")
    ext = fallback_extension(image)
    upright = ImageOps.exif_transpose(image)
    if largest and max(upright.size) > largest:
        upright.thumbnail((largest, largest), Image.LANCZOS, reducing_gap=3.0)
    _save(upright, target, ext, icc_profile)


@dataclass
class ImageStore:
    """The images of one build: derivatives made once per content hash (across builds, in ``cache``),
    remembered while the build runs, and linked into the output at the end."""

    content: Path
    cache: Path
    site_url: str = ""
    widths: tuple[int, ...] = WIDTHS
    processed: int = 0  # source images decoded by Pillow in this build (0 when everything was cached)
    seconds: float = 0.0  # wall-clock time spent in prepare()
    used: dict[Path, Rendition] = field(default_factory=dict)
    failures: dict[Path, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _hashes: dict[str, list] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.content = self.content.resolve()
        self.folder = self.cache / recipe(self.widths)

    def content_hash(self, path: Path) -> str:
        """sha256 of a file, remembered across builds by (size, mtime, inode, ctime): an unchanged file is
        not read again. A file replaced at the same size and mtime (``cp -p``, ``rsync -t``, ``tar``) has
        a new ctime, which no tool sets; a git checkout too: it is hashed again, never wrong."""
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]
        with self._lock:
            if self._hashes is None:
                try:
                    self._hashes = json.loads((self.folder / HASH_INDEX).read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    self._hashes = {}
            known = self._hashes.get(str(path))
        if known and known[:4] == stamp:
            return known[4]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with self._lock:
            self._hashes[str(path)] = [*stamp, digest]
        return digest

    def save_hashes(self) -> None:
        """Write the hash index (after the build, atomically; losing it only costs re-hashing)."""
        if self._hashes is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        hashes = json.dumps(self._hashes).encode("utf-8")
        _write_atomically(self.folder / HASH_INDEX, lambda stream: stream.write(hashes))

    def __getstate__(self) -> dict:
        # Pelican's generator-level content cache pickles articles and, with them, the settings
        state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _lock=threading.Lock())

    def rendition(self, path: Path) -> Rendition:
        """The rendition of a file inside content/ (made now unless the cache has it); ImageError if
        it cannot be used. Results are remembered for the rest of the build. Thread-safe. ``path`` must
        be resolved (as content_checks.Site.resolve gives it): it is the key, and resolving again on
        every call would cost a syscall per path component."""
        with self._lock:
            if path in self.used:
                return self.used[path]
            if path in self.failures:
                raise ImageError(self.failures[path])
        try:
            description, key = self._describe(path)
        except ImageError as problem:
            with self._lock:
                self.failures[path] = str(problem)
            raise
        rendition = self._rendition(path, key, description)
        with self._lock:
            return self.used.setdefault(path, rendition)

    def prepare(self, paths: Iterable[Path]) -> dict[Path, str]:
        """Make the renditions of many images at once, on every core (Pillow works outside the GIL);
        return {path: why it cannot be used} for the ones that failed."""
        started = time.perf_counter()
        unique = list(dict.fromkeys(paths))
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            for path, failure in zip(unique, pool.map(self._failure, unique), strict=True):
                if failure:
                    self.failures[path] = failure
        self.seconds += time.perf_counter() - started
        return {path: self.failures[path] for path in unique if path in self.failures}

    def _failure(self, path: Path) -> str | None:
        try:
            self.rendition(path)
        except ImageError as problem:
            return str(problem)
        return None

    def _describe(self, path: Path) -> tuple[dict, str]:
        key = self.content_hash(path)
        sidecar = self.folder / f"{key}.json"
        try:
            description = json.loads(sidecar.read_text(encoding="utf-8"))
            if all(self._cache_files(key, description)):
                return description, key
        except (OSError, ValueError):
            pass
        self.folder.mkdir(parents=True, exist_ok=True)
        description = make_derivatives(path, self.folder, key, self.widths)
        with self._lock:
            self.processed += 1
        # Written last, so a half-finished entry is never taken as done.
        _write_atomically(sidecar, lambda stream: stream.write(json.dumps(description).encode("utf-8")))
        return description, key

    def _cache_files(self, key: str, description: dict) -> list[bool]:
        return [
            (self.folder / f"{key}-{width}.{ext}").is_file()
            for width, _height in description["sizes"]
            for ext in dict.fromkeys((description["ext"], "webp"))
        ]

    def _rendition(self, path: Path, key: str, description: dict) -> Rendition:
        relative = path.relative_to(self.content)
        stem = relative.with_suffix("").as_posix()
        ext = description["ext"]
        derivatives = tuple(
            Derivative(
                cache_file=self.folder / f"{key}-{width}.{out_ext}",
                output_path=f"{stem}-{width}.{key[:8]}.{out_ext}",
                width=width,
                height=height,
                ext=out_ext,
            )
            for width, height in description["sizes"]
            for out_ext in dict.fromkeys((ext, "webp"))
        )
        main = [d for d in derivatives if d.ext == ext]
        webp = [d for d in derivatives if d.ext == "webp" and ext != "webp"]
        largest = main[-1]
        return Rendition(
            path=relative.as_posix(),
            width=largest.width,
            height=largest.height,
            url=self.url(largest),
            mime=MIME[ext],
            srcset=", ".join(f"{self.url(d)} {d.width}w" for d in main),
            webp_srcset=", ".join(f"{self.url(d)} {d.width}w" for d in webp),
            derivatives=derivatives,
        )

    def url(self, derivative: Derivative) -> str:
        return f"{self.site_url}/{quote(derivative.output_path)}"

    def write(self, output: Path) -> int:
        """Hard-link (or copy) every derivative this build used into ``output``; return how many."""
        count = 0
        for rendition in self.used.values():
            for derivative in rendition.derivatives:
                place(derivative.cache_file, output / derivative.output_path)
                count += 1
        return count

    def stripped(self, path: Path, largest: int | None = None) -> Path:
        """A cached copy of a content image without EXIF and the like (for the originals Pelican copies),
        made to fit ``largest`` × ``largest`` pixels when given. ImageError if it cannot be read."""
        key = self.content_hash(path)
        fits = f"-{largest}" if largest else ""
        target = self.folder / f"{key}-original{fits}{path.suffix.lower()}"
        if not target.is_file():
            self.folder.mkdir(parents=True, exist_ok=True)
            strip_private_info(path, target, largest)
            with self._lock:
                self.processed += 1
        return target


def place(cache_file: Path, target: Path) -> None:
    """Put a cached file into the output: a hard link when possible (no bytes copied), else a copy.
    An existing file is unlinked first, never written through (it may be a link to content/)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() or target.is_symlink():
        target.unlink()
    try:
        os.link(cache_file, target)
    except OSError:
        shutil.copyfile(cache_file, target)


def picture_element(
    rendition: Rendition,
    alt: str,
    sizes: str,
    *,
    lazy: bool = True,
    css_class: str | None = None,
) -> Element:
    """<picture> with a WebP <source> and an <img> that has width, height, srcset, sizes, loading and
    decoding. The one place this markup is made: the Markdown extension and the templates both use it."""
    picture = Element("picture")
    if css_class:
        picture.set("class", css_class)
    if rendition.webp_srcset:
        source = SubElement(picture, "source")
        source.set("type", "image/webp")
        source.set("srcset", rendition.webp_srcset)
        source.set("sizes", sizes)
    img = SubElement(picture, "img")
    img.set("src", rendition.url)
    img.set("srcset", rendition.srcset)
    img.set("sizes", sizes)
    img.set("width", str(rendition.width))
    img.set("height", str(rendition.height))
    img.set("alt", alt)
    if lazy:
        img.set("loading", "lazy")
    else:
        img.set("fetchpriority", "high")
    img.set("decoding", "async")
    return picture
