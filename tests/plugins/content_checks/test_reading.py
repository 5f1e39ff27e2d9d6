"""content_checks.reading: a file's header and body, and the line of each field."""

from __future__ import annotations

from pathlib import Path

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
