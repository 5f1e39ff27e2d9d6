"""content_checks.contacts: no e-mail address, mailto:/tel: link or phone number is published.
``contact_details`` finds them in a text; an archived comment's ``name`` and ``body`` are checked here,
an author file's fields and bio by the authors plugin with the same function.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator

from archived_comments import COMMENT_HEADER, comment_files, merged_settings, toml_document

from content_checks import Problem, Site, content_checked

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CONTACT_LINK = re.compile(r"\b(?:mailto|tel|sms):[^\s)\"'>]*", re.IGNORECASE)
# Swedish phone numbers as people write them: 08-123 456 78, 070-123 45 67, +46 70 123 45 67
PHONE = re.compile(r"(?<![\w-])(?:\+46[\s-]?|0)\d{1,3}[\s-]?\d{2,3}(?:[\s-]?\d{2,3}){1,3}(?![\w-])")
COMMENT_REDACTED = {"e-post": "[e-postadress borttagen]", "telefon": "[telefonnummer borttaget]"}


def contact_details(text: str) -> list[str]:
    """E-mail addresses, mailto:/tel: links and phone numbers in a text, in order of appearance."""
    found = [
        (m.start(), m.group(0)) for pattern in (CONTACT_LINK, EMAIL, PHONE) for m in pattern.finditer(text)
    ]
    unique: dict[str, None] = {}
    for _start, detail in sorted(found):
        if not any(detail in seen for seen in unique):
            unique[detail] = None
    return list(unique)


def _line_of(text: str, offset: int) -> int:
    """0-based line of an offset in a text."""
    return text.count("\n", 0, offset)


def comment_contacts(text: str) -> Iterator[tuple[int, str, str, str]]:
    """(comment number, field, detail, kind) for every contact detail in a comments file's name and body."""
    try:
        entries = toml_document(text).get("comment", [])
    except tomllib.TOMLDecodeError:
        return  # archived_comments reports the file
    if not isinstance(entries, list):
        return
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            continue
        for key in ("name", "body"):
            value = entry.get(key)
            if isinstance(value, str):
                for detail in contact_details(value):
                    kind = "e-post" if EMAIL.search(detail) else "telefon"
                    yield number, key, detail, kind


def check_comment_contacts(site: Site) -> Iterator[Problem]:
    """content_checked rule: no e-mail address or phone number in an archived comment's name or body."""
    config = merged_settings(site.settings)
    folder = site.root / config["path"]
    for path in comment_files(folder, site.settings.get("IGNORE_FILES", [])):
        if path.suffix != ".toml":
            continue
        try:
            text = path.read_text(encoding="utf-8").lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
        headers = [match.start() for match in COMMENT_HEADER.finditer(text)]
        for number, key, detail, kind in comment_contacts(text):
            start = headers[number - 1] if number <= len(headers) else 0
            found = text.find(detail, start)
            line = _line_of(text, found if found >= 0 else start) + 1
            what = "e-postadressen" if kind == "e-post" else "telefonnumret"
            replacement = COMMENT_REDACTED[kind]
            yield Problem(
                site.name(path),
                f"kommentar {number}, {key}: {what} {detail} får inte publiceras; sidan om personuppgifter"
                " lovar att e-postadresser och andra uppgifter som lämnades med en kommentar aldrig visas."
                f' Ersätt den med {replacement}, till exempel: {key} = "… {replacement} …"',
                line,
                f"kommentar {number}",
            )


def register() -> None:
    content_checked.connect(check_comment_contacts)
