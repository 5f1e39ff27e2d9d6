"""content_checks.links: a link's ``{…}`` is one Pelican knows, and a ``{filename}`` link leads to a post
or a page (Pelican would only warn, and publish a broken link).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from content_checks import Problem, Site, content_checked
from content_checks.images import suggest_file

# {what}target at the start of a link or an image's address, in Markdown or in HTML
LINK_INDICATOR = re.compile(r"\]\(\s*<?\{(\w+)\}([^\s)>]*)|\b(?:href|src)=[\"']\{(\w+)\}([^\"']*)")
INDICATORS = {"static", "attach", "filename", "category", "tag", "author", "index"}
LINK_EXAMPLE = "till exempel {filename}/posts/2018/att-motas-for-en-konkurrenskraftig-industri.md"


# Messages that pelican_warnings says too, for a mistake that got past the rules.


def unknown_indicator(indicator: str, target: str) -> str:
    return (
        f"länken {{{indicator}}}{target} börjar med något Pelican inte känner till."
        f"{_suggest(indicator, INDICATORS)} Skriv {{static}} för bilder och filer,"
        " {filename} för inlägg och sidor."
    )


def static_by_filename(target: str) -> str:
    return (
        f"länken {{filename}}{target} leder till en fil, inte ett inlägg. Skriv {{static}}{target} i stället."
    )


def no_such_post(link: str, hint: str = "") -> str:
    return (
        f"länken {link} leder till ett inlägg som inte finns.{hint}"
        f" Skriv sökvägen från content/, {LINK_EXAMPLE}."
    )


def check_links(site: Site) -> Iterator[Problem]:
    """{filename} links lead to a post or page, and every {…} in a link is one Pelican knows
    (Pelican would only warn, and publish a broken link)."""
    articles = {source.path.resolve() for source in site.sources}
    for source in site.sources:
        for match in LINK_INDICATOR.finditer(source.shown):
            indicator, target = match.group(1) or match.group(3), match.group(2) or match.group(4)
            line = source.line_at(match.start())
            if indicator not in INDICATORS:
                yield Problem(
                    site.name(source.path), unknown_indicator(indicator, target), line, "brödtexten"
                )
            elif indicator == "filename":
                problem = _link_problem(site, target, source.path, articles)
                if problem:
                    yield Problem(site.name(source.path), problem, line, "brödtexten")


def _link_problem(site: Site, target: str, source: Path, articles: set[Path]) -> str | None:
    link = f"{{filename}}{target}"
    path = site.resolve(f"{{static}}{target}", source)
    if path is None or not site.inside(path):
        return f"länken {link} pekar utanför content/. Skriv sökvägen från content/, {LINK_EXAMPLE}."
    if path in articles:
        return None
    if path.is_file():
        return static_by_filename(target)
    return no_such_post(link, suggest_file(site, path))


def _suggest(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" Menade du {{{close[0]}}}?" if close else ""


def register() -> None:
    content_checked.connect(check_links)
