"""Pure functions of the content_checks plugin: header parsing, dates, slugs, paths."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from content_checks import Site, Source, parse_date, parse_source


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


def test_problems_sort_by_file_then_line():
    from content_checks import Problem

    problems = [
        Problem("b.md", "x", 1),
        Problem("a.md", "z", 12),
        Problem("a.md", "y", 3),
        Problem("a.md", "w"),
    ]
    assert [(p.path, p.line) for p in sorted(problems)] == [
        ("a.md", 0),
        ("a.md", 3),
        ("a.md", 12),
        ("b.md", 1),
    ]
    assert str(Problem("a.md", "fel", 3)) == "a.md, rad 3: fel"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-02-15 10:00", datetime(2018, 2, 15, 10, 0)),
        ("2018-02-15", datetime(2018, 2, 15)),
        ("2019-07-01 09:15:30", datetime(2019, 7, 1, 9, 15, 30)),
        ("2018-02-30 10:00", None),
        ("2018-2-15", None),
        ("15 februari 2018", None),
        ("2018-02-15 25:00", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


SLUG_SETTINGS = {
    "SLUG_REGEX_SUBSTITUTIONS": [
        (r"[^\w\s-]", ""),
        (r"(?u)\A\s*", ""),
        (r"(?u)\s*\Z", ""),
        (r"[-\s]+", "-"),
    ]
}


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Att mötas för en konkurrenskraftig industri", "att-motas-for-en-konkurrenskraftig-industri"),
        ("Åtta år på Öland – och sedan då?", "atta-ar-pa-oland-och-sedan-da"),
        ('"Smart" industri: 5G, AI & robotar!', "smart-industri-5g-ai-robotar"),
        ("Ärligt talat", "arligt-talat"),
        ("  Mellanslag   överallt  ", "mellanslag-overallt"),
    ],
)
def test_slug_from_swedish_title(title, slug):
    site = Site(root=Path("content"), settings=SLUG_SETTINGS, sources=[])
    assert site.slug(Source(Path("x.md"), "post", {"title": title}, "")) == slug


def test_explicit_slug_wins():
    site = Site(root=Path("content"), settings=SLUG_SETTINGS, sources=[])
    assert site.slug(Source(Path("x.md"), "post", {"title": "Rubrik", "slug": "egen"}, "")) == "egen"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("{static}/images/a.jpg", "content/images/a.jpg"),
        ("images/a.jpg", "content/images/a.jpg"),
        ("/images/a.jpg", "content/images/a.jpg"),
        ("{static}bild.jpg", "content/posts/2018/bild.jpg"),
        ("https://example.se/a.jpg", None),
    ],
)
def test_resolve_references(tmp_path: Path, reference, expected):
    site = Site(root=tmp_path / "content", settings={}, sources=[])
    resolved = site.resolve(reference, tmp_path / "content/posts/2018/p.md")
    assert (str(resolved.relative_to(tmp_path)) if resolved else None) == expected
