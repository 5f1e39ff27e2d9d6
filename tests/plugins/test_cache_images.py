"""Caches and processes that can be trusted (issue 16): images a cached or parallel conversion asked for
are not lost, and a rebuild is the site built from scratch."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_site, copy_site, soup, write_files
from content_checks import ContentError
from content_checks.images import body_images
from test_figures import assert_images_are_right

pytestmark = pytest.mark.cold_images  # counts and checks the image cache's own work

REFERENCE_POST = """Title: Bilder med referenser
Date: 2018-04-01 10:00
Author: Anna Berg
Category: Smart industri
Summary: En sammanfattning med en bild: ![Hamnen i liten skala][hamn]

En bild som skrivs med en referens, som konverterare från HTML ofta gör:

![Hamnen i kvällsljus][hamn]

Och i löptext ![hamnen][hamn] mitt i en mening.

[hamn]: {static}/images/2018/referens.jpg "Kvällen vid bryggan. Foto: Tillväxtverket"
"""
REFERENCE_PAGE = "2018/04/bilder-med-referenser/index.html"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    content = copy_site("minimal", tmp_path)
    image = (content / "images/2018/hamn.jpg").read_bytes()
    return write_files(
        content, {"posts/2018/referenser.md": REFERENCE_POST, "images/2018/referens.jpg": image}
    )


def derivative_count(output: Path) -> int:
    return len([path for path in output.rglob("referens-*") if path.is_file()])


@pytest.mark.parametrize("options", [{}, {"CONTENT_CACHE": {"parallel_from": 1}}], ids=["serial", "workers"])
def test_reference_style_images_keep_their_files_on_every_build(tmp_path, content, options):
    output = tmp_path / "output"
    for _build in ("cold", "warm"):
        build_site(content, output, **options)
        page = soup(output / REFERENCE_PAGE)
        assert page.select("main picture"), "the reference-style image is a <picture>"
        assert assert_images_are_right(output) > 0
        assert derivative_count(output) > 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("![a](x.jpg) och <img src='y.png'>", ["x.jpg", "y.png"]),
        ("![a][Hamn  Bild]\n\n[hamn bild]: {static}/images/h.jpg 'T'", ["{static}/images/h.jpg"]),
        ("![a][]\n![b]\n\n[a]: <a.jpg>\n [b]: b.jpg", ["a.jpg", "b.jpg"]),
        ("![inte en bild][saknas] och [länk]: text", []),
        ("[x]: x.jpg\n\n[länk][x] är en länk, ingen bild", []),
    ],
)
def test_body_images_resolve_reference_definitions(text, expected):
    assert list(body_images(text)) == expected


def test_a_missing_reference_style_image_stops_the_build(tmp_path, content):
    """A plain path (no {static}) is only an image address through its reference definition."""
    post = content / "posts/2018/referenser.md"
    post.write_text(post.read_text(encoding="utf-8").replace("{static}/images/2018/referens.jpg",
                                                             "images/2018/referns.jpg"), encoding="utf-8")  # fmt: skip
    with pytest.raises(ContentError) as error:
        build_site(content, tmp_path / "output")
    message = str(error.value)
    assert "posts/2018/referenser.md\n" in message
    assert "brödtexten: filen images/2018/referns.jpg finns inte." in message
    assert "Menade du referens.jpg?" in message
