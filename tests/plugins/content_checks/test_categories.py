"""content_checks.categories: the closed list of categories, and the category an editor meant."""

from __future__ import annotations

import pytest
from conftest import copy_site
from content_checks.categories import category_problem

import tasks

KNOWN = ["Digitalisering", "Entreprenörskap", "Regional utveckling", "Smart industri", "Turism"]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Smart industr", "Smart industri"),
        ("Turismen", "Turism"),
        ("Entreprenörsskap", "Entreprenörskap"),
        ("smart industri", "Smart industri"),
    ],
)
def test_a_new_spelling_gets_the_category_meant(written, meant):
    assert f"Menade du {meant}?" in category_problem(written, KNOWN)


def test_a_category_far_from_every_listed_one_gets_the_list():
    assert (
        "Kategorierna är: Digitalisering, Entreprenörskap, Regional utveckling, Smart industri, Turism."
        in (category_problem("Fiske", KNOWN))
    )
    assert category_problem("Turism", KNOWN) is None


def test_make_new_post_asks_with_the_same_list(tmp_path):
    content = copy_site("minimal", tmp_path)
    assert tasks.category_problem(content, "Turismen").startswith(
        'Kategorin "Turismen" finns inte i listan över kategorier (kategorier.txt). Menade du Turism?'
    )
    assert tasks.category_problem(content, "Turism") is None
