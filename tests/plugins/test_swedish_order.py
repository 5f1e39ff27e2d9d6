"""swedish_order: Swedish alphabetical order for term lists."""

from __future__ import annotations

from types import SimpleNamespace

from swedish_order import sv_sort


def test_words_sort_as_in_a_swedish_dictionary():
    words = ["Öppna data", "ägarskifte", "Återbruk", "zon", "Export", "éclair", "aktör", "Ångström"]
    assert sv_sort(words) == [
        "aktör",
        "éclair",
        "Export",
        "zon",
        "Ångström",
        "Återbruk",
        "ägarskifte",
        "Öppna data",
    ]


def test_sorts_pelican_term_pairs_by_attribute_path():
    pairs = [(SimpleNamespace(name=name), []) for name in ("Ö", "Å", "Ä", "A")]
    assert [term.name for term, _ in sv_sort(pairs, "0.name")] == ["A", "Å", "Ä", "Ö"]
