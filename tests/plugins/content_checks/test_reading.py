"""content_checks.reading: a file's header and body, and the line of each field."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_checks.fields import meant_field, one_edit_apart
from content_checks.reading import parse_source


def test_parse_source_splits_header_and_body(tmp_path: Path):
    path = tmp_path / "p.md"
    path.write_text(
        "Title: Rubrik: med kolon\nTags: a,\n    b\nImage_Alt: Text\n\nBröd\n\nMer\n", encoding="utf-8"
    )
    source = parse_source(path, "post")
    assert source.meta == {"title": "Rubrik: med kolon", "tags": "a, b", "image_alt": "Text"}
    assert source.body == "\nBröd\n\nMer"
    assert source.meta_lines == {"title": 1, "tags": 2, "image_alt": 4}
    assert source.body_line == 5
    assert source.line_at(source.body.index("Mer")) == 8


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Category", "category"),
        ("Image caption", "image_caption"),  # a space for the underscore
        ("image-alt", "image_alt"),
        ("Bildtext", "image_caption"),  # Swedish
        ("Bildtex", "image_caption"),  # Swedish, one letter short
        ("Titel", "title"),  # two letters swapped
        ("Tag", "tags"),
        ("Katgori", "category"),
        ("Bakgrund", None),
        ("Foto", None),
        ("Obs", None),
    ],
)
def test_a_field_name_is_known_in_english_or_swedish_within_one_edit(written, meant):
    assert meant_field(written) == meant


@pytest.mark.parametrize(
    ("word", "other", "close"),
    [("title", "titel", True), ("tags", "tag", True), ("date", "data", True), ("date", "datum", False)],
)
def test_one_edit_apart(word, other, close):
    assert one_edit_apart(word, other) is close


def test_a_credit_line_under_the_header_is_no_field(tmp_path: Path):
    """``Bild: Tillväxtverket`` after the blank line is a photo credit: an image field holds a path."""
    path = tmp_path / "p.md"
    path.write_text("Title: A\nDate: 2018-02-15\n\nBild: Tillväxtverket\n\nText.\n", encoding="utf-8")
    assert parse_source(path, "post").layout == []
    path.write_text("Title: A\nDate: 2018-02-15\n\nBild: images/2018/hamn.jpg\n\nText.\n", encoding="utf-8")
    assert [line for line, _field, _message in parse_source(path, "post").layout] == [3]


def test_a_field_without_its_colon_is_named_at_its_line_with_the_field_meant(tmp_path: Path):
    path = tmp_path / "p.md"
    path.write_text(
        "Title: A\nDate: 2018-02-15\nAuthor: B\nKategori Turism\nTags: hamn\n\nText.\n", encoding="utf-8"
    )
    source = parse_source(path, "post")
    assert source.layout == [
        (
            4,
            "Kategori",
            "raden läses som brödtext eftersom det saknas ett kolon efter Kategori, och då slutar filens huvud"
            " på raden före. Också raderna efter den (Tags) blir då brödtext. Skriv Category: Turism",
        )
    ]
    assert (source.meta["category"], source.meta["tags"], source.body_line) == ("Turism", "hamn", 6)
