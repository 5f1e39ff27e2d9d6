"""content_checks.links: links and addresses. A link's ``{…}`` is one Pelican knows, and a ``{filename}``
link leads to a post or a page (Pelican would only warn, and publish a broken link). A post's, page's or
author's old addresses (``Alias:``, written as redirect pages by the aliases plugin) are plain absolute
paths, each leading to one place and hiding no real address.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from aliases import alias_file, split_aliases
from authors import author_sources, plugin_settings

from content_checks import Problem, Site, Source, content_checked
from content_checks.dates import parse_date, published

# {what}target at the start of a link or an image's address, in Markdown or in HTML
LINK_INDICATOR = re.compile(r"\]\(\s*<?\{(\w+)\}([^\s)>]*)|\b(?:href|src)=[\"']\{(\w+)\}([^\"']*)")
INDICATORS = {"static", "attach", "filename", "category", "tag", "author", "index"}
# A link's address with no scheme that a browser reads as a path below the page: www.… and x.md.
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
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


def link_example(own: str = "") -> str:
    """How a {filename} link is written, shown with the linking file's own path (from content/)."""
    if own:
        return f"så som den här filen själv skrivs: {{filename}}/{own}"
    return "till exempel {filename}/posts/ÅÅÅÅ/filnamn.md"


def no_such_post(link: str, hint: str = "", own: str = "") -> str:
    return (
        f"länken {link} leder till ett inlägg som inte finns.{hint}"
        f" Skriv sökvägen till inläggets fil från content/, {link_example(own)}."
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
    own = _content_path(site, source)
    if path is None or not site.inside(path):
        return f"länken {link} pekar utanför content/. Skriv sökvägen från content/, {link_example(own)}."
    if path in articles:
        return None
    if path.is_file():
        return static_by_filename(target)
    return no_such_post(link, _suggest_post(site, path), own)


def _content_path(site: Site, path: Path) -> str:
    try:
        return path.resolve().relative_to(site.resolved_root).as_posix()
    except ValueError:
        return ""


def _suggest_post(site: Site, path: Path) -> str:
    """`` Menade du {filename}/posts/2018/x.md?`` for a post or page that is not there: one with the same
    file name elsewhere (a year or posts/ left out), else the closest path."""
    known = {_content_path(site, source.path): source for source in site.sources}
    same = [name for name in sorted(known) if name.rsplit("/", 1)[-1] == path.name]
    wanted = _content_path(site, path) or path.name
    close = same or difflib.get_close_matches(wanted, sorted(known), n=1, cutoff=0.75)
    return f" Menade du {{filename}}/{close[0]}?" if close else ""


def check_draft_links(site: Site) -> Iterator[Problem]:
    """A published post's {filename} link to a draft would lead, on the published site, to /utkast/…,
    which is never published: a broken link."""
    drafts = {source.path.resolve(): source for source in site.sources if not published(site, source)}
    if not drafts:
        return
    for source in site.sources:
        if not published(site, source):
            continue
        for match in LINK_INDICATOR.finditer(source.shown):
            indicator, target = match.group(1) or match.group(3), match.group(2) or match.group(4)
            if indicator != "filename":
                continue
            path = site.resolve(f"{{static}}{target}", source.path)
            draft = drafts.get(path)
            if draft is not None:
                what = (
                    "ett utkast"
                    if (draft.meta.get("status") or "").lower() == "draft"
                    else "ett inlägg som väntar på sitt datum"
                )
                yield Problem(
                    site.name(source.path),
                    f"länken {{filename}}{target} leder till {what} ({site.name(draft.path)}), som inte"
                    " publiceras: på den publicerade webbplatsen skulle länken leda ingenstans. Ta bort"
                    " länken, eller publicera det andra inlägget (ta bort raden Status: draft).",
                    source.line_at(match.start()),
                    "brödtexten",
                )


def link_address_problem(site: Site, source: Source, target: str, raw: str) -> str | None:
    """Why a link's address, as written (``raw``: the whole link), leads nowhere on the published site, or
    None: empty, a web address without https://, or the path to a Markdown file, not a {filename} link."""
    address = target.strip()

    def fixed(better: str) -> str:
        if not address:
            return raw.replace("()", f"({better})", 1) if "()" in raw else better
        return raw.replace(address, better, 1)

    if not address:
        return (
            f"länken {raw} har ingen adress, så den leder bara tillbaka till samma sida. Skriv adressen"
            f" inom parenteserna, till exempel {fixed('https://tillvaxtverket.se/')}, eller ta bort länken."
        )
    if SCHEME.match(address) or address.startswith(("/", "#", "?", "{", "|")):
        return None
    if address.casefold().startswith("www."):
        return (
            f"länken {raw} saknar https:// och skulle leda till en sida på bloggarkivet som inte finns."
            f" Skriv hela adressen: {fixed('https://' + address)}"
        )
    path = address.split("#", maxsplit=1)[0].split("?", maxsplit=1)[0]
    return _markdown_file_link(site, source, path, raw, fixed) if path.lower().endswith(".md") else None


def _markdown_file_link(site: Site, source: Source, path: str, raw: str, fixed) -> str:
    """A link to a post's Markdown file by its path (../2018/x.md): the file is never published."""
    target_path = (source.path.parent / unquote(path)).resolve()
    if site.inside(target_path) and any(other.path.resolve() == target_path for other in site.sources):
        written = _content_path(site, target_path)
        return (
            f"länken {raw} är en sökväg till en fil, och den leder ingenstans på webbplatsen. Länka till"
            f" ett inlägg med {{filename}} och sökvägen från content/: {fixed('{filename}/' + written)}"
        )
    return (
        f"länken {raw} är en sökväg till en fil som inte finns, och den leder ingenstans på webbplatsen."
        f"{_suggest_post(site, target_path)} Länka till ett inlägg med {{filename}} och sökvägen till dess"
        f" fil från content/, {link_example(_content_path(site, source.path))}."
    )


def check_link_addresses(site: Site) -> Iterator[Problem]:
    """Every link's address leads somewhere: not empty, www.… with its https://, no path to a .md file."""
    for source in site.sources:
        for link in source.markdown.links:
            if link.image or link.kind == "reference":  # a reference's address is its definition's
                continue
            problem = link_address_problem(site, source, link.target, link.raw)
            if problem:
                yield Problem(site.name(source.path), problem, source.line_at(link.offset), "brödtexten")


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


def semicolon_problem(value: str) -> str | None:
    """Aliases separated by semicolons (Alias: /a.html; /b.html) read as one odd path: use commas."""
    if ";" not in value:
        return None
    parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    return (
        f'Alias "{value.strip()}": flera gamla adresser skiljs med kommatecken, inte semikolon.'
        f" Skriv Alias: {', '.join(parts)}"
    )


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
    authors = author_sources(site.root, plugin_settings(site.settings)["path"])
    for source in [*site.sources, *authors]:
        semicolons = semicolon_problem(source.meta.get("alias") or "")
        if semicolons:
            yield Problem(site.name(source.path), semicolons, _line(source), "Alias")
            continue
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
    content_checked.connect(check_draft_links)
    content_checked.connect(check_link_addresses)
    content_checked.connect(check_aliases)
