"""Whole-site tests of the authors plugin: cards on posts, author pages, the index, feeds, validation."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import conftest
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, SITES, build_site, copy_site, soup, write_files
from content_checks import ContentError

AUTHORS_SITE = SITES / "authors" / "content"
ATOM = "{http://www.w3.org/2005/Atom}"
ANNAS_POSTS_NEWEST_FIRST = [
    "Annas senaste inlägg",
    "Två skribenter med Author",
    "Två skribenter med Authors",
    "Ett inlägg av Anna",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/sites/authors built once, three posts a listing page so that author pages paginate."""
    return build_site(AUTHORS_SITE, tmp_path_factory.mktemp("authors") / "output", DEFAULT_PAGINATION=3)


def post(site: Path, path: str):
    return soup(site / path / "index.html")


def cards(page) -> list:
    return page.select("article.bk-post .bk-authors .bk-author")


def texts(elements) -> list[str]:
    return [element.get_text(" ", strip=True).replace("\xa0", " ") for element in elements]


def test_post_with_one_author_has_a_full_card_inside_its_article(site):
    (card,) = cards(post(site, "2018/02/ett-inlagg-av-anna"))
    link = card.select_one(".bk-author__name a")
    assert link.get_text() == "Anna Berg"
    assert link["href"] == "/skribenter/anna-berg/"
    assert card.select_one(".bk-author__role").get_text() == "Projektledare, smart industri"
    bio = card.select_one(".bk-author__bio")
    assert bio.find("em").get_text() == "smart industri"
    assert bio.find("a")["href"] == "https://example.se/robotlyftet"
    assert bio.find("strong").get_text() == "tio års"
    # Typogrify's widow guard keeps short last pairs together, as in posts; a pair wider than a phone's
    # line at large text is let go (plugins/hyphenation.py).
    assert bio.find_all("p")[-1].get_text().endswith(" av produktionsutveckling.")
    photo = card.find("img")
    assert (photo["width"], photo["height"], photo["alt"], photo["sizes"]) == ("90", "120", "", "6rem")
    assert_published_photo(site, photo, "anna-berg", ".jpg")


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("2019/03/tva-skribenter-med-authors", ["Anna Berg", "Bo Ek"]),
        ("2020/05/tva-skribenter-med-author", ["Bo Ek", "Anna Berg"]),
    ],
    ids=["Authors: A, B", "Author: A, B"],
)
def test_post_with_two_authors_has_one_card_each_in_their_order(site, path, names):
    page = post(site, path)
    assert texts(card.select_one(".bk-author__name") for card in cards(page)) == names
    assert page.select_one(".bk-authors__heading").get_text() == "Om skribenterna"


def test_comma_in_author_makes_two_authors_not_one_odd_one(site):
    assert not list((site / "skribenter").glob("bo-ek-*"))
    assert sorted(p.name for p in (site / "skribenter").iterdir() if p.is_dir()) == [
        "anna-berg",
        "asa-oberg",
        "bo-ek",
        "cilla-dahl",
    ]


def assert_published_photo(site: Path, photo, stem: str, suffix: str) -> None:
    """The photo's address is the published file from images/authors/ (the original, or a responsive
    derivative of it named after it once the figures plugin renders author photos)."""
    assert photo["src"].startswith(f"/images/authors/{stem}")
    assert photo["src"].endswith(suffix)
    assert (site / photo["src"].lstrip("/")).is_file()


def test_author_photo_given_as_plain_images_path_resolves_to_its_address(site):
    photo = cards(post(site, "2017/06/bos-eget-inlagg"))[0].find("img")
    assert (photo["width"], photo["height"]) == ("64", "64")
    assert_published_photo(site, photo, "bo-ek", ".png")


def test_author_without_photo_gets_a_card_without_image(site):
    (card,) = cards(post(site, "2016/09/cillas-inlagg"))
    assert card.find("img") is None
    assert "bk-author--no-photo" in card["class"]
    assert card.select_one(".bk-authors__heading") is None
    assert card.select_one(".bk-author__role").get_text() == "Handläggare"


def author_page_titles(site: Path, slug: str) -> list[str]:
    """Post titles of every page of an author's paginated listing, in order."""
    titles, page = [], site / "skribenter" / slug / "index.html"
    while True:
        html = soup(page)
        # card titles carry soft hyphens (plugins/hyphenation.py), invisible unless a line breaks there
        titles += [title.replace("\xad", "") for title in texts(html.select(".bk-post-list .bk-card__title"))]
        following = html.select_one('.bk-pagination a[rel="next"]')
        if following is None:
            return titles
        page = site / following["href"].lstrip("/") / "index.html"


def test_author_page_shows_the_author_then_exactly_their_posts_newest_first(site):
    page = soup(site / "skribenter/anna-berg/index.html")
    assert page.find("h1").get_text() == "Anna Berg"
    header = page.select_one(".bk-author-page .bk-author")
    assert_published_photo(site, header.find("img"), "anna-berg", ".jpg")
    assert header.find("img").get("loading") is None  # at the top of the page: never lazy
    assert header.find("img")["sizes"] == "8rem"  # as wide as main.css shows it there
    assert header.select_one(".bk-author__role").get_text() == "Projektledare, smart industri"
    assert header.select_one(".bk-author__bio em").get_text() == "smart industri"
    assert header.select_one(".bk-author__name a") is None
    assert author_page_titles(site, "anna-berg") == ANNAS_POSTS_NEWEST_FIRST
    assert (site / "skribenter/anna-berg/sida/2/index.html").is_file()


def test_drafts_are_not_listed_on_the_author_page(site):
    assert author_page_titles(site, "bo-ek") == [
        "Två skribenter med Author",
        "Två skribenter med Authors",
        "Bos eget inlägg",
    ]


def test_author_without_posts_has_a_page_but_no_feed(site):
    page = soup(site / "skribenter/asa-oberg/index.html")
    assert page.find("h1").get_text() == "Åsa Öberg"
    assert "Inga publicerade inlägg." in page.get_text()
    assert page.select(".bk-post-list") == []
    assert page.select('link[type="application/atom+xml"]')[-1]["href"] == "/flode.xml"
    assert not (site / "skribenter/asa-oberg/flode.xml").exists()


def test_author_index_lists_every_author_with_post_count_in_swedish_order(site):
    items = soup(site / "skribenter/index.html").select(".bk-author-list li")
    assert [(item.a.get_text(), item.a["href"]) for item in items] == [
        ("Anna Berg", "/skribenter/anna-berg/"),
        ("Bo Ek", "/skribenter/bo-ek/"),
        ("Cilla Dahl", "/skribenter/cilla-dahl/"),
        ("Åsa Öberg", "/skribenter/asa-oberg/"),
    ]
    counts = [item.select_one(".bk-terms__count").get_text() for item in items]
    assert counts == ["(4 inlägg)", "(3 inlägg)", "(1 inlägg)", "(inga inlägg)"]


def test_author_feed_is_atom_with_exactly_their_posts_and_linked_from_their_page(site):
    feed = site / "skribenter/anna-berg/flode.xml"
    root = ET.parse(feed).getroot()
    assert root.tag == f"{ATOM}feed"
    entries = {
        entry.findtext(f"{ATOM}title").replace("\xa0", " "): [
            author.findtext(f"{ATOM}name") for author in entry.findall(f"{ATOM}author")
        ]
        for entry in root.iter(f"{ATOM}entry")
    }
    assert sorted(entries) == sorted(ANNAS_POSTS_NEWEST_FIRST)
    # every author of a shared post is credited, one <author> each, in the post's order (RFC 4287;
    # Pelican alone names the first)
    assert entries["Två skribenter med Author"] == ["Bo Ek", "Anna Berg"]
    assert entries["Två skribenter med Authors"] == ["Anna Berg", "Bo Ek"]
    assert entries["Ett inlägg av Anna"] == ["Anna Berg"]
    page = soup(site / "skribenter/anna-berg/index.html")
    assert page.select_one('link[rel="alternate"][href="/skribenter/anna-berg/flode.xml"]') is not None
    assert page.select_one('.bk-feed-link a[href="/skribenter/anna-berg/flode.xml"]') is not None


def test_author_card_follows_an_edited_bio_even_with_pelicans_generator_cache(tmp_path):
    content = copy_site("authors", tmp_path)
    output = tmp_path / "output"
    overrides = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CONTENT_CACHING_LAYER": "generator"}
    build_site(content, output, **overrides)
    bio = content / "authors/anna-berg.md"
    bio.write_text(bio.read_text(encoding="utf-8").replace("tio års", "femton års"), encoding="utf-8")
    build_site(content, output, **overrides)
    card = cards(post(output, "2018/02/ett-inlagg-av-anna"))[0]
    assert card.select_one(".bk-author__bio strong").get_text() == "femton års"


EMAIL = "anna.berg@example.se"


def stopped_build(tmp_path: Path, change) -> tuple[Path, list]:
    """Build tests/sites/authors, change it with change(content), build again: the build must stop
    with a ContentError and leave the first output byte for byte. Returns (content, problems)."""
    content = copy_site("authors", tmp_path)
    error = conftest.stopped_build(content, tmp_path / "output", change)
    assert all(f"{problem.path}\n" in str(error) for problem in error.problems)
    assert all(f"  {problem.located()}\n" in f"{error}\n" for problem in error.problems)
    return content, error.problems


def test_email_in_an_author_file_stops_the_build_and_never_reaches_the_output(tmp_path):
    def add_email(content: Path) -> None:
        author = content / "authors/anna-berg.md"
        author.write_text(f"Email: {EMAIL}\n" + author.read_text(encoding="utf-8"), encoding="utf-8")

    content, problems = stopped_build(tmp_path, add_email)
    assert [str(p) for p in problems] == [
        f"{content.name}/authors/anna-berg.md, rad 1: fältet Email är en kontaktuppgift, och sådana publiceras aldrig."
        " Ta bort raden."
    ]
    everything = b"".join(p.read_bytes() for p in (tmp_path / "output").rglob("*") if p.is_file())
    assert b"Anna Berg" in everything
    assert EMAIL.encode() not in everything


# Anything shaped like a way to reach a person, found without the plugin's own detector: an @ (or its
# character references), a contact link, +46, a number that starts with 0 and has six digits more with
# at most three separators between two (a Swedish phone number), or a personnummer's shape.
CONTACT_SHAPE = re.compile(
    r"@|&#0*64;|&#x0*40;|\b(?:mailto|tel|sms|callto):|\+\s*46|(?<![\w.,])0\d(?:\W{0,3}\d){5,}"
    r"|\b(?:\d\d)?\d{6}[-+]\d{4}\b",
    re.IGNORECASE,
)


def reader_text(markup: str) -> str:
    """What a reader can read or follow in a piece of HTML: its text without dates, and every address."""
    document = BeautifulSoup(markup, "html.parser")
    for unread in document.find_all(["time", "bk-shy"]):  # dates, and break marks inside words
        unread.decompose()
    document.smooth()
    links = [str(tag.get(name, "")) for tag in document.find_all(True) for name in ("href", "src", "srcset")]
    return " ".join([document.get_text(), *links]).replace("\xad", "")


def feed_text(xml: str) -> str:
    """What a feed reader shows of an Atom feed: each element's text (HTML read as HTML) and every link,
    without the dates and ids."""
    parts = []
    for element in ET.fromstring(xml).iter():
        if element.tag.removeprefix(ATOM) not in {"published", "updated", "id"}:
            text = element.text or ""
            parts += [reader_text(text) if "<" in text else text, element.get("href", "")]
    return " ".join(parts)


def test_no_author_card_page_or_feed_of_the_sample_has_contact_details(sample_site):
    """Every author card, author page and author feed of the sample, read by an oracle of its own.
    Fails if the author card shows a contact (the mutant tried: a mailto: link made from the author's
    slug in partials/author_card.html), which the plugin's own detector would have to see to fail."""
    author_parts = {}
    for path in sample_site.rglob("*.html"):
        for number, card in enumerate(soup(path).select(".bk-author")):
            author_parts[f"{path.relative_to(sample_site)}#{number}"] = str(card)
    for path in (sample_site / "skribenter").rglob("*"):
        if path.is_file():
            author_parts[str(path.relative_to(sample_site))] = path.read_text(encoding="utf-8")
    posts = {str(path.relative_to(sample_site)) for path in sample_site.glob("20*/*/*/index.html")}
    assert posts
    assert posts <= {key.split("#")[0] for key in author_parts}  # every sample post has a card
    texts = {
        key: (feed_text if key.endswith(".xml") else reader_text)(part) for key, part in author_parts.items()
    }
    assert "Projektledare, smart industri" in texts["skribenter/maria-ekdahl/index.html"]  # all was read
    leaks = {key: found for key, text in texts.items() if (found := CONTACT_SHAPE.findall(text))}
    assert leaks == {}


TYPO_POST = "Title: Typo\nDate: 2018-02-15 10:00\nAuthor: Ana Berg\nCategory: Industri\n\nT\n"

# The line each case's message names: 0 for a file that is not read at all (the message is about the
# file), the header's first line for a missing Name.
AUTHOR_MISTAKE_LINES = {
    "unknown-author-typo": 3, "unknown-author-case": 3, "unknown-author-no-suggestion": 3,  # Author(s)
    "duplicate-name": 1, "duplicate-address": 1, "missing-name": 1, "missing-photo": 2,
    "photo-not-an-image-folder": 2, "photo-not-an-image": 2, "photo-external": 2, "unknown-field": 2,
    "contact-field": 2, "email-link-in-bio": 3, "email-in-name": 1, "phone-in-bio": 3,
    "heading-in-bio": 3, "image-in-bio": 3, "html-in-bio": 3, "not-utf8": 1, "not-markdown": 0,
    "in-a-subfolder": 0,
}  # fmt: skip


@pytest.mark.parametrize(
    ("files", "named", "expected"),
    [
        (
            {"posts/typo.md": TYPO_POST},
            "posts/typo.md",
            'Author: skribenten "Ana Berg" finns inte bland skribenterna i content/authors/. Menade du Anna Berg?',
        ),
        (
            {"posts/typo.md": TYPO_POST.replace("Author: Ana Berg", "Authors: Bo Ek, anna berg")},
            "posts/typo.md",
            'Authors: skribenten "anna berg" finns inte bland skribenterna i content/authors/. Menade du Anna Berg?',
        ),
        (
            {"posts/typo.md": TYPO_POST.replace("Author: Ana Berg", "Author: Bo Ek, Xerxes Q")},
            "posts/typo.md",
            'skribenten "Xerxes Q" finns inte bland skribenterna i content/authors/. Lägg till en fil',
        ),
        (
            {"authors/berg-anna.md": "Name: Anna Berg\n\nEn annan.\n"},
            "authors/berg-anna.md",
            'namnet "Anna Berg" finns redan i ',
        ),
        (
            {"authors/bo.md": "Name: BO EK\n\nSamma adress.\n"},
            "authors/bo.md",
            'namnet "BO EK" får samma adress (skribenter/bo-ek/) som "Bo Ek"',
        ),
        ({"authors/namnlos.md": "Role: Analytiker\n\nUtan namn.\n"}, "authors/namnlos.md", "Name saknas"),
        (
            {"authors/dan.md": "Name: Dan\nPhoto: {static}/images/authors/anna-bergh.jpg\n\nBio.\n"},
            "authors/dan.md",
            "Photo: filen {static}/images/authors/anna-bergh.jpg finns inte. Menade du anna-berg.jpg?",
        ),
        (
            {"authors/dan.md": "Name: Dan\nPhoto: pages/om-bloggen.md\n\nBio.\n"},
            "authors/dan.md",
            "Photo: pages/om-bloggen.md ligger inte i en bildmapp",
        ),
        (
            {
                "authors/dan.md": "Name: Dan\nPhoto: images/authors/trasig.jpg\n\nBio.\n",
                "images/authors/trasig.jpg": b"inte en bild",
            },
            "authors/dan.md",
            "Photo: images/authors/trasig.jpg: filen är ingen bild i ett format som bygget kan läsa",
        ),
        (
            {"authors/dan.md": "Name: Dan\nPhoto: https://example.se/dan.jpg\n\nBio.\n"},
            "authors/dan.md",
            "Photo: https://example.se/dan.jpg är en extern adress",
        ),
        (
            {"authors/dan.md": "Name: Dan\nRol: Chef\n\nBio.\n"},
            "authors/dan.md",
            "fältet Rol finns inte i en skribentfil. Menade du Role?",
        ),
        (
            {"authors/dan.md": "Name: Dan\nTelefon: 08-123 456 78\n\nBio.\n"},
            "authors/dan.md",
            "fältet Telefon är en kontaktuppgift",
        ),
        (
            {"authors/dan.md": f"Name: Dan\n\nNå mig på [mejl](mailto:{EMAIL}).\n"},
            "authors/dan.md",
            f"presentationen innehåller kontaktuppgiften mailto:{EMAIL}",
        ),
        (
            {"authors/dan.md": "Name: Dan <dan@example.se>\n\nBio.\n"},
            "authors/dan.md",
            "Name: kontaktuppgiften dan@example.se publiceras aldrig",
        ),
        (
            {"authors/dan.md": "Name: Dan\n\nRing 070-123 45 67.\n"},
            "authors/dan.md",
            "presentationen innehåller kontaktuppgiften 070-123 45 67",
        ),
        (
            {"authors/dan.md": "Name: Dan\n\n## Om mig\n\nBio.\n"},
            "authors/dan.md",
            "presentationen innehåller rubriker",
        ),
        (
            {"authors/dan.md": "Name: Dan\n\n![Dan](images/authors/bo-ek.png)\n"},
            "authors/dan.md",
            "presentationen innehåller bilder",
        ),
        (
            {"authors/dan.md": 'Name: Dan\n\n<script src="x.js"></script>\n'},
            "authors/dan.md",
            'presentationen: HTML (<script src="x.js">) går inte i en presentation',  # content_checks.safety
        ),
        ({"authors/dan.md": "Name: Dån\n".encode("latin-1")}, "authors/dan.md", "inte sparad som UTF-8"),
        ({"authors/dan.markdown": "Name: Dan\n\nBio.\n"}, "authors/dan.markdown", "filen läses inte"),
        ({"authors/gamla/dan.md": "Name: Dan\n\nBio.\n"}, "authors/gamla/dan.md", "filen läses inte"),
    ],
    ids=[
        "unknown-author-typo",
        "unknown-author-case",
        "unknown-author-no-suggestion",
        "duplicate-name",
        "duplicate-address",
        "missing-name",
        "missing-photo",
        "photo-not-an-image-folder",
        "photo-not-an-image",
        "photo-external",
        "unknown-field",
        "contact-field",
        "email-link-in-bio",
        "email-in-name",
        "phone-in-bio",
        "heading-in-bio",
        "image-in-bio",
        "html-in-bio",
        "not-utf8",
        "not-markdown",
        "in-a-subfolder",
    ],
)
def test_author_mistake_stops_the_build_naming_file_and_cause(request, tmp_path, files, named, expected):
    """The message names the file, the cause and the line. Fails if a rule names another line (the
    mutant tried, and the old code: a heading or an image in a bio reported at the blank line before
    the bio)."""
    content, problems = stopped_build(tmp_path, lambda content: write_files(content, files))
    # A file in images/ that is no image is also refused as a file of its own (content_checks.images).
    (problem,) = [problem for problem in problems if not problem.path.startswith(f"{content.name}/images/")]
    assert problem.path == f"{content.name}/{named}"
    assert expected in problem.text()
    assert problem.line == AUTHOR_MISTAKE_LINES[request.node.callspec.id]


def test_every_author_problem_is_reported_in_one_run(tmp_path):
    content = copy_site("authors", tmp_path)
    write_files(
        content,
        {
            "posts/typo.md": TYPO_POST,
            "authors/namnlos.md": "Role: Analytiker\n\nUtan namn.\n",
            "authors/dan.md": "Name: Dan\nPhoto: images/authors/dan.jpg\nEmail: dan@example.se\n\nBio.\n",
        },
    )
    with pytest.raises(ContentError) as error:
        build_site(content, tmp_path / "output")
    assert sorted({problem.path for problem in error.value.problems}) == [
        "authors/authors/dan.md",
        "authors/authors/namnlos.md",
        "authors/posts/typo.md",
    ]
    assert len(error.value.problems) == 4
    assert not (tmp_path / "output").exists()


def test_typo_in_an_author_name_of_the_sample_names_the_post_and_suggests_the_author(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    post_file = next(
        p for p in sorted(content.rglob("*.md")) if "\nAuthor: Maria Ekdahl\n" in p.read_text("utf-8")
    )
    post_file.write_text(post_file.read_text("utf-8").replace("Maria Ekdahl", "Maria Ekdal"), "utf-8")
    with pytest.raises(ContentError) as error:
        build_site(content, tmp_path / "output")
    line = post_file.read_text("utf-8").splitlines().index("Author: Maria Ekdal") + 1
    assert [str(p) for p in error.value.problems] == [
        f'{post_file.relative_to(tmp_path)}, rad {line}: Author: skribenten "Maria Ekdal" finns inte bland skribenterna'
        " i content/authors/. Menade du Maria Ekdahl?"
    ]


def test_sample_author_photos_are_made_at_portrait_widths(sample_site):
    """A photo shown 6–8rem wide gets 128/256/384-px derivatives, never the 480-px post widths."""
    picture = soup(sample_site / "skribenter/maria-ekdahl/index.html").find(
        "picture", class_="bk-author__photo"
    )
    candidates = [
        candidate.split()
        for element in [*picture.find_all("source"), picture.find("img")]
        for candidate in element["srcset"].split(", ")
    ]
    assert sorted({width for _, width in candidates}) == ["128w", "256w", "384w"]
    for url, _ in candidates:
        assert (sample_site / url.lstrip("/")).is_file()
    assert list(sample_site.glob("images/authors/*-480.*")) == []
