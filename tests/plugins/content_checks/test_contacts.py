"""content_checks.contacts: contact details in a text (normalized first, each class generated in every\nway people write it), and in archived comments with the comment and the line."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest
from checked_folder import site_problems
from content_checks.contacts import check_comment_contacts, contact_details, contact_findings, luhn_valid


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Skriv till anna.berg@example.se.", ["anna.berg@example.se"]),
        (
            "[mejla](mailto:anna@example.se) eller [ring](tel:+46701234567)",
            ["mailto:anna@example.se", "tel:+46701234567"],
        ),
        ("Ring 08-123 456 78 eller 070-123 45 67.", ["08-123 456 78", "070-123 45 67"]),
        ("Mobil +46 70 123 45 67", ["+46 70 123 45 67"]),
        ("Hon började 2018-02-15 och har 10 000 följare, 0,5 procent.", []),
        ("Läs [EU:s rapport](https://example.se/rapport-2019) om 2016–2021.", []),
    ],
)
def test_contact_details(text, found):
    assert contact_details(text) == found


COMMENTS = """\
[[comment]]
name = "Karin L"
date = 2018-02-15T14:32:00
body = \"\"\"
Tack! Fråga mig gärna.
Mejla karin.l@example.se
\"\"\"

[[comment]]
name = "Per 070-123 45 67"
date = 2018-02-16
body = "Den 2018-02-15 kl. 10.00 i sal 3, org.nr 202100-6149."
email = "per@example.se"
"""


def test_contact_details_in_comments_are_refused_with_comment_and_line(tmp_path):
    problems = site_problems(tmp_path, {"comments/rubrik.toml": COMMENTS}, check_comment_contacts)
    assert [(name, line, field) for name, line, field, _ in problems] == [
        ("rubrik.toml", 6, "kommentar 1"),
        ("rubrik.toml", 10, "kommentar 2"),
    ]
    assert problems[0][3] == (
        "kommentar 1, body: e-postadressen karin.l@example.se får inte publiceras; sidan om personuppgifter"
        " lovar att e-postadresser och andra uppgifter som lämnades med en kommentar aldrig visas. Ersätt den"
        ' med [e-postadress borttagen], till exempel: body = "… [e-postadress borttagen] …"'
    )
    assert problems[1][3].startswith("kommentar 2, name: telefonnumret 070-123 45 67 får inte publiceras")
    assert "[telefonnummer borttaget]" in problems[1][3]


def test_comments_without_contact_details_are_fine(tmp_path):
    fixed = COMMENTS.replace("karin.l@example.se", "[e-postadress borttagen]").replace(" 070-123 45 67", "")
    assert site_problems(tmp_path, {"comments/rubrik.toml": fixed}, check_comment_contacts) == []


# Whole classes: every way of writing each kind of detail, generated.

LOCALS = ["karin", "karin.larsson", "k.l-son+blogg", "åsa_berg"]
DOMAINS = ["example.se", "post.example.com"]
ATS = [
    "@",
    " @ ",
    "[at]",
    " [at] ",
    "(at)",
    " (at) ",
    " at ",
    " AT ",
    "{at}",
    " snabel-a ",
    "(snabel-a)",
    "＠",
    "&#64;",
]
DOTS = [".", " [dot] ", "(punkt)", " punkt ", " dot ", "[.]"]


def disguised_addresses() -> list[str]:
    """Each address written every way people hide or break one."""
    found = []
    for local, domain, at, dot in itertools.product(LOCALS, DOMAINS, ATS, DOTS):
        found.append(local + at + domain.replace(".", dot))
    for local, domain in itertools.product(LOCALS, DOMAINS):
        address = f"{local}@{domain}"
        middle = len(local) // 2
        for hidden in ("\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff"):
            found.append(address[:middle] + hidden + address[middle:])
        # Wrapped by an old export: after or before the @, in the domain, or in a name with a mark in it
        # (a break between two plain words is one: "Skriv till\nkarin@…" has no address "tillkarin").
        found += [f"{local}@\n{domain}", f"{local}\n@{domain}", f"{local}@{domain[:3]}\n{domain[3:]}"]
        mark = next((index for index, char in enumerate(local) if char in ".+_-"), None)
        if mark is not None:
            found.append(f"{local[: mark + 3]}\n{local[mark + 3 :]}@{domain}")
        found.append(address.translate(str.maketrans("@.", "＠．")))  # full width
    return found


@pytest.mark.parametrize("address", disguised_addresses())
def test_every_way_of_writing_an_address_is_found_as_written(address):
    (finding,) = contact_findings(f"Hör av dig till {address} i morgon.")
    assert (finding.kind, finding.text) == ("e-post", address)


def phone_numbers() -> list[str]:
    """Swedish numbers with every separator people use, national and international."""
    numbers = [("08", ["123", "45", "67"]), ("070", ["123", "45", "67"]), ("031", ["12", "34", "56"]),
               ("0910", ["123", "45"]), ("08", ["123", "456", "78"])]  # fmt: skip
    found = []
    for (area, groups), separator in itertools.product(
        numbers, [" ", "-", " - ", "–", " – ", "/", ".", " / "]
    ):
        inner = " " if separator in ("-", "–", "/", " - ", " – ", " / ") else separator
        rest = inner.join(groups)
        found += [f"{area}{separator}{rest}", f"({area}) {rest}", f"{area}{separator}{''.join(groups)}"]
        found += [f"+46 {area[1:]}{separator}{rest}", f"+46 (0){area[1:]}{separator}{rest}"]
        found += [f"0046 {area[1:]} {rest}", f"+46{area[1:]}{''.join(groups)}"]
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("number", phone_numbers())
def test_every_way_of_writing_a_phone_number_is_found_as_written(number):
    (finding,) = contact_findings(f"Ring {number} efter lunch.")
    assert (finding.kind, finding.text) == ("telefon", number)


def identity_numbers(valid: bool = True, count: int = 60) -> list[str]:
    """Personnummer and samordningsnummer (day + 60) in every form, with a right or a wrong check digit."""
    generator = random.Random(20)
    found = []
    for number in range(count):
        born = date(1930, 1, 1) + timedelta(days=generator.randrange(32000))
        day = born.day + (60 if number % 5 == 0 else 0)
        nine = f"{born:%y%m}{day:02d}{generator.randrange(1000):03d}"
        check = next(digit for digit in "0123456789" if luhn_valid(nine + digit) == valid)
        ten = nine + check
        forms = [f"{ten[:6]}-{ten[6:]}", ten, f"{born:%Y}{ten[2:6]}-{ten[6:]}", f"{born:%Y}{ten[2:]}"]
        found.append(forms[number % 4] if number % 7 else f"{ten[:6]}+{ten[6:]}")
    return found


@pytest.mark.parametrize("number", identity_numbers())
def test_every_way_of_writing_a_personnummer_is_found(number):
    (finding,) = contact_findings(f"Mitt personnummer är {number}, tack.")
    # Ten digits from a 0 without their "-" are a phone number too (0701234567): redacted either way.
    phone_shaped = len(number) == 10 and number.startswith("0")
    assert finding.kind == "personnummer" or (phone_shaped and finding.kind == "telefon")
    assert finding.text == number


@pytest.mark.parametrize("number", identity_numbers(valid=False))
def test_a_number_with_a_wrong_check_digit_is_no_personnummer(number):
    assert "personnummer" not in {finding.kind for finding in contact_findings(f"Nummer {number}.")}


@pytest.mark.parametrize(
    "text",
    [
        "Seminariet är 2018-02-15 kl. 08.00–10.00 och 13.00-15.00, sal 3.",
        "Vi ses 15.02.2018 eller 01/03/2019.",
        "Mellan 2016–2021 växte exporten med 10 000 kr, 0,5 procent.",
        "Tillväxtverket, org.nr 202100-6149, Box 4044, 102 61 Stockholm.",
        "Kontonummer SE45 5000 0000 0583 9825 7466 och ISBN 978-91-7623-123-4.",
        "Öppet 0800–1700 på vardagar, rapport 2019:12.",
        "Se bilaga 1, 2, 3, 4, 5, 6 och 7.",
        "Vi möts at work punkt",  # no address: nothing on either side of "at" that makes one
        "Det viktigaste i punkt 3 är att företagen [at] största del …",
        *[f"Ärende {number}." for number in ["8507099806", "1234567890", "20180215", "19991231"]],
    ],
)
def test_dates_times_and_other_numbers_are_no_contact_details(text):
    assert contact_findings(text) == []


def test_a_personnummer_in_a_comment_gets_its_own_redaction_advice(tmp_path):
    comments = COMMENTS.replace("Mejla karin.l@example.se", "Mitt pnr är 850709-9805.")
    problems = site_problems(tmp_path, {"comments/rubrik.toml": comments}, check_comment_contacts)
    assert problems[0][:3] == ("rubrik.toml", 6, "kommentar 1")
    assert problems[0][3] == (
        "kommentar 1, body: personnumret 850709-9805 får inte publiceras; sidan om personuppgifter lovar att"
        " e-postadresser och andra uppgifter som lämnades med en kommentar aldrig visas. Ersätt den med"
        ' [personnummer borttaget], till exempel: body = "… [personnummer borttaget] …"'
    )


def test_a_disguised_address_is_quoted_as_written_with_a_word_on_what_cannot_be_seen(tmp_path):
    comments = COMMENTS.replace("Mejla karin.l@example.se", "Mejla kar\u00adin (at) example punkt se")
    problems = site_problems(tmp_path, {"comments/rubrik.toml": comments}, check_comment_contacts)
    assert problems[0][3].startswith(
        "kommentar 1, body: e-postadressen karin (at) example punkt se (med ett osynligt tecken inuti, till"
        " exempel ett mjukt bindestreck) får inte publiceras"
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Skriv till\nkarin@example.se", ["karin@example.se"]),
        ("Kontakta mig.\nkarin@example.se", ["karin@example.se"]),
        ("karin [at] example punkt se\neller ring", ["karin [at] example punkt se"]),
        ("karin@example.se\noch mer", ["karin@example.se"]),
        ("karin.lars\nson@example.se", ["karin.lars\nson@example.se"]),
    ],
)
def test_a_line_break_joins_only_the_parts_of_one_address(text, found):
    assert contact_details(text) == found
