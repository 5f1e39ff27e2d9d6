"""Headings, card titles and menu links on phones: a word may only break where the build wrote a break point
(plugins/hyphenation.py: an empty <bk-shy> element whose CSS draws a soft hyphen, or a U+00AD of the
content's own), never between two letters. Debian's Chromium does not hyphenate Swedish by itself, so what
it shows is exactly what the build made possible."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SITES, build_site, serve
from sitecheck import html_files, page_url

WIDTHS = [320, 375, 414]
# Large text a reader scans: every heading (cards and lists included), the site name, the menu.
CHECKED = "h1, h2, h3, h4, h5, h6, .bk-header__name, .bk-nav a"

# For each checked element, walk its text one character at a time (a Range per character) and report a
# line that starts between two letters of one word, unless a break point (<bk-shy> or U+00AD) stands
# between them.
FIND_BROKEN_WORDS = """(selector) => {
  const letter = /[\\p{L}\\p{N}]/u;
  const broken = [];
  for (const element of document.querySelectorAll(selector)) {
    if (!element.getClientRects().length) continue;  // not rendered (e.g. hidden)
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    let previous = null;  // the last letter seen in the current word: {top, height, text}
    let softHyphen = false;
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        if (node.localName === "bk-shy") softHyphen = node;
        continue;
      }
      const text = node.data;
      for (let i = 0; i < text.length; i++) {
        const character = text[i];
        if (character === "\\u00ad") { softHyphen = true; continue; }
        if (!letter.test(character)) { previous = null; softHyphen = false; continue; }
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        // The letter after a soft hyphen where the line broke also gets the hyphen's rect: take the last.
        const rect = [...range.getClientRects()].pop();
        if (!rect) continue;
        const newLine = previous && rect.top - previous.top > previous.height / 2;
        // A break at a drawn soft hyphen must show it: its generated hyphen then has a width.
        const hyphenMissing = softHyphen instanceof Element && !softHyphen.getBoundingClientRect().width;
        if (newLine && (!softHyphen || hyphenMissing)) {
          const word = (previous.text + (hyphenMissing ? "|(inget-bindestreck)" : "|") + text.slice(i)).split(/\\s/)[0];
          broken.push(`${element.tagName.toLowerCase()}.${element.className || ""}: ${word}`);
        }
        previous = {top: rect.top, height: rect.height, text: text.slice(0, i + 1).split(/[\\s\\u00ad]/).pop()};
        softHyphen = false;
      }
    }
  }
  return broken.map((line) => line.replaceAll("\\u00ad", ""));
}"""


def is_redirect(page: Path) -> bool:
    return 'http-equiv="refresh"' in page.read_text(encoding="utf-8")


def broken_words(browser, site: Path, base: str, width: int) -> list[str]:
    """Every heading, card title or menu link on every page of a site that breaks inside a word at
    ``width`` CSS pixels: ["path: element: konkurrenskraftig in|dustri", …]."""
    return broken_words_at(browser, site, base, [width])[width]


def broken_words_at(browser, site: Path, base: str, widths: list[int]) -> dict[int, list[str]]:
    """``broken_words`` at each of ``widths``, every page loaded once: the viewport is resized under the
    loaded page (its media queries and layout follow, as on a phone turned sideways), which costs a
    fraction of a page load."""
    context = browser.new_context(viewport={"width": widths[0], "height": 800}, locale="sv-SE")
    try:
        tab = context.new_page()
        found: dict[int, list[str]] = {width: [] for width in widths}
        for page in html_files(site):
            if is_redirect(page):  # an old address: it leaves for the post at once
                continue
            url = page_url(site, page, base)
            tab.goto(url)
            for width in widths:
                tab.set_viewport_size({"width": width, "height": 800})
                found[width] += [
                    f"{url.removeprefix(base)}: {line}" for line in tab.evaluate(FIND_BROKEN_WORDS, CHECKED)
                ]
        return found
    finally:
        context.close()


@pytest.fixture(scope="module")
def long_titles_site(tmp_path_factory) -> Path:
    """Long real Swedish titles, categories and tags of the old blog."""
    return build_site(SITES / "long_titles" / "content", tmp_path_factory.mktemp("long_titles") / "output")


@pytest.fixture(scope="module")
def long_titles_url(long_titles_site) -> str:
    yield from serve(long_titles_site)


@pytest.fixture(scope="module")
def sample_breaks(chromium, sample_site, sample_url) -> dict[int, list[str]]:
    return broken_words_at(chromium, sample_site, sample_url, WIDTHS)


@pytest.fixture(scope="module")
def long_titles_breaks(chromium, long_titles_site, long_titles_url) -> dict[int, list[str]]:
    return broken_words_at(chromium, long_titles_site, long_titles_url, WIDTHS)


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_no_heading_breaks_inside_a_word_on_the_sample_site(width, sample_breaks):
    assert sample_breaks[width] == []


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_no_heading_breaks_inside_a_word_with_long_swedish_titles(width, long_titles_breaks):
    assert long_titles_breaks[width] == []


@pytest.mark.browser
def test_a_word_broken_between_two_letters_is_found_and_one_at_a_soft_hyphen_is_not(tmp_path, chromium):
    """The check is real: a long word in a narrow heading, once with break-anywhere wrapping, once with
    soft hyphens."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "prov.html").write_text(
        '<!DOCTYPE html><html lang="sv"><title>x</title><body style="margin:0;font:20px sans-serif">'
        '<h1 style="width:8em;overflow-wrap:anywhere">Tillgänglighetsredogörelse</h1>'
        '<h2 style="width:8em;hyphens:manual">Tillgänglig\u00adhets\u00adredo\u00adgörelse</h2></body></html>',
        encoding="utf-8",
    )
    found = broken_words(chromium, site, site.as_uri(), 320)
    assert len(found) == 1, found
    # The site checks resize the loaded page: a heading as wide as the window breaks at 320 px, not at 1280.
    wide = tmp_path / "bred"
    wide.mkdir()
    (wide / "prov.html").write_text(
        '<!DOCTYPE html><html lang="sv"><title>x</title><body style="margin:0;font:40px sans-serif">'
        '<h1 style="overflow-wrap:anywhere">Tillgänglighetsredogörelse</h1></body></html>',
        encoding="utf-8",
    )
    by_width = broken_words_at(chromium, wide, wide.as_uri(), [320, 1280, 320])
    narrow, half = by_width[320], len(by_width[320]) // 2  # 320 px twice: before 1280 and after it
    assert narrow, by_width
    assert (narrow[:half], by_width[1280]) == (narrow[half:], []), by_width
    assert found[0].startswith("/prov.html: h1.: ")
    assert "|" in found[0]
