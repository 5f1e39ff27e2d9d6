"""content_checks.fields: text fields are text (no HTML in Title, Category, Tags, an author's Name and
Role), a Slug is a slug, and no field or body holds a control character."""

from __future__ import annotations

import pytest
from checked_folder import site_problems
from content_checks import Site
from content_checks.fields import (
    check_text_fields,
    control_character_problem,
    slug_problem,
    text_field_problem,
)

POST = "Title: {title}\nDate: 2018-03-01 10:00\nAuthor: Anna Berg\nCategory: {category}\nTags: {tags}\n{more}\n{body}\n"


def post(title="Ett inlägg", category="Turism", tags="turism", more="", body="Text."):
    return POST.format(title=title, category=category, tags=tags, more=more, body=body)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            'Nyheter <meta http-equiv="refresh" content="0;url=https://evil.example/">',
            'HTML (<meta http-equiv="refresh" content="0;u…) går inte i rubriken, som är ren text.'
            " Ta bort taggen och skriv bara texten.",
        ),
        ("Turism <b>i</b> norr", "HTML (<b>) går inte i rubriken, som är ren text."),
        ("Turism</title><script>", "HTML (</title>) går inte i rubriken"),
        ("Före <!-- kommentar --> efter", "HTML (<!-- kommentar -->) går inte i rubriken"),
        (
            "Forskning &amp; innovation",
            "teckenkoden &amp; skulle visas precis så, för rubriken är ren text. Skriv tecknet självt: &",
        ),
        ("Pil &#8594; höger", "teckenkoden &#8594; skulle visas precis så"),
        ("Pil &#x3c;script&#x3e;", "teckenkoden &#x3c; skulle visas precis så"),
    ],
)
def test_html_in_a_text_field_is_refused(value, expected):
    assert expected in text_field_problem(value, "rubriken")


@pytest.mark.parametrize(
    "value",
    [
        "Att mötas för en konkurrenskraftig industri",
        "Tillväxt < 2 % och > 1 %",  # no tag: a reader sees what is written (and templates escape it)
        "AT&T och R&D",
        "Skriv till <anna@example.se>",  # an address: the contact rules' business
        "Läs <https://tillvaxtverket.se/>",
        "Okänd &foo; entitet",  # no character a browser would read
    ],
)
def test_text_without_html_is_fine(value):
    assert text_field_problem(value, "rubriken") is None


def test_control_characters_are_named_by_their_code():
    assert control_character_problem("a\x00b") == (
        "värdet har ett osynligt styrtecken (U+0000), som ofta följer med när text klistras in från ett annat"
        " program, och som inte kan publiceras. Skriv om raden för hand."
    )
    for char in ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff"]:
        assert control_character_problem(f"a{char}b"), repr(char)
    for fine in ["a\tb", "åäö – ”citat” …", "\u00ad", "emoji 🙂"]:
        assert control_character_problem(fine) is None


@pytest.mark.parametrize(
    ("slug", "suggestion"),
    [
        ('x"><b>y', "xy"),
        ("../../index", "index"),
        ("Om-Bloggen", "om-bloggen"),
        ("om bloggen", "om-bloggen"),
        ("sök", "sok"),
        ("a/b", "ab"),
        ("a--b", "a-b"),
        ("<>", "min-sida"),  # nothing of it makes a slug: the title's
    ],
)
def test_a_slug_is_only_what_the_sites_slugs_are_made_of(slug, suggestion):
    site = Site(root=None, settings={"SLUG_REGEX_SUBSTITUTIONS": _subs()}, sources=[])
    message = slug_problem(site, slug, "Min sida")
    assert message.startswith(f'Slug: "{slug}" kan inte vara en adress.')
    assert message.endswith(f"Skriv Slug: {suggestion}")


def test_a_real_slug_is_fine():
    site = Site(root=None, settings={"SLUG_REGEX_SUBSTITUTIONS": _subs()}, sources=[])
    for slug in ["om-bloggen", "tillganglighet", "2018-rapport", "a_b"]:
        assert slug_problem(site, slug) is None


def _subs():
    from pelicanconf import SLUG_REGEX_SUBSTITUTIONS

    return SLUG_REGEX_SUBSTITUTIONS


def test_every_text_field_of_posts_pages_and_authors_is_checked_with_its_line(tmp_path):
    files = {
        "posts/a.md": post(title="Nyheter <b>", category="Turism <i>x</i>", tags="ok, <img src=x>"),
        "posts/b.md": post(more='Slug: x"><svg onload=alert(1)>\nAlias: /gammal\x00.html'),
        "posts/c.md": post(title="Nul\x00byte", body="Brödtext med\x1b escape."),
        "pages/sida.md": "Title: Sida <script>alert(1)</script>\n\nText.\n",
        "authors/anna.md": "Name: Anna <b>Berg</b>\nRole: Chef <em>x</em>\n\nBio med \x00.\n",
    }
    problems = site_problems(tmp_path, files, _checked_with_pages)
    assert [(name, line, field) for name, line, field, _ in problems] == [
        ("anna.md", 1, "Name"),
        ("anna.md", 2, "Role"),
        ("anna.md", 4, "presentationen"),
        ("sida.md", 1, "Title"),
        ("a.md", 1, "Title"),
        ("a.md", 4, "Category"),
        ("a.md", 5, "Tags"),
        ("b.md", 6, "Slug"),
        ("c.md", 1, "Title"),
        ("c.md", 7, "brödtexten"),
    ]
    messages = {(name, field): message for name, _line, field, message in problems}
    assert messages["c.md", "brödtexten"] == (
        "raden i brödtexten har ett osynligt styrtecken (U+001B), som ofta följer med när text klistras in"
        " från ett annat program, och som inte kan publiceras. Skriv om raden för hand."
    )
    assert messages["anna.md", "Name"] == (
        "Name: HTML (<b>) går inte i namnet, som är ren text. Ta bort taggen och skriv bara texten."
    )
    # The alias with a NUL byte is the alias rule's (content_checks.links): one message, not two.
    assert ("b.md", "Alias") not in messages


def _checked_with_pages(site):
    from content_checks.reading import parse_source

    site.settings.update({"SLUG_REGEX_SUBSTITUTIONS": _subs()})
    site.sources = [parse_source(path, "post") for path in sorted((site.root / "posts").glob("*.md"))]
    site.sources += [parse_source(path, "page") for path in sorted((site.root / "pages").glob("*.md"))]
    return check_text_fields(site)
