"""archived_comments: the comments section under every post of the archive, and the page on how the
archive handles personal data.

Commenting is closed (the blog is an archive). Under each post with ``Comments: closed`` (the default)
the theme shows a "Kommentarer" section with that notice, a link to the personal-data page and, if
``content/comments/<post slug>.toml`` exists, the archived comments read-only, oldest first. Only a
comment's ``name``, ``date`` and ``body`` ever reach the output; ``email``, ``ip`` and any other field are
read and dropped here. Comments live beside ``article.content`` (never in it), so feeds never carry them.

The page "Behandling av personuppgifter" is generated at ``/<privacy_slug>/`` from the theme partial
``partials/privacy.html`` unless ``content/pages/`` has a page with the same slug, which then replaces it.

Settings: ``ARCHIVED_COMMENTS`` (see ``DEFAULTS``), merged over the defaults and checked once.
"""

from __future__ import annotations

import difflib
import functools
import logging
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from fnmatch import fnmatch
from itertools import chain
from pathlib import Path
from zoneinfo import ZoneInfo

import sanitizer
from content_checks import Problem, Site, content_checked, through_link
from markupsafe import Markup, escape
from pelican import signals
from pelican.contents import Page

log = logging.getLogger(__name__)

DEFAULTS = {
    "path": "comments",  # inside content/: one <post slug>.toml per post
    "privacy_slug": "personuppgifter",
    "privacy_title": "Behandling av personuppgifter",
    "privacy_summary": "Vilka personuppgifter bloggarkivet innehåller, varför, och vilka rättigheter du har.",
    "controller": {
        "name": "Tillväxtverket",
        "org_number": "202100-6149",
        "address": ["Box 4044", "102 61 Stockholm"],
        "url": "https://tillvaxtverket.se/",
    },
    "contact": {
        "email": "tillvaxtverket@tillvaxtverket.se",
        "phone": "08-681 91 00",
        "dpo_email": "dataskyddsombud@tillvaxtverket.se",
    },
}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_FIELDS = ("name", "date", "body")
COMMENT_HEADER = re.compile(r"^[ \t]*\[\[\s*[\"']?comment[\"']?\s*\]\]", re.MULTILINE)
TOML_POSITION = re.compile(r"(?<!\s)\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")
DATE_EXAMPLE = "till exempel date = 2018-02-15T14:32:00"
TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*(.*)$")
NO_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}\s*(#.*)?$")
CURLY_QUOTES = "”“„’‘«»"
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# tomllib's messages for the mistakes editors make most, said in Swedish.
TOML_CAUSES = {
    "Illegal character '\\n'": 'raden tar slut innan texten har fått sitt avslutande citattecken (")',
    "Unterminated string": 'texten som börjar med """ här avslutas aldrig. Skriv """ på en rad efter texten',
    "Expected '=' after a key in a key/value pair": "likhetstecknet (=) saknas efter fältnamnet",
    "Invalid value": "värdet går inte att läsa; text ska stå inom citattecken",
    "Invalid date or datetime": f"datumet finns inte eller är felskrivet; skriv {DATE_EXAMPLE}",
    "Cannot overwrite a value": "samma fält står två gånger; börja varje ny kommentar med [[comment]]",
    "Expected ']]' at the end of an array declaration": "[[comment]] saknar sina avslutande ]]",
    "Expected newline or end of document after a statement": (
        'efter värdet står något mer på raden. Skriv ett fält per rad, som name = "Karin L"'
    ),
}
# A text in straight quotes with more straight quotes inside: name = "Anders "Affe" Ek".
QUOTES_INSIDE = re.compile(r'^"(.*)"\s*(?:#.*)?$')


class SettingsError(ValueError):
    """ARCHIVED_COMMENTS in pelicanconf.py is wrong; the message says which key and why."""


@dataclass(frozen=True)
class Comment:
    """What a reader sees of an archived comment; nothing else of the file is kept."""

    name: str
    date: datetime | date
    body: Markup


# Settings


def merged_settings(settings: dict) -> dict:
    """ARCHIVED_COMMENTS merged over DEFAULTS (one level deep for the nested dicts), checked."""
    given = settings.get("ARCHIVED_COMMENTS") or {}
    if not isinstance(given, dict):
        raise SettingsError("archived_comments: ARCHIVED_COMMENTS must be a dict")
    unknown = sorted(given.keys() - DEFAULTS.keys())
    if unknown:
        raise SettingsError(f"archived_comments: unknown ARCHIVED_COMMENTS keys {unknown}")
    merged = {}
    for key, default in DEFAULTS.items():
        value = given.get(key, default)
        if isinstance(default, dict):
            if not isinstance(value, dict) or value.keys() - default.keys():
                raise SettingsError(
                    f"archived_comments: ARCHIVED_COMMENTS[{key!r}] takes a dict with keys {sorted(default)}"
                )
            value = {**default, **value}
        merged[key] = value
    texts = [(k, v, DEFAULTS[k]) for k, v in merged.items()] + [
        (f"{group}[{k!r}]", v, DEFAULTS[group][k])
        for group in ("controller", "contact")
        for k, v in merged[group].items()
    ]
    for name, value, default in texts:
        if isinstance(default, str) and not (isinstance(value, str) and value.strip()):
            raise SettingsError(f"archived_comments: ARCHIVED_COMMENTS {name} must be a non-empty string")
    if not SLUG.match(merged["privacy_slug"]):
        raise SettingsError("archived_comments: privacy_slug must be lower-case words joined by '-'")
    address = merged["controller"]["address"]
    if not (isinstance(address, list | tuple) and all(isinstance(line, str) for line in address)):
        raise SettingsError("archived_comments: controller['address'] must be a list of lines")
    return merged


# Pure functions: from a file's text to the comments a reader sees, or to what is wrong with it.


def body_html(text: str) -> Markup:
    """A plain-text comment body as HTML: everything escaped, blank lines make paragraphs, line breaks
    stay. URLs stay text: old commenters' links are unvetted and often dead, so the archive does not link."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [part for part in PARAGRAPH_BREAK.split(text) if part.strip()]
    written = Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line.strip()) for line in part.split("\n")))
        for part in paragraphs
    )
    # Escaped above, so the allowlist has nothing to take away; it is still the one way to Markup.
    return sanitizer.allowed(written)


def toml_problem(error: tomllib.TOMLDecodeError, text: str) -> tuple[int, str, str]:
    """tomllib's complaint as (line, field, message) for an editor, at the line where the mistake is."""
    message = str(error)
    position = TOML_POSITION.search(message)
    cause = message[: position.start()] if position else message
    lines = text.splitlines() or [""]
    if position and position.group(1):
        number = int(position.group(1))
    else:  # at the end of the document: a text opened with """ that never closes
        opened = [n for n, line in enumerate(lines, start=1) if line.count('"""') % 2]
        number = opened[-1] if opened else len(lines)
    line = lines[number - 1] if number <= len(lines) else ""
    key = TOML_KEY.match(line)
    field = key.group(1) if key else ""
    value = key.group(2) if key else ""
    if value and value[0] in CURLY_QUOTES:
        explained = (
            f"texten står inom typografiska citattecken ({value[0]}), som TOML inte läser."
            f' Skriv raka citattecken: {field} = "…"'
        )
    elif field == "date" and NO_SECONDS.match(value):
        explained = f"datumet saknar sekunder. Skriv date = {value.split('#')[0].strip()}:00"
    elif field == "date" and cause != "Invalid date or datetime":
        how = "utan citattecken" if value[:1] in ('"', "'") else "med siffror, utan mellanslag"
        explained = f"datumet är felskrivet. Skriv det {how}, {DATE_EXAMPLE}"
    elif (inside := QUOTES_INSIDE.match(value)) and '"' in inside.group(1) and not value.startswith('"""'):
        text = inside.group(1)
        curly = re.sub(r'"([^"]*)"', r"”\1”", text)
        escaped = text.replace('"', '\\"')
        explained = (
            'texten innehåller raka citattecken ("), och TOML läser det andra som textens slut. Skriv'
            f' citattecknen inuti texten som typografiska, {field} = "{curly}", eller med \\ före:'
            f' {field} = "{escaped}"'
        )
    else:
        explained = TOML_CAUSES.get(cause, f"raden går inte att läsa (TOML säger: {cause})")
    return number, field, f"{explained}. Rätta raden och bygg igen."


def as_local(value: datetime | date, zone: ZoneInfo) -> datetime | date | None:
    """A TOML date or datetime in the site's time zone (naive datetimes are local time); None if the
    value is no date (a string, a bare time, a number)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
    if isinstance(value, date):
        return value
    return None


@functools.lru_cache(maxsize=4096)
def toml_document(text: str) -> dict:
    """A comments file's TOML, parsed once per text and build (this plugin and content_checks.contacts
    read it; callers must not change it). Raises tomllib.TOMLDecodeError."""
    return tomllib.loads(text)


def parse_comments(text: str, zone: ZoneInfo) -> tuple[list[Comment], list[tuple[int, str, str]]]:
    """The comments of one file, oldest first, and every problem in it as (line, field, message)."""
    try:
        data = toml_document(text)
    except tomllib.TOMLDecodeError as error:
        return [], [toml_problem(error, text)]
    problems = []
    for key in sorted(data.keys() - {"comment"}):
        hint = " Menade du [[comment]]?" if difflib.get_close_matches(key, ["comment"]) else ""
        message = f'"{key}" är okänt överst i filen: bara [[comment]] är tillåtet.{hint}'
        problems.append((_line_of(text, key), key, message))
    entries = data.get("comment", [])
    if not isinstance(entries, list):
        message = "skriv [[comment]] med dubbla hakparenteser, en gång före varje kommentar."
        return [], [*problems, (_line_of(text, "comment"), "[comment]", message)]
    if not entries and not problems:
        problems.append(
            (1, "filen", "filen innehåller inga kommentarer. Lägg till [[comment]] eller ta bort filen.")
        )
    starts = [text.count("\n", 0, match.start()) + 1 for match in COMMENT_HEADER.finditer(text)]
    comments = []
    for number, entry in enumerate(entries, start=1):
        lines = text.splitlines()
        first = starts[number - 1] if len(starts) == len(entries) else 1
        last = starts[number] - 1 if len(starts) == len(entries) and number < len(starts) else len(lines)
        found = _comment_problems(entry, zone)
        for field, message in found:
            line = _field_line(lines, first, last, field) if field else first
            problems.append((line, f"kommentar {number}" + (f", {field}" if field else ""), message))
        if not found:
            when = as_local(entry["date"], zone)
            comments.append(Comment(entry["name"].strip(), when, body_html(entry["body"])))
    return sorted(comments, key=lambda comment: _moment(comment.date, zone)), problems


def _line_of(text: str, key: str) -> int:
    """The first line that starts with a key (``key =`` or ``[key]``), else 1."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*(\[+\s*)?{re.escape(key)}\b", line):
            return number
    return 1


def _field_line(lines: list[str], first: int, last: int, field: str) -> int:
    """The line of ``field = …`` between a comment's [[comment]] (line ``first``) and line ``last``."""
    for number in range(first, last + 1):
        match = TOML_KEY.match(lines[number - 1])
        if match and match.group(1) == field:
            return number
    return first


def _moment(value: datetime | date, zone: ZoneInfo) -> datetime:
    """A sortable point in time: a date alone counts as its local midnight."""
    return value if isinstance(value, datetime) else datetime.combine(value, time(), tzinfo=zone)


EMPTY = {
    "name": 'name är tom. Skriv namnet som kommentaren hade på den gamla webbplatsen, eller name = "Anonym".',
    "body": "body är tom. Skriv in texten eller ta bort hela kommentaren.",
}


def _comment_problems(entry: object, zone: ZoneInfo) -> list[tuple[str, str]]:
    """(field, message) for each problem of one comment; field is empty for the comment as a whole."""
    if not isinstance(entry, dict):
        return [("", "skriv kommentarens fält på egna rader under [[comment]].")]
    problems = []
    for field in REQUIRED_FIELDS:
        if field not in entry:
            problems.append(("", f"{field} saknas. Varje kommentar behöver name, date och body."))
    for field in ("name", "body"):
        value = entry.get(field)
        if field in entry and not isinstance(value, str):
            problems.append(
                (field, f'{field} ska vara en text inom citattecken, till exempel {field} = "…".')
            )
        elif field in entry and not value.strip():
            problems.append((field, EMPTY[field]))
    if "date" in entry and as_local(entry["date"], zone) is None:
        shown = f'"{entry["date"]}"' if isinstance(entry["date"], str) else str(entry["date"])
        problems.append(
            ("date", f"date = {shown} är inget datum. Skriv datumet utan citattecken, {DATE_EXAMPLE}.")
        )
    return problems


def comment_files(folder: Path, ignore: list[str]) -> Iterator[Path]:
    """Every file an editor put in the comments folder, except editors' backup files and symbolic links
    (content_checks.images refuses those)."""
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            ignored = any(fnmatch(path.name, pattern) for pattern in ignore)
            if path.is_file() and not ignored and not through_link(path, folder.parent):
                yield path


def read_comments(path: Path, zone: ZoneInfo) -> tuple[list[Comment], list[tuple[int, str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [], [(1, "filen", "filen är inte sparad som UTF-8. Spara om den som UTF-8.")]
    comments, problems = _parsed(text.lstrip("\ufeff"), zone)
    return list(comments), list(problems)


@functools.lru_cache(maxsize=4096)
def _parsed(text: str, zone: ZoneInfo) -> tuple[tuple[Comment, ...], tuple[tuple[int, str, str], ...]]:
    """parse_comments once per text: the check and the posts read every comments file in one build."""
    comments, problems = parse_comments(text, zone)
    return tuple(comments), tuple(problems)


# Pelican glue


def check_comment_files(site: Site) -> Iterator[Problem]:
    """content_checked rule: every comments file is valid TOML, belongs to a post and holds whole comments."""
    config = merged_settings(site.settings)
    zone = ZoneInfo(site.settings.get("TIMEZONE") or "UTC")
    folder = site.root / config["path"]
    slugs = {site.slug(source) for source in site.posts if source.meta.get("title")}
    # A post that cannot be read has no known address: its comments file is no mistake of its own.
    unreadable = any(source.problems or not source.meta.get("title") for source in site.posts)
    for path in comment_files(folder, site.settings.get("IGNORE_FILES", [])):
        name = site.name(path)
        if path.suffix != ".toml" or path.parent != folder:
            where = f"{config['path']}/"
            yield Problem(name, f"bara filer som heter <inläggets slug>.toml direkt i {where} läses.", 0)
            continue
        if path.stem not in slugs and not unreadable:
            close = difflib.get_close_matches(path.stem, sorted(slugs), n=1)
            hint = f" Menade du {close[0]}.toml?" if close else ""
            yield Problem(
                name,
                f'det finns inget inlägg med adressen "{path.stem}".'
                f" Filen ska heta som inläggets slug.{hint}",
                0,
                "filnamnet",
            )
        for line, field, message in read_comments(path, zone)[1]:
            yield Problem(name, message, line, field)


def configure(pelican) -> None:
    """Check the settings once and leave the merged ones for the templates."""
    pelican.settings["ARCHIVED_COMMENTS"] = merged_settings(pelican.settings)


def attach_comments(generator) -> None:
    """Give every post its archived comments (``article.archived_comments``, oldest first)."""
    config = generator.settings["ARCHIVED_COMMENTS"]
    zone = ZoneInfo(generator.settings.get("TIMEZONE") or "UTC")
    folder = Path(generator.settings["PATH"]) / config["path"]
    by_slug = {}
    for path in folder.glob("*.toml"):
        comments, problems = read_comments(path, zone)
        for (
            line,
            _field,
            problem,
        ) in problems:  # content_checks stops such a build first; a bare setup's guard
            log.error("archived_comments: %s: rad %d: %s", path, line, problem)
        by_slug[path.stem] = tuple(comments)
    for article in chain(
        generator.articles,
        generator.translations,
        generator.hidden_articles,
        generator.hidden_translations,
        generator.drafts,
        generator.drafts_translations,
    ):
        article.archived_comments = by_slug.get(article.slug, ())


def add_privacy_page(generator) -> None:
    """Publish the personal-data page, unless content/pages/ has one with the same slug."""
    config = generator.settings["ARCHIVED_COMMENTS"]
    slug = config["privacy_slug"]
    page = next((p for p in chain(generator.pages, generator.hidden_pages) if p.slug == slug), None)
    if page is None:
        text = generator.get_template("partials/privacy").render({**generator.context, "privacy": config})
        metadata = {"title": config["privacy_title"], "slug": slug, "summary": config["privacy_summary"]}
        page = Page(text, metadata=metadata, settings=generator.settings, context=generator.context)
        generator.pages.append(page)  # written with the other pages
        listed = generator.context.setdefault("pages", generator.pages)  # what the footer lists
        if page not in listed:  # Pelican 4.12 shares one list between the two; nothing promises that
            listed.append(page)
    generator.context["privacy_page"] = page


def register() -> None:
    signals.initialized.connect(configure)
    content_checked.connect(check_comment_files)
    signals.article_generator_finalized.connect(attach_comments)
    signals.page_generator_finalized.connect(add_privacy_page)
