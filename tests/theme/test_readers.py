"""What readers trip over, in a real Chromium (issue 23): large text and text spacing on phones, focus
contrast in both colour schemes, copied titles and accessible names, and numbered pages.

Each page is loaded once and checked at several widths (the viewport is resized, the page not reloaded).
Text zoom is what a phone's "larger text" does: the root font size at 200 %; text spacing is WCAG 1.4.12's
(line height 1.5, paragraphs 2 em apart, letters 0.12 em, words 0.16 em), added as a constructed
stylesheet, which the pages' policy allows (an injected <style> it refuses)."""

from __future__ import annotations

import pytest
from conftest import SITES, build_site, serve, write_files
from sitecheck import one_page_of_each_type

WIDTHS = (375, 320)
SEARCH = "/sok/"
TEXT_ZOOM = "() => { document.documentElement.style.fontSize = '200%'; }"
NO_TEXT_ZOOM = "() => { document.documentElement.style.fontSize = ''; }"
TEXT_SPACING = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
                         word-spacing: 0.16em !important; }
                     p { margin-block-end: 2em !important; }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""
# The elements that stick out on the right, innermost first: what a failure names.
WIDER_THAN = """(width) => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > width + 0.5)
  .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > width + 0.5))
  .slice(0, 3)
  .map((e) => `${e.localName}.${e.className}: ${Math.round(e.getBoundingClientRect().width)} px`)"""


@pytest.fixture(scope="module")
def long_titles_url(tmp_path_factory):
    """Long real Swedish titles, categories and tags of the old blog."""
    site = build_site(SITES / "long_titles" / "content", tmp_path_factory.mktemp("long_titles") / "output")
    yield from serve(site)


def sideways(tab, width: int) -> list[str]:
    """How the page scrolls sideways at ``width`` px, and what sticks out (empty when it does not)."""
    tab.set_viewport_size({"width": width, "height": 700})
    scroll = tab.evaluate("() => document.documentElement.scrollWidth")
    return [] if scroll <= width else [f"{scroll} px wide at {width} px", *tab.evaluate(WIDER_THAN, width)]


def reflow_problems(tab, url: str) -> list[str]:
    """Sideways scrolling at 375 and 320 px with 200 % text, then with WCAG text spacing: one load."""
    tab.set_viewport_size({"width": WIDTHS[0], "height": 700})
    tab.goto(url)
    problems = []
    for name, apply in (("200 % text", TEXT_ZOOM), ("text spacing", TEXT_SPACING)):
        tab.evaluate(NO_TEXT_ZOOM)
        tab.evaluate(apply)
        for width in WIDTHS:
            problems += [f"{url} ({name}): {line}" for line in sideways(tab, width)]
    return problems


@pytest.mark.browser
def test_no_page_type_scrolls_sideways_with_large_text_or_text_spacing(
    chromium, sample_site, sample_url, long_titles_url
):
    paths = [*one_page_of_each_type(sample_site).values(), SEARCH]
    context = chromium.new_context(locale="sv-SE")
    try:
        tab = context.new_page()
        problems = [line for path in paths for line in reflow_problems(tab, sample_url + path)]
        for path in ("/", "/2019/02/samarbete-och-innovation-en-existentiell-nodvandighet/", "/taggar/"):
            problems += reflow_problems(tab, long_titles_url + path)
    finally:
        context.close()
    assert problems == []


@pytest.mark.browser
def test_the_reflow_check_sees_a_page_that_scrolls(tmp_path, chromium):
    """The check is real: a fixed-width box wider than a phone, and a word that grows with the text."""
    (tmp_path / "bred.html").write_text(
        '<!DOCTYPE html><html lang="sv"><title>x</title><body style="margin:0">'
        '<p style="font-size:1rem">Tillgänglighetsredogörelse</p></body></html>',
        encoding="utf-8",
    )
    context = chromium.new_context()
    try:
        problems = reflow_problems(context.new_page(), (tmp_path / "bred.html").as_uri())
    finally:
        context.close()
    assert any("200 % text" in line and "320 px" in line for line in problems), problems


# ---------- focus ----------

# Every focusable, visible element: focus it (after a key press, so Chromium shows :focus-visible) and
# measure the contrast of its text and of each text inside it against the background behind that text,
# and of its focus indicator (outline or the bar under it) against what surrounds the element.
FOCUS_CONTRAST = """() => {
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = rgb(getComputedStyle(e).backgroundColor);
      if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
    }
    return rgb(getComputedStyle(document.documentElement).backgroundColor).slice(0, 3);
  };
  const name = (e) => `${e.localName}${e.className ? "." + e.className : ""} "${(e.textContent || e.value || "").trim().slice(0, 30)}"`;
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])';
  const problems = [];
  let checked = 0;
  for (const element of document.querySelectorAll(selector)) {
    if (!element.getClientRects().length || element.closest("[hidden]")) continue;
    element.focus();
    if (document.activeElement !== element) continue;
    checked++;
    if (!element.matches(":focus-visible")) { problems.push(`${name(element)}: no visible focus`); continue; }
    const texts = [element, ...element.querySelectorAll("*")].filter(
      (e) => e === element || [...e.childNodes].some((n) => n.nodeType === 3 && n.data.trim()));
    for (const e of texts) {
      const contrast = ratio(rgb(getComputedStyle(e).color), background(e));
      if (contrast < 4.5) problems.push(`${name(element)}: ${name(e)} ${contrast.toFixed(2)}:1`);
    }
    const style = getComputedStyle(element);
    const around = background(element.parentElement);
    const indicator = Math.max(
      style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 ? ratio(rgb(style.outlineColor), around) : 0,
      style.boxShadow !== "none" ? ratio(rgb(style.boxShadow), around) : 0);
    if (indicator < 3) problems.push(`${name(element)}: focus indicator ${indicator.toFixed(2)}:1`);
  }
  return {checked, problems};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_focusable_element_keeps_its_contrast_when_focused(scheme, chromium, sample_site, sample_url):
    paths = [*one_page_of_each_type(sample_site).values(), SEARCH]
    context = chromium.new_context(locale="sv-SE", color_scheme=scheme)
    problems, checked = [], 0
    try:
        tab = context.new_page()
        for path in paths:
            tab.goto(sample_url + path)
            if path == SEARCH:  # the script shows the form: wait for it
                tab.locator("[data-bk-search-form]").wait_for()
            tab.keyboard.press("Tab")  # the keyboard's way of focusing, so :focus-visible applies
            result = tab.evaluate(FOCUS_CONTRAST)
            checked += result["checked"]
            problems += [f"{path}: {line}" for line in result["problems"]]
    finally:
        context.close()
    assert checked > 150  # every link, field and button of fourteen pages
    assert problems == []


def darkest_and_lightest(tab, box: dict) -> tuple[float, float]:
    """Relative luminances of the darkest and lightest pixels of a region of the screen."""
    from io import BytesIO

    from PIL import Image

    shot = Image.open(BytesIO(tab.screenshot(clip=box))).convert("RGB")

    def luminance(pixel) -> float:
        def linear(c: int) -> float:
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * linear(pixel[0]) + 0.7152 * linear(pixel[1]) + 0.0722 * linear(pixel[2])

    data = shot.tobytes()
    values = [luminance(pixel) for pixel in zip(data[0::3], data[1::3], data[2::3], strict=True)]
    return min(values), max(values)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_fields_clear_button_is_visible_on_the_focused_field(scheme, chromium, sample_url):
    """The browser draws the button itself, out of reach of computed styles: measure its pixels. On the
    focused field's light background it must be dark enough (it was white on yellow in dark mode)."""
    context = chromium.new_context(
        locale="sv-SE", color_scheme=scheme, viewport={"width": 800, "height": 600}
    )
    try:
        tab = context.new_page()
        tab.goto(sample_url + SEARCH)
        field = tab.get_by_label("Sökord")
        tab.keyboard.press("Tab")
        field.focus()
        field.press_sequentially("x")  # the button shows once the field has text
        box = field.bounding_box()
        # The right end of the field, inside its border: the clear button and the field's background.
        button = {
            "x": box["x"] + box["width"] - 34,
            "y": box["y"] + 6,
            "width": 26,
            "height": box["height"] - 12,
        }
        darkest, lightest = darkest_and_lightest(tab, button)
    finally:
        context.close()
    assert (lightest + 0.05) / (darkest + 0.05) >= 3.0  # a graphic's contrast (WCAG 1.4.11)


# ---------- copied titles and accessible names ----------


def accessible_names(context, tab) -> list[str]:
    """The name of every node of Chromium's accessibility tree."""
    tree = context.new_cdp_session(tab).send("Accessibility.getFullAXTree")
    return [node["name"]["value"] for node in tree["nodes"] if node.get("name", {}).get("value")]


@pytest.mark.browser
def test_copied_headings_and_accessible_names_have_no_invisible_characters(chromium, long_titles_url):
    context = chromium.new_context(
        locale="sv-SE",
        viewport={"width": 320, "height": 700},
        permissions=["clipboard-read", "clipboard-write"],
    )
    try:
        tab = context.new_page()
        copied, names = [], []
        for path in ("/2019/02/samarbete-och-innovation-en-existentiell-nodvandighet/", "/"):
            tab.goto(long_titles_url + path)
            names += accessible_names(context, tab)
            for heading in (tab.locator("h1"), tab.locator(".bk-card__title").first):
                if not heading.count():
                    continue
                heading.evaluate(
                    """(h) => { const range = document.createRange(); range.selectNodeContents(h);
                                getSelection().removeAllRanges(); getSelection().addRange(range); }"""
                )
                tab.keyboard.press("Control+C")
                copied.append(tab.evaluate("() => navigator.clipboard.readText()"))
    finally:
        context.close()
    # The title broke over lines at its drawn soft hyphens, and still copies as it is written.
    assert "Samarbete och innovation – en existentiell nödvändighet" in copied
    assert "Regionalfondsprogrammet för Övre Norrland och Mellersta Norrland" in [
        text.strip() for text in copied
    ]
    assert [text for text in copied if "\u00ad" in text] == []
    assert "Kompetensförsörjningsfrågor i fokus när regionerna möts" in names  # a card's link and heading
    assert [name for name in names if "\u00ad" in name or "›" in name] == []  # nor the crumbs' separators


# ---------- numbered pages ----------


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory):
    """25 posts, two a page: 13 pages of the start page, 7 of one tag."""
    content = tmp_path_factory.mktemp("paged") / "content"
    files = {"authors/anna-berg.md": "Name: Anna Berg\n\nSkribent.\n"}
    for number in range(1, 26):
        tags = "arkiv, jämna" if number % 2 == 0 else "arkiv"
        files[f"posts/inlagg-{number}.md"] = (
            f"Title: Inlägg nummer {number}\nDate: 2019-01-{number:02d} 10:00\nAuthor: Anna Berg\n"
            f"Category: Turism\nTags: {tags}\n\nText nummer {number}.\n"
        )
    site = build_site(write_files(content, files), content.parent / "output", DEFAULT_PAGINATION=2)
    yield from serve(site)


@pytest.mark.browser
def test_a_big_listing_has_numbered_pages_and_says_which_page_it_is(chromium, paged_url):
    context = chromium.new_context(locale="sv-SE", viewport={"width": 375, "height": 700})
    try:
        tab = context.new_page()
        tab.goto(paged_url + "/sida/7/")
        nav = tab.get_by_role("navigation", name="Sidor")
        links = [link.evaluate("(a) => a.textContent") for link in nav.get_by_role("link").all()]
        current = [
            link.evaluate("(a) => a.textContent") for link in nav.locator('[aria-current="page"]').all()
        ]
        snapshot = nav.aria_snapshot()
        title, heading = tab.title(), tab.locator("h1").inner_text()
        tab.evaluate(TEXT_ZOOM)
        scrolls = sideways(tab, 320)
        tab.goto(paged_url + "/taggar/arkiv/sida/2/")
        tag_title, tag_heading = tab.title(), tab.locator("h1").inner_text()
    finally:
        context.close()
    # first, last and the pages next to this one, between "previous" and "next", named for listeners
    assert links == ["Föregående sida", "Sida 1", "Sida 6", "Sida 7", "Sida 8", "Sida 13", "Nästa sida"]
    assert current == ["Sida 7"]
    assert snapshot.count("…") == 2  # the pages left out, said
    assert '- link "Sida 7"' in snapshot
    assert title == "Alla inlägg, sida 7 av 13 – Tillväxtverkets bloggarkiv"
    assert heading == "Alla inlägg, sida 7 av 13"
    assert scrolls == []
    assert tag_title == "Inlägg med taggen arkiv, sida 2 av 13 – Tillväxtverkets bloggarkiv"
    assert tag_heading == "Inlägg med taggen arkiv, sida 2 av 13"


# ---------- smaller things ----------

# Each crumb but the last ends with its separator, drawn after it (so never first on a line) and with
# an empty alternative text; the separator shares the line of the crumb's last letter.
CRUMB_SEPARATORS = """() => [...document.querySelectorAll(".bk-breadcrumbs li")].map((li, index, all) => {
  const after = getComputedStyle(li, "::after").content;
  const before = getComputedStyle(li, "::before").content;
  const text = [...li.querySelectorAll("a")].pop().lastChild;
  const range = document.createRange();
  range.setStart(text, text.length - 1);
  range.setEnd(text, text.length);
  const lastLetter = range.getBoundingClientRect();
  const sameLine = li.getBoundingClientRect().bottom - lastLetter.bottom < lastLetter.height / 2;
  return index < all.length - 1 ? `${before} | ${after} | ${sameLine}` : `${before} | ${after}`;
})"""


@pytest.mark.browser
def test_breadcrumb_separators_end_a_crumb_and_are_not_read_out(chromium, sample_site, sample_url):
    context = chromium.new_context(locale="sv-SE", viewport={"width": 320, "height": 700})
    try:
        tab = context.new_page()
        tab.goto(sample_url + one_page_of_each_type(sample_site)["post"])
        tab.evaluate(TEXT_ZOOM)
        separators = tab.evaluate(CRUMB_SEPARATORS)
    finally:
        context.close()
    assert separators == ['none | "›" / "" | true'] * 3 + ["none | none"]


@pytest.mark.browser
def test_the_404_page_searches_the_archive(page, sample_url):
    page.goto(sample_url + "/404.html")
    page.get_by_role("search").get_by_label("Sök i bloggarkivet").fill("industri")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{sample_url}{SEARCH}?q=industri")
    assert page.get_by_label("Sökord").input_value() == "industri"
