"""How a build's outcome reaches editors beyond the terminal: on GitHub Actions each content problem is
also an annotation on its line of the pull request, and the job's summary page gets a table of the
problems with what to do about them on GitHub (or, for a passing check or build, what was checked or
built)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from content_checks import Problem

MARKDOWN_MARK = re.compile(r"[\\`*_\[\]<>|#!]")
COUNTED = (("posts", "inlägg"), ("pages", "sidor"), ("authors", "skribenter"), ("images", "bildfiler"))
# Where a sentence of a message ends and the next begins with a capital ("t.ex. och" and "hamn.jpg
# saknar" are no ends). A message says what is wrong (and sometimes why), then what to do.
SENTENCE_END = re.compile(r"(?:(?<=[.?!])|(?<=[.?!][\"”’)]))\s+(?=[A-ZÅÄÖ])")
# The words the rules' advice starts with: imperatives, a question, or a condition ("Är bilden …, skriv").
ADVICE = {
    "använd", "ange", "beskriv", "byt", "börja", "döp", "ersätt", "exportera", "flytta", "gör", "kontrollera",
    "ladda", "lägg", "låt", "länka", "menade", "minska", "om", "rätta", "skriv", "slå", "spara", "stava",
    "starta", "sätt", "ta", "vänta", "välj", "visa", "ändra", "är",
}  # fmt: skip
# What an editor who works in the browser does on GitHub: no terminal, so no make check.
GITHUB_HOW = (
    "öppna fliken Files changed i pull requesten och välj Edit file i menyn (…) vid filen. Rätta raderna"
    " ovan och spara med Commit changes i samma gren. Då kontrolleras innehållet igen av sig självt."
)
GITHUB_NEXT = f"Så rättar du på GitHub: {GITHUB_HOW}"


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


def wrong_and_fix(problem: Problem) -> tuple[str, str]:
    """A problem's message in two: what is wrong (up to the first sentence of advice) and what to do
    (from there). Advice that starts with a word not in ADVICE is taken to start with the second sentence;
    a message of one sentence gets the plain advice to correct its line (or file)."""
    message = problem.message
    ends = list(SENTENCE_END.finditer(message))
    advice = [end for end in ends if message[end.end() :].split(maxsplit=1)[0].casefold() in ADVICE]
    end = (advice or ends or [None])[0]
    if end is None:
        return message, "Rätta raden." if problem.line else "Rätta filen."
    return message[: end.start()], message[end.end() :]


def problems_table(problems: Iterable[Problem]) -> str:
    """The problems as a Markdown table (file, line, field, what is wrong, what to do), and how to
    correct them on GitHub."""
    problems = sorted(problems, key=Problem.sort_key)
    rows = []
    for p in problems:
        wrong, fix = wrong_and_fix(p)
        rows.append(f"| `{p.path}` | {p.line or ''} | {_cell(p.field)} | {_cell(wrong)} | {_cell(fix)} |")
    return "\n".join(
        [
            f"### Bygget stoppades: {len(problems)} fel i innehållet",
            "",
            "| Fil | Rad | Fält | Fel | Vad du gör |",
            "| --- | ---: | --- | --- | --- |",
            *rows,
            "",
            f"**Så rättar du på GitHub:** {GITHUB_HOW}",
            "",
        ]
    )


def _counted(counts: Mapping[str, int]) -> str:
    counted = [f"{counts.get(key, 0)} {word}" for key, word in COUNTED]
    return f"{', '.join(counted[:-1])} och {counted[-1]}"


def success_summary(counts: Mapping[str, int], seconds: float) -> str:
    """A passing build in a few words: what was built and how long it took."""
    return f"### Bygget lyckades\n\n{_counted(counts)} byggdes på {seconds:.1f} s.\n"


def check_summary(counts: Mapping[str, int], seconds: float) -> str:
    """A passing content check in a few words: what was checked and how long it took."""
    return f"### Innehållet är utan fel\n\n{_counted(counts)} kontrollerades på {seconds:.1f} s.\n"


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
    counts: Mapping[str, int], seconds: float, environ: Mapping[str, str] | None = None, checked: bool = False
) -> None:
    """Under GitHub Actions: what a passing build built (or a passing check checked), in the summary."""
    environ = environ if environ is not None else os.environ
    if on_github(environ):
        summary = check_summary if checked else success_summary
        _append_summary(summary(counts, seconds), environ)


def _append_summary(markdown: str, environ: Mapping[str, str]) -> None:
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as file:
            file.write(markdown + "\n")
