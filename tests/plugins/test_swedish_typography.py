"""swedish_typography: the pure functions, input -> expected output."""

from __future__ import annotations

import pytest
from swedish_typography import swedish_html, swedish_text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"citat"', "”citat”"),
        ("'ord'", "’ord’"),
        ("2018--2021", "2018–2021"),
        ("vänta---nu", "vänta—nu"),
        ("och så...", "och så…"),
        ("”redan” ’klart’ – så", "”redan” ’klart’ – så"),
        ("Kalle's bil", "Kalle’s bil"),
        ("inget att göra", "inget att göra"),
    ],
)
def test_swedish_text(source, expected):
    assert swedish_text(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('Smart &amp; "snabb"', "Smart &amp; ”snabb”"),
        (
            '<abbr title="Europeiska \'unionen\'">EU</abbr> och "vi"',
            "<abbr title=\"Europeiska 'unionen'\">EU</abbr> och ”vi”",
        ),
        ('Kör <code>echo "hej" -- x</code> nu', 'Kör <code>echo "hej" -- x</code> nu'),
        ('Ett&nbsp;"ord"', "Ett&nbsp;”ord”"),
        ('<span class="caps">EU</span>-"stöd"', '<span class="caps">EU</span>-”stöd”'),
    ],
)
def test_swedish_html_leaves_tags_and_code_alone(source, expected):
    assert swedish_html(source) == expected
