"""Markdown fragments through the figures extension, configured as pelicanconf configures it (with
extra and smarty), compared as whole rendered output."""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement

import markdown
import pytest
from figures.mdx_figures import render_inline, static_path

import sitebuild

EXTENSION = "figures.mdx_figures"


def project_markdown(**figure_config) -> markdown.Markdown:
    settings = sitebuild.load_settings("pelicanconf.py")["MARKDOWN"]
    configs = dict(settings["extension_configs"])
    assert EXTENSION in configs, "pelicanconf.py must attach the figures extension"
    configs[EXTENSION] = {**configs[EXTENSION], **figure_config}
    return markdown.Markdown(
        extensions=list(configs), extension_configs=configs, output_format=settings["output_format"]
    )


def render(source: str, **figure_config) -> str:
    return project_markdown(**figure_config).convert(source)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            '![Båt i hamn]({static}/images/b.jpg "Båten i hamn")',
            '<figure class="bk-figure"><img alt="Båt i hamn" src="{static}/images/b.jpg">'
            "<figcaption>Båten i hamn</figcaption>\n</figure>",
        ),
        (
            "![Båt i hamn]({static}/images/b.jpg)",
            '<figure class="bk-figure"><img alt="Båt i hamn" src="{static}/images/b.jpg"></figure>',
        ),
        (
            "Text med ![ikon]({static}/images/i.png) i mitten.",
            '<p>Text med <img alt="ikon" src="{static}/images/i.png"> i mitten.</p>',
        ),
        (
            'Text med ![ikon](images/i.png "Ikonens titel").',
            '<p>Text med <img alt="ikon" src="{static}/images/i.png" title="Ikonens titel">.</p>',
        ),
        (
            "![Plan sökväg](images/2018/b.jpg)",
            '<figure class="bk-figure"><img alt="Plan sökväg" src="{static}/images/2018/b.jpg"></figure>',
        ),
        (
            "![Från roten](/images/b.jpg)",
            '<figure class="bk-figure"><img alt="Från roten" src="{static}/images/b.jpg"></figure>',
        ),
        (
            '![Extern](https://example.se/b.jpg "Extern bild")',
            '<figure class="bk-figure"><img alt="Extern" src="https://example.se/b.jpg">'
            "<figcaption>Extern bild</figcaption>\n</figure>",
        ),
        (
            '![Tecken & "citat"](images/b.jpg "Å & ö: <b>fet</b> \'enkla\' och *kursiv*")',
            '<figure class="bk-figure"><img alt="Tecken &amp; &quot;citat&quot;" src="{static}/images/b.jpg">'
            "<figcaption>Å &amp; ö: &lt;b&gt;fet&lt;/b&gt; ’enkla’ och <em>kursiv</em>"
            "</figcaption>\n</figure>",
        ),
        (
            "![Två](images/a.jpg) ![bilder](images/b.jpg)",
            '<p><img alt="Två" src="{static}/images/a.jpg"> <img alt="bilder" src="{static}/images/b.jpg"></p>',
        ),
        (
            "[![Länkad](images/a.jpg)](https://example.se)",
            '<p><a href="https://example.se"><img alt="Länkad" src="{static}/images/a.jpg"></a></p>',
        ),
        (
            '![Tom titel](images/a.jpg "  ")',
            '<figure class="bk-figure"><img alt="Tom titel" src="{static}/images/a.jpg"></figure>',
        ),
    ],
    ids=[
        "alone-with-title",
        "alone-without-title",
        "inline",
        "inline-keeps-title",
        "plain-path",
        "root-path",
        "external",
        "special-characters",
        "two-images-stay-inline",
        "linked-image-stays-inline",
        "blank-title",
    ],
)
def test_figures_from_plain_markdown(source, expected):
    assert render(source) == expected


def test_caption_never_renders_raw_html_from_the_title():
    html = render('![x](images/a.jpg "<script>alert(1)</script><img src=x onerror=alert(2)>")')
    assert "<script" not in html
    assert html.count("<img") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html


def fake_picture(src: str, alt: str):
    """Stands in for the Pelican glue's hook: a <picture> for content images, None for others."""
    if not src.startswith("{static}"):
        return None
    picture = Element("picture")
    img = SubElement(picture, "img")
    img.set("src", src.replace("{static}", "/site"))
    img.set("alt", alt)
    img.set("width", "480")
    return picture


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            '![Båt](images/b.jpg "Båten")',
            '<figure class="bk-figure"><picture><img alt="Båt" src="/site/images/b.jpg" width="480"></picture>'
            "<figcaption>Båten</figcaption>\n</figure>",
        ),
        (
            'En ![ikon](images/i.png "Titel") här.',
            '<p>En <picture><img alt="ikon" src="/site/images/i.png" title="Titel" width="480"></picture> här.</p>',
        ),
        (
            "![Extern](https://example.se/b.jpg)",
            '<figure class="bk-figure"><img alt="Extern" src="https://example.se/b.jpg"></figure>',
        ),
    ],
    ids=["figure", "inline", "hook-declines"],
)
def test_picture_hook_replaces_images(source, expected):
    assert render(source, picture=fake_picture) == expected


def test_figure_class_is_configurable():
    assert (
        render("![a](images/a.jpg)", figure_class="")
        == '<figure><img alt="a" src="{static}/images/a.jpg"></figure>'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Temadagen i *maj*", "Temadagen i <em>maj</em>"),
        ('Hon sa "hej" & gick', "Hon sa ”hej” &amp; gick"),
        ("<b>fet</b> å", "&lt;b&gt;fet&lt;/b&gt; å"),
        ("# Ingen rubrik", "# Ingen rubrik"),
        ("1. Ingen lista", "1. Ingen lista"),
    ],
)
def test_render_inline_for_metadata_captions(text, expected):
    assert render_inline(project_markdown(), text) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("images/a.jpg", "{static}/images/a.jpg"),
        ("/images/a.jpg", "{static}/images/a.jpg"),
        ("{static}/images/a.jpg", "{static}/images/a.jpg"),
        ("{attach}a.jpg", "{attach}a.jpg"),
        ("https://example.se/a.jpg", "https://example.se/a.jpg"),
        ("//cdn.example.se/a.jpg", "//cdn.example.se/a.jpg"),
        ("data:image/png;base64,AAAA", "data:image/png;base64,AAAA"),
        ("", ""),
    ],
)
def test_static_path(src, expected):
    assert static_path(src) == expected
