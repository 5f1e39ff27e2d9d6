"""content_checks.contacts: contact details in a text, and in archived comments with the comment and the line."""

from __future__ import annotations

import pytest
from checked_folder import site_problems
from content_checks.contacts import check_comment_contacts, contact_details


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
