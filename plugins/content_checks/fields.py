"""content_checks.fields: the header's fields. The fields a post and a page may have (and their Swedish
names), the required ones, the words ``Status`` and ``Comments`` take, one spelling per category and tag,
one address per post or page, text fields that are text (no HTML in ``Title``, ``Category``, ``Tags``
or an author's ``Name`` and ``Role``), a ``Slug`` that is a slug, and no control character in any field.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from pelican.readers import ensure_metadata_list

from content_checks import Problem, Site, Source, content_checked
from content_checks.categories import read_categories

POST_KEYS = {
    "title", "date", "modified", "author", "authors", "category", "tags", "summary",
    "image", "image_alt", "image_caption", "comments", "slug", "status", "alias",
}  # fmt: skip
PAGE_KEYS = {"title", "slug", "status", "summary", "date", "modified", "template", "url", "save_as", "alias"}
REQUIRED_POST_KEYS = {"title": "rubriken", "date": "datumet", "category": "kategorin"}
STATUSES = {"post": {"published", "draft"}, "page": {"published", "draft", "hidden"}}
COMMENTS_VALUES = {"closed", "off"}
# Field names editors write in Swedish, and the field each one means.
SWEDISH_FIELDS = {
    "rubrik": "title", "datum": "date", "författare": "author", "skribent": "author",
    "kategori": "category", "taggar": "tags", "sammanfattning": "summary", "bild": "image",
    "alt-text": "image_alt", "alttext": "image_alt", "bildtext": "image_caption", "uppdaterad": "modified",
}  # fmt: skip
# Every header field of some file (posts, pages, authors), and with the Swedish names.
FIELD_NAMES = POST_KEYS | PAGE_KEYS | {"name", "role", "photo"}
HEADER_WORDS = FIELD_NAMES | SWEDISH_FIELDS.keys()
# Fields a post can hold several names in: two lines of one of these lose a name, a comma keeps both.
LIST_FIELDS = {"author", "authors", "tags", "alias"}
SEPARATORS = re.compile(r"[\s_-]+")


def _folded(name: str) -> str:
    """A field name as compared: lower case, without spaces, underscores or hyphens."""
    return SEPARATORS.sub("", name.casefold())


# Every field name and Swedish name, folded, with the field it means.
FOLDED_FIELDS = {_folded(name): name for name in FIELD_NAMES} | {
    _folded(swedish): meant for swedish, meant in SWEDISH_FIELDS.items()
}


def one_edit_apart(word: str, other: str) -> bool:
    """Whether two words differ by at most one letter added, dropped, changed or two swapped."""
    if word == other:
        return True
    if abs(len(word) - len(other)) > 1:
        return False
    if len(word) == len(other):
        differ = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
        swapped = len(differ) == 2 and differ[1] == differ[0] + 1 and word[differ[0]] == other[differ[1]]
        return len(differ) == 1 or (swapped and word[differ[1]] == other[differ[0]])
    short, long = sorted((word, other), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def meant_field(name: str) -> str | None:
    """The field an editor meant by a name as written: the field itself, its Swedish name, with a space
    for the underscore (``Image caption``), or either misspelled by one letter (``Bildtex``, ``Titel``);
    None for any other word."""
    folded = _folded(name)
    if folded in FOLDED_FIELDS:
        return FOLDED_FIELDS[folded]
    if len(folded) < 3:
        return None
    close = [known for known in sorted(FOLDED_FIELDS) if len(known) >= 3 and one_edit_apart(folded, known)]
    return FOLDED_FIELDS[close[0]] if close else None


# Fields that are plain text wherever they are shown, and what the editor calls each.
TEXT_FIELDS = {
    "title": "rubriken",
    "category": "kategorin",
    "tags": "taggarna",
    "name": "namnet",
    "role": "rollen",
}
# HTML in a text field: a tag, a comment or a declaration, or a character reference (&amp; &#60;).
HTML_IN_TEXT = re.compile(r"<[A-Za-z!?/]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
AUTOLINK = re.compile(r"<[^\s<>@:]*[@:][^\s<>]*>")
# Characters no file may hold (besides tab and line breaks): control characters, which stop Pelican with
# a traceback (a NUL byte in an address) or cannot be written into a feed (XML 1.0 has none of them).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def suggest_field(word: str, known: Iterable[str]) -> str:
    """`` Menade du Title?`` for an unknown or Swedish field name (empty when nothing is close)."""
    meant = SWEDISH_FIELDS.get(word)
    if meant not in known:
        meant = meant_field(word)
    if meant not in known:
        close = difflib.get_close_matches(word, sorted(known), n=1)
        meant = close[0] if close else None
    return f" Menade du {meant.capitalize()}?" if meant else ""


def check_fields(site: Site) -> Iterator[Problem]:
    """Required fields are there; no unknown field (a typo would silently drop what it holds)."""
    for source in site.sources:
        if not source.problems:
            for line, where, message in _field_problems(source):
                yield Problem(site.name(source.path), message, line, where)


def _field_problems(source: Source) -> Iterator[tuple[int, str, str]]:
    known = POST_KEYS if source.kind == "post" else PAGE_KEYS
    meant = set()  # fields written under another name: reported once, as that name
    for key in sorted(source.meta.keys() - known):
        suggestion = suggest_field(key, known)
        meant.add(suggestion.removeprefix(" Menade du ").removesuffix("?").lower())
        yield (
            source.meta_lines.get(key, 1),
            key.capitalize(),
            f"fältet {key.capitalize()} finns inte och skulle inte visas.{suggestion}"
            f" Tillåtna fält: {', '.join(sorted(k.capitalize() for k in known))}.",
        )
    if not source.meta.get("title") and "title" not in meant:
        yield 1, "Title", "Title saknas. Skriv rubriken överst, till exempel: Title: Min rubrik"
    if source.kind != "post":
        return
    for key, what in REQUIRED_POST_KEYS.items():
        if key != "title" and not source.meta.get(key) and key not in meant:
            yield 1, key.capitalize(), f"{key.capitalize()} saknas. Ange {what} i filens huvud."
    has_author, has_authors = bool(source.meta.get("author")), bool(source.meta.get("authors"))
    if not (has_author or has_authors or {"author", "authors"} & meant):
        yield 1, "Author", "Author saknas. Ange skribenten, till exempel: Author: Förnamn Efternamn"
    elif has_author and has_authors:
        names = ", ".join(dict.fromkeys([*_names(source.meta["author"]), *_names(source.meta["authors"])]))
        yield (
            source.meta_lines["authors"],
            "Authors",
            f"både Author (rad {source.meta_lines['author']}) och Authors är angivna, och då gäller bara den"
            f" ena. Skriv alla namn på en rad, med kommatecken emellan, och ta bort den andra raden: Authors:"
            f" {names}",
        )


def _names(value: str) -> list[str]:
    return ensure_metadata_list(value)


def check_choices(site: Site) -> Iterator[Problem]:
    """Status and Comments take one of a few words."""
    for source in site.sources:
        name = site.name(source.path)
        status = source.meta.get("status")
        allowed = STATUSES[source.kind]
        if status is not None and status.lower() not in allowed:
            yield Problem(
                name,
                f'Status: "{status}" är okänt. Använd {_either(allowed)}.',
                source.meta_lines.get("status", 1),
                "Status",
            )
        comments = source.meta.get("comments")
        if source.kind == "post" and comments is not None and comments.lower() not in COMMENTS_VALUES:
            yield Problem(
                name,
                f'Comments: "{comments}" är okänt. Använd {_either(COMMENTS_VALUES)}.',
                source.meta_lines.get("comments", 1),
                "Comments",
            )


def _either(words: Iterable[str]) -> str:
    *first, last = sorted(words)
    return f"{', '.join(first)} eller {last}"


# A file name an editor's program gives a copy: "x (kopia).md", "x - Copy.md", "x (2).md", "x copy 2.md".
COPY_NAME = re.compile(r"(?:\bkopia\b|\bcopy\b|\(\d+\)|[ _-]\d+$)", re.IGNORECASE)


def is_copy(source: Source) -> bool:
    """Whether a file's name says it is a copy of another (made by the editor's file manager)."""
    return bool(COPY_NAME.search(source.path.stem))


def check_unique_slugs(site: Site) -> Iterator[Problem]:
    """Two posts (or two pages) with one slug would overwrite each other's address. The file that keeps
    it is the one named by it (or else not named as a copy): the problem is the other one's."""
    for kind in ("post", "page"):
        by_slug: dict[str, list[Source]] = defaultdict(list)
        for source in site.sources:
            if source.kind == kind and source.meta.get("title"):
                by_slug[site.slug(source)].append(source)
        for slug, claimants in by_slug.items():
            # The file named by the address keeps it, else the one not named as a copy.
            sources = sorted(claimants, key=lambda source: (source.path.stem != slug, is_copy(source)))
            for source in sources[1:]:
                key = "slug" if source.meta.get("slug") else "title"
                copy = (
                    " Är filen en kopia av den, ta bort den; annars ändra rubriken eller ange en egen Slug."
                    if is_copy(source)
                    else " Ändra rubriken eller ange en egen Slug."
                )
                yield Problem(
                    site.name(source.path),
                    f'adressen "{slug}" används redan av {site.name(sources[0].path)}.{copy}',
                    source.meta_lines.get(key, 1),
                    key.capitalize(),
                )


TERMS = (  # header key, field, the name's Swedish noun, Pelican's class name for its slug settings, the fix
    ("category", "Category", "En kategori", "CATEGORY", "Category: {}"),
    ("tags", "Tags", "En tagg", "TAG", "{}"),
)


def check_term_spellings(site: Site) -> Iterator[Problem]:
    """A category or a tag has one page and one name. Posts that write it two ways (other capitals, or
    anything else that gives the same address) are grouped on one page under one of the names, while each
    post shows its own: the name most posts use is the one to write."""
    closed = read_categories(site.root) is not None  # then every category is written as in the list
    for key, field_name, noun, kind, fix in TERMS:
        if key == "category" and closed:
            continue
        spellings: dict[str, dict[str, list[Source]]] = defaultdict(lambda: defaultdict(list))
        for source in sorted(site.posts, key=lambda source: source.path):
            value = source.meta.get(key, "")
            for name in [value.strip()] if key == "category" else ensure_metadata_list(value):
                if name:
                    slug = site.name_slug(name, kind)
                    spellings[slug][name].append(source)
        for names in spellings.values():
            usual = max(names, key=lambda name: len(names[name]))  # a tie: the first file's
            others = len(names[usual])
            where = "i ett annat inlägg" if others == 1 else f"i {others} andra inlägg"
            for name, sources in names.items():
                if name == usual:
                    continue
                for source in sources:
                    yield Problem(
                        site.name(source.path),
                        f'"{name}" skrivs "{usual}" {where}, till exempel {site.name(names[usual][0].path)}.'
                        f" {noun} har en enda sida och ett enda namn: skriv {fix.format(usual)}.",
                        source.meta_lines.get(key, 1),
                        field_name,
                    )


def text_field_problem(value: str, what: str) -> str | None:
    """Why a text field's value is not plain text (``what``: the field in Swedish), or None."""
    for found in HTML_IN_TEXT.finditer(value):
        written = found.group(0)
        if written.startswith("&"):
            meant = html.unescape(written)
            if meant != written:  # a character reference a browser would read
                return (
                    f"teckenkoden {written} skulle visas precis så, för {what} är ren text."
                    f" Skriv tecknet självt: {meant}"
                )
            continue
        end = value.find(">", found.start())
        tag = value[found.start() : end + 1 if end >= 0 else len(value)]
        if AUTOLINK.fullmatch(tag):
            continue  # <namn@example.se> or <https://…>: an address (contacts rules on the first kind)
        tag = tag if len(tag) <= 40 else tag[:39] + "…"
        return f"HTML ({tag}) går inte i {what}, som är ren text. Ta bort taggen och skriv bara texten."
    return None


def control_character_problem(value: str, what: str = "värdet") -> str | None:
    """Why a value holds a character that cannot be published (NUL and other control characters), or None."""
    found = CONTROL_CHARACTER.search(value)
    if not found:
        return None
    return (
        f"{what} har ett osynligt styrtecken (U+{ord(found.group(0)):04X}), som ofta följer med när text"
        " klistras in från ett annat program, och som inte kan publiceras. Skriv om raden för hand."
    )


def slug_problem(site: Site, slug: str, title: str = "") -> str | None:
    """Why a ``Slug`` is not a slug the site makes (lower-case letters, digits, hyphens), or None."""
    slug = slug.strip()
    if slug and site.name_slug(slug) == slug:
        return None
    better = site.name_slug(slug) or site.name_slug(title) or "en-kort-adress"
    shown = slug if len(slug) <= 40 else slug[:39] + "…"
    return (
        f'Slug: "{shown}" kan inte vara en adress. En slug har bara små bokstäver (a–z), siffror och'
        f" bindestreck, som adresserna bygget gör av rubrikerna. Skriv Slug: {better}"
    )


def _header_sources(site: Site) -> list[Source]:
    from authors import author_sources, plugin_settings  # the authors plugin imports this module

    return [*site.sources, *author_sources(site.root, plugin_settings(site.settings)["path"])]


def check_text_fields(site: Site) -> Iterator[Problem]:
    """Text fields are text, a Slug is a slug, and no field or body holds a control character (a NUL byte
    stops Pelican with a traceback, in an address or a feed)."""
    for source in _header_sources(site):
        if source.problems:
            continue
        name = site.name(source.path)
        found = CONTROL_CHARACTER.search(source.body)
        if found:
            body = "presentationen" if source.kind == "author" else "brödtexten"
            problem = control_character_problem(found.group(0), f"raden i {body}")
            yield Problem(name, problem, source.line_at(found.start()), body)
        for key, value in source.meta.items():
            line = source.meta_lines.get(key, 1)
            problem = control_character_problem(value) if key != "alias" else None  # the alias rule's
            if problem:
                yield Problem(name, problem, line, key.capitalize())
            elif key == "slug" and source.kind != "author":
                problem = slug_problem(site, value, source.meta.get("title", ""))
                if problem:
                    yield Problem(name, problem, line, "Slug")
            elif key in TEXT_FIELDS and (key in ("name", "role")) == (source.kind == "author"):
                problem = text_field_problem(value, TEXT_FIELDS[key])
                if problem:
                    yield Problem(name, problem, line, key.capitalize())


def register() -> None:
    content_checked.connect(check_fields)
    content_checked.connect(check_choices)
    content_checked.connect(check_unique_slugs)
    content_checked.connect(check_term_spellings)
    content_checked.connect(check_text_fields)
