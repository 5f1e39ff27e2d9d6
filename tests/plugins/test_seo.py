"""Pure functions of the seo plugin: plain text from HTML, addresses, the top image's address."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import soup
from seo import (
    absolute_url,
    image_url,
    page_title,
    plain_text,
    public_base,
    shorten,
    site_image,
    top_image,
    url_of_file,
)


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p>Det viktigaste blev&nbsp;mötena.</p>", "Det viktigaste blev mötena."),
        ('Hav <span class="amp">&amp;</span> land', "Hav & land"),
        ("<p>Koden &lt;b&gt; visas som text</p>", "Koden <b> visas som text"),
        ("&amp;nbsp; skrevs ut", "&nbsp; skrevs ut"),  # decoded once, never twice
        ("<p>Rad ett\n</p>\n<p>rad två</p>", "Rad ett rad två"),
        ("”Citat” och ’ord’", "”Citat” och ’ord’"),
        (None, ""),
    ],
)
def test_plain_text_strips_tags_and_decodes_entities_once(fragment, expected):
    assert plain_text(fragment) == expected


def test_shorten_cuts_at_a_word_and_marks_it():
    text = "Bredbandet når allt fler orter, men det är vardagsanvändningen som avgör"
    assert shorten(text, 200) == text
    assert shorten(text, 32) == "Bredbandet når allt fler orter…"
    assert len(shorten(text, 32)) <= 32


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"SITEURL": "https://bloggarkiv.example.se/", "FEED_DOMAIN": "x"}, "https://bloggarkiv.example.se"),
        ({"SITEURL": "", "FEED_DOMAIN": "http://localhost:8000"}, "http://localhost:8000"),
        ({"SITEURL": "../..", "FEED_DOMAIN": "http://localhost:8000"}, "http://localhost:8000"),
    ],
)
def test_public_base_is_always_absolute(settings, expected):
    assert public_base(settings) == expected


@pytest.mark.parametrize(
    ("save_as", "url"),
    [
        ("index.html", ""),
        ("kategorier/turism/index.html", "kategorier/turism/"),
        ("sida/2/index.html", "sida/2/"),
        ("404.html", "404.html"),
    ],
)
def test_url_of_file(save_as, url):
    assert url_of_file(save_as) == url


def test_absolute_url_keeps_absolute_addresses():
    assert absolute_url("https://a.se", "2018/02/x/") == "https://a.se/2018/02/x/"
    assert absolute_url("https://a.se", "/om/") == "https://a.se/om/"
    assert absolute_url("https://a.se", "https://b.se/bild.jpg") == "https://b.se/bild.jpg"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("{static}/images/2018/hamn.jpg", "https://a.se/images/2018/hamn.jpg"),
        ("images/2018/hamn.jpg", "https://a.se/images/2018/hamn.jpg"),
        ("/images/2018/hamn.jpg", "https://a.se/images/2018/hamn.jpg"),
        ("{static}../../images/2018/hamn.jpg", "https://a.se/images/2018/hamn.jpg"),  # relative to the post
        ("https://cdn.example.se/x.jpg", "https://cdn.example.se/x.jpg"),
        ("", None),
    ],
)
def test_image_url_resolves_static_and_plain_paths(tmp_path: Path, reference, expected):
    content = tmp_path / "content"
    (content / "posts/2018").mkdir(parents=True)
    settings = {"PATH": str(content), "SITEURL": "https://a.se", "STATIC_URL": "{path}"}
    assert image_url(reference, str(content / "posts/2018/x.md"), settings) == expected


def test_top_image_prefers_the_figures_rendition_with_its_size(tmp_path: Path):
    settings = {"PATH": str(tmp_path), "SITEURL": "", "FEED_DOMAIN": "http://localhost:8000"}
    rendition = SimpleNamespace(url="/images/2018/hamn-1600.jpg", width=1600, height=900, mime="image/jpeg")
    with_rendition = SimpleNamespace(top_image=rendition, metadata={"image": "{static}/images/2018/hamn.jpg"})
    assert top_image(with_rendition, settings) == {
        "url": "http://localhost:8000/images/2018/hamn-1600.jpg",
        "width": 1600,
        "height": 900,
        "type": "image/jpeg",
    }
    plain = SimpleNamespace(
        metadata={"image": "{static}/images/2018/hamn.jpg"}, source_path=str(tmp_path / "x.md")
    )
    assert top_image(plain, settings) == {
        "url": "http://localhost:8000/images/2018/hamn.jpg",
        "width": None,
        "height": None,
        "type": None,
    }
    assert top_image(SimpleNamespace(top_image=None, metadata={}, source_path=None), settings) is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Inlägg i kategorin Turism – Tillväxtverkets bloggarkiv", "Inlägg i kategorin Turism"),
        ("Alla inlägg, sida 2 av 60 – Tillväxtverkets bloggarkiv", "Alla inlägg, sida 2 av 60"),
        ("Tillväxtverkets bloggarkiv", "Tillväxtverkets bloggarkiv"),  # the start page
        ("Forskning &amp; <em>utveckling</em> – Tillväxtverkets bloggarkiv", "Forskning & utveckling"),
        (None, "Tillväxtverkets bloggarkiv"),
    ],
)
def test_a_page_is_shared_under_its_title_without_the_site_name(title, expected):
    assert page_title(title, {"SITENAME": "Tillväxtverkets bloggarkiv"}) == expected


def test_the_site_image_is_absolute_with_its_size():
    settings = {"SITEURL": "https://a.se/arkiv", "THEME_STATIC_DIR": "theme"}
    assert site_image(settings) == {
        "url": "https://a.se/arkiv/theme/share.png",
        "width": 1200,
        "height": 630,
        "type": "image/png",
        "site": True,
    }
    assert site_image({**settings, "SEO": {"image": None}}) is None


# ---------- the published site ----------


def shared(path: Path) -> dict[str, str]:
    """A page's Open Graph properties and its robots and canonical signals."""
    page = soup(path)
    values = {tag["property"]: tag["content"] for tag in page.find_all("meta", property=True)}
    robots = page.find("meta", attrs={"name": "robots"})
    canonical = page.find("link", rel="canonical")
    values["robots"] = robots["content"] if robots else ""
    values["canonical"] = canonical["href"] if canonical else ""
    return values


def test_every_page_has_its_own_og_title_and_an_og_image(published_site):
    from PIL import Image

    siteurl = "https://bloggarkiv.tillvaxtverket.se"
    pages = {
        path.relative_to(published_site).as_posix(): shared(path) for path in published_site.rglob("*.html")
    }
    assert len(pages) > 50
    titles: dict[str, set[str]] = {}
    for path, values in pages.items():
        image = values.get("og:image", "")
        assert image.startswith(f"{siteurl}/"), path
        with Image.open(published_site / image.removeprefix(f"{siteurl}/")) as file:  # a published file
            assert file.size == (int(values["og:image:width"]), int(values["og:image:height"])), path
        assert values["og:image:alt"] or "alt" not in values, path
        # A redirect page shares its post's address and title; every other page has its own.
        titles.setdefault(values["og:title"], set()).add(values.get("og:url", path))
    shared_titles = {title: urls for title, urls in titles.items() if len(urls) > 1}
    assert shared_titles == {}
    tag_pages = [values["og:title"] for path, values in pages.items() if path.startswith("taggar/")]
    assert "Inlägg med taggen industri" in tag_pages
    assert pages["index.html"]["og:image"] == f"{siteurl}/theme/share.png"
    assert (pages["index.html"]["og:image:width"], pages["index.html"]["og:image:height"]) == ("1200", "630")
    descriptions = {
        values["og:description"] for path, values in pages.items() if path.startswith("kategorier/")
    }
    assert len(descriptions) == len([p for p in pages if p.startswith("kategorier/")])  # each its own


def test_a_redirect_page_gives_one_signal_the_canonical_address(published_site):
    redirects = [
        path for path in published_site.rglob("*.html") if 'http-equiv="refresh"' in path.read_text()
    ]
    assert redirects
    for path in redirects:
        values = shared(path)
        assert values["robots"] == "", path
        assert values["canonical"].startswith("https://bloggarkiv.tillvaxtverket.se/20"), path
