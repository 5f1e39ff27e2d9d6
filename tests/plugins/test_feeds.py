"""feeds: language, every author, the top image and a Swedish page in browsers, in real built feeds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SITES, build_site, copy_site, write_files
from feeds import site_path

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITEURL = "https://bloggarkiv.tillvaxtverket.se"
SHARED_POST = "Små företag hittar nya vägar till exportmarknaden"


def entries(feed: Path) -> dict[str, ET.Element]:
    root = ET.parse(feed).getroot()
    return {entry.findtext(f"{ATOM}title").replace("\xa0", " "): entry for entry in root.iter(f"{ATOM}entry")}


def test_every_feed_declares_swedish_and_uses_the_pages_dash(published_site):
    feeds = sorted(published_site.rglob("flode.xml"))
    assert len(feeds) >= 5
    for feed in feeds:
        root = ET.parse(feed).getroot()
        assert root.get(XML_LANG) == "sv", feed
        assert " - " not in root.findtext(f"{ATOM}title"), feed
    category = ET.parse(published_site / "kategorier/digitalisering/flode.xml").getroot()
    assert category.findtext(f"{ATOM}title") == "Tillväxtverkets bloggarkiv – Digitalisering"


def test_a_co_written_post_has_one_author_element_per_author(published_site):
    entry = entries(published_site / "flode.xml")[SHARED_POST]
    authors = [(a.findtext(f"{ATOM}name"), a.findtext(f"{ATOM}uri")) for a in entry.findall(f"{ATOM}author")]
    assert authors == [
        ("Johan Lindqvist", f"{SITEURL}/skribenter/johan-lindqvist/"),
        ("Maria Ekdahl", f"{SITEURL}/skribenter/maria-ekdahl/"),
    ]
    # …in every feed the post is in, and every entry has at least one (RFC 4287 4.1.2)
    for feed in published_site.rglob("flode.xml"):
        for title, element in entries(feed).items():
            assert element.findall(f"{ATOM}author"), (feed, title)


def test_the_top_image_leads_the_entry_with_its_alt_text_and_caption(published_site):
    entry = entries(published_site / "flode.xml")[SHARED_POST]
    content = entry.findtext(f"{ATOM}content")
    figure = re.match(r'<figure><img src="([^"]+)" alt="([^"]*)" width="(\d+)" height="(\d+)">', content)
    assert figure, content[:200]
    src, alt, width, _ = figure.groups()
    assert src.startswith(f"{SITEURL}/images/2020/exportmarknad-960.")
    assert (published_site / src.removeprefix(f"{SITEURL}/")).is_file()  # a file the build published
    assert width == "960"
    assert alt.startswith("Stiliserad jordglob")
    # A post without a top image starts with its text.
    plain = entries(published_site / "flode.xml")["Unga entreprenörer tar plats i Norrbotten"]
    assert plain.findtext(f"{ATOM}content").startswith("<p>")


def test_a_caption_and_a_decorative_image_come_through_escaped_once(tmp_path, builder):
    content = copy_site("minimal", tmp_path)
    write_files(
        content,
        {
            "posts/bild.md": "Title: Bild & text\nDate: 2018-08-01 10:00\nAuthor: Anna Berg\nCategory: Turism\n"
            'Image: {static}/images/2018/hamn.jpg\nImage_alt: ""\nImage_caption: Hamnen *i* "kväll" & natt\n\n'
            "Text.\n"
        },
    )
    output = builder(content, settings_file="publishconf.py")
    body = entries(output / "flode.xml")["Bild & text"].findtext(f"{ATOM}content")
    assert re.match(
        r'<figure><img src="[^"]+" alt="" width="\d+" height="\d+"><figcaption>Hamnen <em>i</em> ', body
    )
    assert "&amp; natt</figcaption></figure>" in body


def test_every_feed_names_the_stylesheet_from_the_sites_own_origin(published_site):
    stylesheet = published_site / "flode.xsl"
    assert stylesheet.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    ET.parse(stylesheet)  # well-formed XML
    for feed in published_site.rglob("flode.xml"):
        head = feed.read_text(encoding="utf-8")[:200]
        assert f'<?xml-stylesheet type="text/xsl" href="{SITEURL}/flode.xsl"?>' in head, feed
        assert head.index("<?xml-stylesheet") < head.index("<feed")


@pytest.mark.parametrize(
    ("link", "siteurl", "expected"),
    [
        ("https://a.se/2021/03/x/", "https://a.se", "2021/03/x/"),
        ("https://org.github.io/arkiv/2021/03/x/", "https://org.github.io/arkiv", "2021/03/x/"),
        ("/2021/03/x/", "", "2021/03/x/"),
    ],
)
def test_site_path_finds_the_post_of_an_entry(link, siteurl, expected):
    assert site_path(link, siteurl) == expected


def test_a_site_without_feeds_gets_no_stylesheet(tmp_path):
    output = build_site(
        SITES / "minimal" / "content",
        tmp_path / "output",
        FEED_ALL_ATOM=None,
        CATEGORY_FEED_ATOM=None,
        AUTHOR_FEED_ATOM=None,
    )
    assert not (output / "flode.xsl").exists()


@pytest.mark.browser
def test_a_feed_opened_in_chromium_is_a_swedish_page(page, sample_site, sample_url):
    """Chromium 156 still runs XSLT (under a deprecation banner of its own, in English)."""
    feed = sample_site / "kategorier/digitalisering/flode.xml"
    expected = list(entries(feed))
    page.goto(sample_url + "/kategorier/digitalisering/flode.xml")
    assert page.title() == "Prenumerera på Tillväxtverkets bloggarkiv – Digitalisering"
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1").inner_text() == "Prenumerera på Tillväxtverkets bloggarkiv – Digitalisering"
    assert "Det här är ett Atom-flöde." in page.locator("main").inner_text()
    assert page.locator("code").inner_text() == "http://localhost:8000/kategorier/digitalisering/flode.xml"
    posts = page.locator("main li a")
    assert [text.replace("\xa0", " ") for text in posts.all_inner_texts()] == expected
    assert posts.first.get_attribute("href") == "/2018/09/oppna-data-som-grund-for-nya-tjanster/"
    assert page.locator("main li time").first.inner_text() == "12 september 2018"
    # the site's own stylesheet, from the site: the page looks like the rest of the archive
    assert page.evaluate("() => getComputedStyle(document.querySelector('.bk-header')).backgroundColor") == (
        "rgb(0, 69, 124)"
    )
