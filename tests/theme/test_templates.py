"""Whole-site tests of the theme: structure every page shares, Swedish typography and dates, post
navigation, archives and the footer. Built from small purpose-named content folders."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from conftest import SITES, soup, write_files
from sitecheck import html_files, typography_site_fixture  # noqa: F401 (provides typography_site)

MINIMAL = SITES / "minimal" / "content"
QUOTED_POST = "2019/07/hon-sa-citat-om-ord-igen/index.html"


def text(element) -> str:
    return element.get_text(" ", strip=True).replace("\xa0", " ")


# ---------- structure of every page ----------


@pytest.mark.parametrize("site_fixture", ["sample_site", "typography_site"])
def test_every_page_has_one_h1_skip_link_and_landmarks(request, site_fixture):
    sample_site = request.getfixturevalue(site_fixture)
    pages = html_files(sample_site)
    assert len(pages) > 15
    for page in pages:
        document = soup(page)
        where = page.relative_to(sample_site)
        assert document.html["lang"] == "sv", where
        assert len(document.find_all("h1")) == 1, where
        first_link = document.body.find("a")
        assert first_link["href"] == "#main-content", where
        assert text(first_link) == "Hoppa till innehållet", where
        main = document.find_all("main")
        assert [m["id"] for m in main] == ["main-content"], where
        assert document.body.find("header", recursive=False), where
        assert document.body.find("footer", recursive=False), where
        assert document.find("nav", attrs={"aria-label": "Huvudmeny"}), where


@pytest.mark.parametrize("site_fixture", ["sample_site", "typography_site"])
def test_headings_never_skip_a_level(request, site_fixture):
    sample_site = request.getfixturevalue(site_fixture)
    for page in html_files(sample_site):
        levels = [int(h.name[1]) for h in soup(page).find_all(re.compile(r"^h[1-6]$"))]
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert not jumps, f"{page.relative_to(sample_site)}: {levels}"


@pytest.mark.parametrize(
    ("path", "current", "section"),
    [
        ("index.html", "Startsida", None),
        ("arkiv/index.html", "Arkiv", None),
        ("kategorier/index.html", "Kategorier", None),
        ("taggar/index.html", "Taggar", None),
        ("skribenter/index.html", "Skribenter", None),
        ("taggar/typografi/index.html", None, "Taggar"),
        ("arkiv/2019/index.html", None, "Arkiv"),
        (QUOTED_POST, None, None),
    ],
)
def test_site_menu_marks_the_current_page_and_section(typography_site, path, current, section):
    menu = soup(typography_site / path).find("nav", attrs={"aria-label": "Huvudmeny"})
    marked = {text(a): a["aria-current"] for a in menu.find_all("a", attrs={"aria-current": True})}
    expected = {current: "page"} if current else {section: "true"} if section else {}
    assert marked == expected


def test_post_breadcrumbs_lead_through_the_archive(typography_site):
    crumbs = soup(typography_site / QUOTED_POST).find("nav", attrs={"aria-label": "Du är här"})
    assert [(text(a), a["href"]) for a in crumbs.find_all("a")] == [
        ("Startsida", "/"),
        ("Arkiv", "/arkiv/"),
        ("2019", "/arkiv/2019/"),
        ("juli 2019", "/arkiv/2019/07/"),
    ]


def test_not_found_page_is_swedish(sample_site):
    document = soup(sample_site / "404.html")
    assert text(document.find("h1")) == "Sidan finns inte"
    assert "<title>Sidan finns inte – " in (sample_site / "404.html").read_text(encoding="utf-8")
    assert {a["href"] for a in document.main.find_all("a")} >= {"/", "/arkiv/"}


# ---------- Swedish typography ----------


def test_straight_quotes_and_dashes_become_swedish_in_title_summary_and_body(typography_site):
    post = soup(typography_site / QUOTED_POST)
    assert text(post.find("h1")) == "Hon sa ”citat” om ’ord’ – igen"
    assert text(post.title).startswith("Hon sa ”citat” om ’ord’ – igen – ")
    body = post.find(class_="bk-post__body")
    assert "Brödtexten har ett ”citat” och ett ’ord’ – och ett tankstreck." in text(body)
    assert "Redan typografiskt: ”färdigt” och ’klart’ – som det var." in text(body)
    card = next(
        c for c in soup(typography_site / "index.html").find_all(class_="bk-card") if "citat" in text(c)
    )
    assert text(card.find(class_="bk-card__summary")) == "Ett ”citat” och ett ’ord’ – i sammanfattningen."
    assert text(card.find(class_="bk-card__title")) == "Hon sa ”citat” om ’ord’ – igen"


def test_typography_never_changes_an_address(tmp_path, builder):
    content = write_files(
        tmp_path / "content",
        {
            "posts/plan.md": "Title: Planen för 2018--2021\nDate: 2019-01-10 10:00\nAuthor: A\nCategory: K\n\nText.\n",
            "authors/a.md": "Name: A\n\nSkribent.\n",
        },
    )
    post = builder(content) / "2019/01/planen-for-2018-2021/index.html"
    assert text(soup(post).find("h1")) == "Planen för 2018–2021"


def test_a_post_without_summary_is_listed_with_its_whole_first_paragraph(tmp_path, builder):
    """content-format.md: without `Summary`, the first paragraph (not Pelican's first 50 words)."""
    first = " ".join(f"ord{n}" for n in range(70)) + "."
    content = write_files(
        tmp_path / "content",
        {
            "posts/lang.md": f"Title: Långt stycke\nDate: 2019-01-10 10:00\nAuthor: A\nCategory: K\n\n{first}\n\n"
            "Andra stycket.\n",
            "authors/a.md": "Name: A\n\nSkribent.\n",
        },
    )
    card = soup(builder(content) / "index.html").find(class_="bk-card")
    summary = text(card.find(class_="bk-card__summary"))
    assert summary.replace("\xa0", " ") == first
    assert "Andra" not in text(card)


def test_code_keeps_its_straight_quotes(typography_site):
    body = soup(typography_site / QUOTED_POST).find(class_="bk-post__body")
    assert body.find("pre").get_text() == "kod \"rakt\" 'rakt' -- orörd\n"
    assert [c.get_text() for c in body.find_all("code")][-1] == 'inline "rakt"'


def test_typography_is_written_as_characters_not_entities(typography_site):
    html = (typography_site / QUOTED_POST).read_text(encoding="utf-8")
    assert not re.search(r"&(rdquo|rsquo|ndash);", html)
    assert "”citat”" in html


def test_page_titles_and_feed_titles_get_swedish_quotes_too(typography_site):
    assert text(soup(typography_site / "om-bloggen/index.html").find("h1")) == "Om ”bloggen”"
    feed = (typography_site / "flode.xml").read_text(encoding="utf-8")
    assert "Hon sa ”citat” om ’ord’ –" in feed


# ---------- dates ----------


def test_dates_are_swedish_with_stockholm_offsets(typography_site):
    summer = soup(typography_site / QUOTED_POST).find(class_="bk-post__meta").find("time")
    assert (text(summer), summer["datetime"]) == ("1 juli 2019", "2019-07-01T09:15:00+02:00")
    meta = soup(typography_site / "2019/12/det-nyaste-inlagget/index.html").find(class_="bk-post__meta")
    assert [(text(t), t["datetime"]) for t in meta.find_all("time")] == [
        ("24 december 2019", "2019-12-24T15:00:00+01:00"),
        ("10 januari 2020", "2020-01-10T08:00:00+01:00"),
    ]
    assert "Uppdaterad 10 januari 2020" in text(meta)


def test_every_visible_date_is_a_swedish_time_element(sample_site):
    english = re.compile(r"\b(January|February|March|May|June|July|August|October|December)\b")
    for page in html_files(sample_site):
        document = soup(page)
        assert not english.search(text(document.body)), page
        for time in document.find_all("time"):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00", time["datetime"]), page


# ---------- previous and next post ----------


def post_nav_links(site: Path, path: str) -> dict[str, tuple[str, str]]:
    nav = soup(site / path).find("nav", attrs={"aria-label": "Fler inlägg"})
    return {a["rel"][0]: (a["href"], text(a)) for a in nav.find_all("a")} if nav else {}


def test_posts_link_to_the_older_and_newer_published_post(typography_site):
    assert post_nav_links(typography_site, "2019/03/det-aldsta-inlagget/index.html") == {
        "next": ("/2019/07/hon-sa-citat-om-ord-igen/", "Nästa inlägg Hon sa ”citat” om ’ord’ – igen"),
    }
    middle = post_nav_links(typography_site, QUOTED_POST)
    assert middle == {
        "prev": ("/2019/03/det-aldsta-inlagget/", "Föregående inlägg Det äldsta inlägget"),
        "next": ("/2019/12/det-nyaste-inlagget/", "Nästa inlägg Det nyaste inlägget"),
    }  # the draft dated 2019-08-01 lies between them but is skipped
    assert set(post_nav_links(typography_site, "2019/12/det-nyaste-inlagget/index.html")) == {"prev"}


def test_a_draft_links_to_no_page_that_only_published_posts_get(typography_site):
    draft = soup(typography_site / "utkast/ett-utkast/index.html")
    hrefs = {a["href"] for a in draft.find_all("a")}
    assert not hrefs & {"/arkiv/2019/", "/arkiv/2019/08/", "/taggar/hemligt/", "/kategorier/sprak/"}
    assert "hemligt" in text(draft.find(class_="bk-tags"))
    assert not post_nav_links(typography_site, "utkast/ett-utkast/index.html")


# ---------- archives ----------


def test_archives_group_by_year_then_month_newest_first(sample_site):
    archive = soup(sample_site / "arkiv/index.html").main
    years = [h.a.get_text() for h in archive.find_all("h2")]
    assert len(years) >= 3
    assert years == sorted(years, reverse=True)
    for heading in archive.find_all("h2"):
        months = [a["href"] for a in heading.find_parent("section").find("ul").find_all("a")]
        assert months
        assert months == sorted(months, reverse=True)
        assert all(m.startswith(f"/arkiv/{heading.a.get_text()}/") for m in months)


def test_archives_page_counts_posts_and_stays_small(typography_site):
    archive = soup(typography_site / "arkiv/index.html").main
    assert text(archive.find("h2")) == "2019 (3 inlägg)"  # the draft is not counted
    assert [text(li) for li in archive.find("ul").find_all("li")] == [
        "december 2019 (1 inlägg)",
        "juli 2019 (1 inlägg)",
        "mars 2019 (1 inlägg)",
    ]
    assert not archive.find("a", href=re.compile(r"^/2019/"))  # posts are listed on the period pages


def test_year_archive_has_month_headings_and_month_archive_a_list(typography_site):
    year = soup(typography_site / "arkiv/2019/index.html")
    assert text(year.find("h1")) == "Inlägg från 2019"
    assert [text(h) for h in year.main.find_all("h2")] == ["december 2019", "juli 2019", "mars 2019"]
    month = soup(typography_site / "arkiv/2019/07/index.html")
    assert text(month.find("h1")) == "Inlägg från juli 2019"
    assert [a["href"] for a in month.find(class_="bk-breadcrumbs").find_all("a")] == [
        "/",
        "/arkiv/",
        "/arkiv/2019/",
    ]


# ---------- footer ----------


def footer_links(page: Path) -> list[tuple[str, str]]:
    return [(a["href"], text(a)) for a in soup(page).find(class_="bk-footer").find_all("a")]


def test_footer_links_the_footer_pages_that_exist_in_settings_order(sample_site):
    """The same footer links in the same order on every page; only the page a footer link leads to marks
    that link as the current page. Fails if the footer's order or links depend on the page (the mutant
    tried: FOOTER_PAGES reversed on pages, which the old check let pass wherever aria-current appeared)."""
    links = footer_links(sample_site / "index.html")
    assert links[:2] == [("/om-bloggen/", "Om bloggen"), ("/tillganglighet/", "Tillgänglighetsredogörelse")]
    footer_pages = {href for href, _ in links if href.endswith("/")}
    marked_pages = set()
    for page in html_files(sample_site):
        assert footer_links(page) == links, page
        address = "/" + str(page.relative_to(sample_site)).removesuffix("index.html")
        current = [
            a["href"] for a in soup(page).find(class_="bk-footer").find_all(attrs={"aria-current": True})
        ]
        assert current == ([address] if address in footer_pages else []), page
        marked_pages |= set(current)
    assert marked_pages == footer_pages  # each footer page was checked as the current page too


def test_footer_leaves_out_pages_that_are_not_built(builder):
    # The minimal site has no tillganglighet page: its link is left out, not left broken or empty.
    output = builder(MINIMAL)
    hrefs = [href for href, _ in footer_links(output / "index.html")]
    assert "/tillganglighet/" not in hrefs
    assert hrefs[0] == "/om-bloggen/"
    assert hrefs[-1] == "/flode.xml"
    assert set(hrefs[1:-1]) <= {"/personuppgifter/"}  # generated by archived_comments when present
    assert all(label for _, label in footer_links(output / "index.html"))
    current = (
        soup(output / "om-bloggen/index.html").find(class_="bk-footer").find(attrs={"aria-current": "page"})
    )
    assert current["href"] == "/om-bloggen/"


# ---------- pagination ----------


def test_listings_are_paginated_with_previous_next_and_numbered_links(typography_site):
    first = soup(typography_site / "index.html").find("nav", attrs={"aria-label": "Sidor"})
    links = [(a.get("rel", [""])[0], a["href"], text(a)) for a in first.find_all("a")]
    assert links == [("", "/", "Sida 1"), ("", "/sida/2/", "Sida 2"), ("next", "/sida/2/", "Nästa sida")]
    assert text(first.find(attrs={"aria-current": "page"})) == "Sida 1"
    second = soup(typography_site / "sida/2/index.html")
    links = [(a.get("rel", [""])[0], a["href"]) for a in second.find(class_="bk-pagination").find_all("a")]
    assert links == [("prev", "/"), ("", "/"), ("", "/sida/2/")]
    assert text(second.title) == "Alla inlägg, sida 2 av 2 – Tillväxtverkets bloggarkiv"
    assert text(second.h1) == "Alla inlägg, sida 2 av 2"
    menu_current = second.find("nav", attrs={"aria-label": "Huvudmeny"}).find(attrs={"aria-current": True})
    assert menu_current["aria-current"] == "true"


def test_tags_are_in_swedish_alphabetical_order(typography_site):
    post_tags = soup(typography_site / QUOTED_POST).find(class_="bk-tags")
    assert [text(a) for a in post_tags.find_all("a")] == ["arkiv", "typografi", "återbruk", "ägarskifte"]
    all_tags = soup(typography_site / "taggar/index.html").find(class_="bk-terms")
    assert [a.get_text() for a in all_tags.find_all("a")] == ["arkiv", "typografi", "återbruk", "ägarskifte"]


def test_typogrify_adds_no_unstyled_spans_for_capitals_or_initial_quotes(sample_site):
    pages = [p.read_text(encoding="utf-8") for p in sample_site.glob("20*/*/*/index.html")]
    assert pages
    assert not [page for page in pages if 'class="caps"' in page or 'class="dquo"' in page]


# Lighthouse 12's list of link texts that say nothing about where a link leads (its English and Swedish
# entries; core/audits/seo/link-text.js). One of them on a page costs the SEO score 8 points.
VAGUE_LINK_TEXTS = {
    "click here", "click this", "go", "here", "information", "learn more", "more", "more info",
    "more information", "right here", "read more", "see more", "start", "this",
    "här", "klicka här", "läs mer", "mer", "mer info", "mer information",
}  # fmt: skip


@pytest.mark.parametrize("site_fixture", ["sample_site", "typography_site"])
def test_no_link_text_is_vague(request, site_fixture):
    site = request.getfixturevalue(site_fixture)
    vague = [
        f"{page.relative_to(site)}: {text(link)}"
        for page in html_files(site)
        for link in soup(page).find_all("a", href=True)
        if text(link).lower() in VAGUE_LINK_TEXTS
    ]
    assert vague == []
