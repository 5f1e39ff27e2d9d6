"""Printed pages: what a reader prints is the content, not the controls around it (issue 23, 7)."""

from __future__ import annotations

import pytest

SEARCH = "/sok/?q=f%C3%B6retagen"


def shown(tab, selector: str) -> list[str]:
    """The elements matching `selector` that take up room on the printed page."""
    return tab.eval_on_selector_all(
        selector, "els => els.filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 80))"
    )


@pytest.mark.browser
def test_a_printed_search_page_shows_the_hits_without_the_form_or_the_more_button(page, sample_url):
    """Fails if the print layer of main.css stops hiding the search form, its filters or "Visa fler"."""
    page.goto(sample_url + SEARCH)
    page.locator(".bk-search-hit").first.wait_for()
    assert shown(page, ".bk-search__form, .bk-search__filters"), "the form is shown on screen"
    page.emulate_media(media="print")
    assert shown(page, ".bk-search__form, .bk-search__filters, .bk-search__more") == []
    assert shown(page, ".bk-search-hit"), "the hits are printed"


@pytest.mark.browser
def test_a_printed_post_has_no_navigation_but_its_text_and_authors(page, sample_url):
    """Fails if the print layer stops hiding the menus, breadcrumbs or previous/next links."""
    page.goto(sample_url + "/2016/03/digitala-verktyg-lyfter-smaforetagen-pa-landsbygden/")
    page.emulate_media(media="print")
    assert shown(page, ".bk-header nav, .bk-breadcrumbs, .bk-post-nav, .bk-skip-link") == []
    assert shown(page, "h1")
    assert shown(page, ".bk-post__body p")
