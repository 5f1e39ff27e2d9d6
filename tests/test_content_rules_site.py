"""The content rules in a real build: what the issue found published without a word now stops the build
with file, line and fix, and leaves output/ as it was; what is allowed builds as before."""

from __future__ import annotations

import re

from conftest import copy_site, soup, stopped_build, write_files

POST = "posts/2018/inbaddningar.md"
BAD_POST = """\
Title: Inbäddningar från den gamla plattformen
Date: 2018-03-01 10:00
Author: Anna Berg
Category: Smart industri
Summary: Hej <img src=x onerror=alert(1)>
Image: {static}/images/2018/hamn.jpg
Image_alt: ””

# Rubrik

<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>

<blockquote class="twitter-tweet"><a href="https://twitter.com/tillvaxtverket/status/1">1 mars</a></blockquote>
<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>

Läs [rapporten](javascript:alert(1)) eller klicka [här](https://tillvaxtverket.se/).

## Bilder

![IMG_2043.JPG]({static}/images/2018/hamn.jpg)

#### Detaljer

[Klicka här](https://tillvaxtverket.se/)
"""
BAD_BIO = """\
Name: Anna Berg
Role: Projektledare

Anna <a href="https://a.se" onclick="track()">leder</a> [arbetet](javascript:alert(1)).

<p style="background:url(//spårare.example/p.png)">Hej</p>
"""
BAD_COMMENTS = """\
[[comment]]
name = "Karin L"
date = 2018-02-15T14:32:00
body = \"\"\"
Tack! Hör av dig på karin@example.se
eller 070-123 45 67.
\"\"\"
"""
BAD_PAGE = """\
Title: Hitta hit
Slug: hitta-hit

<iframe src="https://www.google.com/maps/embed?pb=1"></iframe>
"""
EXPECTED = [
    (
        "pages/hitta-hit.md",
        4,
        "brödtexten: <iframe> bäddar in en annan webbplats och laddar innehåll från Google",
    ),
    ("authors/anna-berg.md", 4, "presentationen: HTML (<a href="),
    ("authors/anna-berg.md", 4, "presentationen: länken [arbetet](javascript:alert(1)) leder inte"),
    ("authors/anna-berg.md", 6, 'presentationen: HTML (<p style="background'),
    ("comments/att-motas-for-en-konkurrenskraftig-industri.toml", 5, "kommentar 1, body: e-postadressen"),
    ("comments/att-motas-for-en-konkurrenskraftig-industri.toml", 6, "kommentar 1, body: telefonnumret"),
    (POST, 5, "HTML (<img src=x onerror=alert(1)>) går inte i Summary"),
    (POST, 7, "Image_alt: ”” är typografiska citattecken"),
    (POST, 9, "brödtexten: rubriken ”# Rubrik” är på nivå 1"),
    (POST, 11, "brödtexten: <iframe> bäddar in en annan webbplats och laddar innehåll från YouTube"),
    (POST, 14, "brödtexten: <script> kör kod i läsarens webbläsare och laddar innehåll från X"),
    (POST, 16, "brödtexten: [rapporten](javascript:alert(1)) kör kod"),
    (POST, 16, "brödtexten: länktexten ”här”"),
    (POST, 20, 'brödtexten: bilden ![IMG_2043.JPG]({static}/images/2018/hamn.jpg): "IMG_2043.JPG"'),
    (POST, 22, "brödtexten: rubriken ”#### Detaljer” hoppar från nivå 2 till nivå 4"),
    (POST, 24, "brödtexten: länktexten ”Klicka här”"),
]


def test_every_rule_stops_the_build_with_file_line_and_fix_and_output_stays(tmp_path):
    content = copy_site("minimal", tmp_path)
    files = {
        POST: BAD_POST,
        "pages/hitta-hit.md": BAD_PAGE,
        "authors/anna-berg.md": BAD_BIO,
        "comments/att-motas-for-en-konkurrenskraftig-industri.toml": BAD_COMMENTS,
    }
    error = stopped_build(content, tmp_path / "output", files)  # output/ stays byte for byte
    # Paths are as the editor knows them, from the project folder: minimal/posts/… for this copy.
    found = [
        (problem.path.removeprefix("minimal/"), problem.line, problem.text()) for problem in error.problems
    ]
    for path, line, start in EXPECTED:
        assert [(p, n) for p, n, message in found if message.startswith(start)] == [(path, line)], start
    assert len(found) == len(EXPECTED), "\n".join(map(str, error.problems))
    assert all(problem.field for problem in error.problems)
    printed = str(error)
    assert f"minimal/{POST}\n" in printed
    assert "\n  rad 11: brödtexten: <iframe>" in printed
    assert "[Filmen ”…” på YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in printed
    assert "sidan om personuppgifter lovar inga kakor och ingen spårning" in printed
    assert "[e-postadress borttagen]" in printed


GOOD_POST = """\
Title: Filmen om Robotlyftet
Date: 2018-03-01 10:00
Author: Anna Berg
Category: Smart industri
Summary: Om *robotar* i [Robotlyftet](https://tillvaxtverket.se/robotlyftet).
Image: {static}/images/2018/hamn.jpg
Image_alt: ""
Image_caption: Foto: Tillväxtverket

Se [filmen ”Robotlyftet” på YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ), eller skriv
`<iframe>` i en kodrad. <https://tillvaxtverket.se/>

## Bakgrund

### Först

![Hamnen i kvällsljus med båtar vid bryggan](images/2018/hamn.jpg)
"""


def test_what_the_rules_allow_builds_as_written(tmp_path, builder):
    content = write_files(copy_site("minimal", tmp_path), {"posts/2018/filmen.md": GOOD_POST})
    output = builder(content)
    page = soup(output / "2018/03/filmen-om-robotlyftet/index.html")
    link = page.find("a", href="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert link.get_text() == "filmen ”Robotlyftet” på YouTube"
    assert page.find("code").get_text() == "<iframe>"
    assert not page.find("iframe")
    assert page.select_one(".bk-figure--hero img")["alt"] == ""  # Image_alt: "" is decorative
    assert page.select_one(".bk-post__body img")["alt"] == "Hamnen i kvällsljus med båtar vid bryggan"
    headings = [h.name for h in page.find("article").find_all(re.compile(r"^h[1-6]$"))]
    assert headings[:3] == ["h1", "h2", "h3"]
