"""Pure functions of figures.images: widths, derivatives, the content-hash cache and EXIF stripping."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from figures.images import (
    ImageError,
    ImageStore,
    has_private_info,
    open_image,
    strip_private_info,
    target_widths,
)
from PIL import ExifTags, Image

pytestmark = pytest.mark.cold_images  # counts and checks the image cache's own work


def photo(path: Path, size=(1000, 600), orientation: int | None = None, gps: bool = True) -> Path:
    """A JPEG like a phone's: EXIF with camera, GPS position and (optionally) a rotation flag."""
    image = Image.new("RGB", size, (200, 120, 40))
    image.paste((20, 40, 200), (0, 0, size[0] // 4, size[1] // 4))  # a marker in the top-left corner
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Telefon"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(
            {
                ExifTags.GPS.GPSLatitudeRef: "N",
                ExifTags.GPS.GPSLatitude: (59.0, 19.0, 48.0),
                ExifTags.GPS.GPSLongitudeRef: "E",
                ExifTags.GPS.GPSLongitude: (18.0, 4.0, 12.0),
            }
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, exif=exif, quality=90)
    return path


def test_photo_helper_really_writes_gps(tmp_path):
    with Image.open(photo(tmp_path / "p.jpg")) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (3000, [480, 960, 1600]),
        (1600, [480, 960, 1600]),
        (1200, [480, 960, 1200]),
        (1000, [480, 1000]),
        (500, [500]),
        (300, [300]),
    ],
)
def test_target_widths_never_upscale(width, expected):
    assert target_widths(width) == expected


def store(tmp_path: Path) -> ImageStore:
    return ImageStore(tmp_path / "content", tmp_path / "cache", "https://example.se")


def test_rendition_derivatives_exist_with_their_sizes_and_no_exif(tmp_path):
    source = photo(tmp_path / "content/images/2019/båt i hamn.jpg", size=(2000, 1000))
    rendition = store(tmp_path).rendition(source)
    assert (rendition.width, rendition.height) == (1600, 800)
    assert rendition.url.startswith("https://example.se/images/2019/b%C3%A5t%20i%20hamn-1600.")
    assert rendition.url.endswith(".jpg")
    assert [d.width for d in rendition.derivatives] == [480, 480, 960, 960, 1600, 1600]
    assert rendition.srcset.count(" 480w") == 1
    assert rendition.webp_srcset.count(".webp") == 3
    for derivative in rendition.derivatives:
        with Image.open(derivative.cache_file) as image:
            assert image.size == (derivative.width, derivative.height)
            assert image.format == {"jpg": "JPEG", "webp": "WEBP"}[derivative.ext]
            assert not image.getexif()
        assert not has_private_info(derivative.cache_file)


def test_orientation_is_applied_before_exif_is_dropped(tmp_path):
    # Orientation 6: stored landscape, shown rotated 90° clockwise, so the image is portrait.
    source = photo(tmp_path / "content/images/r.jpg", size=(1000, 600), orientation=6)
    rendition = store(tmp_path).rendition(source)
    assert (rendition.width, rendition.height) == (600, 1000)
    with Image.open(rendition.derivatives[-2].cache_file) as image:
        # the blue marker, stored top-left, is top-right once upright
        assert image.getpixel((image.width - 5, 5))[2] > 150
        assert image.getpixel((5, 5))[2] < 100


def test_same_content_is_processed_once_across_stores_and_cache_can_be_deleted(tmp_path):
    source = photo(tmp_path / "content/images/a.jpg")
    copy = tmp_path / "content/images/kopia.jpg"
    copy.write_bytes(source.read_bytes())
    first = store(tmp_path)
    first.rendition(source)
    first.rendition(copy)  # same bytes, other name: the cache entry is reused
    assert first.processed == 1
    second = store(tmp_path)
    assert second.rendition(source).srcset == first.rendition(source).srcset
    assert second.processed == 0
    for file in (tmp_path / "cache").rglob("*"):
        if file.is_file():
            file.unlink()
    third = store(tmp_path)
    third.rendition(source)
    assert third.processed == 1


def test_half_written_cache_entry_is_made_again(tmp_path):
    source = photo(tmp_path / "content/images/a.jpg")
    rendition = store(tmp_path).rendition(source)
    rendition.derivatives[0].cache_file.unlink()
    again = store(tmp_path)
    again.rendition(source)
    assert again.processed == 1
    assert rendition.derivatives[0].cache_file.is_file()


def test_png_with_transparency_keeps_png_and_alpha(tmp_path):
    source = tmp_path / "content/images/logo.png"
    source.parent.mkdir(parents=True)
    Image.new("RGBA", (500, 200), (0, 0, 0, 0)).save(source)
    rendition = store(tmp_path).rendition(source)
    assert rendition.mime == "image/png"
    with Image.open(rendition.derivatives[0].cache_file) as image:
        assert image.mode == "RGBA"


def test_webp_original_gets_one_srcset(tmp_path):
    source = tmp_path / "content/images/w.webp"
    source.parent.mkdir(parents=True)
    Image.new("RGB", (1000, 500), (1, 2, 3)).save(source)
    rendition = store(tmp_path).rendition(source)
    assert rendition.mime == "image/webp"
    assert rendition.webp_srcset == ""
    assert len(rendition.derivatives) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"inte en bild", "ingen bild i ett format"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "ingen bild i ett format"),
        ("truncated", "trasig eller ofullständig"),
    ],
)
def test_unreadable_images_raise_a_swedish_error(tmp_path, data, message):
    path = tmp_path / "content/images/x.jpg"
    if data == "truncated":
        full = photo(tmp_path / "full.jpg").read_bytes()
        data = full[: len(full) // 2]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    with pytest.raises(ImageError, match=message):
        open_image(path)
    with pytest.raises(ImageError, match=message):
        store(tmp_path).rendition(path)


def test_animated_image_is_refused(tmp_path):
    path = tmp_path / "a.gif"
    frames = [Image.new("RGB", (20, 20), color) for color in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.raises(ImageError, match="animerade"):
        open_image(path)


def test_strip_private_info_keeps_the_picture_and_drops_gps(tmp_path):
    source = photo(tmp_path / "gps.jpg", orientation=6)
    assert has_private_info(source)
    target = tmp_path / "clean.jpg"
    strip_private_info(source, target)
    assert not has_private_info(target)
    with Image.open(target) as image:
        assert image.size == (600, 1000)


def test_png_text_chunks_count_as_private(tmp_path):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Anna Berg")
    path = tmp_path / "t.png"
    Image.new("RGB", (10, 10)).save(path, pnginfo=info)
    assert has_private_info(path)


def test_hash_index_skips_reading_unchanged_files_and_sees_changed_ones(tmp_path):
    source = photo(tmp_path / "content/images/a.jpg")
    first = store(tmp_path)
    old = first.rendition(source)
    first.save_hashes()
    index = json.loads((first.folder / "hashes.json").read_text(encoding="utf-8"))
    assert index[str(source)][4] == hashlib.sha256(source.read_bytes()).hexdigest()
    photo(source, size=(900, 600))  # edited: new bytes, new mtime
    second = store(tmp_path)
    new = second.rendition(source)
    assert second.processed == 1
    assert new.url != old.url
    assert (new.width, new.height) == (900, 600)


def test_hash_index_sees_a_file_replaced_at_the_same_size_and_time(tmp_path):
    """cp -p, rsync -t and tar keep size and mtime: the index also compares the ctime, which they cannot set."""
    source = photo(tmp_path / "content/images/a.jpg")
    first = store(tmp_path)
    first.rendition(source)
    first.save_hashes()
    found = source.stat()
    data = bytearray(source.read_bytes())
    data[-3] ^= 0xFF  # other bytes inside the image data, same length
    source.write_bytes(bytes(data))
    os.utime(source, ns=(found.st_atime_ns, found.st_mtime_ns))
    assert (source.stat().st_size, source.stat().st_mtime_ns) == (found.st_size, found.st_mtime_ns)
    assert store(tmp_path).content_hash(source) == hashlib.sha256(bytes(data)).hexdigest()


def test_two_images_with_the_same_bytes_are_described_at_once_without_a_clash(tmp_path, monkeypatch):
    """Two files with the same bytes (a copy of a photo under another name) share one cache entry; the
    build's threads make it for both at the same moment. Fails if the entry's description goes through
    one temporary file name (the mutant tried: ``<key>.json.tmp``, as before): the second rename finds
    nothing (FileNotFoundError, seen in a suite run)."""
    import threading

    import figures.images

    make = figures.images.make_derivatives
    together = threading.Barrier(2, timeout=30)

    def in_step(*args, **kwargs):
        description = make(*args, **kwargs)
        together.wait()  # both threads then write the description at once
        return description

    monkeypatch.setattr(figures.images, "make_derivatives", in_step)
    for attempt in range(10):
        content = tmp_path / f"content-{attempt}"
        first = photo(content / "images/a.jpg", gps=False)
        second = content / "images/b.jpg"
        second.write_bytes(first.read_bytes())
        images = ImageStore(content, tmp_path / f"cache-{attempt}", "")
        assert images.prepare([first.resolve(), second.resolve()]) == {}
        assert (
            images.rendition(first.resolve()).srcset.replace("/a-", "/b-")
            == images.rendition(second.resolve()).srcset
        )
        assert [path.name for path in images.folder.glob(".tmp-*")] == []
