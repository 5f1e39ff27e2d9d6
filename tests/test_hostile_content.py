"""Content is untrusted by construction, in real builds: for each class of issue 20 that is this part's
(fields that are text, static files by allowlist, addresses that belong to the site, contact details in
the forms people type, no traceback for content), the build stops with the exact Swedish messages and
leaves output/ as it was, or builds with nothing of it in any output file."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from conftest import ROOT, build_site, copy_site, digest_tree, stopped_build, write_files
from content_checks import ContentError
from PIL import Image

import pelican_warnings

POST = "Title: {title}\nDate: 2018-03-01 10:00\nAuthor: Anna Berg\nCategory: Turism\n{more}\nText.\n"


def post(title: str = "Ett inlägg", more: str = "") -> str:
    """A post whose header ends with a blank line, ``more`` (header lines) included."""
    return POST.format(title=title, more=f"{more}\n" if more else "")


def report(error: Exception) -> str:
    """The report without its first line (the count of problems and files)."""
    return str(error).split("\n\n", 1)[1]


def test_html_in_a_text_field_stops_the_build_at_its_line(tmp_path):
    content = copy_site("minimal", tmp_path)
    change = {
        "posts/2018/nyheter.md": post(
            'Nyheter <meta http-equiv="refresh" content="0;url=https://evil.example/">'
        ),
        "posts/2018/kategori.md": post("Kategori").replace("Turism", "Turism <b>norr</b>"),
        "posts/2018/slug.md": post("Slug", 'Slug: x"><svg onload=alert(1)>'),
        "posts/2018/taggar.md": post("Taggar", "Tags: turism, Forskning &amp; innovation"),
        "posts/2018/nul.md": post("Nul\x00byte"),
        "authors/anna-berg.md": "Name: Anna Berg\nRole: Projektledare <script>alert(1)</script>\n\nBio.\n",
    }
    error = stopped_build(content, tmp_path / "output", change)
    assert report(error) == (
        "minimal/authors/anna-berg.md\n"
        "  rad 2: Role: HTML (<script>) går inte i rollen, som är ren text. Ta bort taggen och skriv bara texten.\n"
        "\n"
        "minimal/posts/2018/kategori.md\n"
        "  rad 4: Category: HTML (<b>) går inte i kategorin, som är ren text. Ta bort taggen och skriv bara"
        " texten.\n"
        "\n"
        "minimal/posts/2018/nul.md\n"
        "  rad 1: Title: värdet har ett osynligt styrtecken (U+0000), som ofta följer med när text klistras in"
        " från ett annat program, och som inte kan publiceras. Skriv om raden för hand.\n"
        "\n"
        "minimal/posts/2018/nyheter.md\n"
        '  rad 1: Title: HTML (<meta http-equiv="refresh" content="0;u…) går inte i rubriken, som är ren text.'
        " Ta bort taggen och skriv bara texten.\n"
        "\n"
        "minimal/posts/2018/slug.md\n"
        '  rad 5: Slug: "x"><svg onload=alert(1)>" kan inte vara en adress. En slug har bara små bokstäver'
        " (a–z), siffror och bindestreck, som adresserna bygget gör av rubrikerna. Skriv Slug: x\n"
        "\n"
        "minimal/posts/2018/taggar.md\n"
        "  rad 5: Tags: teckenkoden &amp; skulle visas precis så, för taggarna är ren text. Skriv tecknet självt: &"
    )


JPEG = io.BytesIO()
Image.new("RGB", (8, 6), "teal").save(JPEG, format="JPEG")


def hostile_files(content: Path) -> None:
    write_files(
        content,
        {
            "images/2018/skript.js": "alert(document.cookie)",
            "images/2018/ikon.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "images/2018/sida.html": "<script>alert(1)</script>",
            "images/2018/falsk.jpg": "<html><script>alert(1)</script></html>",
            "images/2018/IMG_2043.heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
        },
    )
    os.symlink("/etc/passwd", content / "images/2018/losen.jpg")
    os.symlink("/etc", content / "images/etc")
    os.symlink(ROOT / "publishconf.py", content / "posts/2018/installningar.md")
    os.symlink("/proc/self/environ", content / "authors/miljo.md")
    (content / "comments").mkdir()
    os.symlink("/etc/hostname", content / "comments/att-motas-for-en-konkurrenskraftig-industri.toml")


def test_only_images_are_published_from_images_and_no_link_is_followed(tmp_path):
    content = copy_site("minimal", tmp_path)
    error = stopped_build(content, tmp_path / "output", hostile_files)
    follows = (
        "Bygget följer aldrig länkar, eftersom en länk kan peka på vad som helst på datorn, och det som den"
        " pekar på skulle publiceras. Ta bort länken och lägg {what} själv här i stället."
    )
    only = "Från content/images/ publiceras bara bilder i JPEG, PNG, WebP och GIF."
    assert report(error) == "\n\n".join(
        [
            "minimal/authors/miljo.md\n  filen är en symbolisk länk (till /proc/self/environ). "
            + follows.format(what="filen"),
            "minimal/comments/att-motas-for-en-konkurrenskraftig-industri.toml\n  filen är en symbolisk länk"
            " (till /etc/hostname). " + follows.format(what="filen"),
            "minimal/images/2018/IMG_2043.heic\n  filen är en HEIC-bild, formatet som iPhone sparar foton i, och"
            " webbläsare kan inte visa den. Spara bilden som JPEG och lägg den här i stället: öppna den i"
            " Förhandsvisning på en Mac (Arkiv > Exportera, välj JPEG) eller i Foton på Windows (Spara som, välj"
            " .jpg), eller skicka den till dig själv med e-post från iPhonen, som då gör en JPEG. Ta sedan bort"
            " HEIC-filen.",
            "minimal/images/2018/falsk.jpg\n  filen är en webbsida (HTML), som kan innehålla kod som körs i"
            f" läsarens webbläsare. {only} Ta bort filen.",
            "minimal/images/2018/ikon.svg\n  filen är en SVG-bild, som kan innehålla kod som körs i läsarens"
            f" webbläsare. {only} Spara bilden som PNG i stället.",
            "minimal/images/2018/losen.jpg\n  filen är en symbolisk länk (till /etc/passwd). "
            + follows.format(what="filen"),
            "minimal/images/2018/sida.html\n  filen är en webbsida (HTML), som kan innehålla kod som körs i"
            f" läsarens webbläsare. {only} Ta bort filen.",
            f"minimal/images/2018/skript.js\n  filen är ett program eller ett skript. {only} Ta bort filen.",
            "minimal/images/etc\n  mappen är en symbolisk länk (till /etc). " + follows.format(what="mappen"),
            f"minimal/posts/2018/installningar.md\n  filen är en symbolisk länk (till {ROOT / 'publishconf.py'}). "
            + follows.format(what="filen"),
        ]
    )


def test_litter_is_skipped_and_a_large_original_is_published_only_made_smaller(tmp_path):
    content = copy_site("minimal", tmp_path)
    exif = Image.Exif()
    exif[0x010F] = "Telefonens märke"
    Image.new("RGB", (3000, 1800), "navy").save(content / "images/2018/stor.jpg", exif=exif)
    write_files(
        content,
        {
            "images/Thumbs.db": b"\xd0\xcf\x11\xe0",
            "images/2018/.DS_Store": b"\x00\x00\x00\x01Bud1",
            "images/2018/desktop.ini": "[.ShellClassInfo]",
            "images/2018/._hamn.jpg": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X",
            "posts/2018/stor.md": post(
                "Stor bild", "Image: {static}/images/2018/stor.jpg\nImage_alt: Blått fält."
            ),
        },
    )
    output = build_site(content, tmp_path / "output")
    files = digest_tree(output)
    assert not [name for name in files if Path(name).name in ("Thumbs.db", ".DS_Store", "desktop.ini")]
    assert not [name for name in files if Path(name).name.startswith("._")]
    with Image.open(output / "images/2018/stor.jpg") as published:
        assert published.size == (2000, 1200)  # the guide's limit, in proportion
        assert not published.getexif()
    assert "images/2018/stor-1600." in " ".join(files)  # the derivatives as ever
    assert b"Telefonens" not in b"".join(files.values())


def test_no_page_post_or_alias_takes_an_address_the_site_makes(tmp_path):
    content = copy_site("minimal", tmp_path)
    page = "Title: {title}\n{more}\n\nText.\n"
    change = {
        "pages/start.md": page.format(title="Start", more="Save_as: index.html"),
        "pages/annan.md": page.format(title="Annan", more="URL: https://other.example/"),
        "pages/sokregler.md": page.format(title="Sökregler", more="Template: search"),
        "pages/mall.md": page.format(title="Mall", more="Template: ../../../../etc/passwd"),
        "pages/sok.md": page.format(title="Sök", more="Slug: sok"),
        "posts/2018/flytt.md": post("Flytt", "Alias: /_headers, /theme/css/main.css, /pagefind/pagefind.js"),
    }
    error = stopped_build(content, tmp_path / "output", change)
    made = "är en adress som webbplatsen själv använder ({}), och en gammal adress kan inte ersätta den. Ta bort aliaset."
    assert report(error) == (
        "minimal/pages/annan.md\n"
        '  rad 2: URL: "https://other.example/" leder till en annan webbplats. Ta bort raden: sidan får sin'
        " adress av Slug, till exempel Slug: annan.\n"
        "\n"
        "minimal/pages/mall.md\n"
        '  rad 2: Template: "../../../../etc/passwd" är ingen mall för sidor (de andra mallarna hör till'
        " webbplatsens egna sidor). Ta bort raden: en sida använder mallen page.\n"
        "\n"
        "minimal/pages/sok.md\n"
        "  rad 2: Slug ger sidan adressen /sok/, som är söksidan. En sida kan inte ta en adress som webbplatsen"
        " redan använder: ange en annan Slug.\n"
        "\n"
        "minimal/pages/sokregler.md\n"
        '  rad 2: Template: "search" är ingen mall för sidor (de andra mallarna hör till webbplatsens egna'
        " sidor). Ta bort raden: en sida använder mallen page.\n"
        "\n"
        "minimal/pages/start.md\n"
        "  rad 2: Save_as ger sidan adressen /, som är startsidan. En sida kan inte ta en adress som webbplatsen"
        " redan använder: ange en annan Slug och ta bort Save_as.\n"
        "\n"
        "minimal/posts/2018/flytt.md\n"
        '  rad 5: Alias "/_headers" ' + made.format("webbplatsens säkerhetsregler (_headers)") + "\n"
        '  rad 5: Alias "/pagefind/pagefind.js" ' + made.format("sökindexet (pagefind/)") + "\n"
        '  rad 5: Alias "/theme/css/main.css" ' + made.format("webbplatsens stilmall och skript (theme/)")
    )


def test_a_header_the_rules_and_pelican_read_apart_is_named_at_its_line(tmp_path):
    """Python-Markdown reads " foo: x" (a space first) as a field and goes on; the rules name the line, and
    still read the Save_as after it."""
    content = copy_site("minimal", tmp_path)
    change = {"pages/start.md": "Title: Start\n foo: x\nSave_as: index.html\n\nText.\n"}
    error = stopped_build(content, tmp_path / "output", change)
    assert [(p.path, p.line) for p in error.problems] == [
        ("minimal/pages/start.md", 2),
        ("minimal/pages/start.md", 3),
    ]
    assert error.problems[1].message.startswith("Save_as ger sidan adressen /, som är startsidan.")


TAKING_PLUGIN = """
from pelican import signals
from pelican.contents import Page


def take(content):
    if isinstance(content, Page) and content.slug == "om-bloggen":
        content.override_save_as = "index.html"


def register():
    signals.content_object_init.connect(take)
"""


def test_what_pelican_made_is_checked_again_before_anything_is_written(tmp_path):
    """The rules read what the editor wrote; what Pelican made of it (a header the two read apart, a plugin
    no rule foresaw: here one that gives a page the start page's address) is checked again before anything
    is written (content_checks.links.check_written_addresses). Mutant: without that check the page
    silently replaces the start page."""
    from pelicanconf import PLUGINS

    plugins = write_files(tmp_path / "plugins", {"ta_adress.py": TAKING_PLUGIN})
    settings = {"PLUGIN_PATHS": [str(ROOT / "plugins"), str(plugins)], "PLUGINS": [*PLUGINS, "ta_adress"]}
    content, output = copy_site("minimal", tmp_path), tmp_path / "output"
    with pytest.raises(ContentError) as error:
        build_site(content, output, **settings)
    assert not output.exists()
    # The file has no Save_as: the message names the field the page's address comes from.
    assert [(p.path, p.field) for p in error.value.problems] == [("minimal/pages/om-bloggen.md", "Slug")]
    assert error.value.problems[0].message.startswith("Slug ger sidan adressen /, som är startsidan.")


def test_contact_details_in_the_forms_people_type_stop_the_build(tmp_path):
    content = copy_site("minimal", tmp_path)
    comments = (
        '[[comment]]\nname = "Karin L"\ndate = 2018-02-15T14:32:00\n'
        'body = """\nSkriv till karin [at] example punkt se\neller ring (08) 123 45 67.\n"""\n\n'
        '[[comment]]\nname = "Per"\ndate = 2018-02-16\nbody = "Mitt personnummer är 850709-9805 och min'
        ' mejl per\u00ad@example.se"\n'
    )
    change = {
        "comments/att-motas-for-en-konkurrenskraftig-industri.toml": comments,
        "authors/anna-berg.md": "Name: Anna Berg\nRole: Projektledare\n\nNå mig på anna (snabel-a) example.se"
        " eller 070–123 45 67.\n",
    }
    error = stopped_build(content, tmp_path / "output", change)
    promise = (
        "får inte publiceras; sidan om personuppgifter lovar att e-postadresser och andra uppgifter som"
        ' lämnades med en kommentar aldrig visas. Ersätt den med {0}, till exempel: body = "… {0} …"'
    )
    assert report(error) == (
        "minimal/authors/anna-berg.md\n"
        "  rad 4: presentationen innehåller kontaktuppgiften 070–123 45 67, och sådana publiceras aldrig. Ta bort"
        " den.\n"
        "  rad 4: presentationen innehåller kontaktuppgiften anna (snabel-a) example.se, och sådana publiceras"
        " aldrig. Ta bort den.\n"
        "\n"
        "minimal/comments/att-motas-for-en-konkurrenskraftig-industri.toml\n"
        "  rad 5: kommentar 1, body: e-postadressen karin [at] example punkt se "
        + promise.format("[e-postadress borttagen]")
        + "\n  rad 6: kommentar 1, body: telefonnumret (08) 123 45 67 "
        + promise.format("[telefonnummer borttaget]")
        + "\n  rad 12: kommentar 2, body: e-postadressen per@example.se (med ett osynligt tecken inuti, till"
        " exempel ett mjukt bindestreck) "
        + promise.format("[e-postadress borttagen]")
        + "\n  rad 12: kommentar 2, body: personnumret 850709-9805 "
        + promise.format("[personnummer borttaget]")
    )


def test_what_stopped_pelican_with_a_traceback_is_a_message_at_its_line(tmp_path):
    content = copy_site("minimal", tmp_path)
    change = {
        "posts/2018/lang.md": post("Lång " * 60),
        "posts/2018/alias.md": post("Alias", "Alias: /_headers, /gammal%00.html, /gammal\x00.html"),
        "pages/sok.md": "Title: Sök\n\nText.\n",
        "pages/mall.md": "Title: Mall\nTemplate: ../templates/base\n\nText.\n",
    }
    error = stopped_build(content, tmp_path / "output", change)
    assert report(error) == (
        "minimal/pages/mall.md\n"
        '  rad 2: Template: "../templates/base" är ingen mall för sidor (de andra mallarna hör till webbplatsens'
        " egna sidor). Ta bort raden: en sida använder mallen page.\n"
        "\n"
        "minimal/pages/sok.md\n"
        "  rad 1: Title: rubriken ger sidan adressen /sok/, som är söksidan. En sida kan inte ta en adress som"
        " webbplatsen redan använder: ange en annan Slug.\n"
        "\n"
        "minimal/posts/2018/alias.md\n"
        '  rad 5: Alias "/_headers" är en adress som webbplatsen själv använder (webbplatsens säkerhetsregler'
        " (_headers)), och en gammal adress kan inte ersätta den. Ta bort aliaset.\n"
        '  rad 5: Alias "/gammal%00.html" innehåller ett osynligt styrtecken (U+0000), som inte kan vara en del'
        " av en adress. Skriv om sökvägen för hand.\n"
        '  rad 5: Alias "/gammalU+0000.html" innehåller ett osynligt styrtecken (U+0000), som inte kan vara en'
        " del av en adress. Skriv om sökvägen för hand.\n"
        "\n"
        "minimal/posts/2018/lang.md\n"
        "  rad 1: Title: rubriken ger en adress där en del är 299 tecken lång, och en del av en adress kan vara"
        " högst 200 tecken. Skriv en kortare adress i fältet Slug, till exempel Slug:"
        " lang-lang-lang-lang-lang-lang-lang-lang-lang-lang-lang-lang"
    )


CRASHING_PLUGIN = """\
from pelican import signals


def reading(content):
    if "läskrasch" in str(getattr(content, "title", "")):
        raise ValueError("embedded null byte")


def writing(generator, content=None):
    if "skrivkrasch" in str(content.title):
        raise OSError(36, "File name too long")


def register():
    signals.content_object_init.connect(reading)
    signals.article_generator_write_article.connect(writing)
"""


@pytest.mark.parametrize(
    ("title", "editor", "developer"),
    [
        ("En läskrasch", pelican_warnings.UNREADABLE, "  ValueError: embedded null byte\n"),
        ("En skrivkrasch", pelican_warnings.UNWRITABLE, "  OSError: [Errno 36] File name too long\n"),
    ],
)
def test_an_exception_no_rule_foresaw_names_the_file_with_the_details_below(
    tmp_path, title, editor, developer
):
    """Whatever still raises while a content file is read or written (here a plugin that fails on one
    title, as Pelican did on a NUL byte or a 300-character title) is the editor's problem with that file,
    with what a developer needs below it; output/ stays as it was."""
    from pelicanconf import PLUGINS

    plugins = tmp_path / "plugins"
    write_files(plugins, {"krasch.py": CRASHING_PLUGIN})
    settings = {"PLUGIN_PATHS": [str(ROOT / "plugins"), str(plugins)], "PLUGINS": [*PLUGINS, "krasch"]}
    content, output = copy_site("minimal", tmp_path), tmp_path / "output"
    build_site(content, output, **settings)
    before = digest_tree(output)
    write_files(content, {"posts/2018/krasch.md": post(title)})
    with pytest.raises(pelican_warnings.UnexpectedError) as error:
        build_site(content, output, **settings)
    assert digest_tree(output) == before
    editors, developers = str(error.value).split("\n\nFör en utvecklare:\n")
    assert editors.endswith(f"\n\nminimal/posts/2018/krasch.md\n  {editor}")
    assert developers.startswith(developer)
    assert "krasch.py" in developers
    assert "Traceback" not in developers


def test_a_text_file_in_images_is_never_published(tmp_path):
    """A post saved in images/ is the misplaced-files rule's to name (issue 22); whether that rule stops
    the build or not, Pelican never copies the file (content_checks.images.publish_only_images)."""
    from content_checks import ContentError

    content, output = copy_site("minimal", tmp_path), tmp_path / "output"
    build_site(content, output)
    before = digest_tree(output)
    write_files(
        content, {"images/2018/inlagg.md": post("Fel mapp"), "images/2018/anteckning.txt": "Hemligt."}
    )
    stopped = None
    try:
        build_site(content, output)
    except ContentError as error:  # the misplaced-files rule
        stopped = str(error)
    if stopped is not None:
        assert "images/2018/inlagg.md" in stopped
        assert digest_tree(output) == before
    else:
        published = digest_tree(output)
        assert not [name for name in published if name.endswith(("inlagg.md", "anteckning.txt"))]
        assert not [name for name, data in published.items() if b"Hemligt." in data]
