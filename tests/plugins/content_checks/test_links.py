"""content_checks.links: which aliases are accepted, the rule on aliases (duplicates, collisions) in real
builds, and the site's own addresses: no page, post, category, tag, author or alias takes one."""

from __future__ import annotations

import pytest
from checked_folder import site_problems
from conftest import build_site, copy_site, write_files
from content_checks import ContentError
from content_checks.links import (
    alias_address_problem,
    alias_problem,
    check_aliases,
    check_page_addresses,
    check_slug_addresses,
    reserved,
    without_content,
)

import sitebuild

POST = (
    "Title: {title}\nDate: 2018-03-01 10:00\nAuthor: Anna Berg\nCategory: Turism\nAlias: {alias}\n\nText.\n"
)


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        (
            "bloggen/inlagg.html",
            "måste börja med / (sökvägen på den gamla webbplatsen): Alias: /bloggen/inlagg.html.",
        ),
        (
            "https://tillvaxtverket.se/bloggen/x.html",
            "är en hel webbadress. Skriv bara sökvägen: Alias: /bloggen/x.html.",
        ),
        ("//tillvaxtverket.se/x.html", "är en hel webbadress. Skriv bara sökvägen: Alias: /x.html."),
        ("https://tillvaxtverket.se/", "Skriv bara sökvägen: till exempel /om-tillvaxtverket/"),
        ("/bloggen/../etc/passwd", "innehåller . eller .."),
        ("/bloggen/%2E%2E/x.html", "innehåller . eller .."),
        ("/bloggen/x.html?id=4", "tecken som inte kan vara en del av en sökväg"),
        ("/bloggen/mitt inlägg.html", "tecken som inte kan vara en del av en sökväg"),
        ("/", "startsidan"),
    ],
)
def test_unsafe_aliases_are_refused_in_swedish(alias, expected):
    assert expected in alias_problem(alias)


def test_two_posts_claiming_one_alias_stop_the_build_naming_both(tmp_path):
    content = copy_site("minimal", tmp_path)
    write_files(
        content,
        {
            "posts/forsta.md": POST.format(title="Första", alias="/bloggen/gammal.html"),
            "posts/andra.md": POST.format(title="Andra", alias="/bloggen/gammal.html"),
        },
    )
    with pytest.raises(ContentError) as error:
        build_site(content, tmp_path / "output")
    message = str(error.value)
    assert 'Alias "/bloggen/gammal.html" används redan av' in message
    assert "posts/forsta.md" in message
    assert "posts/andra.md" in message
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("/2018/07/sommar-i-norrland/", "samma adress som minimal/posts/2018/sommar-i-norrland.md"),
        ("/om-bloggen/index.html", "samma adress som minimal/pages/om-bloggen.md"),
        ("/images/2018/hamn.jpg", "samma adress som minimal/images/2018/hamn.jpg"),
        ("../../gammal.html", "måste börja med /"),
    ],
)
def test_alias_over_a_real_address_or_outside_the_site_stops_the_build(tmp_path, alias, expected):
    content = copy_site("minimal", tmp_path)
    write_files(content, {"posts/flytt.md": POST.format(title="Flytt", alias=alias)})
    with pytest.raises(ContentError) as error:
        build_site(content, tmp_path / "output")
    assert expected in str(error.value)
    assert "minimal/posts/flytt.md" in str(error.value)


# Addresses belong to the site.

SETTINGS = sitebuild.load_settings("pelicanconf.py")
PUBLISH = sitebuild.load_settings("publishconf.py")


@pytest.mark.parametrize(
    ("address", "owner"),
    [
        ("index.html", "startsidan"),
        ("404.html", "sidan som visas när en sida inte finns (404)"),
        ("sok/index.html", "söksidan"),
        ("flode.xml", "flödena"),
        ("sitemap.xml", "webbplatskartan för sökmotorer"),
        ("robots.txt", "robots.txt för sökmotorer"),
        ("_headers", "webbplatsens säkerhetsregler (_headers)"),
        ("_headers/index.html", "webbplatsens säkerhetsregler (_headers)"),
        ("_redirects", "listan över gamla adresser (_redirects)"),
        ("pagefind/pagefind.js", "sökindexet (pagefind/)"),
        ("theme/css/main.css", "webbplatsens stilmall och skript (theme/)"),
        (".well-known/security.txt", "webbplatsens uppgifter för andra tjänster (.well-known/)"),
        ("images/2018/hamn.jpg", "bilderna (images/)"),
        ("kategorier/index.html", "listan över kategorier"),
        ("kategorier/turism/index.html", "en kategoris sida"),
        ("kategorier/turism/flode.xml", "en kategoris sida"),
        ("taggar/x/sida/2/index.html", "en taggs sida"),
        ("skribenter/anna-berg/index.html", "en skribents sida"),
        ("arkiv/index.html", "arkivet"),
        ("arkiv/2018/03/index.html", "arkivet för ett år"),
        ("sida/2/index.html", "sidnumreringen av en lista (sida 2, 3, …)"),
        ("2018/03/ett-inlagg/index.html", "ett inläggs adress"),
        ("utkast/x/index.html", "utkasten"),
        ("sok", "söksidan"),  # a file where the site needs a folder
    ],
)
def test_the_sites_own_addresses_are_known_from_its_settings(address, owner):
    assert reserved(SETTINGS).owner(address) == owner


@pytest.mark.parametrize(
    "address",
    ["om-bloggen/index.html", "personuppgifter/index.html", "2018/index.html", "sida/index.html", "x.html"],
)
def test_other_addresses_are_free(address):
    assert reserved(SETTINGS).owner(address) is None
    assert reserved(PUBLISH).owner(address) is None


def test_an_alias_may_be_an_old_address_of_a_post_or_an_author_but_nothing_else_the_site_makes():
    aliases = without_content(reserved(SETTINGS), SETTINGS)
    assert aliases.owner("2018/02/gammal-rubrik/index.html") is None
    assert aliases.owner("skribenter/gammalt-namn/index.html") is None  # an author renamed (issue 22)
    assert aliases.owner("sok/index.html") == "söksidan"
    assert aliases.owner("kategorier/turism/index.html") == "en kategoris sida"
    assert aliases.owner("skribenter/index.html") == "listan över skribenter"
    assert aliases.owner("skribenter/gammalt-namn/flode.xml") == "flödena"


PAGE = "Title: {title}\n{more}\nText.\n"


@pytest.mark.parametrize(
    ("more", "field", "message"),
    [
        (
            "Save_as: index.html",
            "Save_as",
            "Save_as ger sidan adressen /, som är startsidan. En sida kan inte ta en adress som webbplatsen"
            " redan använder: ange en annan Slug och ta bort Save_as.",
        ),
        ("Save_as: 404.html", "Save_as", "Save_as ger sidan adressen /404.html, som är sidan som visas"),
        ("Save_as: ../../etc/x.html", "Save_as", 'Save_as: "../../etc/x.html" är ingen sida på webbplatsen'),
        ("Save_as: om/script.js", "Save_as", 'Save_as: "om/script.js" är ingen sida på webbplatsen'),
        ("Save_as: /om.html", "Save_as", 'Save_as: "/om.html" är ingen sida på webbplatsen'),
        (
            "URL: https://other.example/",
            "URL",
            'URL: "https://other.example/" leder till en annan webbplats. Ta bort raden: sidan får sin adress av'
            " Slug, till exempel Slug: min-sida.",
        ),
        ("URL: //other.example/x", "URL", 'URL: "//other.example/x" leder till en annan webbplats.'),
        ("URL: /other.example/x", "URL", 'URL: "/other.example/x" är ingen adress på webbplatsen.'),
        ("URL: javascript:alert(1)", "URL", 'URL: "javascript:alert(1)" leder till en annan webbplats.'),
        ("URL: sok/", "URL", 'URL: "sok/" är inte adressen där sidan skrivs (/min-sida/)'),
        (
            "Template: search",
            "Template",
            'Template: "search" är ingen mall för sidor (de andra mallarna hör till webbplatsens egna sidor).'
            " Ta bort raden: en sida använder mallen page.",
        ),
        (
            "Template: ../../../etc/passwd",
            "Template",
            'Template: "../../../etc/passwd" är ingen mall för sidor',
        ),
        ("Template: article", "Template", 'Template: "article" är ingen mall för sidor'),
        ("Slug: sok", "Slug", "Slug ger sidan adressen /sok/, som är söksidan."),
        ("Slug: kategorier", "Slug", "Slug ger sidan adressen /kategorier/, som är listan över kategorier."),
        ("Slug: theme", "Slug", "Slug ger sidan adressen /theme/, som är webbplatsens stilmall och skript"),
        ("Slug: pagefind", "Slug", "Slug ger sidan adressen /pagefind/, som är sökindexet (pagefind/)."),
        ("Slug: images", "Slug", "Slug ger sidan adressen /images/, som är bilderna (images/)."),
        ("Slug: arkiv", "Slug", "Slug ger sidan adressen /arkiv/, som är arkivet."),
    ],
)
def test_a_page_cannot_take_an_address_or_template_of_the_site(tmp_path, more, field, message):
    files = {"pages/sida.md": PAGE.format(title="Min sida", more=more)}
    problems = site_problems(tmp_path, files, _pages_checked(check_page_addresses))
    (problem,) = problems
    assert problem[1:3] == (2, field)
    assert message in problem[3]


def test_a_page_whose_title_is_a_page_of_the_site_is_asked_for_a_slug(tmp_path):
    problems = site_problems(
        tmp_path, {"pages/sok.md": PAGE.format(title="Sök", more="")}, _pages_checked(check_page_addresses)
    )
    assert problems == [
        (
            "sok.md",
            1,
            "Title",
            "Title: rubriken ger sidan adressen /sok/, som är söksidan. En sida kan inte ta en adress som webbplatsen"
            " redan använder: ange en annan Slug.",
        )
    ]


def test_a_page_with_the_address_of_a_post_is_refused(tmp_path):
    files = {
        "posts/inlagg.md": "Title: Ett inlägg\nDate: 2018-03-01 10:00\n\nText.\n",
        "pages/sida.md": PAGE.format(title="Sida", more="Save_as: 2018/03/ett-inlagg/index.html"),
    }
    (problem,) = site_problems(tmp_path, files, _pages_checked(check_page_addresses))
    assert problem[3].startswith(
        "Save_as ger sidan adressen /2018/03/ett-inlagg/, som är ett inläggs adress."
    )


def test_a_pages_own_address_written_out_is_fine(tmp_path):
    files = {
        "pages/om.md": PAGE.format(title="Om bloggen", more="Slug: om-bloggen\nTemplate: page"),
        "pages/ny.md": PAGE.format(title="Ny", more="Save_as: ny/index.html\nURL: ny/"),
    }
    assert site_problems(tmp_path, files, _pages_checked(check_page_addresses)) == []


@pytest.mark.parametrize(
    ("header", "field", "message"),
    [
        (
            {"Title": "Lång " * 60},
            "Title",
            "rubriken ger en adress där en del är 299 tecken lång, och en del av en adress kan vara högst 200"
            " tecken. Skriv en kortare adress i fältet Slug, till exempel Slug: lang-lang-lang-lang-lang-lang-lang-"
            "lang-lang-lang-lang-lang",
        ),
        ({"Title": "!!! ???"}, "Title", "rubriken ger ingen adress: den har inga bokstäver eller siffror"),
        ({"Category": "???"}, "Category", 'kategorin "???" ger ingen adress'),
        ({"Tags": "ok, !!!"}, "Tags", 'taggen "!!!" ger ingen adress'),
        ({"Tags": "x" * 201}, "Tags", "ger en adress där en del är 201 tecken lång"),
        ({"Slug": "a" * 201}, "Slug", "Slug ger en adress där en del är 201 tecken lång"),
    ],
)
def test_every_address_a_post_gives_fits_a_file_name(tmp_path, header, field, message):
    fields = {
        "Title": "Ett inlägg",
        "Date": "2018-03-01 10:00",
        "Category": "Turism",
        "Tags": "turism",
        **header,
    }
    text = "".join(f"{key}: {value}\n" for key, value in fields.items()) + "\nText.\n"
    (problem,) = site_problems(tmp_path, {"posts/x.md": text}, _pages_checked(check_slug_addresses))
    assert problem[2] == field
    assert message in problem[3]


def test_an_authors_name_must_give_an_address(tmp_path):
    files = {"authors/x.md": "Name: !!!\n\nBio.\n"}
    (problem,) = site_problems(tmp_path, files, _pages_checked(check_slug_addresses))
    assert problem == (
        "x.md",
        1,
        "Name",
        "Name: namnet ger ingen adress: den har inga bokstäver eller siffror som en adress kan göras av. Skriv"
        " skribentens namn med bokstäver.",
    )


def _pages_checked(rule):
    def checked(site):
        from content_checks.reading import parse_source

        site.settings = SETTINGS
        site.sources = [parse_source(path, "post") for path in sorted((site.root / "posts").glob("*.md"))]
        site.sources += [parse_source(path, "page") for path in sorted((site.root / "pages").glob("*.md"))]
        return rule(site)

    return checked


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("/gammal\x00.html", 'Alias "/gammalU+0000.html" innehåller ett osynligt styrtecken (U+0000)'),
        ("/gammal%00.html", 'Alias "/gammal%00.html" innehåller ett osynligt styrtecken (U+0000)'),
        ("/gammal%1b.html", "(U+001B)"),
        ("/" + "x" * 230 + ".html", "ger en adress där en del är 235 tecken lång"),
    ],
)
def test_an_alias_that_cannot_be_a_file_is_refused(alias, expected):
    assert alias_problem(alias) is None  # a path as such …
    assert expected in alias_address_problem(alias)  # … that no file can have


@pytest.mark.parametrize(
    ("alias", "owner"),
    [
        ("/_headers", "webbplatsens säkerhetsregler (_headers)"),
        ("/_redirects", "listan över gamla adresser (_redirects)"),
        ("/theme/css/main.css", "webbplatsens stilmall och skript (theme/)"),
        ("/pagefind/pagefind.js", "sökindexet (pagefind/)"),
        ("/.well-known/security.txt", "webbplatsens uppgifter för andra tjänster (.well-known/)"),
        ("/sok/", "söksidan"),
        ("/flode.xml", "flödena"),
        ("/robots.txt", "robots.txt för sökmotorer"),
        ("/kategorier/turism/", "en kategoris sida"),
        ("/sida/2/", "sidnumreringen av en lista (sida 2, 3, …)"),
    ],
)
def test_an_alias_over_an_address_the_site_makes_is_refused(tmp_path, alias, owner):
    files = {"posts/x.md": POST.format(title="Flytt", alias=alias)}
    (problem,) = site_problems(tmp_path, files, _pages_checked(check_aliases))
    assert problem[3] == (
        f'Alias "{alias}" är en adress som webbplatsen själv använder ({owner}), och en gammal adress kan inte'
        " ersätta den. Ta bort aliaset."
    )
