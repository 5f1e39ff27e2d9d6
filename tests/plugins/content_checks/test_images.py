"""content_checks.images: content/images/ publishes only images (by their bytes), no symbolic link in
content/ is followed, and a {static} link leads into content/images/."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from checked_folder import site_problems
from content_checks.images import check_files, check_references, publishable, static_file_problem
from PIL import Image

import sitebuild

SETTINGS = sitebuild.load_settings("pelicanconf.py")


def image_bytes(format_name: str) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(stream, format=format_name)
    return stream.getvalue()


JPEG, PNG, GIF, WEBP = (image_bytes(name) for name in ("JPEG", "PNG", "GIF", "WEBP"))
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 16


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.jpg", JPEG, None),
        ("a.JPEG", JPEG, None),
        ("a.png", PNG, None),
        ("a.gif", GIF, None),
        ("a.webp", WEBP, None),
        ("a.jpg", PNG, None),  # another image format under an image's name: a browser shows it
        ("a.jpg", b"<html><script>alert(1)</script>", "filen är en webbsida (HTML), som kan innehålla kod"),
        ("a.png", b"  <svg onload=alert(1)>", "filen är en SVG-bild, som kan innehålla kod"),
        ("a.svg", b'<?xml version="1.0"?><svg/>', "filen är en SVG-bild"),
        ("a.html", b"<!doctype html><p>x", "filen är en webbsida (HTML)"),
        ("a.js", b"alert(document.cookie)", "filen är ett program eller ett skript. Från content/images/"),
        (
            "a.pdf",
            b"%PDF-1.7",
            "filen är ett PDF-dokument. Från content/images/ publiceras bara bilder i JPEG,"
            " PNG, WebP och GIF. Lägg dokumentet på tillvaxtverket.se och länka dit.",
        ),
        ("a.tif", b"II*\x00" + b"\x00" * 20, "en bild i ett format som webbläsare inte visar (TIFF)"),
        ("a.avif", b"\x00\x00\x00\x1cftypavif" + b"\x00" * 16, "ett format som webbläsare inte visar (AVIF)"),
        ("a.mp4", b"\x00\x00\x00\x1cftypisom" + b"\x00" * 16, "filen är en film eller en ljudfil."),
        ("a.docx", b"PK\x03\x04", "filen är ingen bild i JPEG, PNG, WebP eller GIF."),
        ("IMG_2043.HEIC", HEIC, "filen är en HEIC-bild, formatet som iPhone sparar foton i"),
        ("bild.jpg", HEIC, "filen är en HEIC-bild"),  # by its bytes, whatever its name
        (
            "bild.html",
            JPEG,
            "filen är en JPEG-bild men slutar på .html, och då läser webbläsaren den inte som"
            " en bild. Döp om den till bild.jpg.",
        ),
        ("bild", PNG, "filen är en PNG-bild men slutar på ingen filändelse"),
        ("x" * 201 + ".jpg", JPEG, "filnamnet är 205 tecken långt; det kan vara högst 200. Döp om filen."),
        ("inlagg.md", b"Title: x\n\nText", None),  # a post in the wrong folder: that rule's message
        ("inlagg.txt", b"Title: x\n\nText", None),
    ],
)
def test_a_file_in_images_is_published_only_if_its_bytes_are_an_image(name, data, expected):
    problem = static_file_problem(Path(name), data[:32])
    assert problem == expected if expected is None else expected in problem


def test_heic_is_refused_with_how_to_convert_it():
    assert static_file_problem(Path("IMG_2043.heic"), HEIC) == (
        "filen är en HEIC-bild, formatet som iPhone sparar foton i, och webbläsare kan inte visa den. Spara"
        " bilden som JPEG och lägg den här i stället: öppna den i Förhandsvisning på en Mac (Arkiv > Exportera,"
        " välj JPEG) eller i Foton på Windows (Spara som, välj .jpg), eller skicka den till dig själv med"
        " e-post från iPhonen, som då gör en JPEG. Ta sedan bort HEIC-filen."
    )


def _files(tmp_path: Path, files: dict[str, bytes], links: dict[str, str] = {}) -> list:  # noqa: B006
    for relative, data in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(data)
    for relative, target in links.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, tmp_path / relative)

    def rule(site):
        site.settings = SETTINGS
        return check_files(site)

    return site_problems(tmp_path, {}, rule)


def test_every_symbolic_link_in_content_is_refused_and_never_followed(tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-utanfor"
    outside.mkdir()
    (outside / "hemlig.md").write_text("Title: Hemlig\n\nroot:x:0:0\n", encoding="utf-8")
    problems = _files(
        tmp_path,
        {"images/2018/hamn.jpg": JPEG},
        {
            "images/2018/pw.jpg": "/etc/passwd",
            "images/etc": "/etc",
            "posts/conf.md": str(outside / "hemlig.md"),
            "pages/env.md": "/proc/self/environ",
            "authors/anna.md": str(outside / "hemlig.md"),
            "comments/x.toml": "/etc/hostname",
            "posts/2019": str(outside),
        },
    )
    assert [(name, field) for name, _line, field, _message in problems] == [
        ("anna.md", "filen"),
        ("x.toml", "filen"),
        ("pw.jpg", "filen"),
        ("etc", "mappen"),
        ("env.md", "filen"),
        ("2019", "mappen"),
        ("conf.md", "filen"),
    ]
    assert problems[2][3] == (
        "filen är en symbolisk länk (till /etc/passwd). Bygget följer aldrig länkar, eftersom en länk kan peka på"
        " vad som helst på datorn, och det som den pekar på skulle publiceras. Ta bort länken och lägg filen"
        " själv här i stället."
    )


def test_the_litter_of_operating_systems_is_skipped_silently(tmp_path):
    litter = {"images/Thumbs.db": b"\xd0\xcf", "images/.DS_Store": b"\x00\x00\x00\x01Bud1",
              "images/2018/desktop.ini": b"[.ShellClassInfo]", "images/2018/._hamn.jpg": b"\x00\x05\x16\x07",
              "posts/.DS_Store": b"Bud1", "images/2018/hamn.jpg": JPEG}  # fmt: skip
    assert _files(tmp_path, litter) == []
    # Pelican never lists them (IGNORE_FILES), and would not copy them if it did.
    assert [name for name in litter if publishable(tmp_path, name, SETTINGS)] == ["images/2018/hamn.jpg"]


def test_pelican_publishes_only_images_from_images(tmp_path):
    files = {
        "images/a.jpg": JPEG,
        "images/b.jpg": b"<script>alert(1)</script>",
        "images/c.js": b"alert(1)",
        "images/d.md": b"Title: Ett inl\xc3\xa4gg",
        "images/e.png": PNG,
        "comments/x.toml": b'[[comment]]\nemail = "k@example.se"',
        "posts/x.jpg": JPEG,
    }
    _files(tmp_path, files, {"images/f.jpg": str(tmp_path / "images/a.jpg")})
    kept = [name for name in [*files, "images/f.jpg"] if publishable(tmp_path, name, SETTINGS)]
    assert kept == ["images/a.jpg", "images/e.png"]


def test_a_static_link_outside_images_is_refused(tmp_path):
    files = {
        "posts/x.md": "Title: X\n\n[Kommentarerna]({static}/comments/x.toml) och ![Bild]({static}/posts/b.jpg)\n",
        "comments/x.toml": "[[comment]]\n",
        "posts/b.jpg": "",
    }

    def rule(site):
        from content_checks.reading import parse_source

        site.settings = SETTINGS
        site.sources = [parse_source(site.root / "posts/x.md", "post")]
        return check_references(site)

    problems = site_problems(tmp_path, files, rule)
    assert [problem[3] for problem in problems] == [
        "brödtexten: {static}/comments/x.toml ligger utanför content/images/, och bara bilder där publiceras."
        " Lägg filen i content/images/ och skriv {static}/images/…",
        "brödtexten: {static}/posts/b.jpg ligger utanför content/images/, och bara bilder där publiceras. Lägg"
        " filen i content/images/ och skriv {static}/images/…",
    ]
