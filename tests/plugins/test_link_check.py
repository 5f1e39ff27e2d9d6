"""link_check: the build checks every internal link, image and anchor of the site it built. A link an
editor wrote that leads nowhere stops it at its file and line; one the theme makes stops it for a
developer; the previous site stays as it was."""

from __future__ import annotations

import pytest
from conftest import build_site, copy_site, stopped_build, write_files
from link_check import broken_links

import sitebuild

POST = "Title: Länkar\nDate: 2018-03-01 10:00\nAuthor: Anna Berg\nCategory: Turism\n"


def test_a_link_an_editor_wrote_to_a_page_the_build_does_not_make_stops_it_at_its_line(tmp_path):
    content = copy_site("minimal", tmp_path)
    error = stopped_build(
        content,
        tmp_path / "output",
        {
            "posts/2018/lankar.md": POST + "Summary: Se [arkivet](/arkiv/2017/).\n\n"
            "Se [sommaren](/2018/07/sommar-i-norland/) och [underrubriken](/2018/02/att-motas-for-en-konkurrenskraftig-industri/#saknas).\n"
            "\nOch [hamnen](/images/2018/hamn.jpg), [arkivet](/arkiv/) och [rubriken](#main-content).\n",
        },
    )
    assert [(p.path, p.line, p.text()) for p in error.problems] == [
        (
            "minimal/posts/2018/lankar.md",
            5,
            "brödtexten: länken /arkiv/2017/ leder till en sida som bygget inte gör (länken står på / och 2"
            " andra sidor)."
            " Menade du /arkiv/2018/? Rätta adressen; ett annat inlägg länkas säkrast med {filename} och"
            " sökvägen till dess fil, till exempel {filename}/posts/ÅÅÅÅ/filnamn.md.",
        ),
        (
            "minimal/posts/2018/lankar.md",
            7,
            "brödtexten: länken /2018/02/att-motas-for-en-konkurrenskraftig-industri/#saknas leder till"
            " ankaret #saknas, som inte finns på den sidan (länken står på /2018/03/lankar/). Rätta ankaret,"
            " eller ta bort #saknas.",
        ),
        (
            "minimal/posts/2018/lankar.md",
            7,
            "brödtexten: länken /2018/07/sommar-i-norland/ leder till en sida som bygget inte gör (länken"
            " står på /2018/03/lankar/). Menade du /2018/07/sommar-i-norrland/? Rätta adressen; ett annat"
            " inlägg länkas säkrast med {filename} och sökvägen till dess fil, till exempel"
            " {filename}/posts/ÅÅÅÅ/filnamn.md.",
        ),
    ]


@pytest.mark.parametrize(
    "link",
    [
        "[Rapporten](java\tscript:alert(1))",  # Markdown makes "java    script:alert(" of it
        "[Rapporten](rapport 2018.pdf)",  # an address with a space: the rules' reading sees no link
    ],
)
def test_a_link_only_markdown_sees_is_still_the_editors_at_its_line(tmp_path, link):
    """Mutant: without the fallback to the lines that hold the address, this is a developer's BuildError."""
    content = copy_site("minimal", tmp_path)
    error = stopped_build(
        content, tmp_path / "output", {"posts/2018/lankar.md": POST + f"\nText.\n\nSe {link}.\n"}
    )
    assert [(p.path, p.line) for p in error.problems] == [("minimal/posts/2018/lankar.md", 8)]
    assert "leder till en sida som bygget inte gör" in error.problems[0].message


def test_a_broken_link_of_the_theme_stops_the_build_for_a_developer(tmp_path):
    content = copy_site("minimal", tmp_path)
    templates = write_files(
        tmp_path / "mallar", {"404.html": '<!doctype html><a href="/finns-inte/">x</a>\n'}
    )
    with pytest.raises(sitebuild.BuildError) as error:
        build_site(content, tmp_path / "output", THEME_TEMPLATES_OVERRIDES=[str(templates)])
    assert str(error.value) == (
        "Bygget stoppades av länkar som inte leder någonstans, i mallarna eller ett tillägg. Visa dem för en"
        " utvecklare:\n  404.html: /finns-inte/ leder ingenstans"
    )
    assert error.value.problems == []
    assert not (tmp_path / "output").exists()


def test_a_site_below_a_path_keeps_its_links_under_that_path(tmp_path):
    write_files(
        tmp_path,
        {
            "index.html": '<a href="/repo/a/">ok</a> <a href="/a/">utanför</a> <a href="https://example.org/repo/a/">x</a>',
            "a/index.html": "<p>a</p>",
        },
    )
    assert [str(link) for link in broken_links(tmp_path, "https://example.org/repo")] == [
        "index.html: /a/ leder ingenstans"
    ]
