"""Whole-site tests of archived_comments: the notice, the archived comments, the personal-data page, and
that no e-mail, IP or other private field of a comments file reaches any output file."""

from __future__ import annotations

import gzip
import tomllib
from pathlib import Path

import pytest
from archived_comments import REQUIRED_FIELDS, SettingsError
from conftest import ROOT, SITES, build_site, copy_site, digest_tree, soup, stopped_build, write_files
from content_checks import ContentError

COMMENTS = SITES / "comments" / "content"
WITH = "2018/02/ett-inlagg-med-kommentarer/index.html"
WITHOUT = "2018/03/ett-inlagg-utan-kommentarer/index.html"
OFF = "2018/04/ett-inlagg-utan-kommentarsdel/index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(COMMENTS, tmp_path_factory.mktemp("comments") / "output")


def private_values(content: Path) -> set[bytes]:
    """Every value of every comment field that is not name, date or body, as UTF-8 bytes."""
    values = set()
    for path in (content / "comments").glob("*.toml"):
        for comment in tomllib.loads(path.read_text(encoding="utf-8")).get("comment", []):
            values |= {str(v).encode() for k, v in comment.items() if k not in REQUIRED_FIELDS}
    return values


def readable_bytes(path: Path) -> bytes:
    """A file's bytes, decompressed if gzip (search indexes are), so a grep sees what they hold."""
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def words(tag) -> str:
    """A tag's text with typogrify's no-break spaces read as spaces."""
    return " ".join(tag.get_text().split())


def leaks(output: Path, values: set[bytes]) -> list[str]:
    return [
        f"{path.relative_to(output)}: {value!r}"
        for path in sorted(output.rglob("*"))
        if path.is_file()
        for value in values
        if value in readable_bytes(path)
    ]


# The notice


def test_closed_post_without_comments_shows_the_notice_only(site):
    section = soup(site / WITHOUT).select_one("article.bk-post section.bk-comments")
    assert section.h2.get_text() == "Kommentarer"
    notice = section.select_one(".bk-comments__notice")
    assert "Bloggen är ett arkiv, så det går inte längre att kommentera" in notice.get_text()
    assert notice.a["href"] == "/personuppgifter/"
    assert notice.a.get_text() == "Behandling av personuppgifter"
    assert section.select("ol, .bk-comment") == []


def test_comments_off_removes_the_section_entirely(site):
    page = soup(site / OFF)
    assert page.select(".bk-comments") == []
    assert "Kommentarer" not in page.get_text()
    assert "kommentera" not in page.get_text()


def test_section_is_part_of_the_post(site):
    section = soup(site / WITH).select_one("article.bk-post > section.bk-comments")
    assert section["aria-labelledby"] == section.h2["id"]


# The archived comments


def test_heading_counts_the_comments(site):
    assert soup(site / WITH).select_one(".bk-comments h2").get_text() == "Kommentarer (3)"


def test_comments_are_shown_oldest_first_with_swedish_dates(site):
    comments = soup(site / WITH).select(".bk-comment")
    assert [c.h3.get_text() for c in comments] == ["Fredrik", "Dagmar", "Sommar <i>Svensson</i>"]
    assert [(c.time["datetime"], c.time.get_text()) for c in comments] == [
        ("2018-02-16", "16 februari 2018"),
        ("2018-02-20T13:00:00+01:00", "20 februari 2018"),
        ("2018-07-01T10:00:00+02:00", "1 juli 2018"),
    ]


def test_comment_markup_is_escaped_exactly(site):
    html = (site / WITH).read_text(encoding="utf-8")
    expected = """<article class="bk-comment">
        <header class="bk-comment__header">
          <h3 class="bk-comment__author">Sommar &lt;i&gt;Svensson&lt;/i&gt;</h3>
          <p class="bk-comment__date"><time datetime="2018-07-01T10:00:00+02:00">1 juli 2018</time></p>
        </header>
        <div class="bk-comment__body">
<p>&lt;script&gt;alert("hej")&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt; 'enkla' "dubbla"<br>
Läs https://example.org/a?b=1&amp;c=2 sen.</p>
<p>Andra stycket.</p>
        </div>
      </article>"""
    assert expected in html
    assert "<script" not in html.split("</head>", 1)[1]  # the head has the seo plugin's JSON-LD
    assert 'href="https://example.org' not in html


def test_comments_stay_out_of_the_feeds(site):
    feeds = sorted(site.rglob("*.xml"))
    assert feeds
    text = "".join(feed.read_text(encoding="utf-8") for feed in feeds)
    assert "brödtext" in text  # the post itself is there
    for word in ("Fredrik", "Dagmar", "Svensson", "Bara ett datum", "Kommentarer"):
        assert word not in text


def test_no_private_field_reaches_any_output_file(site):
    values = private_values(COMMENTS)
    assert len(values) == 6
    assert leaks(site, values) == []


def test_no_private_field_of_the_sample_comments_reaches_output(sample_site):
    values = private_values(ROOT / "content")
    assert values
    assert leaks(sample_site, values) == []


def test_search_index_holds_neither_comments_nor_private_fields(site):
    index = site / "pagefind"
    words = {word.encode() for word in ("Fredrik", "Dagmar", "Svensson", "Andra stycket", "Bara ett datum")}
    assert leaks(index, {"brödtext".encode()}) != []  # the index is readable, so absence means something
    assert leaks(index, words | private_values(COMMENTS)) == []


# The personal-data page


def test_privacy_page_is_generated_with_the_default_text(site):
    page = soup(site / "personuppgifter/index.html")
    assert page.h1.get_text().replace("\xad", "") == "Behandling av personuppgifter"
    text = page.select_one("main").get_text(" ").replace("\xad", "")  # soft hyphens in two headings
    for fact in (
        "Tillväxtverket",
        "202100-6149",
        "Box 4044",
        "102 61 Stockholm",
        "E-postadresser",
        "allmänt intresse",
        "arkivlagen",
        "offentlighetsprincipen",
        "dataskyddsombud",
        "Integritetsskyddsmyndigheten",
        "inga kakor",
    ):
        assert fact in text, fact
    assert page.select_one('a[href="mailto:dataskyddsombud@tillvaxtverket.se"]')
    assert page.select_one('address a[href="https://tillvaxtverket.se/"]')


def test_every_page_links_to_the_privacy_page_in_its_footer(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        links = soup(path).select('footer.bk-footer a[href="/personuppgifter/"]')
        assert [a.get_text() for a in links] == ["Behandling av personuppgifter"], path


def test_every_post_notice_links_to_the_privacy_page(site):
    posts = [p for p in site.glob("20*/*/*/index.html")]
    assert len(posts) == 3
    for path in posts:
        if path.relative_to(site).as_posix() != OFF:
            assert soup(path).select_one('.bk-comments__notice a[href="/personuppgifter/"]'), path


def test_settings_change_controller_and_address(tmp_path):
    output = build_site(
        COMMENTS,
        tmp_path / "output",
        ARCHIVED_COMMENTS={
            "privacy_slug": "integritet",
            "controller": {
                "name": "Testverket",
                "org_number": "111111-1111",
                "address": ["Box 1", "111 11 Ort"],
            },
            "contact": {"dpo_email": "dso@test.example"},
        },
    )
    assert not (output / "personuppgifter").exists()
    text = soup(output / "integritet/index.html").select_one("main").get_text(" ")
    assert "Testverket (organisationsnummer 111111-1111)" in text
    assert "111 11 Ort" in text
    assert "dso@test.example" in text
    assert "Box 4044" not in text
    assert soup(output / WITH).select_one('.bk-comments__notice a[href="/integritet/"]')


def test_wrong_settings_stop_the_build(tmp_path):
    with pytest.raises(SettingsError, match="privacy_slug"):
        build_site(COMMENTS, tmp_path / "output", ARCHIVED_COMMENTS={"privacy_slug": "Integritet!"})


def test_a_page_with_the_same_slug_replaces_the_generated_one(tmp_path):
    content = copy_site("comments", tmp_path)
    write_files(
        content,
        {
            "pages/integritet.md": "Title: Så hanterar vi dina uppgifter\nSlug: personuppgifter\n\nEgen text.\n"
        },
    )
    output = build_site(content, tmp_path / "output")
    page = soup(output / "personuppgifter/index.html")
    assert words(page.h1) == "Så hanterar vi dina uppgifter"
    assert "Egen text." in words(page)
    assert "Integritetsskyddsmyndigheten" not in page.get_text()
    footer = soup(output / "index.html").select('footer.bk-footer a[href="/personuppgifter/"]')
    assert [words(a) for a in footer] == ["Så hanterar vi dina uppgifter"]
    notice = soup(output / WITHOUT).select_one(".bk-comments__notice a")
    assert (notice["href"], words(notice)) == ("/personuppgifter/", "Så hanterar vi dina uppgifter")


# Validation: every mistake stops the build, names the file and the cause, and keeps the old output


OK_COMMENT = '[[comment]]\nname = "A"\ndate = 2018-02-16T10:00:00\nbody = "B"\n'


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"comments/ett-inlagg-med-kommentarer.toml": '[[comment]]\nname = "A\n'},
            'rad 2: name: raden tar slut innan texten har fått sitt avslutande citattecken (").',
        ),
        (
            {"comments/ett-inlagg-med-kommentar.toml": OK_COMMENT},
            'filnamnet: det finns inget inlägg med adressen "ett-inlagg-med-kommentar". Filen ska heta som inläggets slug.'
            " Menade du ett-inlagg-med-kommentarer.toml?",
        ),
        (
            {"comments/ett-inlagg-utan-kommentarer.toml": '[[comment]]\nname = "A"\ndate = 2018-03-02\n'},
            "rad 1: kommentar 1: body saknas.",
        ),
        (
            {"comments/ett-inlagg-utan-kommentarer.toml": '[[comment]]\ndate = 2018-03-02\nbody = "B"\n'},
            "rad 1: kommentar 1: name saknas.",
        ),
        (
            {"comments/ett-inlagg-utan-kommentarer.toml": '[[comment]]\nname = "A"\nbody = "B"\n'},
            "rad 1: kommentar 1: date saknas.",
        ),
        (
            {
                "comments/ett-inlagg-utan-kommentarer.toml": OK_COMMENT.replace(
                    "2018-02-16T10:00:00", '"16/2 2018"'
                )
            },
            'rad 3: kommentar 1, date: date = "16/2 2018" är inget datum. Skriv datumet utan citattecken',
        ),
        (
            {"comments/ett-inlagg-utan-kommentarer.toml": "[meta]\nkalla = 'x'\n" + OK_COMMENT},
            'rad 1: "meta" är okänt överst i filen: bara [[comment]] är tillåtet.',
        ),
        (
            {"comments/ett-inlagg-utan-kommentarer.txt": OK_COMMENT},
            "bara filer som heter <inläggets slug>.toml direkt i comments/ läses.",
        ),
        (
            {"comments/ett-inlagg-utan-kommentarer.toml": "name = 'å'".encode("latin-1")},
            "rad 1: filen är inte sparad som UTF-8",
        ),
    ],
    ids=[
        "toml-syntax",
        "no-such-post",
        "no-body",
        "no-name",
        "no-date",
        "bad-date",
        "unknown-table",
        "not-toml",
        "not-utf8",
    ],
)
def test_bad_comments_file_stops_build_naming_file_and_cause(tmp_path, files, expected):
    error = stopped_build(copy_site("comments", tmp_path), tmp_path / "output", files)
    name = f"comments/{next(iter(files)).split('/')[1]}"
    assert any(p.path.endswith(name) and expected in p.located() for p in error.problems), str(error)
    assert f"{name}\n" in str(error)


def test_all_comment_problems_are_reported_at_once(tmp_path):
    content = copy_site("comments", tmp_path)
    write_files(
        content,
        {
            "comments/finns-inte.toml": '[[comment]]\nname = "A"\n',
            "comments/ett-inlagg-utan-kommentarer.toml": "[[comment]\n",
        },
    )
    with pytest.raises(ContentError) as error:
        build_site(content, tmp_path / "output")
    assert len(error.value.problems) == 4  # no post, date and body missing, TOML syntax
    assert not (tmp_path / "output").exists()


def test_comments_of_a_draft_are_accepted_and_not_published(tmp_path):
    content = copy_site("comments", tmp_path)
    write_files(
        content,
        {
            "posts/2018/utkast.md": "Title: Ett utkast\nDate: 2018-05-01 10:00\nAuthor: Anna Berg\n"
            "Category: Turism\nStatus: draft\n\nSnart.\n",
            "comments/ett-utkast.toml": OK_COMMENT.replace('name = "A"', 'name = "Utkastkommentator"'),
        },
    )
    output = build_site(content, tmp_path / "output", settings_file="publishconf.py")
    assert b"Utkastkommentator" not in b"".join(digest_tree(output).values())


def test_every_sample_post_has_the_section_its_comments_field_asks_for(sample_site):
    posts = sorted(sample_site.glob("20*/*/*/index.html"))
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "content/posts").rglob("*.md")]
    turned_off = sum("Comments: off" in text and "Status: draft" not in text for text in sources)
    sections = [soup(post).select_one(".bk-comments") for post in posts]
    assert sum(section is None for section in sections) == turned_off
    for section in filter(None, sections):
        assert section.select_one('.bk-comments__notice a[href="/personuppgifter/"]')
    assert (sample_site / "personuppgifter/index.html").is_file()
