"""Quality gates over the whole built sample site: Nu HTML checker, axe-core in Chromium, internal links,
and the page-weight budget. Locally a gate skips when its tool is missing; under CI=true it fails."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, require, serve
from sitecheck import (
    broken_links,
    fetched_urls,
    html_files,
    one_page_of_each_type,
    resolve,
    typography_site_fixture,  # noqa: F401 (provides typography_site: paginated listings, a draft)
)

import sitebuild

VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BUDGET_BYTES = 30 * 1024
PAGE_TYPES = [
    "post", "page", "index", "archives", "year archive", "month archive", "category", "categories",
    "tag", "tags", "author", "authors", "404",
]  # fmt: skip
NPM_HINT = "kör `npm ci` i projektets rot"


# ---------- (a) Nu HTML checker ----------


def nu_checker(*folders: Path) -> tuple[int, str]:
    """Run the Nu HTML checker once over whole folders; (exit code, report without folder prefixes)."""
    java = shutil.which("java")
    require(java is not None, "Java saknas; installera openjdk-17-jre-headless")
    require(VNU.is_file(), f"Nu HTML Checker saknas ({VNU.relative_to(ROOT)}); {NPM_HINT}")
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--skip-non-html", *map(str, folders)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = run.stdout + run.stderr
    for folder in folders:
        report = report.replace(f"file:{folder.parent}/", "")
    return run.returncode, report


@pytest.mark.validator
def test_every_page_is_valid_html(sample_site, typography_site):
    code, report = nu_checker(sample_site, typography_site)
    assert code == 0, f"Nu HTML Checker hittade fel:\n{report}"
    assert len(html_files(sample_site)) > 20  # the checker really had the whole site to read


@pytest.mark.validator
def test_html_gate_can_fail(tmp_path):
    """The gate is real: a duplicate id (which axe does not report) is an error."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<!DOCTYPE html><html lang="sv"><title>x</title><p id="a">1</p><p id="a">2</p></html>'
    )
    code, report = nu_checker(site)
    assert code != 0
    assert "Duplicate ID" in report


# ---------- (b) axe-core in Chromium ----------


def axe_violations(tab, url: str) -> list[str]:
    """axe's violations on one page, one readable line per rule and element."""
    tab.goto(url)
    # Run as the test's own code: the page's policy refuses an inline <script>.
    tab.evaluate(AXE.read_text(encoding="utf-8"))
    violations = tab.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " ")),
            }));
        }""",
        AXE_TAGS,
    )
    return [f"{v['id']} ({v['impact']}): {v['help']}\n    {node}" for v in violations for node in v["nodes"]]


@pytest.fixture
def scheme_page(request, chromium):
    """A browser page in light or dark colour scheme (the theme has both, both must pass)."""
    require(AXE.is_file(), f"axe-core saknas ({AXE.relative_to(ROOT)}); {NPM_HINT}")
    context = chromium.new_context(locale="sv-SE", color_scheme=getattr(request, "param", "light"))
    yield context.new_page()
    context.close()


# Every page type in the light scheme; in the dark scheme the types that together use every component
# (a full axe run costs about 1.5 s, mostly the contrast rule).
AXE_RUNS = [("light", page_type) for page_type in PAGE_TYPES] + [
    ("dark", page_type) for page_type in ("post", "page", "index", "archives", "tag", "404")
]


@pytest.mark.browser
@pytest.mark.parametrize(("scheme_page", "page_type"), AXE_RUNS, indirect=["scheme_page"])
def test_axe_finds_no_violations(page_type, sample_site, sample_url, scheme_page):
    path = one_page_of_each_type(sample_site)[page_type]
    violations = axe_violations(scheme_page, sample_url + path)
    assert not violations, f"axe på {path}:\n" + "\n".join(violations)


@pytest.fixture(scope="module")
def typography_url(typography_site):
    yield from serve(typography_site)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/sida/2/", "/utkast/ett-utkast/"])
def test_axe_finds_no_violations_on_paginated_page_and_draft(path, typography_url, scheme_page):
    violations = axe_violations(scheme_page, typography_url + path)
    assert not violations, f"axe på {path}:\n" + "\n".join(violations)


@pytest.mark.browser
def test_keyboard_reaches_skip_link_first_and_it_moves_focus_to_main(sample_site, sample_url, page):
    page.goto(sample_url + one_page_of_each_type(sample_site)["post"])
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent]")
    assert focused == ["bk-skip-link", "Hoppa till innehållet"]
    box = page.locator(".bk-skip-link").bounding_box()
    assert box["y"] >= 0  # on screen once focused
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"


@pytest.mark.browser
def test_post_page_fits_320_px_without_sideways_scrolling(sample_site, sample_url, chromium):
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    try:
        tab = context.new_page()
        for page_type in ("post", "archives", "index"):
            tab.goto(sample_url + one_page_of_each_type(sample_site)[page_type])
            assert tab.evaluate("() => document.documentElement.scrollWidth") <= 320, page_type
    finally:
        context.close()


@pytest.mark.browser
def test_axe_gate_can_fail(tmp_path, chromium):
    """The gate is real: a page with a known violation (an image without alt text) is reported."""
    require(AXE.is_file(), f"axe-core saknas ({AXE.relative_to(ROOT)}); {NPM_HINT}")
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="sv"><title>x</title><main><img src="x.png"></main></html>')
    context = chromium.new_context()
    try:
        violations = axe_violations(context.new_page(), bad.as_uri())
    finally:
        context.close()
    assert any(line.startswith("image-alt") for line in violations)


# ---------- (c) internal links ----------


def test_no_broken_internal_links_in_sample_site(sample_site):
    assert broken_links(sample_site) == []


def test_no_broken_internal_links_in_paginated_site_with_draft(typography_site):
    assert broken_links(typography_site) == []


def test_no_broken_internal_links_in_published_site(published_site):
    siteurl = sitebuild.load_settings("publishconf.py")["SITEURL"]
    assert broken_links(published_site, siteurl) == []


def test_link_checker_reports_missing_files_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text(
        '<p id="here">x</p><img src="/saknas.jpg" srcset="/a/ 1x, /b.jpg 2x">'
    )
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a> <a href="/a/#here">ok</a> <a href="/a/#borta">trasig</a>'
        ' <a href="https://example.org/x">extern</a> <a href="mailto:x@example.org">post</a>'
    )
    problems = broken_links(tmp_path)
    assert len(problems) == 3, problems
    assert any("#borta" in p for p in problems)
    assert sum("a/index.html" in p for p in problems) == 2  # /saknas.jpg and /b.jpg


# ---------- budgets ----------


def post_pages(site: Path) -> list[Path]:
    return sorted(site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))


def page_weight(site: Path, page: Path) -> int:
    """HTML plus every stylesheet it links, in bytes, uncompressed."""
    document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    weight = page.stat().st_size
    for link in document.find_all("link", rel="stylesheet"):
        stylesheet = resolve(site, link["href"])
        assert stylesheet is not None, link
        weight += stylesheet.stat().st_size
    return weight


def test_post_pages_stay_within_30_kib_of_html_and_css(sample_site):
    weights = {page.parent.name: page_weight(sample_site, page) for page in post_pages(sample_site)}
    assert weights
    heaviest = max(weights, key=weights.get)
    assert weights[heaviest] <= BUDGET_BYTES, f"{heaviest}: {weights[heaviest] / 1024:.1f} KiB"


def test_reading_pages_need_no_script(sample_site):
    # Every page type a reader reads needs no JavaScript (a search page, where one exists, may use it).
    pages = {sample_site / path.lstrip("/") for path in one_page_of_each_type(sample_site).values()}
    pages = {page / "index.html" if page.is_dir() else page for page in pages} | set(post_pages(sample_site))
    assert [str(page.relative_to(sample_site)) for page in pages if runs_script(page)] == []


def runs_script(page: Path) -> bool:
    """Whether a page has a script the browser executes (JSON-LD from plugins/seo.py is only data)."""
    document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return document.find("script", type=lambda kind: kind != "application/ld+json") is not None


@pytest.mark.parametrize("site_fixture", ["sample_site", "published_site"])
def test_no_page_fetches_anything_from_other_hosts(request, site_fixture):
    site = request.getfixturevalue(site_fixture)
    siteurl = sitebuild.load_settings("publishconf.py")["SITEURL"]
    problems = []
    for page in html_files(site):
        document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        problems += [
            f"{page.relative_to(site)}: {url}"
            for url in fetched_urls(document)
            if url.startswith(("http:", "https:", "//")) and not url.startswith(siteurl + "/")
        ]
    assert problems == []
