"""Pure functions of the archived_comments plugin: comment bodies, TOML files, dates and settings."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from archived_comments import (
    DEFAULTS,
    SettingsError,
    as_local,
    body_html,
    merged_settings,
    parse_comments,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tack!\n", "<p>Tack!</p>"),
        (
            "<script>alert(\"x\")</script> & <b>fet</b> 'a'",
            "<p>&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt; 'a'</p>",
        ),
        ("Rad ett\nrad två\n\n\nNytt stycke", "<p>Rad ett<br>\nrad två</p>\n<p>Nytt stycke</p>"),
        ("Windows\r\nrader\r\n  \r\nstycke", "<p>Windows<br>\nrader</p>\n<p>stycke</p>"),
        (
            "Se https://example.org/a?b=1&c=2",
            "<p>Se https://example.org/a?b=1&amp;c=2</p>",
        ),
        ("**inte fetstil** och [länk](http://x.se)", "<p>**inte fetstil** och [länk](http://x.se)</p>"),
        ("&amp; redan kodat", "<p>&amp;amp; redan kodat</p>"),
    ],
    ids=["plain", "markup", "paragraphs", "crlf", "url", "markdown", "entity"],
)
def test_body_is_escaped_text_with_paragraphs_and_breaks(text, expected):
    assert str(body_html(text)) == expected


def test_comments_are_parsed_oldest_first_with_only_name_date_body():
    text = (
        '[[comment]]\nname = "B"\ndate = 2018-07-01T10:00:00\nbody = "sist"\nemail = "b@x.se"\n\n'
        '[[comment]]\nname = " A "\ndate = 2018-02-16\nbody = "först"\nip = "192.0.2.1"\n'
    )
    comments, problems = parse_comments(text, STOCKHOLM)
    assert problems == []
    assert [(c.name, c.date, str(c.body)) for c in comments] == [
        ("A", date(2018, 2, 16), "<p>först</p>"),
        ("B", datetime(2018, 7, 1, 10, tzinfo=STOCKHOLM), "<p>sist</p>"),
    ]
    assert set(vars(comments[0])) == {"name", "date", "body"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2018, 2, 15, 14, 32), "2018-02-15T14:32:00+01:00"),
        (datetime(2018, 7, 1, 10, 0), "2018-07-01T10:00:00+02:00"),
        (datetime(2018, 2, 20, 12, 0, tzinfo=ZoneInfo("UTC")), "2018-02-20T13:00:00+01:00"),
        (date(2018, 2, 16), "2018-02-16"),
    ],
)
def test_toml_dates_become_stockholm_time(value, expected):
    assert as_local(value, STOCKHOLM).isoformat() == expected


@pytest.mark.parametrize("value", ["2018-02-15 14:32", time(14, 32), 20180215, None])
def test_values_that_are_no_date(value):
    assert as_local(value, STOCKHOLM) is None


@pytest.mark.parametrize(
    ("text", "line", "field", "expected"),
    [
        (
            '[[comment]]\nname = "A\ndate = 2018-02-15\n',
            2,
            "name",
            'raden tar slut innan texten har fått sitt avslutande citattecken ("). Rätta raden och bygg igen.',
        ),
        ('[[comment]]\nname "A"\n', 2, "", "likhetstecknet (=) saknas efter fältnamnet."),
        ("[[comment]]\nname = Anna\n", 2, "name", "värdet går inte att läsa; text ska stå inom citattecken."),
        (
            '[[comment]]\nname = "A"\nbody = """\nText\n\n[[comment]]\nname = "B"\n',
            3,
            "body",
            'texten som börjar med """ här avslutas aldrig. Skriv """ på en rad efter texten.',
        ),
        ("[[comment]]\ndate = 2018-02-30T10:00:00\n", 2, "date", "datumet finns inte eller är felskrivet"),
        ('[[comment]]\nname = "A"\nname = "B"\n', 3, "name", "samma fält står två gånger"),
        ("[[comment]\n", 1, "", "[[comment]] saknar sina avslutande ]]"),
        (
            '[[comment]]\nname = "A"\ndate = 2018-02-15T14:32\nbody = "B"\n',
            3,
            "date",
            "datumet saknar sekunder. Skriv date = 2018-02-15T14:32:00. Rätta raden och bygg igen.",
        ),
        (
            '[[comment]]\nname = ”Karin L”\ndate = 2018-02-15T14:32:00\nbody = "B"\n',
            2,
            "name",
            "texten står inom typografiska citattecken (”), som TOML inte läser."
            ' Skriv raka citattecken: name = "…". Rätta raden och bygg igen.',
        ),
        (
            "[[comment]]\nname = 'A' x\n",
            2,
            "name",
            'efter värdet står något mer på raden. Skriv ett fält per rad, som name = "Karin L".',
        ),
        (
            '[[comment]]\nname = "Anders "Affe" Ek"\n',
            2,
            "name",
            'texten innehåller raka citattecken ("), och TOML läser det andra som textens slut. Skriv'
            ' citattecknen inuti texten som typografiska, name = "Anders ”Affe” Ek", eller med \\ före:'
            ' name = "Anders \\"Affe\\" Ek".',
        ),
        (
            '[[comment]]\nname = "A"\ndate = 15 februari 2018\n',
            3,
            "date",
            "datumet är felskrivet. Skriv det med siffror, utan mellanslag, till exempel"
            " date = 2018-02-15T14:32:00.",
        ),
        ('[[comment]]\n= "x"\n', 2, "", "raden går inte att läsa (TOML säger: Invalid statement)."),
    ],
    ids=[
        "open-string",
        "no-equals",
        "bare-word",
        "open-multiline",
        "bad-date",
        "twice",
        "bracket",
        "no-seconds",
        "curly-quotes",
        "after-the-value",
        "quotes-inside",
        "date-without-quotes",
        "other",
    ],
)
def test_toml_syntax_errors_name_the_line_of_the_mistake(text, line, field, expected):
    comments, problems = parse_comments(text, STOCKHOLM)
    assert comments == []
    assert len(problems) == 1
    assert problems[0][:2] == (line, field)
    assert expected in problems[0][2]


GOOD = 'name = "A"\ndate = 2018-02-15T10:00:00\nbody = "B"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '# kommentar\n\n[[comment]]\ndate = 2018-02-15\nbody = "B"\n',
            [(3, "kommentar 1", "name saknas.")],
        ),
        (
            f'[[comment]]\n{GOOD}\n[[comment]]\nname = "A"\n',
            [(6, "kommentar 2", "date saknas."), (6, "kommentar 2", "body saknas.")],
        ),
        (
            '[[comment]]\nname = "A"\ndate = "2018-02-15 14:32"\nbody = "B"\n',
            [
                (
                    3,
                    "kommentar 1, date",
                    'date = "2018-02-15 14:32" är inget datum. Skriv datumet utan citattecken',
                )
            ],
        ),
        ('[[comment]]\nname = "A"\ndate = 14:32:00\nbody = "B"\n', ["date = 14:32:00 är inget datum"]),
        (
            '[[comment]]\nname = ""\ndate = 2018-02-15\nbody = 3\n',
            [
                'name är tom. Skriv namnet som kommentaren hade på den gamla webbplatsen, eller name = "Anonym".',
                "body ska vara en text",
            ],
        ),
        (
            f"[[comments]]\n{GOOD}\n[[comment]]\n{GOOD}",
            ['"comments" är okänt överst i filen: bara [[comment]] är tillåtet. Menade du [[comment]]?'],
        ),
        (
            f'titel = "x"\n[[comment]]\n{GOOD}',
            ['"titel" är okänt överst i filen: bara [[comment]] är tillåtet.'],
        ),
        (f"[comment]\n{GOOD}", ["skriv [[comment]] med dubbla hakparenteser"]),
        ("# tom\n", ["filen innehåller inga kommentarer"]),
    ],
    ids=[
        "no-name",
        "two-missing",
        "quoted-date",
        "time-only",
        "empty-and-number",
        "plural-table",
        "unknown-key",
        "single-table",
        "empty",
    ],
)
def test_comment_problems(text, expected):
    _comments, problems = parse_comments(text, STOCKHOLM)
    assert len(problems) == len(expected), problems
    for (line, field, message), want in zip(problems, expected, strict=True):
        if isinstance(want, tuple):
            assert (line, field) == want[:2]
        assert (want[2] if isinstance(want, tuple) else want) in message


def test_a_valid_comment_beside_a_broken_one_is_kept():
    comments, problems = parse_comments(f'[[comment]]\n{GOOD}\n[[comment]]\nname = "C"\n', STOCKHOLM)
    assert [c.name for c in comments] == ["A"]
    assert len(problems) == 2


def test_settings_default_and_merge_one_level_deep():
    assert merged_settings({}) == DEFAULTS
    merged = merged_settings(
        {"ARCHIVED_COMMENTS": {"privacy_slug": "integritet", "controller": {"name": "Verket"}}}
    )
    assert merged["privacy_slug"] == "integritet"
    assert merged["controller"] == {**DEFAULTS["controller"], "name": "Verket"}
    assert merged["contact"] == DEFAULTS["contact"]


@pytest.mark.parametrize(
    "given",
    [
        {"privacy_slugg": "x"},
        {"privacy_slug": "Person Uppgifter"},
        {"controller": {"namn": "Verket"}},
        {"controller": "Verket"},
        {"controller": {"address": "Box 1, 111 11 Ort"}},
        ["privacy_slug"],
        {"privacy_title": ""},
        {"contact": {"email": None}},
    ],
)
def test_wrong_settings_are_refused(given):
    with pytest.raises(SettingsError, match="archived_comments"):
        merged_settings({"ARCHIVED_COMMENTS": given})
