"""content_checks.safety, rule by rule: what each refuses (its message and line), and what it lets through."""

from __future__ import annotations

import pytest
from checked_folder import site_problems
from content_checks.markdown_reading import read_markdown
from content_checks.safety import bio_problems, body_problems, check_bios


def found(markdown: str, rule=body_problems) -> list[tuple[int, str]]:
    """(1-based line, message) of every problem a rule finds in a piece of Markdown."""
    return [
        (markdown.count("\n", 0, offset) + 1, message) for offset, message in rule(read_markdown(markdown))
    ]


def lines_saying(markdown: str, expected: str) -> list[int]:
    """The lines of the body rules' problems whose message contains ``expected``."""
    return [line for line, message in found(markdown) if expected in message]


# ---------- Nothing that runs or loads from elsewhere ----------

YOUTUBE_IFRAME = '<iframe width="560" src="https://www.youtube.com/embed/abc123" allowfullscreen></iframe>'
TWEET = (
    '<blockquote class="twitter-tweet"><p>Hej</p><a href="https://twitter.com/tv/status/1">1 mars</a>'
    "</blockquote>\n"
    '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
)


@pytest.mark.parametrize(
    ("markdown", "line", "expected"),
    [
        (
            f"Se filmen.\n\n{YOUTUBE_IFRAME}\n",
            3,
            "<iframe> bäddar in en annan webbplats och laddar innehåll från YouTube. Då kontaktar varje"
            " läsares webbläsare YouTube och kan få dess kakor, men sidan om personuppgifter lovar inga"
            " kakor och ingen spårning. Ta bort inbäddningen och skriv en vanlig länk som säger vart den"
            " leder, till exempel: [Filmen ”…” på YouTube](https://www.youtube.com/watch?v=abc123)",
        ),
        (TWEET, 2, "[Inlägget om … på X (Twitter)](https://x.com/…)"),
        (
            '<iframe src="https://player.vimeo.com/video/76979871"></iframe>',
            1,
            "(https://vimeo.com/76979871)",
        ),
        (
            '<iframe src="https://karta.example.se/x"></iframe>',
            1,
            "[Vad som finns på sidan, på karta.example.se]",
        ),
        ("<script>alert(1)</script>", 1, "Ta bort <script> och allt fram till </script>."),
        ('<object data="film.swf"></object>', 1, "<object> bäddar in ett program eller en annan webbplats."),
        ('<embed src="https://open.spotify.com/embed/episode/1">', 1, "[Avsnittet ”…” på Spotify]"),
        ('<form action="https://x.se/"><input></form>', 1, "<form> skickar det läsaren skriver"),
        (
            "<style>p { color: red }</style>",
            1,
            "<style> ändrar sidans utseende utanför webbplatsens stilmall",
        ),
        ('<link rel="stylesheet" href="https://x.se/a.css">', 1, "<link> hämtar filer från en annan adress"),
        ('<meta http-equiv="refresh" content="0">', 1, "<meta> ändrar hur webbläsaren behandlar hela sidan"),
        ('<base href="https://x.se/">', 1, "<base> ändrar vart alla sidans länkar leder"),
        ("Hej <img src=x onerror=alert(1)>", 1, "attributet onerror= i <img> kör kod i läsarens webbläsare"),
        ('<p style="background:url(//x.se/a.png)">Text</p>', 1, "attributet style= i <p>"),
        ('<video src="https://cdn.x.se/film.mp4"></video>', 1, "(cdn.x.se)"),
        (
            "Läs\n[rapporten](javascript:alert(1)) nu.",
            2,
            "[rapporten](javascript:alert(1)) kör kod (javascript:) i stället för att leda till en sida, och"
            " webbplatsen lovar att inget körs på sidan. Skriv sidans adress, till exempel: [Rapporten om"
            " …](https://tillvaxtverket.se/…)",
        ),
        ("[Rapporten](<JavaScript:alert(1)>)", 1, "kör kod (javascript:)"),
        ("[Rapporten](vbscript:msgbox)", 1, "kör kod (vbscript:)"),
        ("[Rapporten](javascript&#58;alert(1))", 1, "kör kod (javascript:)"),  # the browser decodes &#58;
        ('<a href="&#106;avascript:alert(1)">Rapporten</a>', 1, "kör kod (javascript:)"),
        ("![Diagram](data:image/png;base64,iVBOR)", 1, "har en data:-adress"),
        ("[Rapporten][r]\n\n[r]: javascript:alert(1)", 3, "[r]: javascript:alert(1) kör kod"),
        # Python-Markdown's attr_list (in extra) sets any attribute: {: onclick=… } is an on…= attribute too.
        (
            'Text\n\n## Rubrik {: onclick="alert(1)" }',
            3,
            'attributet onclick= i {: onclick="alert(1)" } kör kod',
        ),
        ("[Rapporten](https://a.se){: style='color:red' }", 1, "attributet style= i {: style='color:red' }"),
        ("[Rapporten](https://a.se){: href=javascript:alert(1) }", 1, "kör kod (javascript:)"),
    ],
)
def test_what_runs_or_loads_from_elsewhere_is_refused(markdown, line, expected):
    assert lines_saying(markdown, expected) == [line], found(markdown)


def test_an_ordinary_link_to_youtube_and_code_about_embeds_are_fine():
    markdown = (
        "Se [Filmen ”Robotlyftet” på YouTube](https://www.youtube.com/watch?v=abc123).\n"
        "\n"
        "Skriv aldrig `<iframe>` eller `<script>`:\n"
        "\n"
        "```\n"
        f"{YOUTUBE_IFRAME}\n"
        "```\n"
        "\n"
        "<abbr>EU</abbr> och <https://tillvaxtverket.se/> och <b>fet</b> text.\n"
        "\n"
        "## Rubrik {: #ankare .klass } och {klammer} i text\n"
    )
    assert found(markdown) == []


# ---------- Headings ----------


@pytest.mark.parametrize(
    ("markdown", "line", "expected"),
    [
        (
            "Text.\n\n# Rubrik\n",
            3,
            "rubriken ”# Rubrik” är på nivå 1, men inläggets titel är sidans enda huvudrubrik (WCAG 1.3.1)."
            " Börja brödtextens rubriker med ##, till exempel: ## Vad vi lärde oss. (Är # inte menat som en"
            " rubrik, skriv \\# i stället.)",
        ),
        ("#Hashtag\n", 1, "”#Hashtag” är på nivå 1"),
        ("Text\n\nRubrik\n======\n", 3, "”Rubrik / ======” är på nivå 1"),
        ("<h1>Rubrik</h1>", 1, "”<h1>” är på nivå 1"),
        (
            "## Bakgrund\n\nText.\n\n#### Detaljer\n",
            5,
            "rubriken ”#### Detaljer” hoppar från nivå 2 till nivå 4; rubrikerna visar textens struktur och"
            " får inte hoppa över en nivå på vägen ned (WCAG 1.3.1). Skriv ### här, till exempel: ### Vad vi"
            " lärde oss",
        ),
        ("Text.\n\n### Direkt på nivå 3\n", 3, "hoppar från nivå 1 till nivå 3"),
        ("## A\n\n### B\n\n## C\n\n#### D\n", 7, "hoppar från nivå 2 till nivå 4"),
    ],
)
def test_headings_start_at_two_and_never_skip_a_level(markdown, line, expected):
    assert lines_saying(markdown, expected) == [line], found(markdown)


def test_headings_that_go_down_one_level_at_a_time_are_fine():
    markdown = (
        "## Bakgrund\n\n### Först\n\n#### Detalj\n\n## Nästa del\n\nUnderstruken\n------------\n\n"
        "### Sist\n\nText med # mitt i och\n\n```\n# kod\n```\n\nEn rad\n---\n"
    )
    assert found(markdown) == []


# ---------- Alt texts ----------


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "![IMG_2043.JPG]({static}/images/a.jpg)",
            'bilden ![IMG_2043.JPG]({static}/images/a.jpg): "IMG_2043.JPG" är ett filnamn, inte en'
            " beskrivning. Skriv vad bilden visar för den som inte ser den (WCAG 1.1.1), till exempel: Kvinna"
            " håller en presentation i Tillväxtverkets lokaler.",
        ),
        ("![DSC0012](a.jpg)", '"DSC0012" är ett filnamn'),
        ("![20180215_143200](a.jpg)", "är ett filnamn"),
        ("![hamnen.png](a.jpg)", "är ett filnamn"),
        ("![Skärmavbild 2018-02-15 kl. 10.00.00](a.jpg)", "är ett filnamn"),
        ("![Screenshot_20180215-143200](a.jpg)", "är ett filnamn"),
        ("![Skärmbild (12)](a.jpg)", "är ett filnamn"),
        ("![Skärmbild](a.jpg)", '"Skärmbild" säger inte vad bilden visar.'),
        ("![bild](a.jpg)", '"bild" säger inte vad bilden visar.'),
        ("![Foto.](a.jpg)", '"Foto." säger inte vad bilden visar.'),
        ("![Illustration](a.jpg)", "säger inte vad bilden visar"),
        ('<img src="a.jpg" alt="image">', "säger inte vad bilden visar"),
        (
            '![Bryggan i juni](a.jpg "Bryggan i juni.")',
            "alternativtexten är samma som bildtexten, så den som använder skärmläsare hör samma sak två gånger.",
        ),
        (
            "![](a.jpg)",
            "bilden a.jpg saknar alternativtext. Beskriv bilden för den som inte ser den (WCAG 1.1.1), mellan"
            " hakparenteserna: ![Kvinna håller en presentation](a.jpg). En bild i brödtexten kan inte vara"
            ' dekorativ: tillför den inget, ta bort den, eller gör den till toppbild med Image_alt: "".',
        ),
        ('![""](a.jpg)', "bilden saknar alternativtext"),
        ("![””](a.jpg)", "bilden saknar alternativtext"),
        ('<img src="a.jpg" alt="">', "bilden a.jpg saknar alternativtext"),
    ],
)
def test_alt_texts_describe_the_image(markdown, expected):
    assert lines_saying("Text.\n\n" + markdown, expected) == [3], found("Text.\n\n" + markdown)


def test_descriptive_alt_texts_are_fine():
    markdown = (
        "![Kvinna håller en presentation](a.jpg)\n\n"
        '![Bryggan vid vattnet](a.jpg "Nätverkande under dagen. Foto: Tillväxtverket")\n\n'
        "![Bild från seminariet om hållbar turism](a.jpg)\n\n"
        "![Skärmbild av Tillväxtverkets startsida med menyn utfälld](a.jpg)\n"  # a description, no file name
    )
    assert found(markdown) == []


# ---------- Link texts ----------


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "Läs rapporten [här](https://tillvaxtverket.se/rapport).",
            "länktexten ”här” säger inte vart länken leder; den som hoppar mellan länkar med skärmläsare hör"
            " bara den (WCAG 2.4.4). Låt länktexten säga vad som finns där, till exempel: Läs [rapporten om"
            " regionala företag](https://tillvaxtverket.se/…)",
        ),
        ("[Klicka här!](https://a.se)", "länktexten ”Klicka här!”"),
        ("[*Läs mer* »](https://a.se)", "länktexten ”*Läs mer* »”"),
        ("[länk](https://a.se)", "länktexten ”länk”"),
        ("[Mer](https://a.se)", "länktexten ”Mer”"),
        ('<a href="https://a.se">här</a>', "länktexten ”här”"),
        ("[här][r]\n\n[r]: https://a.se", "länktexten ”här”"),
        (
            "[](https://a.se)",
            "länken [](https://a.se) har ingen text, så den syns inte och skärmläsare läser bara upp adressen"
            " (WCAG 2.4.4). Skriv vart den leder inom hakparenteserna, till exempel: [Tillväxtverkets"
            " webbplats](https://tillvaxtverket.se/)",
        ),
        ("[![](logo.png)](https://a.se)", "har ingen text"),
    ],
)
def test_link_texts_say_where_they_lead(markdown, expected):
    assert lines_saying("Text.\n\n" + markdown, expected) == [3], found("Text.\n\n" + markdown)


def test_descriptive_links_and_bare_addresses_are_fine():
    markdown = (
        "Läs [rapporten om regionala företag](https://tillvaxtverket.se/rapport).\n"
        "[https://tillvaxtverket.se/](https://tillvaxtverket.se/) och <https://tillvaxtverket.se/>.\n"
        "[Läs mer om Robotlyftet](https://a.se) och [![Robotlyftets logotyp](logo.png)](https://a.se).\n"
        "[Mer om oss][om]\n\n[om]: /om-bloggen/\n"
    )
    assert found(markdown) == []


# ---------- Header fields, bios and comments, with their lines in the file ----------

POST_HEAD = "Title: Rubrik\nDate: 2018-02-15 10:00\nAuthor: Anna Berg\nCategory: Test\n"


def test_summary_caption_and_alt_are_checked_at_their_own_lines(tmp_path):
    post = (
        f"{POST_HEAD}Summary: Hej <img src=x onerror=alert(1)>\nImage: {{static}}/images/a.jpg\n"
        "Image_alt: ””\nImage_caption: Hamnen <b>i maj</b>.\n\nText.\n"
    )
    problems = site_problems(tmp_path, {"posts/a.md": post})
    assert [(line, field) for _, line, field, _ in problems] == [
        (5, "Summary"),
        (7, "Image_alt"),
        (8, "Image_caption"),
    ]
    messages = [message for *_, message in problems]
    assert messages[0] == (
        "HTML (<img src=x onerror=alert(1)>) går inte i Summary, som är ren text. Ta bort taggen;"
        " skriv *kursiv*, **fetstil** eller en länk som [Tillväxtverket](https://tillvaxtverket.se/) i"
        " Markdown."
    )
    assert messages[1] == (
        "Image_alt: ”” är typografiska citattecken, så texten ”” skulle läsas upp. För en bild som bara är"
        ' dekorativ: skriv två raka citattecken, Image_alt: "".'
    )
    assert messages[2] == (
        "HTML (<b>) går inte i Image_caption, som är ren text. Ta bort taggen; skriv *kursiv*,"
        " **fetstil** eller en länk som [Tillväxtverket](https://tillvaxtverket.se/) i Markdown."
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("Image_alt: bild\n", '"bild" säger inte vad bilden visar'),
        ("Image_alt: IMG_2043.JPG\n", "är ett filnamn"),
        (
            "Image_alt: Hamnen i maj\nImage_caption: Hamnen i maj.\n",
            "alternativtexten är samma som bildtexten",
        ),
        ("Image_alt: “”\n", "“” är typografiska citattecken"),
        ("Image_alt: ''\n", "'' är typografiska citattecken"),
        ("Image_alt: ”Bild”\n", "säger inte vad bilden visar"),
    ],
)
def test_top_image_alt_text_is_checked(tmp_path, head, expected):
    post = f"{POST_HEAD}Image: images/a.jpg\n{head}\nText.\n"
    problems = site_problems(tmp_path, {"posts/a.md": post})
    assert [(line, field) for _, line, field, message in problems if expected in message] == [
        (6, "Image_alt")
    ]


def test_decorative_top_image_and_plain_summary_are_fine(tmp_path):
    post = (
        f"{POST_HEAD}Summary: Om *robotar* och [Robotlyftet](https://a.se), 5 < 8.\n"
        'Image: images/a.jpg\nImage_alt: ""\nImage_caption: Foto: Tillväxtverket\n\n## Rubrik\n\n### Under\n'
    )
    assert site_problems(tmp_path, {"posts/a.md": post}) == []


def test_bio_has_no_html_and_links_only_to_web_pages(tmp_path):
    bio = (
        "Name: Anna Berg\n\n"
        'Anna leder projektet, läs <a href="https://a.se" onclick="track()">här</a>.\n'  # one problem, not two
        "Hon skriver om [x](javascript:alert(1)) och [arkivet](ftp://arkiv.se/).\n"
        '<p style="background:url(//spårare.se/p.png)">Hej</p>\n'
        "Mer i [arkivet](https://arkiv.se/){: onclick=spåra() }.\n"
        "Mer om [bloggen](/om-bloggen/) och [Tillväxtverket](https://tillvaxtverket.se/).\n"
    )
    problems = site_problems(tmp_path, {"authors/anna-berg.md": bio}, check_bios)
    assert [(line, field) for _, line, field, _ in problems] == [
        (3, "presentationen"),
        (4, "presentationen"),
        (4, "presentationen"),
        (5, "presentationen"),
        (6, "presentationen"),
    ]
    messages = [message for *_, message in problems]
    assert messages[0] == (
        'presentationen: HTML (<a href="https://a.se" onclick="track()…) går inte i en presentation, som bara'
        " är Markdown. Ta bort taggen; en länk skrivs [Tillväxtverket](https://tillvaxtverket.se/)."
    )
    assert "länken [arkivet](ftp://arkiv.se/) leder inte till en webbsida (ftp:)" in messages[1]
    assert "länken [x](javascript:alert(1)) leder inte till en webbsida (javascript:)" in messages[2]
    assert messages[3].startswith('presentationen: HTML (<p style="background:url(//spårare.se')


def test_bio_rules_in_pure_form():
    assert found("[Om bloggen](/om-bloggen/), [Tillväxtverket](https://a.se)", bio_problems) == []
    assert [line for line, _ in found("Text\n\n<b>fet</b>", bio_problems)] == [3]
