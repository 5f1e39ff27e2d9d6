"""How a build's outcome reaches editors beyond the terminal: on GitHub Actions each content problem is
also an annotation on its line of the pull request, and the job's summary page gets a table of the
problems (or, for a passing build, what was built)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from content_checks import Problem

MARKDOWN_MARK = re.compile(r"[\\`*_\[\]<>|#!]")
COUNTED = (("posts", "inlägg"), ("pages", "sidor"), ("authors", "skribenter"), ("images", "bildfiler"))


def _escape(text: str, property_value: bool = False) -> str:
    """GitHub's workflow-command escaping (a property value also escapes : and ,)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def annotation(problem: Problem) -> str:
    """``::error file=…,line=…,title=…::message`` for one problem."""
    properties = [f"file={_escape(problem.path, True)}"]
    if problem.line:
        properties.append(f"line={problem.line}")
    if problem.field:
        properties.append(f"title={_escape(problem.field, True)}")
    return f"::error {','.join(properties)}::{_escape(problem.message)}"


def _cell(text: str) -> str:
    """Text as it reads, in a table cell: Markdown's marks escaped (an example ![alt](x.jpg) is no image)."""
    return MARKDOWN_MARK.sub(r"\\\g<0>", text).replace("\n", " ")


def problems_table(problems: Iterable[Problem]) -> str:
    """The problems as a Markdown table: file, line, field, what to do."""
    problems = sorted(problems, key=Problem.sort_key)
    rows = [f"| `{p.path}` | {p.line or ''} | {_cell(p.field)} | {_cell(p.message)} |" for p in problems]
    return "\n".join(
        [
            f"### Bygget stoppades: {len(problems)} fel i innehållet",
            "",
            "| Fil | Rad | Fält | Vad du gör |",
            "| --- | ---: | --- | --- |",
            *rows,
            "",
        ]
    )


def success_summary(counts: Mapping[str, int], seconds: float) -> str:
    """A passing build in a few words: what was built and how long it took."""
    built = [f"{counts.get(key, 0)} {word}" for key, word in COUNTED]
    return f"### Bygget lyckades\n\n{', '.join(built[:-1])} och {built[-1]} byggdes på {seconds:.1f} s.\n"


def on_github(environ: Mapping[str, str] | None = None) -> bool:
    return (environ if environ is not None else os.environ).get("GITHUB_ACTIONS") == "true"


def report_problems(problems: list[Problem], environ: Mapping[str, str] | None = None) -> list[str]:
    """Under GitHub Actions: the annotation lines to print, and the table appended to the summary."""
    environ = environ if environ is not None else os.environ
    if not on_github(environ) or not problems:
        return []
    _append_summary(problems_table(problems), environ)
    return [annotation(problem) for problem in sorted(problems, key=Problem.sort_key)]


def report_success(
    counts: Mapping[str, int], seconds: float, environ: Mapping[str, str] | None = None
) -> None:
    environ = environ if environ is not None else os.environ
    if on_github(environ):
        _append_summary(success_summary(counts, seconds), environ)


def _append_summary(markdown: str, environ: Mapping[str, str]) -> None:
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as file:
            file.write(markdown + "\n")
