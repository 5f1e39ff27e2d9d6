"""hyphenation: soft hyphens in visible headings only, never in tags, entities, metadata, feeds or search."""

from __future__ import annotations

import json
import time

import pytest
from conftest import SITES, soup
from hyphenation import SOFT_HYPHEN, hyphenate, hyphenate_word
from markupsafe import Markup

SHY = SOFT_HYPHEN


def h(text: str) -> str:
    """Expected output written readably: every "-" is a soft hyphen."""
    return text.replace("-", SHY)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("konkurrenskraftig", h("kon-kur-rens-kraf-tig")),
        ("Tillgänglighetsredogörelse", h("Till-gäng-lig-hets-re-do-gö-relse")),
        ("Öresundsregionen", h("Öre-sunds-re-gi-o-nen")),
        ("samhällsviktig", h("sam-hälls-vik-tig")),
        ("landsbygdsdynamik", h("lands-bygds-dy-na-mik")),
    ],
)
def test_long_words_get_soft_hyphens_at_swedish_break_points(word, expected):
    assert hyphenate_word(word) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # words under ten letters stay whole
        ("Att mötas för en", "Att mötas för en"),
        # typogrify's no-break space before the last word becomes a plain space
        (
            "Att mötas för en konkurrenskraftig&nbsp;industri",
            h("Att mötas för en kon-kur-rens-kraf-tig industri"),
        ),
        # …also before closing inline tags, and only that one
        ("10&nbsp;000 nya<em>&nbsp;jobb</em>", "10&nbsp;000 nya<em> jobb</em>"),
        # tags, attributes and entities are never touched; text between them is
        (
            '<span class="amp">&amp;</span> <a title="innovationsupphandling">innovationsupphandling</a>',
            '<span class="amp">&amp;</span> <a title="innovationsupphandling">'
            + h("inno-va-tions-upp-hand-ling</a>"),
        ),
        ("<code>kompetensförsörjning</code> &shy;", "<code>kompetensförsörjning</code> &shy;"),
        # digits and words joined by a hyphen: each long run of letters on its own
        ("EU-regionalfondsprogrammet 2014–2020", "EU-" + h("regi-o-nal-fonds-pro-gram-met 2014–2020")),
        ("", ""),
    ],
)
def test_hyphenate_touches_only_the_text_of_long_words(title, expected):
    assert hyphenate(title) == expected


def test_hyphenate_keeps_markup_markup():
    result = hyphenate(Markup("Kristina Gunnarsson-Wallenberg"))
    assert isinstance(result, Markup)
    assert result == "Kristina " + h("Gun-nars-son") + "-" + h("Wal-len-berg")


def test_hyphenate_is_fast_enough_for_thousands_of_posts():
    # 2,000 posts, each title shown on its own page and in about five listings.
    titles = [f"Kompetensförsörjningsfrågor i fokus när regionerna möts {n}" for n in range(2000)] * 6
    start = time.perf_counter()
    for title in titles:
        hyphenate(title)
    assert time.perf_counter() - start < 0.5  # ~0.1 s here: words and titles are memoised


# ---------- whole site: the visible heading only ----------


@pytest.fixture(scope="module")
def long_titles(tmp_path_factory):
    from conftest import build_site

    return build_site(
        SITES / "long_titles" / "content", tmp_path_factory.mktemp("hyphenation") / "output", "publishconf.py"
    )


POST = "2019/02/samarbete-och-innovation-en-existentiell-nodvandighet/index.html"


def test_the_visible_title_of_a_post_is_hyphenated(long_titles):
    page = soup(long_titles / POST)
    assert page.h1.get_text() == h("Samarbete och inno-va-tion") + " – " + h(
        "en exi-sten-ti-ell nöd-vän-dig-het"
    )
    card_titles = [h.get_text() for h in soup(long_titles / "index.html").select(".bk-card__title")]
    assert h("Kom-pe-tens-för-sörj-nings-frå-gor i fokus när regi-o-nerna möts") in card_titles
    assert SHY in soup(long_titles / "tillganglighet/index.html").h1.get_text()
    assert SHY in soup(long_titles / "taggar/kompetensforsorjningsfragor/index.html").h1.get_text()


def test_soft_hyphens_never_leak_into_metadata_feeds_sitemap_or_search(long_titles):
    page = soup(long_titles / POST)
    head = str(page.head)
    assert SHY not in head  # <title>, description, Open Graph, JSON-LD
    assert json.loads(page.find("script", type="application/ld+json").string)["headline"].startswith(
        "Samarbete och innovation"
    )
    for image in page.find_all("img"):
        assert SHY not in image.get("alt", "")
    body = page.select_one(".bk-post__body").decode_contents()
    assert SHY not in body
    for path in [*long_titles.rglob("*.xml"), *long_titles.rglob("*.txt"), *long_titles.rglob("_redirects")]:
        assert SHY not in path.read_text(encoding="utf-8"), path
    # Pagefind's own index is compressed; the fragments it serves to the search page are what matters.
    fragments = list((long_titles / "pagefind").rglob("*.pf_fragment"))
    assert fragments
    import gzip

    for fragment in fragments:
        assert SHY.encode() not in gzip.decompress(fragment.read_bytes()), fragment
