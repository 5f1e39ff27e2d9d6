"""content_checks.addresses: an archive's addresses never die. ``content/adresser.txt`` lists every
address the site has published (posts, pages, author pages and their aliases), each with the file that
had it; it is committed with the content. A build in which one of those addresses would disappear stops,
naming the file and the ``Alias:`` line that keeps the address working (a redirect page, see aliases):
a post retitled, given another ``Slug`` or ``Date``, made a draft or deleted, an alias taken out, an
author renamed.

The list only grows: a successful build (``make build``, ``make publish``, CI's) adds the addresses it
publishes (``save_list``, called by sitebuild once the site is in place; ``make check`` writes nothing).
An address missing from the list is never an error, so a list that lags behind (a post merged on GitHub)
cannot stop a build; only the disappearance of a listed one does, and an editor fixes that in the post,
on GitHub too. Deleting a line on purpose is how an address is given up (see the editors' guide). A
site without the list gets one from its first successful build.

Only a post's, page's or author's own address and their aliases count: listings (categories, tags,
archives, pages of a listing) follow from the posts and are not promised.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aliases import alias_file, split_aliases
from authors import author_sources, plugin_settings
from pelican.urlwrappers import Author

from content_checks import Problem, Site, Source, content_checked
from content_checks.dates import parse_date, published
from content_checks.reading import misplaced

ADDRESS_LIST = "adresser.txt"  # in content/
HEADER = (
    "# Varje adress som bloggarkivet har publicerat, med filen som hade den. Bygget lägger själv till nya\n"
    "# adresser. Ta aldrig bort en rad: en adress som försvinner stoppar bygget, som då säger vilken\n"
    "# Alias:-rad som behövs (se docs/redaktorsguide.md, Permanenta adresser).\n"
)
MERGE_LEFTOVER = (
    "raden är kvar från en sammanfogning (merge) i git. Ta bort raden och behåll adresserna från båda sidor."
)
NO_ADDRESS = (
    "raden är ingen adress: varje rad är en adress som börjar med /, ett mellanslag och filen som har den."
    " Rätta eller ta bort raden."
)
# The list each checked site would have after a successful build: {content folder: text}. sitebuild
# writes it (save_list) once the site is in place.
PENDING: dict[str, str] = {}


@dataclass(frozen=True)
class Address:
    """One published address: the path readers use, the file that has it (from content/), and whether
    it is that file's own address or one of its aliases."""

    path: str
    source: str
    alias: bool = False


def list_path(root: Path) -> Path:
    return root / ADDRESS_LIST


def read_list(root: Path) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]] | None:
    """((line, address, file) for every address listed, (line, why) for every line that is none), or None
    when the site has no list."""
    path = list_path(root)
    if not path.is_file():
        return None
    entries, wrong = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        address, _, source = text.partition(" ")
        if text.startswith(("<<<<<<<", "=======", ">>>>>>>", "|||||||")):
            wrong.append((number, MERGE_LEFTOVER))
        elif not address.startswith("/"):
            wrong.append((number, NO_ADDRESS))
        else:
            entries.append((number, address, source.strip()))
    return entries, wrong


def list_text(addresses: dict[str, str]) -> str:
    """The list file's text: the header, then one ``address file`` line per address, sorted."""
    return HEADER + "".join(f"{address} {source}\n" for address, source in sorted(addresses.items()))


def _url(pattern: str, fields: dict) -> str | None:
    try:
        return "/" + pattern.format(**fields).lstrip("/")
    except (KeyError, AttributeError, IndexError, ValueError, TypeError):
        return None


def own_address(site: Site, source: Source) -> str | None:
    """The address a published post or page has (None for a draft, or one whose address the build
    cannot make: a missing title or date, which other rules report)."""
    meta, settings = source.meta, site.settings
    if not published(site, source) or not (meta.get("title") or meta.get("slug")):
        return None
    if source.kind == "page":
        if meta.get("url"):
            return "/" + meta["url"].lstrip("/")
        return _url(settings.get("PAGE_URL", "{slug}/"), {**meta, "slug": site.slug(source)})
    date = parse_date(meta.get("date") or "")
    if date is None:
        return None
    return _url(settings.get("ARTICLE_URL", "{slug}.html"), {**meta, "slug": site.slug(source), "date": date})


def author_files(site: Site) -> list[Source]:
    return author_sources(site.root, plugin_settings(site.settings)["path"])


def author_address(site: Site, source: Source) -> str | None:
    name = source.meta.get("name", "").strip()
    if not name or source.problems:
        return None
    return _url(
        site.settings.get("AUTHOR_URL", "author/{slug}.html"), {"slug": Author(name, site.settings).slug}
    )


def content_name(site: Site, path: Path) -> str:
    """A content file as the list names it: from content/ (posts/2018/x.md)."""
    try:
        return path.resolve().relative_to(site.resolved_root).as_posix()
    except ValueError:
        return path.name


def published_addresses(site: Site) -> dict[str, Address]:
    """Every address the build publishes for a post, page or author, and their aliases: {file: Address},
    where the file is the one the web server answers the address with (a/ and a/index.html are one)."""
    found: dict[str, Address] = {}
    for source, address in [
        *((source, own_address(site, source)) for source in site.sources),
        *((source, author_address(site, source)) for source in author_files(site)),
    ]:
        if address is None:
            continue
        name = content_name(site, source.path)
        found.setdefault(alias_file(address), Address(address, name))
        for alias in split_aliases(source.meta.get("alias")):
            if alias.startswith("/"):
                found.setdefault(alias_file(alias), Address(alias, name, alias=True))
    return found


def check_addresses(site: Site) -> Iterator[Problem]:
    """No listed address disappears; the list to save after a successful build is made here."""
    listed = read_list(site.root)
    current = published_addresses(site)
    entries, wrong = listed if listed is not None else ([], [])
    path = site.name(list_path(site.root))
    for number, why in wrong:
        yield Problem(path, why, number, "raden")
    sources = {content_name(site, source.path): source for source in [*site.sources, *author_files(site)]}
    kept: dict[str, str] = {}
    missing = False
    for number, address, source_name in entries:
        now = current.get(alias_file(address))
        if now is not None:
            kept[address] = now.source
            continue
        problem = _disappeared(site, (number, address, source_name), sources.get(source_name), path)
        if problem is not None:
            missing = True
            yield problem
        else:
            kept[address] = source_name
    PENDING.pop(str(site.root), None)
    if wrong or missing:
        return
    for address in current.values():
        kept.setdefault(address.path, address.source)
    PENDING[str(site.root)] = list_text(kept)


def _disappeared(
    site: Site, entry: tuple[int, str, str], source: Source | None, list_name: str
) -> Problem | None:
    """The problem of a listed address the build no longer makes, on the file that had it (None when
    that file cannot be read now: its own problem is reported, and it must be fixed first)."""
    number, address, source_name = entry
    never = f" (Har adressen aldrig varit publicerad, ta i stället bort raden {address} ur {list_name}.)"
    if source is None:
        if (site.root / source_name).exists():  # there, but not read as what it is: its own problem
            return None
        return Problem(
            list_name,
            f"adressen {address} försvinner: content/{source_name}, som hade den, finns inte längre, och"
            f" länkar dit skulle leda ingenstans. Lägg till Alias: {address} i det inlägg som läsarna ska"
            f" komma till i stället.{never}",
            number,
            "adressen",
        )
    if source.problems or source.layout or misplaced(source):
        return None
    found = _author_moved(site, source, address) if source.kind == "author" else _moved(site, source, address)
    if found is None:
        return None
    message, line, field = found
    return Problem(site.name(source.path), message + never, line, field)


def _author_moved(site: Site, source: Source, address: str) -> tuple[str, int, str] | None:
    new = author_address(site, source)
    if new is None:
        return None
    return (
        f"adressen {address} försvinner: skribentens namn har ändrats, och sidan får adressen {new}. Länkar"
        f" till den gamla adressen skulle leda ingenstans: lägg till {_alias_line(source, address)} i filens"
        " huvud, så leder den till den nya.",
        source.meta_lines.get("alias", source.meta_lines.get("name", 1)),
        "adressen",
    )


def _moved(site: Site, source: Source, address: str) -> tuple[str, int, str] | None:
    """A post's or page's listed address it no longer has: made a draft, given a new address (title,
    Slug, Date), or an alias taken out."""
    what = "inlägget" if source.kind == "post" else "sidan"
    if not published(site, source):
        draft = (source.meta.get("status") or "").strip().lower() == "draft"
        why = "är ett utkast (Status: draft)" if draft else "väntar på sitt datum"
        return (
            f"adressen {address} försvinner från den publicerade webbplatsen: {what} {why}, och länkar dit"
            f" skulle leda ingenstans. Ta bort raden Status: draft, eller lägg till Alias: {address} i det"
            " publicerade inlägg som läsarna ska komma till i stället.",
            source.meta_lines.get("status", 1),
            "adressen",
        )
    new = own_address(site, source)
    written = split_aliases(source.meta.get("alias"))
    # No title or date (reported; checked again once fixed), or the alias is there but refused (links).
    if new is None or any(alias_file(alias) == alias_file(address) for alias in written):
        return None
    if _own_shape(site, source, address):
        cause = f"{what} har fått en ny adress, {new} (rubriken, Slug eller Date har ändrats)"
    else:
        cause = "aliaset har tagits bort ur filen"
    return (
        f"adressen {address} försvinner: {cause}, och länkar dit skulle leda ingenstans. Lägg till"
        f" {_alias_line(source, address)} i filens huvud, så leder den gamla adressen hit.",
        source.meta_lines.get("alias", source.meta_lines.get("title", 1)),
        "adressen",
    )


def _own_shape(site: Site, source: Source, address: str) -> bool:
    """Whether an address has the form of the file's own address (/ÅÅÅÅ/MM/slug/ for a post), as opposed
    to one of its aliases (an old platform's /bloggen/x.html)."""
    setting = "ARTICLE_URL" if source.kind == "post" else "PAGE_URL"
    pattern = "/" + site.settings.get(setting, "").lstrip("/")
    shape = "".join(
        "[^/]+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]*\})", pattern)
    )
    return re.fullmatch(shape, address) is not None


def _alias_line(source: Source, address: str) -> str:
    """The Alias line to write: the file's own aliases, then the address (one line, commas between)."""
    aliases = [*split_aliases(source.meta.get("alias")), address]
    line = f"Alias: {', '.join(aliases)}"
    return f"raden {line}" if len(aliases) == 1 else f"adressen sist i raden Alias, så att den blir {line}"


def save_list(settings: dict) -> bool:
    """Write the address list the last check of this content folder made (after a successful build);
    True if the file changed."""
    root = Path(settings["PATH"])
    text = PENDING.pop(str(root), None)
    path = list_path(root)
    if text is None or (path.is_file() and path.read_text(encoding="utf-8") == text):
        return False
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return True


def register() -> None:
    content_checked.connect(check_addresses)
