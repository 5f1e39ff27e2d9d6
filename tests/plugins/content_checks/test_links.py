"""content_checks.links: which aliases are accepted, and the rule on aliases (duplicates, collisions)
in real builds."""

from __future__ import annotations

import pytest
from conftest import build_site, copy_site, write_files
from content_checks import ContentError
from content_checks.links import alias_problem

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
