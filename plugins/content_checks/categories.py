"""content_checks.categories: categories are a closed list that the agency decides, kept in content as
``content/kategorier.txt`` (one category per line; ``#`` starts a comment). A post's ``Category`` must be
one of them, written the same way: a new spelling (``Smart industr``, ``Turismen``) would make a new
category page with one post, so it stops the build with the category meant. Tags stay open.

A site without the file has open categories (the two spellings of one category are still caught, by
``fields.check_term_spellings``). ``make new-post`` asks with the same list (``category_problem``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

from content_checks import Problem, Site, content_checked

CATEGORY_LIST = "kategorier.txt"  # in content/


def list_path(root: Path) -> Path:
    return root / CATEGORY_LIST


def read_categories(root: Path) -> list[tuple[int, str]] | None:
    """(line, category) of every category in the list, or None when the site has no list."""
    path = list_path(root)
    if not path.is_file():
        return None
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines(), start=1):
        name = line.split("#", maxsplit=1)[0].strip()
        if name:
            found.append((number, name))
    return found


def closest_category(name: str, known: list[str], slug=None) -> str | None:
    """The category an editor most likely meant: the same address (other capitals, punctuation), else the
    closest spelling (case and a word's ending aside), else None."""
    if slug is not None:
        same = [category for category in known if slug(category) == slug(name)]
        if same:
            return same[0]
    by_folded = {category.casefold(): category for category in known}
    close = difflib.get_close_matches(name.casefold(), list(by_folded), n=1, cutoff=0.6)
    if close:
        return by_folded[close[0]]
    # "Turismen" for "Turism": a known category that the name starts with
    starts = [category for category in known if name.casefold().startswith(category.casefold())]
    return max(starts, key=len) if starts else None


def category_problem(name: str, known: list[str], slug=None) -> str | None:
    """Why a category is not one of the list's, in Swedish (with the one meant), or None."""
    if name in known:
        return None
    meant = closest_category(name, known, slug)
    hint = f" Menade du {meant}?" if meant else f" Kategorierna är: {', '.join(known)}."
    return (
        f'kategorin "{name}" finns inte i listan över kategorier ({CATEGORY_LIST}).{hint}'
        f" En ny kategori beslutas av Tillväxtverket och läggs först till i content/{CATEGORY_LIST}."
    )


def check_categories(site: Site) -> Iterator[Problem]:
    """Every post's Category is one of the list's, written as there; the list names each one once."""
    listed = read_categories(site.root)
    if listed is None:
        return
    path = site.name(list_path(site.root))
    seen: dict[str, tuple[int, str]] = {}
    for number, name in listed:
        slug = site.name_slug(name, "CATEGORY")
        if slug in seen:
            yield Problem(
                path,
                f'"{name}" står redan i listan (rad {seen[slug][0]}: "{seen[slug][1]}"), och en kategori har'
                " en enda sida. Ta bort raden.",
                number,
                "kategorin",
            )
        else:
            seen[slug] = (number, name)
    from content_checks.fields import control_character_problem, text_field_problem  # fields imports this

    known = [name for _number, name in listed]
    for source in site.posts:
        name = source.meta.get("category", "").strip()
        if control_character_problem(name) or text_field_problem(name, "kategorin"):
            continue  # one message for one mistake: fields.check_text_fields says what to write
        problem = (
            category_problem(name, known, lambda text: site.name_slug(text, "CATEGORY")) if name else None
        )
        if problem:
            yield Problem(site.name(source.path), problem, source.meta_lines.get("category", 1), "Category")


def register() -> None:
    content_checked.connect(check_categories)
