"""content_checks.addresses: no address the site has published disappears. Retitling a post, changing its
Slug, making it a draft, deleting it, taking out an alias, renaming an author and giving a page another
Slug each stop the build with the Alias: line to add; doing what the messages say keeps every old
address working (a redirect page). The list only grows, and a list that lags behind never stops a build."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, SITES, build_site, copy_site, replace_text, soup, stopped_build, write_files
from content_checks import ContentError, check_site
from content_checks.addresses import PENDING, read_list

import sitebuild

POST = "Title: {title}\nDate: 2018-03-0{day} 10:00\nAuthor: Anna Berg\nCategory: Turism\n{extra}\nText.\n"
NEVER = " (Har adressen aldrig varit publicerad, ta i stället bort raden {} ur minimal/adresser.txt.)"


def edit(content: Path, path: str, old: str, new: str) -> None:
    replace_text(content / path, old, new)


def listed(content: Path) -> dict[str, str]:
    entries, wrong = read_list(content)
    assert wrong == []
    return {address: source for _line, address, source in entries}


def unpublish_rename_and_delete(content: Path) -> None:
    edit(
        content,
        "posts/2018/att-motas.md",
        "Title: Att mötas för en konkurrenskraftig industri",
        "Title: Mötesplatser",
    )
    edit(content, "posts/2018/sommar-i-norrland.md", "Tags: turism", "Tags: turism\nSlug: sommar-i-lappland")
    edit(content, "posts/2018/blir-utkast.md", "Category: Turism", "Category: Turism\nStatus: draft")
    (content / "posts/2018/tas-bort.md").unlink()
    edit(content, "posts/2018/med-alias.md", "Alias: /bloggen/gammal.html\n", "")
    edit(content, "authors/anna-berg.md", "Name: Anna Berg", "Name: Anna Lind")
    edit(content, "pages/om-bloggen.md", "Slug: om-bloggen", "Slug: om-arkivet")


EXPECTED = [
    (
        "minimal/adresser.txt",
        7,
        "adressen /2018/03/tas-bort/ försvinner: content/posts/2018/tas-bort.md, som hade den, finns inte"
        " längre, och länkar dit skulle leda ingenstans. Lägg till Alias: /2018/03/tas-bort/ i det inlägg"
        " som läsarna ska komma till i stället." + NEVER.format("/2018/03/tas-bort/"),
    ),
    (
        "minimal/authors/anna-berg.md",
        1,
        "adressen /skribenter/anna-berg/ försvinner: skribentens namn har ändrats, och sidan får adressen"
        " /skribenter/anna-lind/. Länkar till den gamla adressen skulle leda ingenstans: lägg till raden"
        " Alias: /skribenter/anna-berg/ i filens huvud, så leder den till den nya."
        + NEVER.format("/skribenter/anna-berg/"),
    ),
    (
        "minimal/pages/om-bloggen.md",
        1,
        "adressen /om-bloggen/ försvinner: sidan har fått en ny adress, /om-arkivet/ (rubriken, Slug eller"
        " Date har ändrats), och länkar dit skulle leda ingenstans. Lägg till raden Alias: /om-bloggen/ i"
        " filens huvud, så leder den gamla adressen hit." + NEVER.format("/om-bloggen/"),
    ),
    (
        "minimal/posts/2018/att-motas.md",
        1,
        "adressen /2018/02/att-motas-for-en-konkurrenskraftig-industri/ försvinner: inlägget har fått en ny"
        " adress, /2018/02/motesplatser/ (rubriken, Slug eller Date har ändrats), och länkar dit skulle leda"
        " ingenstans. Lägg till raden Alias: /2018/02/att-motas-for-en-konkurrenskraftig-industri/ i filens"
        " huvud, så leder den gamla adressen hit."
        + NEVER.format("/2018/02/att-motas-for-en-konkurrenskraftig-industri/"),
    ),
    (
        "minimal/posts/2018/att-motas.md",
        3,
        'Author: skribenten "Anna Berg" heter nu "Anna Lind" i minimal/authors/anna-berg.md. Skriv det nya'
        " namnet: Author: Anna Lind",
    ),
    (
        "minimal/posts/2018/blir-utkast.md",
        3,
        'Author: skribenten "Anna Berg" heter nu "Anna Lind" i minimal/authors/anna-berg.md. Skriv det nya'
        " namnet: Author: Anna Lind",
    ),
    (
        "minimal/posts/2018/blir-utkast.md",
        5,
        "adressen /2018/03/blir-utkast/ försvinner från den publicerade webbplatsen: inlägget är ett utkast"
        " (Status: draft), och länkar dit skulle leda ingenstans. Ta bort raden Status: draft, eller lägg"
        " till Alias: /2018/03/blir-utkast/ i det publicerade inlägg som läsarna ska komma till i stället."
        + NEVER.format("/2018/03/blir-utkast/"),
    ),
    (
        "minimal/posts/2018/med-alias.md",
        1,
        "adressen /bloggen/gammal.html försvinner: aliaset har tagits bort ur filen, och länkar dit skulle"
        " leda ingenstans. Lägg till raden Alias: /bloggen/gammal.html i filens huvud, så leder den gamla"
        " adressen hit." + NEVER.format("/bloggen/gammal.html"),
    ),
    (
        "minimal/posts/2018/med-alias.md",
        3,
        'Author: skribenten "Anna Berg" heter nu "Anna Lind" i minimal/authors/anna-berg.md. Skriv det nya'
        " namnet: Author: Anna Lind",
    ),
    (
        "minimal/posts/2018/sommar-i-norrland.md",
        1,
        "adressen /2018/07/sommar-i-norrland/ försvinner: inlägget har fått en ny adress,"
        " /2018/07/sommar-i-lappland/ (rubriken, Slug eller Date har ändrats), och länkar dit skulle leda"
        " ingenstans. Lägg till raden Alias: /2018/07/sommar-i-norrland/ i filens huvud, så leder den gamla"
        " adressen hit." + NEVER.format("/2018/07/sommar-i-norrland/"),
    ),
    (
        "minimal/posts/2018/sommar-i-norrland.md",
        3,
        'Author: skribenten "Anna Berg" heter nu "Anna Lind" i minimal/authors/anna-berg.md. Skriv det nya'
        " namnet: Author: Anna Lind",
    ),
]


def redirect_to(output: Path, old: str) -> str:
    """Where the redirect page at an old address sends the reader."""
    page = output / old.lstrip("/")
    page = page / "index.html" if old.endswith("/") else page
    return soup(page).find("meta", attrs={"http-equiv": "refresh"})["content"].split("url=", 1)[1]


def test_every_way_an_address_disappears_stops_and_the_alias_it_names_keeps_it(tmp_path):
    content = copy_site("minimal", tmp_path)
    output = tmp_path / "output"
    write_files(
        content,
        {
            "posts/2018/blir-utkast.md": POST.format(title="Blir utkast", day=1, extra=""),
            "posts/2018/tas-bort.md": POST.format(title="Tas bort", day=2, extra=""),
            "posts/2018/med-alias.md": POST.format(
                title="Med alias", day=3, extra="Alias: /bloggen/gammal.html\n"
            ),
        },
    )
    error = stopped_build(content, output, unpublish_rename_and_delete)
    # The first build added the three new posts (and the alias) to the list: a list that lags behind
    # (a post merged on GitHub) is extended, never an error.
    assert {"/2018/03/blir-utkast/", "/2018/03/tas-bort/", "/bloggen/gammal.html"} <= set(listed(content))
    assert [(p.path, p.line, p.text()) for p in error.problems] == EXPECTED

    # What the messages say: the Alias lines (two in one file go on one line, with a comma), the new name.
    edit(
        content,
        "posts/2018/att-motas.md",
        "Title: Mötesplatser\n",
        "Title: Mötesplatser\nAlias: /2018/02/att-motas-for-en-konkurrenskraftig-industri/, /2018/03/blir-utkast/\n",
    )
    edit(
        content,
        "posts/2018/sommar-i-norrland.md",
        "Tags: turism",
        "Tags: turism\nAlias: /2018/07/sommar-i-norrland/, /2018/03/tas-bort/",
    )
    edit(
        content,
        "posts/2018/med-alias.md",
        "Category: Turism\n",
        "Category: Turism\nAlias: /bloggen/gammal.html\n",
    )
    edit(content, "authors/anna-berg.md", "Name: Anna Lind", "Name: Anna Lind\nAlias: /skribenter/anna-berg/")
    edit(content, "pages/om-bloggen.md", "Slug: om-arkivet", "Slug: om-arkivet\nAlias: /om-bloggen/")
    for post in ("att-motas", "sommar-i-norrland", "blir-utkast", "med-alias"):
        edit(content, f"posts/2018/{post}.md", "Author: Anna Berg", "Author: Anna Lind")
    build_site(content, output)

    assert (
        redirect_to(output, "/2018/02/att-motas-for-en-konkurrenskraftig-industri/")
        == "/2018/02/motesplatser/"
    )
    assert redirect_to(output, "/2018/03/blir-utkast/") == "/2018/02/motesplatser/"
    assert redirect_to(output, "/2018/07/sommar-i-norrland/") == "/2018/07/sommar-i-lappland/"
    assert redirect_to(output, "/2018/03/tas-bort/") == "/2018/07/sommar-i-lappland/"
    assert redirect_to(output, "/bloggen/gammal.html") == "/2018/03/med-alias/"
    assert redirect_to(output, "/skribenter/anna-berg/") == "/skribenter/anna-lind/"
    assert redirect_to(output, "/om-bloggen/") == "/om-arkivet/"
    assert soup(output / "skribenter/anna-berg/index.html").h1.get_text() == "Sidan har flyttat"
    assert "/skribenter/anna-berg/ /skribenter/anna-lind/ 301" in (output / "_redirects").read_text(
        encoding="utf-8"
    )
    # The list keeps every old address, now with the file that has it, and adds the new ones.
    addresses = listed(content)
    assert addresses["/2018/03/tas-bort/"] == "posts/2018/sommar-i-norrland.md"
    assert addresses["/2018/02/motesplatser/"] == "posts/2018/att-motas.md"
    assert (
        addresses["/skribenter/anna-lind/"] == addresses["/skribenter/anna-berg/"] == "authors/anna-berg.md"
    )


def test_deleting_the_line_gives_an_address_up_and_a_merge_leftover_is_named(tmp_path):
    content = copy_site("minimal", tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    (content / "posts/2018/sommar-i-norrland.md").unlink()
    text = (content / "adresser.txt").read_text(encoding="utf-8")
    (content / "adresser.txt").write_text(
        text.replace("/2018/07/sommar-i-norrland/", "<<<<<<< HEAD\n/2018/07/x/")
    )
    with pytest.raises(ContentError) as error:
        build_site(content, output)
    assert [(p.line, p.text()) for p in error.value.problems] == [
        (
            5,
            "raden är kvar från en sammanfogning (merge) i git. Ta bort raden och behåll adresserna från båda"
            " sidor.",
        ),
        (
            6,
            "adressen /2018/07/x/ försvinner: content/posts/2018/sommar-i-norrland.md, som hade den, finns inte"
            " längre, och länkar dit skulle leda ingenstans. Lägg till Alias: /2018/07/x/ i det inlägg som"
            " läsarna ska komma till i stället." + NEVER.format("/2018/07/x/"),
        ),
    ]
    (content / "adresser.txt").write_text(
        text.replace("/2018/07/sommar-i-norrland/ posts/2018/sommar-i-norrland.md\n", "")
    )
    build_site(content, output)  # the line taken out: the address is given up on purpose
    assert not (output / "2018/07/sommar-i-norrland").exists()
    assert "/2018/07/sommar-i-norrland/" not in listed(content)


def test_make_check_never_writes_the_list_and_a_site_without_one_gets_it(tmp_path):
    content = copy_site("minimal", tmp_path)
    (content / "adresser.txt").unlink()
    sitebuild.check("pelicanconf.py", {"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "output")})
    assert not (content / "adresser.txt").exists()
    build_site(content, tmp_path / "output")
    assert set(listed(content)) == {
        "/2018/02/att-motas-for-en-konkurrenskraftig-industri/",
        "/2018/07/sommar-i-norrland/",
        "/om-bloggen/",
        "/skribenter/anna-berg/",
    }


@pytest.mark.parametrize(
    "content", [ROOT / "content", *sorted(SITES.glob("*/content"))], ids=lambda p: p.parent.name
)
def test_the_committed_lists_hold_every_address_their_site_publishes(content):
    """So that building the sample or a test site never writes into the repository."""
    settings = sitebuild.load_settings("pelicanconf.py", {"PATH": str(content)})
    assert check_site(settings) == []
    assert PENDING.pop(str(Path(settings["PATH"]))) == (content / "adresser.txt").read_text(encoding="utf-8")
