"""sanitizer: the allowlist keeps what Markdown makes byte for byte, takes away what may run or load, and
names what it took, at its source line; a site with such a fragment stops, cold and warm alike."""

from __future__ import annotations

import pytest
from conftest import build_site, copy_site, soup, without_rules, write_files
from content_checks import ContentError
from markdown import Markdown
from sanitizer import check, line_of, message, site_address

import pelicanconf

SITE = "https://bloggarkiv.example"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("/images/x.jpg", True), ("images/x.jpg", True), ("{static}/images/x.jpg", True),
        (f"{SITE}/images/x.jpg", True), ("https://evil.example/x.png", False), ("//evil.example/x.png", False),
        ("/\\evil.example/x.png", False), ("/\t/evil.example/x.png", False), (" javascript:alert(1)", False),
        (f"{SITE}.evil.example/x.png", False), ("data:image/png;base64,AAAA", False),
    ],
)  # fmt: skip
def test_an_image_may_come_only_from_the_site(url, local):
    assert site_address(url, SITE) is local


def test_what_markdown_makes_is_kept_byte_for_byte():
    configs = pelicanconf.MARKDOWN["extension_configs"]
    markdown = Markdown(extensions=list(configs), extension_configs=configs, output_format="html5")
    html = markdown.convert(
        "Text[^1] och *EU*.\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n*[EU]: Europeiska unionen\n\n"
        "```python\nx = '<b>'\n```\n\n> Citat med [länk](https://tillvaxtverket.se/) och `<kod>`.\n\n[^1]: Fotnot."
    )
    checked = check(html, SITE)
    assert checked.removed == ()
    assert "style=" not in checked.html  # a column's alignment is a class (mdx_table_alignment): the CSP
    assert 'class="bk-align-left"' in checked.html  # refuses style attributes
    assert 'class="bk-align-right"' in checked.html
    assert check(
        '<table><tr><td style="text-align: left;">1</td></tr></table>', SITE
    ).removed  # no style at all


@pytest.mark.parametrize(
    ("fragment", "kind", "name", "says"),
    [
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "element", "meta", "skickar läsaren vidare"),
        ("<p onclick=\"alert(1)\">x</p>", "attribute", "onclick", "kör kod"),
        ('<a href="jav&#x61;script:alert(1)">x</a>', "attribute", "href", "kör kod i stället för att leda till en sida"),
        ('<a href="mailto:a@example.se">x</a>', "attribute", "href", "leder inte till en webbsida"),
        ("<img src=https://evil.example/x.png alt=x>", "attribute", "src", "hämtas från en annan webbplats"),
        ("<p>x</p><!-- TODO: kolla med Anna -->", "comment", " TODO: kolla med Anna ", "pull requesten"),
        ("<o:p></o:p>Text", "element", "o:p", "hör inte dit"),
        ("<!-- x --!><script>alert(1)</script>", "element", "script", "allt fram till </script>"),
    ],
)  # fmt: skip
def test_what_is_taken_away_is_named_in_swedish(fragment, kind, name, says):
    checked = check(fragment, SITE)
    removal = next(removal for removal in checked.removed if removal.kind == kind and removal.name == name)
    assert says in message(removal)
    for markup in ("<script", "<meta", "<!--", "onclick", "javascript", "evil.example"):
        assert markup not in checked.html


def test_the_line_is_where_the_text_is_written():
    text = "Title: x\n\nEtt stycke.\n\n`<meta>` som kod\n\n<META http-equiv=refresh content=0>\n"
    (removal,) = check("<p>Ett stycke.</p><meta http-equiv=refresh content=0>").removed
    assert line_of(removal, text, start=text.index("Ett"), skip=1) == 7


POST = """Title: Gammal export
Date: 2018-03-01 10:00
Author: Anna Berg
Category: Smart industri

Ett stycke från den gamla bloggen.<o:p></o:p>

Ett till.
"""


def test_a_post_the_allowlist_changes_stops_cold_and_warm_with_the_same_message(tmp_path):
    content = write_files(copy_site("minimal", tmp_path), {"posts/2018/export.md": POST})
    messages = []
    for _build in ("cold", "warm"):
        with pytest.raises(ContentError) as error:
            build_site(content, tmp_path / "output")
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert "minimal/posts/2018/export.md\n  rad 6: brödtexten: <o:p> kan inte publiceras" in messages[0]
    write_files(content, {"posts/2018/export.md": POST.replace("<o:p></o:p>", "")})
    build_site(content, tmp_path / "output")


def test_templates_escape_a_title_and_print_the_sanitized_body(tmp_path):
    post = POST.replace("Gammal export", "Fakta < myter & <b>sånt</b>").replace("<o:p></o:p>", " *Kursivt*")
    content = write_files(copy_site("minimal", tmp_path), {"posts/2018/fakta.md": post})
    # Without the rules, which refuse HTML in a title (issue 20): the templates escape it all the same.
    output = build_site(content, tmp_path / "output", **without_rules())
    page = next(output.glob("2018/03/*/index.html"))
    html = page.read_text(encoding="utf-8")
    assert "Fakta &lt; myter" in html
    assert "&lt;b&gt;s" in html
    shown = soup(page).find("h1").get_text().replace("\u00ad", "").replace("\u00a0", " ")
    assert shown == "Fakta < myter & <b>sånt</b>"
    assert soup(page).select_one(".bk-post__body em").get_text() == "Kursivt"


def test_an_unknown_marked_section_inside_noscript_is_reported_not_a_crash():
    """Hypothesis found it: html5ever keeps ``<![a`` as raw text in <noscript>, and Python 3.11's
    html.parser raises on it. Fails if ``_tokens`` lets that AssertionError through."""
    checked = check("<noscript><![a](https://evil.example/p.png)")
    assert [(removal.kind, removal.name) for removal in checked.removed] == [("element", "noscript")]
    assert "<noscript" not in checked.html
