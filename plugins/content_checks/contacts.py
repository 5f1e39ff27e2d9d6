"""content_checks.contacts: no e-mail address, mailto:/tel: link, phone number or personal identity number
(personnummer, samordningsnummer) is published. ``contact_findings`` finds them in a text as people really
write them; an archived comment's ``name`` and ``body`` are checked here, an author file's fields and bio
by the authors plugin with ``contact_details``.

The text is normalized before it is searched, and every finding is given back as it was written (its
offsets in the original text), so that the editor can find it: NFKC (``＠`` is ``@``, full-width digits are
digits), no soft hyphens or zero-width characters, a line break inside an address joined; then the usual
disguises are undone (``[at]``, ``(at)``, `` at ``, ``snabel-a``, ``punkt``, ``dot``, ``&#64;``). Swedish
phone numbers are found with any separators (spaces, ``-``, en dash, ``/``, ``.``, parentheses, ``+46``)
and checked for their length; a personnummer's date and check digit (Luhn) keep dates and other numbers
from matching. Every pattern here is linear in the length of the text (tests/plugins/content_checks/
test_linear_rules.py): a comment may be an export of 100,000 characters.
"""

from __future__ import annotations

import calendar
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from archived_comments import COMMENT_HEADER, comment_files, merged_settings, toml_document

from content_checks import Problem, Site, content_checked

# Characters that show nothing but keep a pattern from matching: soft hyphen, zero-width space, joiners,
# word joiner, byte order mark, Mongolian vowel separator.
INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e")
# A line break between two words; ``_joined`` decides whether it is one inside an address.
LINE_BREAK = re.compile(r"(?<=\S)[^\S\n]*\n[^\S\n]*(?=\S)")
INNER_MARK = re.compile(r"[.+_-]\w")
# Disguised @ and . (each starts where a run of spaces starts, so a long run of spaces is read once).
DISGUISED_AT = re.compile(
    r"(?<![^\S\n])[^\S\n]*[\[({<][^\S\n]*(?:at|snabel-?a|@)[^\S\n]*[\])}>][^\S\n]*"
    r"|(?<![^\S\n])[^\S\n]+(?:at|snabel-?a|@)[^\S\n]+|&(?:#64|#x40|commat);",
    re.IGNORECASE,
)
DISGUISED_DOT = re.compile(
    r"(?<![^\S\n])[^\S\n]*[\[({<][^\S\n]*(?:dot|punkt|\.)[^\S\n]*[\])}>][^\S\n]*"
    r"|(?<![^\S\n])[^\S\n]+(?:dot|punkt)[^\S\n]+|&(?:#46|#x2e|period);",
    re.IGNORECASE,
)
# The local part starts where a run of its characters starts: a long word is read once, not once per letter.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CONTACT_LINK = re.compile(r"\b(?:mailto|tel|sms):[^\s)\"'>]*", re.IGNORECASE)
# What may stand between the digits of a phone number: space, tab, ( ) . / and the dashes.
PHONE_SEPARATOR = r"[ \t()./\-\u2010-\u2015\u2212]"
# A Swedish phone number as written: 08-123 456 78, 070–123 45 67, (08) 123 45 67, 08/123.45.67,
# +46 (0)70 123 45 67, 0046 8 123 45 67. Found loosely here, then checked by ``_is_phone``.
PHONE = re.compile(
    rf"(?<![\w+\-])\(?(?:\+46|0046|0)(?:{PHONE_SEPARATOR}{{0,3}}\d){{6,12}}(?!\w)(?!{PHONE_SEPARATOR}{{1,3}}\d)"
)
# Numbers shaped like a phone number that are times and dates: 08.00-10.00, 01.02.2018, 0800–1000.
NOT_A_PHONE = re.compile(
    r"\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|[0-2]\d[0-5]\d\s*[-–]\s*[0-2]\d[0-5]\d"
)
# A personnummer or samordningsnummer: ÅÅMMDD-NNNK or ÅÅÅÅMMDDNNNK, with -, + or nothing between.
IDENTITY_NUMBER = re.compile(r"(?<![\d\-+])(?:\d{2})?\d{6}(?:[ ]?[-+][ ]?|[ ]?)\d{4}(?![\d])")
KINDS = {  # kind: (what the message calls it, what to write instead)
    "e-post": ("e-postadressen", "[e-postadress borttagen]"),
    "telefon": ("telefonnumret", "[telefonnummer borttaget]"),
    "personnummer": ("personnumret", "[personnummer borttaget]"),
}
COMMENT_REDACTED = {kind: replacement for kind, (_what, replacement) in KINDS.items()}


@dataclass(frozen=True)
class Finding:
    """A contact detail as written: its offsets in the original text, what it is, and its text."""

    start: int
    end: int
    kind: str
    text: str


class _Normalized:
    """A text in the form the patterns read, with the original offsets of each of its characters."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = text
        self.starts: list[int] | None = None  # None: the same offsets as the original
        self.ends: list[int] | None = None
        if not text.isascii():
            self._normalize()

    def _normalize(self) -> None:
        text = self.original
        if unicodedata.normalize("NFKC", text) == text and not INVISIBLE.intersection(text):
            return  # most Swedish text: å, ä and ö are already composed
        chars: list[str] = []
        starts: list[int] = []
        for offset, char in enumerate(text):
            if char in INVISIBLE:
                continue
            for piece in unicodedata.normalize("NFKC", char) if not char.isascii() else char:
                chars.append(piece)
                starts.append(offset)
        self.text = "".join(chars)
        self.starts, self.ends = starts, [offset + 1 for offset in starts]

    def substitute(self, pattern: re.Pattern, replacement: Callable[[re.Match], str]) -> _Normalized:
        """A copy with every match of ``pattern`` replaced, each new character mapped to its match."""
        matches = list(pattern.finditer(self.text))
        news = [replacement(match) for match in matches]
        if all(new == match.group(0) for new, match in zip(news, matches, strict=True)):
            return self  # nothing changes (most texts): no offsets to map
        starts = self.starts if self.starts is not None else list(range(len(self.text)))
        ends = self.ends if self.ends is not None else list(range(1, len(self.text) + 1))
        chars, new_starts, new_ends, last = [], [], [], 0
        for match, new in zip(matches, news, strict=True):
            chars.append(self.text[last : match.start()])
            new_starts += starts[last : match.start()]
            new_ends += ends[last : match.start()]
            chars.append(new)
            if match.end() > match.start():
                new_starts += [starts[match.start()]] * len(new)
                new_ends += [ends[match.end() - 1]] * len(new)
            last = match.end()
        chars.append(self.text[last:])
        new_starts += starts[last:]
        new_ends += ends[last:]
        copy = _Normalized.__new__(_Normalized)
        copy.original, copy.text, copy.starts, copy.ends = self.original, "".join(chars), new_starts, new_ends
        return copy

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the normalized text's ``[start, end)``."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def _joined(match: re.Match) -> str:
    """A line break inside an address, as the text around it shows one, is taken out; any other stays:
    "karin@\nexample.se", "karin@exam\nple.se", "karin.lars\nson@…", but not "Skriv till\nkarin@…"."""
    text = match.string
    before = "".join(text[max(0, match.start() - 100) : match.start()].split()[-1:])
    after = "".join(text[match.end() : match.end() + 100].split()[:1])
    if before.endswith("@") or after.startswith(("@", ".")):
        joined = True
    elif "@" in before and "@" not in after:  # the domain may go on
        domain = before[before.rfind("@") + 1 :]
        joined = "." not in domain or before.endswith((".", "-"))
    elif "@" in after and "@" not in before:  # the name before @ may have started on the line before
        joined = bool(INNER_MARK.search(before)) or before.endswith(("-", "_", "+"))
    else:
        joined = False
    return "" if joined else match.group(0)


def _undisguised(text: _Normalized) -> _Normalized:
    text = text.substitute(DISGUISED_AT, lambda _match: "@")
    return text.substitute(DISGUISED_DOT, lambda _match: ".")


def luhn_valid(digits: str) -> bool:
    """The Luhn check (the tenth digit of a personnummer checks the nine before it)."""
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def is_identity_number(written: str) -> bool:
    """A personnummer or samordningsnummer (day + 60): a real date and a valid check digit."""
    digits = re.sub(r"\D", "", written)
    if len(digits) == 12:
        if digits[:2] not in ("18", "19", "20"):
            return False
        year, digits = int(digits[:4]), digits[2:]
    else:
        year = 2000  # a leap year: 29 February is a real birthday
    month, day = int(digits[2:4]), int(digits[4:6])
    day = day - 60 if day > 60 else day
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return False
    return luhn_valid(digits)


def is_phone(written: str) -> bool:
    """A Swedish phone number: 8 to 10 digits from its leading 0 (after +46: the number without it), in
    groups of more than one digit, and not a time or a date."""
    if NOT_A_PHONE.fullmatch(written.strip("()")):
        return False
    groups = re.findall(r"\d+", written.replace("(0)", ""))
    digits = "".join(re.findall(r"\d+", written))
    if written.lstrip("(").startswith(("+46", "0046")):
        national = digits[2:] if written.lstrip("(").startswith("+") else digits[4:]
        national = "0" + national.removeprefix("0")  # +46 (0)70 …
    else:
        national = digits
    singles = sum(len(group) == 1 for group in groups)
    return 8 <= len(national) <= 10 and national[0] == "0" and national[1] != "0" and singles <= 1


def _found(text: _Normalized) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) in the normalized text."""
    for match in CONTACT_LINK.finditer(text.text):
        kind = "e-post" if match.group(0).casefold().startswith("mailto") else "telefon"
        yield match.start(), match.end(), kind
    for match in EMAIL.finditer(text.text):
        yield match.start(), match.end(), "e-post"
    for match in IDENTITY_NUMBER.finditer(text.text):
        written = match.group(0)
        # 0701234567 is a phone number (a personnummer of someone born 2007 is written with its -).
        if is_identity_number(written) and not (len(written) == 10 and is_phone(written)):
            yield match.start(), match.end(), "personnummer"
    for match in PHONE.finditer(text.text):
        if is_phone(match.group(0)):
            yield match.start(), match.end(), "telefon"


def contact_findings(text: str) -> list[Finding]:
    """Every contact detail of a text as it was written, in order, each once. The text is read twice,
    as written and with line breaks inside addresses taken out; a detail found both ways is the longer."""
    readings = [_undisguised(_Normalized(text))]
    joined = readings[0].substitute(LINE_BREAK, _joined) if "\n" in text else readings[0]
    if joined is not readings[0]:
        readings.append(joined)
    spans = []
    for reading in readings:
        for start, end, kind in _found(reading):
            begin, finish = reading.span(start, end)
            spans.append((begin, finish, kind))
    # The longest detail first; one that overlaps a detail already kept is part of it.
    kept: list[tuple[int, int, str]] = []
    for begin, finish, kind in sorted(spans, key=lambda span: (span[0] - span[1], span[0])):
        if not any(begin < other_end and other_begin < finish for other_begin, other_end, _ in kept):
            kept.append((begin, finish, kind))
    return [Finding(begin, finish, kind, text[begin:finish]) for begin, finish, kind in sorted(kept)]


def contact_details(text: str) -> list[str]:
    """The contact details of a text as written (e-mail addresses, mailto:/tel: links, phone numbers,
    personnummer), in order of appearance, each once."""
    return list(dict.fromkeys(finding.text for finding in contact_findings(text)))


def shown(detail: str) -> str:
    """A detail as a message quotes it: on one line, with a word on what cannot be seen in it."""
    flat = " ".join(detail.split())
    if INVISIBLE.intersection(flat):
        flat = "".join(char for char in flat if char not in INVISIBLE)
        return f"{flat} (med ett osynligt tecken inuti, till exempel ett mjukt bindestreck)"
    return flat


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
                seen = set()
                for finding in contact_findings(value):
                    if finding.text not in seen:
                        seen.add(finding.text)
                        yield number, key, finding.text, finding.kind


def check_comment_contacts(site: Site) -> Iterator[Problem]:
    """content_checked rule: no contact detail or personnummer in an archived comment's name or body."""
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
            what, replacement = KINDS[kind]
            yield Problem(
                site.name(path),
                f"kommentar {number}, {key}: {what} {shown(detail)} får inte publiceras; sidan om"
                " personuppgifter lovar att e-postadresser och andra uppgifter som lämnades med en kommentar"
                f' aldrig visas. Ersätt den med {replacement}, till exempel: {key} = "… {replacement} …"',
                line,
                f"kommentar {number}",
            )


def register() -> None:
    content_checked.connect(check_comment_contacts)
