"""content_checks.links: links and addresses. A link's ``{…}`` is one Pelican knows, and a ``{filename}``
link leads to a post or a page (Pelican would only warn, and publish a broken link). A post's old
addresses (``Alias:``, written as redirect pages by the aliases plugin) are plain absolute paths, each
leading to one post and hiding no real address.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from aliases import alias_file, split_aliases

from content_checks import Problem, Site, Source, content_checked
from content_checks.dates import parse_date
from content_checks.images import suggest_file

# {what}target at the start of a link or an image's address, in Markdown or in HTML
LINK_INDICATOR = re.compile(r"\]\(\s*<?\{(\w+)\}([^\s)>]*)|\b(?:href|src)=[\"']\{(\w+)\}([^\"']*)")
INDICATORS = {"static", "attach", "filename", "category", "tag", "author", "index"}
LINK_EXAMPLE = "till exempel {filename}/posts/2018/att-motas-for-en-konkurrenskraftig-industri.md"
# What an alias cannot hold: a query, an anchor, or a character no file name on the host may have.
ALIAS_FORBIDDEN = ("?", "#", "\\", "*", ":", '"', "<", ">", "|")


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


# Aliases: a post's addresses on the old platform, each a redirect page (plugins/aliases.py).


def alias_problem(alias: str) -> str | None:
    """Why an alias cannot be a path on this site, in Swedish, or None if it is fine."""
    example = "till exempel /om-tillvaxtverket/bloggen/bloggartiklar/inlagg.html"
    if "://" in alias or alias.startswith("//"):
        path = urlsplit(alias if "://" in alias else f"https:{alias}").path
        shown = f"Alias: {path}" if path.startswith("/") and len(path) > 1 else example
        return f'Alias "{alias}" är en hel webbadress. Skriv bara sökvägen: {shown}.'
    if not alias.startswith("/"):
        shown = f"Alias: /{alias}" if not alias.startswith(".") else example
        return f'Alias "{alias}" måste börja med / (sökvägen på den gamla webbplatsen): {shown}.'
    if any(mark in alias for mark in ALIAS_FORBIDDEN) or any(char.isspace() for char in alias):
        return (
            f'Alias "{alias}" innehåller tecken som inte kan vara en del av en sökväg'
            ' (mellanslag, ?, #, \\, *, :, ", <, >, |). Skriv bara sökvägen, utan frågor och ankare.'
        )
    if {".", ".."} & set(unquote(alias).split("/")):
        return f'Alias "{alias}" innehåller . eller .. Skriv hela sökvägen från roten, {example}.'
    if alias == "/":
        return 'Alias "/" är startsidan och kan inte leda till ett inlägg.'
    return None


def _save_as(site: Site, source: Source) -> str | None:
    """Where Pelican will write a published post or page (None for drafts or unknown forms)."""
    meta, settings = source.meta, site.settings
    if (meta.get("status") or "published").lower() == "draft":
        return None
    if source.kind == "page":
        pattern = meta.get("save_as") or settings.get("PAGE_SAVE_AS", "")
    else:
        pattern = settings.get("ARTICLE_SAVE_AS", "")
    fields = {**meta, "slug": site.slug(source), "date": parse_date(meta.get("date", "") or "")}
    try:
        return pattern.format(**fields)
    except (KeyError, AttributeError, IndexError, ValueError, TypeError):  # other rules report these
        return None


def _static_file(site: Site, target: str) -> Path | None:
    """The content file (e.g. an image) Pelican copies to ``target`` unchanged, if there is one."""
    folders = site.settings.get("STATIC_PATHS", [])
    path = site.root / target
    if any(PurePosixPath(target).is_relative_to(folder) for folder in folders) and path.is_file():
        return path
    return None


def check_aliases(site: Site) -> Iterator[Problem]:
    """Every alias is a plain absolute path that leads to one post and hides no real address."""
    claimed: dict[str, list[tuple[Source, str]]] = defaultdict(list)
    for source in site.posts:
        for alias in split_aliases(source.meta.get("alias")):
            problem = alias_problem(alias)
            if problem:
                yield Problem(site.name(source.path), problem, _line(source), "Alias")
            else:
                claims = claimed[alias_file(alias)]
                if source not in (claimant for claimant, _ in claims):  # /a and /a/ in one post: one page
                    claims.append((source, alias))
    if not claimed:
        return
    real = {_save_as(site, source): source for source in site.sources}
    for target, claims in sorted(claimed.items()):
        first, first_alias = claims[0]
        for source, alias in claims[1:]:
            yield Problem(
                site.name(source.path),
                f'Alias "{alias}" används redan av {site.name(first.path)} (som "{first_alias}").'
                " En gammal adress kan bara leda till ett inlägg: ta bort den ur den ena filen.",
                _line(source),
                "Alias",
            )
        owner = real[target].path if target in real else _static_file(site, target)
        if owner:
            for source, alias in claims:
                yield Problem(
                    site.name(source.path),
                    f'Alias "{alias}" är samma adress som {site.name(owner)} redan har,'
                    " och skulle ersätta den. Ta bort aliaset eller ändra den andra filens adress.",
                    _line(source),
                    "Alias",
                )


def _line(source: Source) -> int:
    return source.meta_lines.get("alias", 1)


def register() -> None:
    content_checked.connect(check_links)
    content_checked.connect(check_aliases)
