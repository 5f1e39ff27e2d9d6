"""Pure functions of the authors plugin: reading author files, names, bios, photos."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from authors import (
    Photo,
    author_sources,
    check_authors,
    closest_name,
    load_profiles,
    markdown_options,
    post_author_names,
    render_bio,
    sort_key,
    split_author_list,
    split_names,
    swedish_list,
    unread_files,
    unsupported_markup,
)
from conftest import ROOT, write_files
from content_checks import Source
from pelican.urlwrappers import Author
from PIL import Image

import sitebuild

SETTINGS = sitebuild.load_settings("pelicanconf.py")
# The handler reads only the generator's settings; the whole-site tests run it inside Pelican.
GENERATOR = SimpleNamespace(settings=SETTINGS)


def test_author_sources_reads_every_author_file_in_name_order(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "authors/bo-ek.md": "Name: Bo Ek\nRole: Analytiker\n\nBo *skriver*.\n",
            "authors/anna-berg.md": "Name: Anna Berg\nPhoto: {static}/images/a.jpg\n\nAnna.\n\nMer.\n",
            "authors/README.txt": "inte en skribent",
        },
    )
    sources = author_sources(tmp_path)
    assert [(s.path.name, s.kind, s.meta) for s in sources] == [
        ("anna-berg.md", "author", {"name": "Anna Berg", "photo": "{static}/images/a.jpg"}),
        ("bo-ek.md", "author", {"name": "Bo Ek", "role": "Analytiker"}),
    ]
    assert sources[0].body == "\nAnna.\n\nMer."


def test_no_authors_folder_means_no_authors(tmp_path: Path):
    assert author_sources(tmp_path) == []


def test_unread_files_are_everything_but_markdown_directly_in_the_folder(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "authors/a.md": "Name: A\n",
            "authors/b.markdown": "Name: B\n",
            "authors/gamla/c.md": "Name: C\n",
            "authors/a.md~": "backup",
            "authors/.#a.md": "lock",
        },
    )
    unread = unread_files(tmp_path, "authors", SETTINGS["IGNORE_FILES"])
    assert [p.relative_to(tmp_path).as_posix() for p in unread] == [
        "authors/b.markdown",
        "authors/gamla/c.md",
    ]
    assert unread_files(tmp_path, "saknas") == []


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Anna Berg", ["Anna Berg"]),
        ("Anna Berg, Bo Ek", ["Anna Berg", "Bo Ek"]),
        (" Anna Berg ,Bo Ek, ", ["Anna Berg", "Bo Ek"]),
        ("Anna Berg, Anna Berg", ["Anna Berg"]),
        ("Berg, Anna; Ek, Bo", ["Berg, Anna", "Ek, Bo"]),
        ("", []),
    ],
)
def test_split_names(value, names):
    assert split_names(value) == names


@pytest.mark.parametrize(
    ("meta", "names"),
    [
        ({"author": "Anna Berg"}, ["Anna Berg"]),
        ({"author": "Anna Berg, Bo Ek"}, ["Anna Berg", "Bo Ek"]),
        ({"authors": "Bo Ek, Anna Berg"}, ["Bo Ek", "Anna Berg"]),
        ({}, []),
    ],
)
def test_post_author_names(meta, names):
    assert post_author_names(Source(Path("p.md"), "post", meta, "")) == names


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ana Berg", "Anna Berg"),
        ("anna berg", "Anna Berg"),
        ("Sara Bjorkman", "Sara Björkman"),
        ("Bo Ekk", "Bo Ek"),
        ("Xerxes Q", None),
    ],
)
def test_closest_name(name, expected):
    assert closest_name(name, ["Anna Berg", "Bo Ek", "Sara Björkman"]) == expected


@pytest.mark.parametrize(
    ("html", "words"),
    [
        ('<p>Text med <em>kursiv</em>, <strong>fet</strong> och <a href="x">länk</a>.<br></p>', []),
        ("<ul><li>ett</li></ul><ol><li>två</li></ol><p><abbr>EU</abbr></p>", []),
        ("<h2>Rubrik</h2><p>x</p>", ["rubriker"]),
        (
            '<p><img alt="" src="x"></p><table><tr><td>1</td></tr></table>',
            ["bilder (använd fältet Photo)", "tabeller"],
        ),
        ("<p><code>x</code></p>", ["kod"]),
        ("<script>alert(1)</script><div>x</div>", ["HTML"]),
    ],
)
def test_unsupported_markup(html, words):
    assert unsupported_markup(html) == words


def test_markdown_options_follow_the_site_without_meta():
    options = markdown_options(
        {"MARKDOWN": {"extension_configs": {"a": {}}, "extensions": ["markdown.extensions.meta", "b"]}}
    )
    assert options["extensions"] == ["b", "a"]
    assert options["output_format"] == "html5"


def test_bio_is_rendered_with_the_sites_markdown_and_typography():
    bio = render_bio(
        'Hon leder *arbetet* med "smart industri" och\n[Robotlyftet](https://example.se).', SETTINGS
    )
    assert bio == (
        "<p>Hon leder <em>arbetet</em> med ”smart industri” och\n"
        '<a href="https://example.se">Robotlyftet</a>.</p>'
    )
    assert render_bio("", SETTINGS) == ""


def test_bio_text_that_looks_like_a_header_stays_text():
    assert (
        render_bio("Uppdrag: regional tillväxt i hela landet.", {})
        == "<p>Uppdrag: regional tillväxt i hela landet.</p>"
    )


@pytest.mark.parametrize(
    ("names", "text"),
    [([], ""), (["A"], "A"), (["A", "B"], "A och B"), (["A", "B", "C"], "A, B och C")],
)
def test_swedish_list(names, text):
    assert swedish_list(names) == text


def test_swedish_alphabetical_order():
    names = ["Örjan Ek", "Åsa Ek", "Ärla Ek", "Zara Ek", "Anna Ek", "Émile Ek"]
    assert sorted(names, key=sort_key) == ["Anna Ek", "Émile Ek", "Zara Ek", "Åsa Ek", "Ärla Ek", "Örjan Ek"]


def test_comma_separated_author_becomes_authors():
    metadata = {"author": Author("Anna Berg, Bo Ek", SETTINGS), "title": "X"}
    split_author_list(GENERATOR, metadata)
    assert "author" not in metadata
    assert [a.name for a in metadata["authors"]] == ["Anna Berg", "Bo Ek"]


@pytest.mark.parametrize(
    "metadata",
    [
        {"author": Author("Anna Berg", SETTINGS)},
        {"authors": [Author("Anna Berg", SETTINGS), Author("Bo Ek", SETTINGS)]},
    ],
)
def test_single_author_and_authors_list_are_left_alone(metadata):
    before = {key: list(value) if isinstance(value, list) else value for key, value in metadata.items()}
    split_author_list(GENERATOR, metadata)
    assert metadata == before


def test_load_profiles_gives_templates_everything_they_show(tmp_path: Path):
    root = tmp_path / "content"
    (root / "images/authors").mkdir(parents=True)
    Image.new("RGB", (90, 120)).save(root / "images/authors/a.jpg")
    write_files(
        root, {"authors/a.md": "Name: Anna Berg\nRole: Chef\nPhoto: {static}/images/authors/a.jpg\n\n*Bio*\n"}
    )
    (profile,) = load_profiles({**SETTINGS, "PATH": str(root)}).values()
    assert (profile.name, profile.role, profile.bio) == ("Anna Berg", "Chef", "<p><em>Bio</em></p>")
    assert profile.photo == Photo("{static}/images/authors/a.jpg")


def test_check_authors_accepts_the_sample_content():
    from content_checks.reading import read_site

    assert list(check_authors(read_site({**SETTINGS, "PATH": str(ROOT / "content")}))) == []
