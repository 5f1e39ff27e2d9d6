"""content_checks.links: links and addresses. A link's ``{…}`` is one Pelican knows, and a ``{filename}``
link leads to a post or a page (Pelican would only warn, and publish a broken link). A post's, page's or
author's old addresses (``Alias:``, written as redirect pages by the aliases plugin) are plain absolute
paths, each leading to one place and hiding no real address.

Addresses belong to the site: no post, page, category, tag or author takes an address the site makes
itself (the start page, 404, search, feeds, sitemap, robots.txt, _headers, _redirects, pagefind/, theme/,
.well-known/, the listings and their pagination) or another post's or page's; a page's ``Save_as`` and
``URL`` are paths on the site, its ``Template`` one made for pages, and every part of an address fits a
file name. The rules read what the editor wrote (with lines); ``check_written_addresses`` checks again,
before anything is written, what Pelican made of it, so that a header Pelican reads otherwise than the
rules (or a file no rule foresaw) still cannot take an address.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from aliases import alias_file, aliases_settings, split_aliases
from authors import author_sources, plugin_settings
from pelican import signals
from pelican.contents import Content, Page
from pelican.readers import ensure_metadata_list
from security_headers import merged_settings as security_settings
from sitemap import sitemap_settings

from content_checks import ContentError, Problem, Site, Source, content_checked
from content_checks.dates import parse_date, published
from content_checks.fields import CONTROL_CHARACTER

# {what}target at the start of a link or an image's address, in Markdown or in HTML
LINK_INDICATOR = re.compile(r"\]\(\s*<?\{(\w+)\}([^\s)>]*)|\b(?:href|src)=[\"']\{(\w+)\}([^\"']*)")
INDICATORS = {"static", "attach", "filename", "category", "tag", "author", "index"}
# A link's address with no scheme that a browser reads as a path below the page: www.… and x.md.
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# What an alias cannot hold: a query, an anchor, or a character no file name on the host may have.
ALIAS_FORBIDDEN = ("?", "#", "\\", "*", ":", '"', "<", ">", "|")
# One part of an address is a file or folder name: file systems take 255 bytes, and the build adds to some
# names (image derivatives). A whole address is kept well below what a path may be.
ADDRESS_PART_MAX = 200
ADDRESS_MAX = 1000
# A page's Save_as or URL: folders and a file name of lower-case letters, digits, - _ and . (never first).
SITE_PATH = re.compile(r"(?:[a-z0-9][a-z0-9._-]*/)*(?:[a-z0-9][a-z0-9._-]*)?")
# The theme's templates made for a page (Template: page); the others are the site's own pages.
PAGE_TEMPLATES = ("page",)
# What the site makes, by the setting that says where, as a message names it.
SITE_PAGES = {
    "INDEX_SAVE_AS": "startsidan",
    "404_SAVE_AS": "sidan som visas när en sida inte finns (404)",
    "NOT_FOUND_SAVE_AS": "sidan som visas när en sida inte finns (404)",
    "SEARCH_SAVE_AS": "söksidan",
    "CATEGORIES_SAVE_AS": "listan över kategorier",
    "TAGS_SAVE_AS": "listan över taggar",
    "AUTHORS_SAVE_AS": "listan över skribenter",
    "ARCHIVES_SAVE_AS": "arkivet",
    "ARTICLE_SAVE_AS": "ett inläggs adress",
    "CATEGORY_SAVE_AS": "en kategoris sida",
    "TAG_SAVE_AS": "en taggs sida",
    "AUTHOR_SAVE_AS": "en skribents sida",
    "YEAR_ARCHIVE_SAVE_AS": "arkivet för ett år",
    "MONTH_ARCHIVE_SAVE_AS": "arkivet för en månad",
    "DAY_ARCHIVE_SAVE_AS": "arkivet för en dag",
    "DRAFT_SAVE_AS": "utkasten",
    "DRAFT_PAGE_SAVE_AS": "utkasten",
}
FEEDS = "flödena"
PAGINATION = "sidnumreringen av en lista (sida 2, 3, …)"


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


def alias_address_problem(alias: str) -> str | None:
    """Why a path cannot be a file's address (a NUL byte or another control character, written or as
    %00; a part too long for a file name), or None: a traceback otherwise, when the redirect is written."""
    control = CONTROL_CHARACTER.search(unquote(alias))
    if control:
        return (
            f'Alias "{visible(alias)}" innehåller ett osynligt styrtecken (U+{ord(control.group(0)):04X}),'
            " som inte kan vara en del av en adress. Skriv om sökvägen för hand."
        )
    too_long = overlong(unquote(alias))
    if too_long:
        return f'Alias "{_short(alias)}" {too_long} Skriv den gamla adressen som den var, eller ta bort den.'
    return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def visible(text: str) -> str:
    """A text as a message can show it: control characters written as their code (U+0000)."""
    return CONTROL_CHARACTER.sub(lambda found: f"U+{ord(found.group(0)):04X}", text)


def overlong(address: str) -> str | None:
    """Why an address is too long to be a file's path (a part over ADDRESS_PART_MAX bytes, or the whole
    over ADDRESS_MAX), said as the end of a sentence about it; None when it fits."""
    longest = max(address.split("/"), key=lambda part: len(part.encode()))
    if len(longest.encode()) > ADDRESS_PART_MAX:
        return (
            f"ger en adress där en del är {len(longest.encode())} tecken lång, och en del av en adress"
            f" kan vara högst {ADDRESS_PART_MAX} tecken."
        )
    if len(address.encode()) > ADDRESS_MAX:
        return f"ger en adress som är {len(address.encode())} tecken lång; den kan vara högst {ADDRESS_MAX}."
    return None


# Addresses the site makes itself.


@dataclass(frozen=True)
class Reserved:
    """The addresses the site makes itself, as files below the output folder: ``files`` and ``folders``
    by name (with what each is, in Swedish), ``patterns`` for the families of pages (a category's, a
    month's archive, page 2 of a list)."""

    files: dict[str, str]
    folders: dict[str, str]
    patterns: tuple[tuple[re.Pattern, str], ...]

    def owner(self, address: str) -> str | None:
        """What the site makes at ``address`` (or where ``address`` would need a folder or a file the
        site has), in Swedish, or None when the address is free."""
        address = address.lstrip("/")
        if address in self.files:
            return self.files[address]
        for name, what in self.files.items():
            if address.startswith(f"{name}/") or name.startswith(f"{address}/"):
                return what
        for name, what in self.folders.items():
            if address == name or address.startswith(f"{name}/"):
                return what
        return next((what for pattern, what in self.patterns if pattern.fullmatch(address)), None)


DATE_PARTS = {"%Y": r"\d{4}", "%y": r"\d{2}", "%m": r"\d{2}", "%d": r"\d{2}", "%H": r"\d{2}", "%M": r"\d{2}"}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def address_pattern(template: str) -> re.Pattern:
    """The addresses a setting such as ``kategorier/{slug}/index.html`` makes, as a pattern: a date's
    parts are digits, ``{number}`` a page number, any other placeholder one name."""
    parts, last = [], 0
    for found in PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : found.start()]))
        name = found.group(1)
        if name.startswith("date:"):
            pieces = re.split(r"(%[a-zA-Z])", name[5:])
            parts.append(
                "".join(
                    DATE_PARTS.get(piece, "[^/]*") if piece.startswith("%") else re.escape(piece)
                    for piece in pieces
                )
            )
        elif name == "number":
            parts.append(r"\d+")
        else:
            parts.append(r"[^/]*")
        last = found.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts))


def _save_as_settings(settings: dict) -> dict[str, str]:
    """Every ``*_SAVE_AS`` the site writes with (direct templates by their name), but a page's own."""
    found = {
        key: value
        for key, value in settings.items()
        if key.endswith("_SAVE_AS")
        and isinstance(value, str)
        and value
        and not key.startswith(("PAGE_", "STATIC_"))
        and not key.endswith("_LANG_SAVE_AS")
    }
    for template in settings.get("DIRECT_TEMPLATES", []):
        key = f"{template.upper()}_SAVE_AS"
        found.setdefault(key, settings.get(key) or f"{template}.html")
    return found


def _reserved(settings: dict, bundle: str) -> Reserved:
    files: dict[str, str] = {}
    folders: dict[str, str] = {}
    patterns: list[tuple[re.Pattern, str]] = []

    def add(template: str, what: str, folder: bool = True) -> None:
        template = template.lstrip("/")
        if "{" not in template:
            files.setdefault(template, what)
            return
        patterns.append((address_pattern(template), what))
        prefix = template[: template.index("{")]
        if folder and "/" in prefix:  # kategorier/{slug}/…: the whole folder is the site's
            folders.setdefault(prefix.rsplit("/", 1)[0], what)

    for key, template in _save_as_settings(settings).items():
        add(template, SITE_PAGES.get(key, "en sida som webbplatsen gör"))
    for key, value in settings.items():
        if "FEED" in key and key.endswith(("_ATOM", "_RSS")) and isinstance(value, str) and value:
            add(value, FEEDS)
    for listing in settings.get("PAGINATED_TEMPLATES", {}):  # page 2, 3, … of each paginated list
        save_as = settings.get(f"{listing.upper()}_SAVE_AS") or f"{listing}.html"
        folder, _slash, name = save_as.rpartition("/")
        base = folder if name in ("index.html", "index.htm") else save_as.rpartition(".")[0]
        for _first, _url, template in settings.get("PAGINATION_PATTERNS", ()):
            if "{number}" in template:
                add(template.replace("{base_name}", base), PAGINATION, folder=False)
    plugin_files = {
        "sitemap": (sitemap_settings(settings)["sitemap"], "webbplatskartan för sökmotorer"),
        "robots": (sitemap_settings(settings)["robots"], "robots.txt för sökmotorer"),
        "headers": (security_settings(settings)["headers_file"], "webbplatsens säkerhetsregler (_headers)"),
        "redirects": (
            aliases_settings(settings)["redirects_file"],
            "listan över gamla adresser (_redirects)",
        ),
    }
    for name, what in plugin_files.values():
        if name:
            files.setdefault(name, what)
    folders.setdefault(settings.get("THEME_STATIC_DIR", "theme"), "webbplatsens stilmall och skript (theme/)")
    folders.setdefault(bundle, f"sökindexet ({bundle}/)")
    folders.setdefault(".well-known", "webbplatsens uppgifter för andra tjänster (.well-known/)")
    for folder in settings.get("STATIC_PATHS", []):
        folders.setdefault(folder.strip("/"), f"bilderna ({folder.strip('/')}/)")
    return Reserved(files, folders, tuple(patterns))


# The last settings asked about, and their addresses: a build asks once per rule, with one settings dict.
_RESERVED: dict[str, object] = {}


def reserved(settings: dict) -> Reserved:
    """The addresses the site makes itself, for these settings."""
    if _RESERVED.get("settings") is not settings:
        from search_index import search_settings  # search_index imports figures, which imports this package

        _RESERVED.update(settings=settings, reserved=_reserved(settings, search_settings(settings)["bundle"]))
    return _RESERVED["reserved"]


OLD_CONTENT_ADDRESSES = ("ARTICLE_SAVE_AS", "AUTHOR_SAVE_AS")


def without_content(taken: Reserved, settings: dict) -> Reserved:
    """The site's addresses but any post's or author page's: an alias may be the old address of a post or
    of an author's page (a post retitled, an author renamed) on this site; that no post or author has it
    now is checked against the real ones."""
    templates = [settings.get(key, "").lstrip("/") for key in OLD_CONTENT_ADDRESSES]
    content = {address_pattern(template).pattern for template in templates}
    # The folder a family of pages lives in (skribenter/ for skribenter/{slug}/): its other pages (the
    # list, feeds, page 2) stay taken by their own names and patterns.
    folders = {template[: template.index("{")].rstrip("/") for template in templates if "{" in template}
    return Reserved(
        taken.files,
        {name: what for name, what in taken.folders.items() if name not in folders},
        tuple(pattern for pattern in taken.patterns if pattern[0].pattern not in content),
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


def _real_addresses(site: Site, authors: list[Source]) -> dict[str | None, Source]:
    """The file each post, page and author page is written to, with its source."""
    real = {_save_as(site, source): source for source in site.sources}
    author_page = site.settings.get("AUTHOR_SAVE_AS", "")
    for source in authors if author_page else ():
        name = source.meta.get("name", "").strip()
        if name:
            real.setdefault(author_page.format(slug=site.name_slug(name, "AUTHOR")).lstrip("/"), source)
    return real


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
            problem = alias_problem(alias) or alias_address_problem(alias)
            if problem:
                yield Problem(site.name(source.path), problem, _line(source), "Alias")
            else:
                claims = claimed[alias_file(alias)]
                if source not in (claimant for claimant, _ in claims):  # /a and /a/ in one post: one page
                    claims.append((source, alias))
    if not claimed:
        return
    real = _real_addresses(site, authors)
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
        made = None if owner else without_content(reserved(site.settings), site.settings).owner(target)
        for source, alias in claims if owner or made else ():
            if owner:
                message = (
                    f'Alias "{alias}" är samma adress som {site.name(owner)} redan har,'
                    " och skulle ersätta den. Ta bort aliaset eller ändra den andra filens adress."
                )
            else:
                message = (
                    f'Alias "{alias}" är en adress som webbplatsen själv använder ({made}), och en gammal'
                    " adress kan inte ersätta den. Ta bort aliaset."
                )
            yield Problem(site.name(source.path), message, _line(source), "Alias")


def _line(source: Source) -> int:
    return source.meta_lines.get("alias", 1)


# A post's or page's own address: its slug, and a page's Save_as, URL and Template.


def url_file(url: str) -> str:
    """The file a site URL is served from (``om/`` is om/index.html)."""
    return alias_file(f"/{url}") if url else "index.html"


def slug_address_problem(what: str, slug: str, fix: str) -> str | None:
    """Why a slug (of a title, a category, a tag or an author's name) cannot be an address, or None.
    ``what`` names where it comes from (``rubriken``), ``fix`` ends the message."""
    if not slug:
        return (
            f"{what} ger ingen adress: den har inga bokstäver eller siffror som en adress kan göras av. {fix}"
        )
    too_long = overlong(slug)
    return f"{what} {too_long} {fix}" if too_long else None


def _short_slug(slug: str) -> str:
    """A slug cut after whole words, to suggest for one that is too long."""
    return "-".join(slug[:60].split("-")[:-1]) or slug[:60]


def check_slug_addresses(site: Site) -> Iterator[Problem]:
    """Every title, category, tag and author's name gives an address that a file system can hold: not
    empty (a title of only punctuation) and no part over ADDRESS_PART_MAX (a title of 300 characters)."""
    for source in site.sources:
        if source.problems or not source.meta.get("title"):
            continue
        name = site.name(source.path)
        if not source.meta.get("slug"):  # a Slug is checked as written by content_checks.fields
            slug = site.slug(source)
            fix = f"Skriv en kortare adress i fältet Slug, till exempel Slug: {_short_slug(slug)}"
            problem = slug_address_problem(
                "rubriken", slug, fix if slug else "Skriv en adress i fältet Slug."
            )
            if problem:
                yield Problem(name, problem, source.meta_lines.get("title", 1), "Title")
        elif overlong(site.slug(source)):
            slug = site.slug(source)
            yield Problem(
                name,
                f"Slug {overlong(slug)} Skriv till exempel Slug: {_short_slug(slug)}",
                source.meta_lines.get("slug", 1),
                "Slug",
            )
        if source.kind != "post":
            continue
        terms = [("category", "Category", "kategorin", "CATEGORY", [source.meta.get("category", "")])]
        terms.append(("tags", "Tags", "taggen", "TAG", ensure_metadata_list(source.meta.get("tags", ""))))
        for key, field_name, what, kind, names in terms:
            for term in filter(None, (term.strip() for term in names)):
                problem = slug_address_problem(
                    f'{what} "{_short(term, 40)}"', site.name_slug(term, kind), f"Skriv {what} med ord."
                )
                if problem:
                    yield Problem(name, problem, source.meta_lines.get(key, 1), field_name)
    yield from _author_slug_problems(site)


def _author_slug_problems(site: Site) -> Iterator[Problem]:
    from authors import author_sources, plugin_settings  # the authors plugin imports this package

    for source in author_sources(site.root, plugin_settings(site.settings)["path"]):
        author = source.meta.get("name", "").strip()
        if author and not source.problems:
            problem = slug_address_problem(
                "namnet", site.name_slug(author, "AUTHOR"), "Skriv skribentens namn med bokstäver."
            )
            if problem:
                yield Problem(site.name(source.path), problem, source.meta_lines.get("name", 1), "Name")


KEEP_TO_SLUG = "Ta bort raden: sidan får sin adress av Slug, till exempel Slug: {}."


def page_address_problems(
    settings: dict, meta: dict[str, str], save_as: str | None, taken_by: str | None = None, slug: str = ""
) -> Iterator[tuple[str, str]]:
    """(field, message) for each way a page's Template, Save_as, URL or Slug takes what is not the page's.
    ``save_as`` is where Pelican writes the page (None: nowhere, a draft in production), ``taken_by`` the
    file whose address that is, when another post or page has it; ``slug`` the page's slug, for advice."""
    keep_to_slug = KEEP_TO_SLUG.format(slug or "om-bloggen")
    template = (meta.get("template") or "").strip()
    if template and template not in PAGE_TEMPLATES:
        yield (
            "Template",
            (
                f'Template: "{_short(visible(template), 40)}" är ingen mall för sidor (de andra mallarna hör'
                " till webbplatsens egna sidor). Ta bort raden: en sida använder mallen page."
            ),
        )
    written = (meta.get("save_as") or "").strip()
    if written and not (SITE_PATH.fullmatch(written) and written.endswith(".html")):
        yield (
            "Save_as",
            (
                f'Save_as: "{_short(visible(written), 40)}" är ingen sida på webbplatsen (en sökväg av små'
                f" bokstäver, siffror och bindestreck som slutar på .html). {keep_to_slug}"
            ),
        )
        return
    url = (meta.get("url") or "").strip()
    if url and not SITE_PATH.fullmatch(url):
        elsewhere = ":" in url or url.startswith("//")
        where = "leder till en annan webbplats" if elsewhere else "är ingen adress på webbplatsen"
        yield "URL", f'URL: "{_short(visible(url), 40)}" {where}. {keep_to_slug}'
        return
    if not save_as:
        return
    shown = f"/{save_as.removesuffix('index.html')}"
    owner = reserved(settings).owner(save_as)
    if owner or taken_by:
        field_name, given = (
            ("Save_as", "Save_as")
            if written
            else ("Slug", "Slug")
            if meta.get("slug")
            else ("Title", "rubriken")
        )
        whose = owner or f"adressen som {taken_by} har"
        yield (
            field_name,
            (
                f"{given} ger sidan adressen {shown}, som är {whose}. En sida kan inte ta en adress som"
                " webbplatsen redan använder: ange en annan Slug"
                + (" och ta bort Save_as." if written else ".")
            ),
        )
    elif url and url_file(url) != save_as:
        yield (
            "URL",
            (
                f'URL: "{url}" är inte adressen där sidan skrivs ({shown}), så länkar, sökmotorer och'
                f" webbplatskartan skulle leda fel. {keep_to_slug}"
            ),
        )
    elif written and not url and url_file(settings.get("PAGE_URL", "").format_map(_fields(meta))) != save_as:
        message = f'Save_as: "{written}" är inte sidans adress, så länkar till sidan skulle leda fel.'
        yield "Save_as", f"{message} {keep_to_slug}"


def _fields(meta: dict[str, str]) -> defaultdict:
    return defaultdict(str, meta)


def check_page_addresses(site: Site) -> Iterator[Problem]:
    """A page's Save_as, URL, Slug and Template keep to the page's own address and template."""
    addresses = {address: source for source in site.posts if (address := _save_as(site, source))}
    for source in site.pages:
        if source.problems or not source.meta.get("title"):
            continue
        if not site.slug(source) and not source.meta.get("save_as"):
            continue  # check_slug_addresses says that the title gives no address
        address = _save_as(site, source)
        other = addresses.setdefault(address, source) if address else None
        # Two pages with one slug are check_unique_slugs's; a post's address or a Save_as is this rule's.
        clash = other is not None and other is not source
        if clash and (other.kind == "post" or source.meta.get("save_as") or other.meta.get("save_as")):
            taken_by = site.name(other.path)
        else:
            taken_by = None
        meta = {**source.meta, "slug": source.meta.get("slug") or site.slug(source)}
        meta = (
            meta if source.meta.get("slug") else {key: value for key, value in meta.items() if key != "slug"}
        )
        found = page_address_problems(site.settings, meta, address, taken_by, site.slug(source))
        for field_name, message in found:
            line = source.meta_lines.get(field_name.lower(), source.meta_lines.get("title", 1))
            yield Problem(site.name(source.path), message, line, field_name)


# The same, again, on what Pelican made of the files, after reading and before anything is written.


def _written_problems(settings: dict, content: Content, others: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(field, message) for a post or page Pelican read whose address or template is not its own."""
    address = content.save_as
    if ".." in address.split("/") or address.startswith("/") or CONTROL_CHARACTER.search(address):
        yield (
            "Slug",
            f'adressen "{_short(visible(address))}" ligger utanför webbplatsen. Skriv en Slug av ord.',
        )
    elif overlong(address):
        yield "Title", f"adressen {overlong(address)} Skriv en kortare Slug."
    elif isinstance(content, Page):
        meta = {key: value for key, value in content.metadata.items() if isinstance(value, str)}
        meta["template"] = "" if content.template == "page" else str(content.template)
        meta["url"] = (
            ""
            if content.url == settings.get("PAGE_URL", "").format_map(_fields({"slug": content.slug}))
            else content.url
        )
        published = content.status != "draft"
        yield from page_address_problems(
            settings, meta, address if published else None, others.get(address), content.slug
        )
    elif content.template != "article":
        yield (
            "Template",
            f'Template: "{_short(visible(str(content.template)), 40)}" går inte i ett inlägg. Ta bort raden.',
        )
    elif address in others:
        shown = address.removesuffix("index.html")
        yield "Title", f"inlägget får adressen /{shown}, som {others[address]} redan har. Skriv en egen Slug."
    elif url_file(content.url) != address:
        yield (
            "Slug",
            f"inläggets adress ({content.url}) är inte där det skrivs (/{address}). Skriv en Slug av ord.",
        )


CONTENTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)
TERMS = (
    ("categories", "category", "Category", "kategorin"),
    ("tags", "tags", "Tags", "taggen"),
    ("authors", "author", "Author", "skribentens namn"),
)


def check_written_addresses(generators: list) -> None:
    """all_generators_finalized: stop the build before anything is written when a post, page, category,
    tag or author, as Pelican read it, would take an address that is not its own."""
    contents = {
        id(item): item
        for generator in generators
        for collection in CONTENTS
        for item in getattr(generator, collection, [])
        if isinstance(item, Content) and item.source_path
    }
    if not contents:
        return
    settings = next(iter(contents.values())).settings
    project = Path(settings["PATH"]).resolve().parent
    problems, others = [], {}
    for content in contents.values():
        if not content.save_as:
            continue
        name = _project_name(content.source_path, project)
        for field_name, message in _written_problems(settings, content, others):
            problems.append(Problem(name, message, _field_line(content.source_path, field_name), field_name))
        others.setdefault(content.save_as, name)
    for generator in generators:
        for collection, key, field_name, what in TERMS:
            found = getattr(generator, collection, [])
            for term, articles in found.items() if isinstance(found, dict) else found:
                problem = slug_address_problem(
                    f'{what} "{_short(str(term), 40)}"', term.slug, "Skriv ett kortare namn med ord."
                )
                if problem and articles:
                    source = articles[0].source_path
                    problems.append(
                        Problem(_project_name(source, project), problem, _field_line(source, key), field_name)
                    )
    if problems:
        raise ContentError(problems)


def _project_name(path: str, project: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(project))
    except ValueError:
        return str(path)


def _field_line(path: str, field_name: str) -> int:
    """The line of a header field in a file (as Python-Markdown reads a header: up to three spaces in)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 0
    found = re.search(rf"(?im)^[ ]{{0,3}}{re.escape(field_name)}:", text)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def register() -> None:
    content_checked.connect(check_links)
    content_checked.connect(check_draft_links)
    content_checked.connect(check_link_addresses)
    content_checked.connect(check_aliases)
    content_checked.connect(check_slug_addresses)
    content_checked.connect(check_page_addresses)
    signals.all_generators_finalized.connect(check_written_addresses)
