"""hyphenation: break points (drawn soft hyphens) in visible text only, never in tags, entities, code,
metadata, feeds or search."""

from __future__ import annotations

import json
import re
import time

import pytest
from conftest import SITES, soup
from hyphenation import MARK, SOFT_HYPHEN, fewest_breaks, hyphenate, hyphenate_text, hyphenate_word, unglue
from markupsafe import Markup

SHY = SOFT_HYPHEN


def h(text: str) -> str:
    """Expected output written readably: every "-" is a soft hyphen."""
    return text.replace("-", SHY)


def m(text: str) -> str:
    """Expected filter output written readably: every "|" is a break mark."""
    return text.replace("|", MARK)


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
        # words under seven letters stay whole
        ("Att mötas för en", "Att mötas för en"),
        # typogrify's no-break space before the last word becomes a plain space
        (
            "Att mötas för en konkurrenskraftig&nbsp;industri",
            m("Att mötas för en kon|kur|rens|kraf|tig industri"),
        ),
        # …also before closing inline tags, and only that one
        ("10&nbsp;000 nya<em>&nbsp;jobb</em>", "10&nbsp;000 nya<em> jobb</em>"),
        # tags, attributes and entities are never touched; text between them is
        (
            '<span class="amp">&amp;</span> <a title="innovationsupphandling">innovationsupphandling</a>',
            '<span class="amp">&amp;</span> <a title="innovationsupphandling">'
            + m("inno|va|tions|upp|hand|ling</a>"),
        ),
        ("<code>kompetensförsörjning</code> &shy;", "<code>kompetensförsörjning</code> &shy;"),
        # digits and words joined by a hyphen: each long run of letters on its own
        ("EU-regionalfondsprogrammet 2014–2020", "EU-" + m("regi|o|nal|fonds|pro|gram|met 2014–2020")),
        ("", ""),
    ],
)
def test_hyphenate_touches_only_the_text_of_long_words(title, expected):
    assert hyphenate(title) == expected


def test_a_title_at_reading_size_gets_the_text_rule_and_loses_its_widow_guard():
    title = "Kompetensförsörjningsfrågor i fokus när regionerna&nbsp;möts"
    assert hyphenate(title, "text") == m("Kompetens|försörj|nings|frågor i fokus när regionerna möts")


def test_hyphenate_gives_markup_and_escapes_what_is_not_a_string():
    """Strings are HTML (Pelican's titles are); a Tag or a Category is text and is escaped once."""
    result = hyphenate(Markup("Kristina Gunnarsson-Wallenberg"))
    assert isinstance(result, Markup)
    assert result == "Kristina " + m("Gun|nars|son") + "-" + m("Wal|len|berg")

    class Tag:
        def __str__(self) -> str:
            return "Forskning & utveckling"

    assert hyphenate(Tag()) == m("Forsk|ning &amp; utveck|ling")
    assert isinstance(hyphenate("Ett <em>ord</em>"), Markup)


@pytest.mark.parametrize(
    ("lengths", "longest", "kept"),
    [
        ([3, 3, 4, 4, 3], 10, [2]),  # kon|kur|rens|kraf|tig: "konkurrens" + "kraftig", one break
        ([3, 3, 4, 4, 3], 8, [1, 2]),  # two breaks at the least, the most even of those: 6, 4, 7
        ([3, 3, 4], 10, []),  # short enough whole
        ([12, 3], 8, [0]),  # a piece longer than allowed stays whole, broken after
        ([4], 2, []),
    ],
)
def test_fewest_breaks_keeps_pieces_within_the_limit(lengths, longest, kept):
    pieces = ["x" * length for length in lengths]
    assert fewest_breaks(pieces, longest) == kept


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # only words of eleven letters or more, with as few breaks as keep pieces within ten letters
        (
            "<p>Vi pratade om konkurrenskraft i industrin.</p>",
            m("<p>Vi pratade om konkur|renskraft i industrin.</p>"),
        ),
        (
            "<p>Kompetensförsörjningsfrågor</p>",
            m("<p>Kompetens|försörj|nings|frågor</p>"),
        ),
        # a heading inside the text gets the heading rule, and no glue before its last word
        ("<h2>Tekniken är inte det&nbsp;svåra</h2>", m("<h2>Tek|ni|ken är inte det svåra</h2>")),
        # code, keyboard input and preformatted text are never touched
        (
            "<pre><code>konkurrenskraftighet</code></pre><kbd>Kompetensförsörjning</kbd>",
            "<pre><code>konkurrenskraftighet</code></pre><kbd>Kompetensförsörjning</kbd>",
        ),
        # attributes and entities neither
        (
            '<a href="/kompetensforsorjning/" title="kompetensförsörjning">&amp;</a>',
            '<a href="/kompetensforsorjning/" title="kompetensförsörjning">&amp;</a>',
        ),
        # a long glued pair is loosened, a short one kept
        (
            "<p>10&nbsp;000 kronor till olika&nbsp;entreprenörskapsfrågor.</p>",
            m("<p>10&nbsp;000 kronor till olika entrepre|nörskaps|frågor.</p>"),
        ),
        ("", ""),
        (None, ""),
    ],
)
def test_hyphenate_text_breaks_only_what_a_line_cannot_hold(html, expected):
    result = hyphenate_text(html)
    assert isinstance(result, Markup)
    assert result == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("till&nbsp;exportmarknaden", "till exportmarknaden"),
        ("10&nbsp;000", "10&nbsp;000"),
        ("nya&nbsp;jobb", "nya&nbsp;jobb"),
        ("a&nbsp;b&nbsp;cdefghij", "a b cdefghij"),  # a chain counts whole
        ("kl.\xa0nio", "kl.\xa0nio"),  # the character too
        ("olika\xa0entreprenörskapsfrågor", "olika entreprenörskapsfrågor"),
    ],
)
def test_unglue_loosens_no_break_spaces_that_hold_too_much(text, expected):
    assert unglue(text, 9) == expected


def test_hyphenate_is_fast_enough_for_thousands_of_posts():
    # 2,000 posts, each title shown on its own page and in about five listings.
    titles = [f"Kompetensförsörjningsfrågor i fokus när regionerna möts {n}" for n in range(2000)] * 6
    start = time.perf_counter()
    for title in titles:
        hyphenate(title)
    assert time.perf_counter() - start < 0.5  # ~0.1 s here: words and titles are memoised


def test_hyphenate_text_is_fast_enough_for_thousands_of_bodies():
    # A 600-word body of Swedish text; 2,000 posts would be 2,000 of these (words are memoised).
    paragraph = (
        "<p>Drygt 80 deltagare från företag, lärosäten och regioner samlades till temadagen om smart "
        "industri. Kompetensförsörjningen och digitaliseringen av verkstadsgolvet var de viktigaste "
        "frågorna, och flera underleverantörsföretag berättade om&nbsp;omställningen.</p>\n"
    )
    body = paragraph * 20
    hyphenate_text(body)  # the dictionary and the words, once
    start = time.perf_counter()
    for _ in range(200):
        hyphenate_text(body)
    assert time.perf_counter() - start < 1.0  # 200 bodies; ~0.2 s here


# ---------- whole site: the visible heading only ----------


@pytest.fixture(scope="module")
def long_titles(tmp_path_factory):
    from conftest import build_site

    # Three posts a listing page, so that listings have pagination pages too.
    output = tmp_path_factory.mktemp("hyphenation") / "output"
    return build_site(SITES / "long_titles" / "content", output, "publishconf.py", DEFAULT_PAGINATION=3)


POST = "2019/02/samarbete-och-innovation-en-existentiell-nodvandighet/index.html"


def test_the_visible_title_of_a_post_is_hyphenated(long_titles):
    page = soup(long_titles / POST, keep_marks=True)
    assert page.h1.decode_contents() == m("Sam|ar|bete och inno|va|tion") + " – " + m(
        "en exi|sten|ti|ell nöd|vän|dig|het"
    )
    assert page.h1.get_text() == "Samarbete och innovation – en existentiell nödvändighet"  # as copied
    card_titles = [
        h.decode_contents()
        for listing in [long_titles / "index.html", *long_titles.glob("sida/*/index.html")]
        for h in soup(listing, keep_marks=True).select(".bk-card__title a")
    ]
    assert m("Kom|pe|tens|för|sörj|nings|frå|gor i fokus när regi|o|nerna möts") in card_titles
    for path in ("tillganglighet/index.html", "taggar/kompetensforsorjningsfragor/index.html"):
        assert MARK in soup(long_titles / path, keep_marks=True).h1.decode_contents(), path


def test_break_marks_never_leak_into_metadata_feeds_sitemap_or_search(long_titles):
    page = soup(long_titles / POST)
    head = str(page.head)
    assert "bk-shy" not in head  # <title>, description, Open Graph, JSON-LD
    assert json.loads(page.find("script", type="application/ld+json").string)["headline"].startswith(
        "Samarbete och innovation"
    )
    for image in page.find_all("img"):
        assert "bk-shy" not in image.get("alt", "")
    for path in long_titles.rglob("*.html"):  # no page has the invisible character itself
        assert SHY not in path.read_text(encoding="utf-8"), path
    for path in [*long_titles.rglob("*.xml"), *long_titles.rglob("*.txt"), *long_titles.rglob("_redirects")]:
        text = path.read_text(encoding="utf-8")
        assert SHY not in text, path
        assert "bk-shy" not in text, path
    # Pagefind's own index is compressed; the fragments it serves to the search page are what matters.
    fragments = list((long_titles / "pagefind").rglob("*.pf_fragment"))
    assert fragments
    import gzip

    for fragment in fragments:
        data = gzip.decompress(fragment.read_bytes())
        assert SHY.encode() not in data, fragment
        assert b"bk-shy" not in data, fragment


PAGE_KINDS = {  # every kind of page, as a pattern of its path in the built site
    "post": r"\d{4}/\d\d/[^/]+/index\.html",
    "page": r"om-bloggen/index\.html",
    "front page": r"index\.html",
    "pagination page": r".*/sida/\d+/index\.html|sida/\d+/index\.html",
    "tag": r"taggar/[^/]+/index\.html",
    "tags": r"taggar/index\.html",
    "category": r"kategorier/[^/]+/index\.html",
    "categories": r"kategorier/index\.html",
    "author": r"skribenter/[^/]+/index\.html",
    "authors": r"skribenter/index\.html",
    "archives": r"arkiv/index\.html",
    "year or month archive": r"arkiv/\d{4}/(\d\d/)?index\.html",
}


def test_no_page_of_any_kind_has_break_marks_in_its_head(long_titles):
    """<title>, description, Open Graph and JSON-LD of every page of every kind (list pages, tags,
    categories, authors, archives, pagination pages, not only a post) hold neither U+00AD nor <bk-shy>.
    Fails if a listing's <title> is hyphenated (the mutant tried: ``tag|e|hyphenate`` in tag.html's
    title block)."""
    seen = {kind: 0 for kind in PAGE_KINDS}
    for path in sorted(long_titles.rglob("*.html")):
        name = str(path.relative_to(long_titles))
        head = path.read_text(encoding="utf-8").split("</head>", 1)[0]
        assert "bk-shy" not in head, name
        assert SHY not in head, name
        assert "<title>" in head, name
        for kind, pattern in PAGE_KINDS.items():
            seen[kind] += bool(re.fullmatch(pattern, name))
    assert [kind for kind, count in seen.items() if count == 0] == []
