"""The aliases plugin: where the redirect pages of old paths go, and the redirect map, in real builds.
Which aliases are accepted is a content rule's (tests/plugins/content_checks/test_links.py)."""

from __future__ import annotations

import pytest
from aliases import alias_file, redirect_map, split_aliases
from conftest import SITES, build_site, copy_site, soup, write_files
from content_checks import ContentError
from content_checks.links import alias_problem

import sitebuild

POST = (
    "Title: {title}\nDate: 2018-03-01 10:00\nAuthor: Anna Berg\nCategory: Turism\nAlias: {alias}\n\nText.\n"
)


def test_split_aliases_drops_blanks_and_repeats():
    assert split_aliases(" /a.html, /b/ ,, /a.html ") == ["/a.html", "/b/"]
    assert split_aliases(None) == []


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("/bloggen/2018-02-15-inlagg.html", "bloggen/2018-02-15-inlagg.html"),
        ("/bloggen/inlagg/", "bloggen/inlagg/index.html"),
        ("/bloggen/inlagg", "bloggen/inlagg/index.html"),
        ("/bloggen/m%C3%B6te.html", "bloggen/möte.html"),
    ],
)
def test_alias_file_is_exactly_the_old_path(alias, expected):
    assert alias_problem(alias) is None
    assert alias_file(alias) == expected


def test_redirect_map_is_sorted_and_permanent():
    text = redirect_map([("/b.html", "/2018/02/b/"), ("/a/", "/2017/01/a/")], 301)
    assert text == "/a/ /2017/01/a/ 301\n/b.html /2018/02/b/ 301\n"


def test_every_alias_form_gets_a_redirect_page(tmp_path, builder):
    content = copy_site("minimal", tmp_path)
    write_files(
        content,
        {
            "posts/flytt.md": POST.format(
                title="Flytt", alias="/gammal/flytt.html, /gammal/katalog/, /utan-snedstreck, /gammal/katalog"
            )
        },
    )
    output = builder(content, settings_file="publishconf.py")
    target = f"{sitebuild.load_settings('publishconf.py')['SITEURL']}/2018/03/flytt/"
    for path in ("gammal/flytt.html", "gammal/katalog/index.html", "utan-snedstreck/index.html"):
        page = soup(output / path)
        assert page.find("link", rel="canonical")["href"] == target
        assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={target}"
        # the script that keeps the #fragment comes before the refresh, so it goes first
        script = page.head.find("script", src=True)
        assert script["data-target"] == target
        assert script.find_next("meta", attrs={"http-equiv": "refresh"}) is not None
    assert (output / "_redirects").read_text(encoding="utf-8").splitlines() == [
        "/gammal/flytt.html /2018/03/flytt/ 301",
        "/gammal/katalog /2018/03/flytt/ 301",
        "/gammal/katalog/ /2018/03/flytt/ 301",
        "/utan-snedstreck /2018/03/flytt/ 301",
    ]


def test_alias_over_a_generated_listing_fails_the_build(tmp_path):
    content = copy_site("minimal", tmp_path)
    write_files(content, {"posts/flytt.md": POST.format(title="Flytt", alias="/kategorier/")})
    with pytest.raises(ContentError) as error:
        build_site(content, tmp_path / "output")
    assert (
        'minimal/posts/flytt.md\n  rad 5: Alias "/kategorier/" är en adress som webbplatsen själv använder'
        " (listan över kategorier), och en gammal adress kan inte ersätta den. Ta bort aliaset."
    ) in str(error.value)


def test_minimal_site_without_aliases_writes_an_empty_map(builder):
    output = builder(SITES / "minimal" / "content")
    assert (output / "_redirects").read_text(encoding="utf-8") == ""


OLD_ADDRESS = (
    "/om-tillvaxtverket/bloggen/bloggartiklar/2018-02-16-att-motas-for-en-konkurrenskraftig-industri.html"
)
NEW_ADDRESS = "/2018/02/att-motas-for-en-konkurrenskraftig-industri/"


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False])
def test_an_old_address_with_a_fragment_lands_on_that_part_of_the_post(javascript, chromium, sample_url):
    """With JavaScript the #fragment comes along (a meta refresh drops it); without, the post's top."""
    context = chromium.new_context(java_script_enabled=javascript)
    try:
        tab = context.new_page()
        tab.goto(f"{sample_url}{OLD_ADDRESS}#kommentarer")
        tab.wait_for_url(f"{sample_url}{NEW_ADDRESS}**", timeout=10_000)
        tab.locator("#kommentarer").wait_for()
        landed = tab.url
    finally:
        context.close()
    assert landed == f"{sample_url}{NEW_ADDRESS}" + ("#kommentarer" if javascript else "")
