"""The core of the content checks: problems in order, slugs, paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_checks import Site, Source


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
