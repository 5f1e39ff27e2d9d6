"""The problems the content rules find in a content folder written for one test (the families' tests)."""

from __future__ import annotations

from pathlib import Path

from content_checks import Site
from content_checks.reading import parse_source
from content_checks.safety import source_problems


def site_problems(tmp_path: Path, files: dict[str, str], rule=None) -> list[tuple[str, int, str, str]]:
    """(file, line, field, message) of every problem the rules find in a content folder."""
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    site = Site(root=tmp_path, settings={"TIMEZONE": "Europe/Stockholm"}, sources=[])
    if rule is None:
        site.sources = [parse_source(path, "post") for path in sorted((tmp_path / "posts").glob("*.md"))]
        problems = [problem for source in site.sources for problem in source_problems(site, source)]
    else:
        problems = list(rule(site))
    return [(Path(p.path).name, p.line, p.field, p.text()) for p in sorted(problems)]
