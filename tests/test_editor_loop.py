"""The editor's loop: the mistakes editors really make, each said in Swedish at its file and line, the
same from `make check` as from `make build`, and on GitHub as annotations and a summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_site, check_site, copy_site, make, without_rules, write_files
from content_checks import ContentError, Problem

import report
import sitebuild

NOT_DECORATIVE = (
    " En bild i brödtexten kan inte vara dekorativ: tillför den inget, ta bort den, eller gör den till"
    ' toppbild med Image_alt: "".'
)
HEADER = "Title: Ny text\nDate: 2018-03-01 10:00\nAuthor: Anna Berg\nCategory: Turism\n"


def both_stop(content: Path, tmp_path: Path) -> ContentError:
    """`make check` and `make build` on the same content: both stop, with the very same message."""
    with pytest.raises(ContentError) as checked:
        check_site(content, tmp_path / "output")
    with pytest.raises(ContentError) as built:
        build_site(content, tmp_path / "output")
    assert str(checked.value) == str(built.value)
    assert not (tmp_path / "output").exists()
    return built.value


def reported(error: ContentError) -> list[str]:
    """Every problem as the editor reads it: file, line, what to do."""
    return [str(problem) for problem in error.problems]


# Mistakes in a post: each one message, at its line, with no follow-on errors.

POST_MISTAKES = {
    "tab-before-field": (
        "Title: Ny text\nDate: 2018-03-01 10:00\nAuthor: Anna Berg\n\tCategory: Turism\n\nText.\n",
        [
            "rad 4: raden börjar med en tabb före Category:, och då läses den som en fortsättning på raden"
            " Author. Ta bort tabben så att Category: står först på raden."
        ],
    ),
    "spaces-before-field": (
        "Title: Ny text\nDate: 2018-03-01 10:00\n    Author: Anna Berg\nCategory: Turism\n\nText.\n",
        [
            "rad 3: raden börjar med mellanslag före Author:, och då läses den som en fortsättning på raden"
            " Date. Ta bort mellanslag så att Author: står först på raden."
        ],
    ),
    "blank-line-in-header": (
        "Title: Ny text\nDate: 2018-03-01 10:00\n\nAuthor: Anna Berg\nCategory: Turism\n\nText.\n",
        [
            "rad 3: en tom rad mitt i filens huvud: huvudet slutar vid första tomma raden, så Author, Category"
            " efter den läses som brödtext. Ta bort den tomma raden."
        ],
    ),
    "body-read-as-field": (
        HEADER + "Bakgrund: Tillväxtverket har länge arbetat med smart industri.\n\nMer text.\n",
        [
            "rad 5: raden Bakgrund: … läses som ett fält i filens huvud, eftersom det saknas en tom rad"
            " mellan huvudet och brödtexten. Lägg in en tom rad före raden."
        ],
    ),
    "field-twice": (
        HEADER + "Category: Industri\n\nText.\n",
        ["rad 5: Category står två gånger (också på rad 4). Ta bort en av dem."],
    ),
    "image-without-alt": (
        HEADER + "\nFörsta stycket.\n\n![]({static}/images/2018/hamn.jpg)\n",
        [
            "rad 8: brödtexten: bilden {static}/images/2018/hamn.jpg saknar alternativtext. Beskriv bilden"
            " för den som inte ser den (WCAG 1.1.1), mellan hakparenteserna:"
            " ![Kvinna håller en presentation]({static}/images/2018/hamn.jpg)." + NOT_DECORATIVE
        ],
    ),
    "link-to-missing-post": (
        HEADER + "\nSe [förra inlägget]({filename}/posts/2017/finns-inte.md).\n",
        [
            "rad 6: brödtexten: länken {filename}/posts/2017/finns-inte.md leder till ett inlägg som inte"
            " finns. Skriv sökvägen till inläggets fil från content/, så som den här filen själv skrivs:"
            " {filename}/posts/2018/ny.md."
        ],
    ),
    "link-with-unknown-indicator": (
        HEADER + "\nSe [bilden]({statc}/images/2018/hamn.jpg).\n",
        [
            "rad 6: brödtexten: länken {statc}/images/2018/hamn.jpg börjar med något Pelican inte känner"
            " till. Menade du {static}? Skriv {static} för bilder och filer, {filename} för inlägg och sidor."
        ],
    ),
}


@pytest.mark.parametrize(("text", "expected"), POST_MISTAKES.values(), ids=POST_MISTAKES.keys())
def test_a_post_mistake_is_one_message_at_its_line(tmp_path, text, expected):
    content = copy_site("minimal", tmp_path)
    write_files(content, {"posts/2018/ny.md": text})
    error = both_stop(content, tmp_path)
    assert reported(error) == [f"minimal/posts/2018/ny.md, {line}" for line in expected]


@pytest.mark.parametrize(
    ("swedish", "english", "line"),
    [
        ("Rubrik", "Title", 1),
        ("Datum", "Date", 2),
        ("Författare", "Author", 3),
        ("Skribent", "Author", 3),
        ("Kategori", "Category", 4),
        ("Taggar", "Tags", 5),
        ("Sammanfattning", "Summary", 5),
        ("Bild", "Image", 5),
        ("Alt-text", "Image_alt", 5),
        ("Alttext", "Image_alt", 5),
        ("Bildtext", "Image_caption", 5),
        ("Uppdaterad", "Modified", 5),
    ],
)
def test_a_swedish_field_name_gets_its_field(tmp_path, swedish, english, line):
    lines = HEADER.splitlines()
    if line <= len(lines):
        lines[line - 1] = f"{swedish}: {lines[line - 1].split(': ', maxsplit=1)[1]}"
    else:
        lines.append(f"{swedish}: Kort text")
    content = copy_site("minimal", tmp_path)
    write_files(content, {"posts/2018/ny.md": "\n".join(lines) + "\n\nText.\n"})
    from content_checks import check_site as rules

    problems = rules(sitebuild.load_settings("pelicanconf.py", {"PATH": str(content)}))
    unknown = next(p for p in problems if p.field == swedish)
    assert (unknown.line, unknown.message.split(" Tillåtna")[0]) == (
        line,
        f"fältet {swedish} finns inte och skulle inte visas. Menade du {english}?",
    )


def test_an_unreadable_post_drags_in_no_error_for_its_comments_file(tmp_path):
    content = copy_site("comments", tmp_path)
    post = content / "posts/2018/med-kommentarer.md"
    post.write_bytes(post.read_text(encoding="utf-8").replace("inlägg", "inlägg ö").encode("latin-1"))
    error = both_stop(content, tmp_path)
    assert reported(error) == [
        "comments/posts/2018/med-kommentarer.md, rad 1: filen är inte sparad som UTF-8. Spara om den som UTF-8."
    ]


def test_an_unreadable_author_file_drags_in_no_unknown_author_in_the_posts(tmp_path):
    content = copy_site("minimal", tmp_path)
    author = content / "authors/anna-berg.md"
    author.write_bytes(author.read_text(encoding="utf-8").replace("Anna", "Änna", 1).encode("latin-1"))
    error = both_stop(content, tmp_path)
    assert reported(error) == [
        "minimal/authors/anna-berg.md, rad 1: filen är inte sparad som UTF-8. Spara om den som UTF-8."
    ]


# Comments files: the TOML mistakes editors make, in Swedish, at the line of the mistake.

COMMENT = '[[comment]]\nname = "Karin L"\ndate = 2018-02-16T14:32:00\nbody = """\nTack!\n"""\n'
TOML_MISTAKES = {
    "date-without-seconds": (
        COMMENT.replace("14:32:00", "14:32"),
        "rad 3: date: datumet saknar sekunder. Skriv date = 2018-02-16T14:32:00. Rätta raden och bygg igen.",
    ),
    "curly-quotes": (
        COMMENT.replace('"Karin L"', "”Karin L”"),
        "rad 2: name: texten står inom typografiska citattecken (”), som TOML inte läser."
        ' Skriv raka citattecken: name = "…". Rätta raden och bygg igen.',
    ),
    "missing-closing-quote": (
        COMMENT.replace('"Karin L"', '"Karin L'),
        'rad 2: name: raden tar slut innan texten har fått sitt avslutande citattecken ("). Rätta raden och'
        " bygg igen.",
    ),
    "missing-closing-triple-quote": (
        COMMENT.replace('Tack!\n"""', "Tack!"),
        'rad 4: body: texten som börjar med """ här avslutas aldrig. Skriv """ på en rad efter texten.'
        " Rätta raden och bygg igen.",
    ),
}


@pytest.mark.parametrize(("text", "expected"), TOML_MISTAKES.values(), ids=TOML_MISTAKES.keys())
def test_a_comments_file_mistake_is_said_in_swedish_at_its_line(tmp_path, text, expected):
    content = copy_site("comments", tmp_path)
    write_files(content, {"comments/ett-inlagg-med-kommentarer.toml": text})
    error = both_stop(content, tmp_path)
    assert reported(error) == [f"comments/comments/ett-inlagg-med-kommentarer.toml, {expected}"]


# The report: grouped by file, in line order.


def test_problems_are_grouped_by_file_and_sorted_by_line(tmp_path):
    content = copy_site("minimal", tmp_path)
    write_files(
        content,
        {
            "posts/2018/b.md": "Title: B\nDate: 2018-13-01\nAuthor: Ana Berg\nCategory: Turism\n\n![](x.jpg)\n",
            "posts/2018/a.md": "Title: A\nDatum: 2018-03-01\nAuthor: Anna Berg\nCategory: Turism\n\nText.\n",
        },
    )
    error = both_stop(content, tmp_path)
    message = str(error)
    assert message.startswith("Bygget stoppades: 5 fel i innehållet (2 filer).")
    a, b = message.index("minimal/posts/2018/a.md\n"), message.index("minimal/posts/2018/b.md\n")
    assert a < b
    lines = message[b:].splitlines()[1:]
    assert [line.split(":")[0] for line in lines] == ["  rad 2", "  rad 3", "  rad 6", "  rad 6"]


# GitHub: annotations on the pull request's lines, and the job's summary.


def test_annotations_and_summary_table_under_github_actions(tmp_path):
    summary = tmp_path / "summary.md"
    environ = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    problems = [
        Problem(
            "content/posts/2018/x.md", "Author: skribenten finns inte. Menade du Anna Berg?", 3, "Author"
        ),
        Problem("content/comments/x.toml", "date = 5 är inget datum, 100 % fel.", 7, "kommentar 2, date"),
        Problem(
            "content/posts/2018/x.md",
            "bilden hamn.jpg saknar alternativtext. En bild syns inte för alla. Skriv ![Hamn i kvällsljus](hamn.jpg)",
            9,
            "brödtexten",
        ),
    ]
    assert report.report_problems(problems, environ) == [
        "::error file=content/comments/x.toml,line=7,title=kommentar 2%2C date::date = 5 är inget datum,"
        " 100 %25 fel.",
        "::error file=content/posts/2018/x.md,line=3,title=Author::Author: skribenten finns inte."
        " Menade du Anna Berg?",
        "::error file=content/posts/2018/x.md,line=9,title=brödtexten::bilden hamn.jpg saknar alternativtext."
        " En bild syns inte för alla. Skriv ![Hamn i kvällsljus](hamn.jpg)",
    ]
    # "Vad du gör" holds what to do (from the first sentence of advice); what is wrong has its own column.
    assert summary.read_text(encoding="utf-8") == (
        "### Bygget stoppades: 3 fel i innehållet\n\n| Fil | Rad | Fält | Fel | Vad du gör |\n"
        "| --- | ---: | --- | --- | --- |\n"
        "| `content/comments/x.toml` | 7 | kommentar 2, date | date = 5 är inget datum, 100 % fel. | Rätta raden. |\n"
        "| `content/posts/2018/x.md` | 3 | Author | Author: skribenten finns inte. | Menade du Anna Berg? |\n"
        "| `content/posts/2018/x.md` | 9 | brödtexten | bilden hamn.jpg saknar alternativtext. En bild syns inte"
        " för alla. | Skriv \\!\\[Hamn i kvällsljus\\](hamn.jpg) |\n\n"
        "**Så rättar du på GitHub:** öppna fliken Files changed i pull requesten och välj Edit file i menyn (…)"
        " vid filen. Rätta raderna ovan och spara med Commit changes i samma gren. Då kontrolleras innehållet"
        " igen av sig självt.\n\n"
    )
    assert report.report_problems(problems, {"GITHUB_STEP_SUMMARY": str(summary)}) == []


@pytest.mark.parametrize(
    ("message", "line", "wrong", "fix"),
    [
        ("Image_alt saknas. Beskriv bilden.", 8, "Image_alt saknas.", "Beskriv bilden."),
        ('Alias "/a.html" används redan. Ta bort det.', 4, 'Alias "/a.html" används redan.', "Ta bort det."),
        ('texten står inom ”citattecken”. Skriv "…".', 2, "texten står inom ”citattecken”.", 'Skriv "…".'),
        (
            "A kör kod. Webbplatsen lovar annat. Ta bort A.",
            3,
            "A kör kod. Webbplatsen lovar annat.",
            "Ta bort A.",
        ),
        ("finns redan. Varje skribent har en fil.", 1, "finns redan.", "Varje skribent har en fil."),
        ("bilden t.ex. hamn.jpg saknas.", 5, "bilden t.ex. hamn.jpg saknas.", "Rätta raden."),
        ("filen innehåller inga kommentarer.", 0, "filen innehåller inga kommentarer.", "Rätta filen."),
    ],
)
def test_a_message_is_split_into_what_is_wrong_and_what_to_do(message, line, wrong, fix):
    assert report.wrong_and_fix(Problem("content/x.md", message, line)) == (wrong, fix)


def test_a_passing_check_writes_a_summary_on_github(project, tmp_path):
    summary = tmp_path / "summary.md"
    checked = make(project, "check", GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))
    assert checked.returncode == 0, checked.stderr
    text = summary.read_text(encoding="utf-8")
    seconds = text.rsplit(" kontrollerades på ", 1)[1].removesuffix(" s.\n\n")
    assert text == (
        "### Innehållet är utan fel\n\n2 inlägg, 2 sidor, 1 skribenter och 10 bildfiler kontrollerades"
        f" på {seconds} s.\n\n"
    )
    assert float(seconds) > 0
    assert checked.stdout.splitlines()[-1].startswith("Innehållet är utan fel (2 inlägg, 2 sidor")


# The real commands, as an editor runs them: `make check`, `make build`, `make new-post`.


def test_make_check_and_make_build_agree_and_annotate_on_github(project, tmp_path):
    write_files(
        project / "content",
        {
            "posts/2018/ny.md": HEADER.replace("Category", "\tCategory")
            + "\n![](images/2018/hamn.jpg)\n\n[Förra]({filename}/posts/finns-inte.md)\n"
        },
    )
    summary = tmp_path / "summary.md"
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    checked, built = make(project, "check", **github), make(project, "build", **github)
    assert checked.returncode == 1
    assert built.returncode == 1
    expected = [
        "Bygget stoppades: 3 fel i innehållet (en fil).",
        "",
        "content/posts/2018/ny.md",
        "  rad 4: raden börjar med en tabb före Category:, och då läses den som en fortsättning på raden"
        " Author. Ta bort tabben så att Category: står först på raden.",
        "  rad 6: brödtexten: bilden images/2018/hamn.jpg saknar alternativtext. Beskriv bilden för den som"
        " inte ser den (WCAG 1.1.1), mellan hakparenteserna:"
        " ![Kvinna håller en presentation](images/2018/hamn.jpg)." + NOT_DECORATIVE,
        "  rad 8: brödtexten: länken {filename}/posts/finns-inte.md leder till ett inlägg som inte finns."
        " Skriv sökvägen till inläggets fil från content/, så som den här filen själv skrivs:"
        " {filename}/posts/2018/ny.md.",
        "",
    ]
    assert checked.stderr.splitlines()[: len(expected)] == expected
    assert built.stderr.splitlines()[: len(expected)] == expected
    for run in (checked, built):
        annotations = [line for line in run.stdout.splitlines() if line.startswith("::error ")]
        assert [line.split("::")[1] for line in annotations] == [
            "error file=content/posts/2018/ny.md,line=4,title=Category",
            "error file=content/posts/2018/ny.md,line=6,title=brödtexten",
            "error file=content/posts/2018/ny.md,line=8,title=brödtexten",
        ]
        assert str(project) not in run.stdout + run.stderr
        assert "Traceback" not in run.stderr
        assert "WARNING" not in run.stderr
        assert "make:" not in run.stderr  # no "make: *** [Makefile:…] Error 1" after the message
        # On GitHub the last word is what an editor in the browser can do (there is no make check there).
        assert run.stderr.splitlines()[-2:] == ["", report.GITHUB_NEXT]
        assert "make check" not in report.GITHUB_NEXT
    table = summary.read_text(encoding="utf-8")
    assert table.count("### Bygget stoppades: 3 fel i innehållet") == 2  # the check's, then the build's
    assert "| `content/posts/2018/ny.md` | 4 | Category | raden börjar med en tabb" in table


def test_a_passing_build_writes_a_short_summary(project, tmp_path):
    summary = tmp_path / "summary.md"
    built = make(project, "build", GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))
    assert built.returncode == 0, built.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### Bygget lyckades\n\n2 inlägg, 2 sidor, 1 skribenter och ")
    assert " bildfiler byggdes på " in text


@pytest.mark.parametrize(
    ("answers", "said", "written"),
    [
        (
            "Ny rubrik\nAnna Berg\nTurism\n2019-03-04 09:30\n",
            "Skapade content/posts/2019/ny-rubrik.md som utkast.",
            "posts/2019/ny-rubrik.md",
        ),
        (
            "Ny rubrik\nAna Berg\nAnna Berg\nTurism\n\n",
            'Skribenten "Ana Berg" finns inte. Menade du Anna Berg?',
            None,
        ),
        (
            "Sommar i Norrland\nSommar i Norrland igen\nAnna Berg\nTurism\n2019-03-04 09:30\n",
            'Adressen "sommar-i-norrland" används redan av content/posts/2018/sommar-i-norrland.md.',
            "posts/2019/sommar-i-norrland-igen.md",
        ),
        (
            "Ny rubrik\nAnna Berg\nTurism\n4/3 2019\n2019-03-04 09:30\n",
            '"4/3 2019" är inget datum. Skriv ÅÅÅÅ-MM-DD TT:MM, till exempel 2018-02-16 10:00.'
            " Menade du 2019-03-04?",
            "posts/2019/ny-rubrik.md",
        ),
        (
            "Ny rubrik\nAnna Berg\nSmart Industri\nSmart industri\n2019-03-04 09:30\n",
            'Kategorin "Smart Industri" finns inte i listan över kategorier (kategorier.txt). Menade du Smart'
            " industri?",
            "posts/2019/ny-rubrik.md",
        ),
        ("Ny rubrik\nAnna", "Avbrutet. Inget inlägg skrevs.", None),
    ],
    ids=["written", "unknown-author", "address-taken", "bad-date", "category-spelling", "ctrl-d"],
)
def test_new_post_asks_refuses_and_writes(project, answers, said, written):
    run = make(project, "new-post", stdin=answers)
    assert said in run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert "make:" not in run.stderr
    posts = {str(p.relative_to(project / "content")) for p in (project / "content/posts").rglob("*.md")}
    new = posts - {"posts/2018/att-motas.md", "posts/2018/sommar-i-norrland.md"}
    if written:
        assert new == {written}
        assert (project / "content" / written).read_text(encoding="utf-8").count("\nDate: 2019-03-04 09:30\n")
    elif said.startswith("Skribenten"):
        assert len(new) == 1  # asked again, and the right name was taken
    else:
        assert run.returncode != 0
        assert new == set()


def test_new_post_dates_default_to_now_in_swedish_time(project):
    run = make(project, "new-post", stdin="Ny rubrik\nAnna Berg\nTurism\n\n")
    assert run.returncode == 0, run.stderr
    (path,) = (project / "content/posts").glob("*/ny-rubrik.md")
    date = path.read_text(encoding="utf-8").split("Date: ")[1].split("\n")[0]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Europe/Stockholm"))
    assert date[:10] == f"{now:%Y-%m-%d}"
    assert path.parent.name == f"{now:%Y}"


# The net under the rules: Pelican's own warnings, should a mistake get past the rules, are said the same
# way. Built without the content_checks plugin, so that Pelican itself meets the mistakes.


def test_pelicans_warnings_become_the_same_swedish_problems(tmp_path):
    content = copy_site("minimal", tmp_path)
    write_files(
        content,
        {
            "posts/2018/ny.md": HEADER
            + "\nFörsta stycket.\n\n![](images/2018/hamn.jpg)\n\n[Förra]({filename}/posts/2017/finns-inte.md)\n"
        },
    )
    with pytest.raises(ContentError) as error:
        build_site(content, tmp_path / "output", **without_rules())
    assert reported(error.value) == [
        "minimal/posts/2018/ny.md, rad 8: brödtexten: bilden hamn.jpg saknar alternativtext. Beskriv bilden"
        " för den som inte ser den (WCAG 1.1.1), mellan hakparenteserna:"
        " ![Kvinna håller en presentation](hamn.jpg)." + NOT_DECORATIVE,
        "minimal/posts/2018/ny.md, rad 10: brödtexten: länken {filename}/posts/2017/finns-inte.md leder till ett inlägg"
        " som inte finns. Skriv sökvägen till inläggets fil från content/, så som den här filen själv skrivs:"
        " {filename}/posts/2018/ny.md.",
    ]
    assert str(tmp_path) not in str(error.value)


def test_a_warning_that_is_no_content_mistake_stops_the_build_for_a_developer(tmp_path):
    content = copy_site("minimal", tmp_path)
    with pytest.raises(sitebuild.BuildError) as error:
        build_site(content, tmp_path / "output", ARTICLE_ORDER_BY=["ingen"], **without_rules())
    message = str(error.value)
    assert message.startswith("Bygget stoppades av en varning som inte gäller innehållet")
    assert "WARNING: Invalid *_ORDER_BY setting" in message
    assert error.value.problems == []


def test_a_body_that_starts_with_a_credit_line_is_no_header(tmp_path):
    content = copy_site("minimal", tmp_path)
    write_files(content, {"posts/2018/ny.md": HEADER + "\nBild: Tillväxtverket\n\nText.\n"})
    output = build_site(content, tmp_path / "output")
    assert "Bild: Tillväxtverket" in (output / "2018/03/ny-text/index.html").read_text(encoding="utf-8")
