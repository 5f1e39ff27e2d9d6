"""authors: the people behind the posts, maintained once in ``content/authors/*.md``.

Each author file has ``Name`` (required), ``Role`` and ``Photo`` (optional) and a Markdown body, the
bio. The plugin checks them and every post's ``Author``/``Authors`` through ``content_checks``, attaches
``name``, ``role``, ``photo`` and ``bio`` to Pelican's Author objects, lets ``Author: A, B`` mean two
authors, lists every author (even one without posts) in the ``all_authors`` context variable and writes
an author page for authors without posts too.

A bio is short running text: paragraphs, links, emphasis, line breaks, lists and abbreviations. It is
rendered with the site's Markdown settings (and typogrify, like posts). Headings, images, tables, code
and raw HTML are refused, and so are contact details (e-mail addresses, mailto:/tel: links, phone
numbers): the site never publishes an author's contact details, not even from an ``Email:`` line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

import pelican_internals
import sanitizer
import time_budget
from content_checks import Problem, Site, Source, content_checked, through_link
from content_checks.contacts import contact_details
from content_checks.fields import suggest_field
from content_checks.images import reference_problem
from content_checks.reading import is_text_file, misplaced, parse_source
from figures import image_problem
from markdown import Markdown
from markupsafe import Markup
from pelican import signals
from pelican.readers import ensure_metadata_list
from pelican.urlwrappers import Author

DEFAULTS = {"path": "authors"}  # override with AUTHOR_PROFILES = {"path": ...} in the settings
FIELDS = {"name", "role", "photo", "alias"}  # alias: the page's old addresses (a renamed author)
CONTACT_FIELDS = {"email", "e-mail", "epost", "e-post", "mail", "phone", "telefon", "tel", "mobil", "mobile"}
BIO_TAGS = {"p", "a", "em", "strong", "br", "ul", "ol", "li", "abbr"}
TAG_NAMES = {
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "rubriker"),
    **dict.fromkeys(("img", "picture", "figure", "svg"), "bilder (använd fältet Photo)"),
    **dict.fromkeys(("table", "thead", "tbody", "tr", "th", "td"), "tabeller"),
    **dict.fromkeys(("pre", "code"), "kod"),
}
# Swedish alphabetical order: å, ä, ö come last, after z (plain code-point order puts ä before å).
SWEDISH_ORDER = str.maketrans(
    {"å": "z~1", "ä": "z~2", "æ": "z~2", "ö": "z~3", "ø": "z~3", "é": "e", "ü": "y"}
)


@dataclass(frozen=True)
class Photo:
    """An author photo as ``{static}/images/…``, the form the figures plugin's ``responsive_image``
    filter takes (it makes the derivatives, width and height)."""

    reference: str


@dataclass(frozen=True)
class Profile:
    """What one author file says, ready for the templates."""

    name: str
    role: str
    photo: Photo | None
    bio: Markup
    source: Path


def plugin_settings(settings: dict) -> dict:
    return {**DEFAULTS, **settings.get("AUTHOR_PROFILES", {})}


# Pure functions


def author_sources(content: Path, folder: str = DEFAULTS["path"]) -> list[Source]:
    """Every author file of a content folder, parsed like posts (lower-case keys, body); a post or page
    saved there is left to content_checks.placement, which says where it belongs, and a symbolic link to
    content_checks.images, which refuses it (never followed)."""
    paths = sorted((content / folder).glob("*.md"))
    sources = [parse_source(path, "author") for path in paths if not through_link(path, content)]
    return [source for source in sources if not misplaced(source)]


def unread_files(content: Path, folder: str, ignore: Iterable[str] = ()) -> list[Path]:
    """Files an editor put in the authors folder that are never read (only *.md directly in it are),
    leaving out editors' backup files (IGNORE_FILES)."""
    root = content / folder
    return [
        path
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and (path.suffix != ".md" or path.parent != root)
        and not any(fnmatch(path.name, pattern) for pattern in ignore)
    ]


def split_names(value: str) -> list[str]:
    """The names in an Author/Authors value, split the way Pelican splits Authors (commas, or semicolons)."""
    return ensure_metadata_list(value)


def post_author_names(source: Source) -> list[str]:
    return split_names(source.meta.get("authors") or source.meta.get("author") or "")


def closest_name(name: str, known: Iterable[str]) -> str | None:
    """The registered name an editor most likely meant, ignoring case, or None."""
    by_folded = {known_name.casefold(): known_name for known_name in known}
    close = difflib.get_close_matches(name.casefold(), sorted(by_folded), n=1, cutoff=0.6)
    return by_folded[close[0]] if close else None


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)


def unsupported_markup(html: str) -> list[str]:
    """What a rendered bio contains beyond short running text, as Swedish words (empty when fine)."""
    collector = _TagCollector()
    collector.feed(html)
    words = [TAG_NAMES.get(tag, "HTML") for tag in collector.tags if tag not in BIO_TAGS]
    return list(dict.fromkeys(words))


def markdown_options(settings: dict) -> dict:
    """The site's Markdown options, without the meta extension (a bio has no header left)."""
    options = settings.get("MARKDOWN", {})
    configs = options.get("extension_configs", {})
    extensions = [*options.get("extensions", []), *configs]
    extensions = [e for e in dict.fromkeys(extensions) if e != "markdown.extensions.meta"]
    return {
        "extensions": extensions,
        "extension_configs": configs,
        "output_format": options.get("output_format", "html5"),
    }


# The converter of the current build, with the settings and MARKDOWN it was made from (held, not
# compared by id, so a later build can never get a converter whose extension hooks belong to another).
_converter: dict[str, object] = {}


def bio_markdown(text: str, settings: dict) -> str:
    """A bio as HTML, with the site's Markdown settings (one converter per build, reset between bios)."""
    markdown = settings.get("MARKDOWN", {})
    if _converter.get("settings") is not settings or _converter.get("markdown") is not markdown:
        _converter.update(settings=settings, markdown=markdown, md=Markdown(**markdown_options(settings)))
    return _converter["md"].reset().convert(text.strip())


def bio_html(text: str, settings: dict) -> str:
    """A bio as HTML before the allowlist: the site's Markdown, then typogrify if the site uses it (as
    for posts), within the time budget of a conversion (``time_budget.OverBudget`` past it)."""
    with time_budget.within(time_budget.seconds(settings)):
        html = bio_markdown(text, settings)
    # content_cache turns Pelican's TYPOGRIFY off to run typogrify itself, and keeps the wish here.
    if html and (settings.get("TYPOGRIFY") or settings.get("CONTENT_CACHE_TYPOGRIFY")):
        html = pelican_internals.typogrifier(settings)(html)  # as Pelican typogrifies a post
    return html


def render_bio(text: str, settings: dict) -> Markup:
    """A bio as published: ``bio_html`` through the sanitizer's allowlist."""
    return sanitizer.allowed(bio_html(text, settings), settings.get("SITEURL", ""))


def checked_bio(source: Source, settings: dict) -> Markup:
    """A bio as published, through the allowlist; what that takes away is reported at its lines, and
    stops the build once the content is read (content_checks.safety names raw HTML before that)."""
    checked = sanitizer.check(bio_html(source.body, settings), settings.get("SITEURL", ""))
    if checked.removed:
        name = sanitizer.source_name(settings, source.path)
        found = sanitizer.problems(checked, source.body, fallback=1)
        sanitizer.report(
            settings,
            [
                Problem(name, message, source.body_line + line - 1, "presentationen")
                for line, message in found
            ],
        )
    return sanitizer.passed(checked)


def photo_for(site: Site, reference: str, source: Path) -> Photo:
    """The Photo a reference ({static}/images/… or images/…) points to; the file must exist."""
    target = site.resolve(reference, source)
    relative = target.relative_to(site.root.resolve()).as_posix()
    return Photo(reference=f"{{static}}/{relative}")


def profile_from(site: Site, source: Source) -> Profile:
    """The Profile of a checked author file."""
    reference = source.meta.get("photo")
    return Profile(
        name=source.meta["name"].strip(),
        role=source.meta.get("role", "").strip(),
        photo=photo_for(site, reference, source.path) if reference else None,
        bio=checked_bio(source, site.settings),
        source=source.path,
    )


def swedish_list(names: list[str]) -> str:
    """Names as Swedish prose: 'A', 'A och B', 'A, B och C'."""
    return " och ".join(filter(None, [", ".join(names[:-1]), names[-1]])) if names else ""


def sort_key(name: str) -> str:
    """Swedish alphabetical order for names."""
    return name.casefold().translate(SWEDISH_ORDER)


# The content rule


def _field_problems(site: Site, source: Source) -> Iterator[tuple[int, str, str]]:
    """(line, field, message) for each mistake in an author file."""
    yield from source.layout
    lines = source.meta_lines
    for key in sorted(source.meta.keys() - FIELDS):
        if key in CONTACT_FIELDS or contact_details(source.meta[key]):
            yield (
                lines.get(key, 1),
                key.capitalize(),
                f"fältet {key.capitalize()} är en kontaktuppgift, och sådana publiceras aldrig."
                " Ta bort raden.",
            )
        else:
            yield (
                lines.get(key, 1),
                key.capitalize(),
                f"fältet {key.capitalize()} finns inte i en skribentfil.{suggest_field(key, FIELDS)}"
                " Tillåtna fält: Alias, Name, Photo, Role.",
            )
    if not source.meta.get("name", "").strip():
        yield 1, "Name", "Name saknas. Skriv skribentens namn överst, till exempel: Name: Förnamn Efternamn"
    reference = source.meta.get("photo", "").strip()
    if reference:
        for message in _photo_problems(site, reference, source.path):
            yield lines.get("photo", 1), "Photo", message
    for where, text in (("Name", source.meta.get("name", "")), ("Role", source.meta.get("role", ""))):
        for detail in contact_details(text):
            yield (
                lines.get(where.lower(), 1),
                where,
                f"kontaktuppgiften {detail} publiceras aldrig. Ta bort den.",
            )
    for detail in contact_details(source.body):
        yield (
            source.line_at(source.body.find(detail)),
            "presentationen",
            f"presentationen innehåller kontaktuppgiften {detail}, och sådana publiceras aldrig."
            " Ta bort den.",
        )
    if source.body.strip():
        # Raw HTML is escaped here: content_checks.safety refuses every tag of it, with its line.
        try:
            with time_budget.within(time_budget.seconds(site.settings)):
                html = bio_markdown(source.body.replace("<", "&lt;"), site.settings)
        except time_budget.OverBudget:
            yield source.body_line, "presentationen", time_budget.message(time_budget.seconds(site.settings))
            return
        for words in unsupported_markup(html):
            yield (
                _markup_line(source, words, site.settings),
                "presentationen",
                f"presentationen innehåller {words}. En presentation är löptext: stycken, länkar,"
                " kursiv och fetstil, listor.",
            )


def _markup_line(source: Source, words: str, settings: dict) -> int:
    """The line of a bio that makes ``words`` (a heading, an image…): the first line that does on its own,
    else (a table, a fenced block: made of several lines) the bio's first line with text. Only called for
    a bio that has such markup, so a bio that is fine is converted once."""
    lines = source.body.split("\n")
    for offset, line in enumerate(lines):
        if line.strip() and words in unsupported_markup(bio_markdown(line.replace("<", "&lt;"), settings)):
            return source.body_line + offset
    return source.body_line + next(offset for offset, line in enumerate(lines) if line.strip())


PORTRAITS = "images/authors"  # in content/: where author photos lie (the guide's place)


def _photo_problems(site: Site, reference: str, source: Path) -> Iterator[str]:
    problem = reference_problem(site, reference, source)
    name = reference.removeprefix("{static}").lstrip("/")
    if problem and "/" not in name and site.resolve(reference, source) is not None:
        # Photo: erik-nilsson.jpg: the file name alone, without its folder
        wanted = f"{PORTRAITS}/{name}"
        there = (site.root / wanted).is_file()
        where = f"finns inte här: porträtten ligger i content/{PORTRAITS}/." if there else "finns inte."
        put = "" if there else f" Lägg porträttet i content/{PORTRAITS}/ och skriv"
        yield f"filen {reference} {where}{put or ' Skriv'} Photo: {wanted}"
        return
    if problem:
        yield problem
        return
    target = site.resolve(reference, source)
    if target is None:
        yield f"{reference} är en extern adress. Lägg bilden i content/images/authors/."
        return
    static = [site.root.resolve() / folder for folder in site.settings.get("STATIC_PATHS", [])]
    if not any(target.is_relative_to(folder) for folder in static):
        yield f"{reference} ligger inte i en bildmapp och publiceras inte. Lägg den i content/images/authors/"
        return
    problem = image_problem(site, reference, source, site.settings.get("PORTRAIT_WIDTHS"))
    if problem:
        yield problem


def check_authors(site: Site) -> Iterator[Problem]:
    """Author files are complete and unique; every post's authors have a file."""
    folder = plugin_settings(site.settings)["path"]
    unread = unread_files(site.root, folder, site.settings.get("IGNORE_FILES", []))
    # content_checks.placement says where a text file belongs
    for path in (path for path in unread if not is_text_file(path)):
        yield Problem(
            site.name(path),
            f"filen läses inte: en skribent är en .md-fil direkt i content/{folder}/."
            " Byt namn på filen eller flytta den.",
            field="filen",
        )
    sources = author_sources(site.root, folder)
    known: dict[str, Source] = {}
    slugs: dict[str, Source] = {}
    for source in sources:
        name = site.name(source.path)
        for message in source.problems:
            yield Problem(name, message, source.problem_line, "filen")
        for line, where, message in [] if source.problems else _field_problems(site, source):
            yield Problem(name, message, line, where)
        author_name = source.meta.get("name", "").strip()
        if not author_name or source.problems:
            continue
        slug = Author(author_name, site.settings).slug
        if author_name in known:
            yield Problem(
                name,
                f'namnet "{author_name}" finns redan i {site.name(known[author_name].path)}.'
                " Varje skribent har en enda fil: slå ihop filerna.",
                source.meta_lines.get("name", 1),
                "Name",
            )
        elif slug in slugs:
            yield Problem(
                name,
                f'namnet "{author_name}" får samma adress (skribenter/{slug}/) som'
                f' "{slugs[slug].meta["name"]}" i {site.name(slugs[slug].path)}.'
                " Skriv namnet så att det skiljer sig.",
                source.meta_lines.get("name", 1),
                "Name",
            )
        else:
            known[author_name] = slugs[slug] = source
    if any(source.problems for source in sources):
        return  # an author file that cannot be read has no known name: no post's author is then unknown
    for post in site.posts:
        field = "Authors" if post.meta.get("authors") else "Author"
        names = post_author_names(post)
        for author_name in names:
            if author_name in known:
                continue
            yield Problem(
                site.name(post.path),
                unknown_author(site, field, names, author_name, known=known, sources=sources, folder=folder),
                post.meta_lines.get(field.lower(), 1),
                field,
            )


# "A och B", "A & B", "A and B": two names where a comma was meant.
# Tried only where a run of white space starts, each run taken whole (possessive): linear on any text.
JOINED_NAMES = re.compile(r"(?<!\s)(?:\s++(?:och|and|&)\s+|\s*+[&+]\s*)", re.IGNORECASE)


def unknown_author(
    site: Site, field: str, names: list[str], name: str, *, known: dict, sources: list[Source], folder: str
) -> str:
    """What to write instead of a name no author file has: two names joined by "och" or "&" separated by
    a comma, a renamed author's new name, the closest name, or else a new author file."""

    def line(replacement: list[str]) -> str:
        fixed = [part for written in names for part in (replacement if written == name else [written])]
        return f"{field}: {', '.join(dict.fromkeys(fixed))}"

    parts = [part.strip() for part in JOINED_NAMES.split(name) if part.strip()]
    if len(parts) > 1:
        meant = [part if part in known else closest_name(part, known) for part in parts]
        if all(meant):
            count = {2: "två", 3: "tre", 4: "fyra"}.get(len(parts), str(len(parts)))
            return (
                f'"{name}" är {count} namn, men bygget läser det som ett namn. Skilj namnen åt med'
                f" kommatecken: {line(meant)}"
            )
    source = renamed_author(site, sources, name)
    if source is not None:
        new = source.meta["name"].strip()
        return (
            f'skribenten "{name}" heter nu "{new}" i {site.name(source.path)}. Skriv det nya namnet:'
            f" {line([new])}"
        )
    close = closest_name(name, known)
    hint = f" Menade du {close}?" if close else f" Lägg till en fil för skribenten i content/{folder}/."
    return f'{field}: skribenten "{name}" finns inte bland skribenterna i content/{folder}/.{hint}'


def renamed_author(site: Site, sources: list[Source], name: str) -> Source | None:
    """The author file whose Name was changed from ``name``: the file still has the old name's file name
    (anna-berg.md), or the address list says it had the old name's page; None if there is none."""
    from content_checks.addresses import read_list  # that module reads this plugin's files

    slug = Author(name, site.settings).slug
    address = "/" + site.settings.get("AUTHOR_URL", "author/{slug}.html").format(slug=slug).lstrip("/")
    listed = read_list(site.root)
    files = [
        site.root / file
        for _line, listed_address, file in (listed[0] if listed else [])
        if listed_address == address
    ]
    for source in sources:
        now = source.meta.get("name", "").strip()
        # Renamed: the file had the old name's address, and its Name now makes another one (a name
        # written in other capitals, or without å/ä/ö, makes the same address: a misspelling).
        if (
            (source.path.stem == slug or source.path in files)
            and now
            and Author(now, site.settings).slug != slug
        ):
            return source
    return None


# Pelican glue


def split_author_list(generator, metadata: dict) -> None:
    """``Author: A, B`` means two authors, like ``Authors: A, B`` (Pelican alone keeps one odd name)."""
    author = metadata.get("author")
    if author is None or "authors" in metadata:
        return
    names = split_names(author.name)
    if len(names) > 1:
        metadata["authors"] = [Author(name, generator.settings) for name in names]
        del metadata["author"]


def load_profiles(settings: dict) -> dict[str, Profile]:
    """Every author's Profile by name (the content checks have already passed)."""
    site = Site(root=Path(settings["PATH"]), settings=settings, sources=[])
    sources = author_sources(site.root, plugin_settings(settings)["path"])
    return {profile.name: profile for profile in (profile_from(site, source) for source in sources)}


def dress(author: Author, profile: Profile | None) -> Author:
    """Give a Pelican Author its role, photo and bio (every copy of an author is its own object)."""
    author.role = profile.role if profile else ""
    author.photo = profile.photo if profile else None
    author.bio = profile.bio if profile else Markup("")
    return author


def attach_profiles(generator) -> None:
    """Attach profiles to every post's authors, read or cached, before Pelican groups posts by author."""
    profiles = load_profiles(generator.settings)
    generator.context["author_profiles"] = profiles
    for collection in ("articles", "translations", "drafts", "drafts_translations", "hidden_articles"):
        for article in getattr(generator, collection, []):
            for author in getattr(article, "authors", []):
                dress(author, profiles.get(author.name))


def list_all_authors(generator) -> None:
    """``all_authors``: (Author, posts) for every author file, in Swedish order, posts or not."""
    profiles = generator.context.get("author_profiles", {})
    by_name = {author.name: (author, posts) for author, posts in generator.authors}
    for name, profile in profiles.items():
        if name not in by_name:
            by_name[name] = (dress(Author(name, generator.settings), profile), [])
    generator.context["all_authors"] = sorted(by_name.values(), key=lambda pair: sort_key(pair[0].name))


def write_postless_author_pages(generator, writer) -> None:
    """Pelican writes author pages only for authors with posts; write the others' pages (bio, no posts)."""
    write = partial(writer.write_file, relative_urls=generator.settings["RELATIVE_URLS"])
    template = generator.get_template("author")
    for author, posts in generator.context.get("all_authors", []):
        if not posts and author.save_as:
            write(
                author.save_as,
                template,
                generator.context,
                url=author.url,
                author=author,
                articles=[],
                dates=[],
                template_name="author",
                blog=True,
                page_name=author.page_name,
                all_articles=generator.articles,
            )


def register() -> None:
    content_checked.connect(check_authors)
    signals.article_generator_context.connect(split_author_list)
    signals.article_generator_pretaxonomy.connect(attach_profiles)
    signals.article_generator_finalized.connect(list_all_authors)
    signals.article_writer_finalized.connect(write_postless_author_pages)
