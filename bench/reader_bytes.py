"""What a reader's browser loads from the search page: the bytes of a first search and of a first
filter-only listing (newest first), each on a fresh page with an empty cache, in Debian's Chromium.

    python bench/reader_bytes.py bench/work/project/output --term företagen --filter skribent

Counts every file of the index the page loads from the moment it opens (Pagefind's script, worker and
WebAssembly, entry and metadata files, index chunks, filters and the fragments of the hits shown), each
file once (a second request for one is answered from the browser's cache), not the search page itself,
its stylesheet or search.js, which are the same before and after. Pagefind's files are compressed
already and a server sends them as they are, so their size on disk is what a reader transfers (Chromium
does not report the size of a worker's script). Works on the search page of any build since issue 9.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests")]

from conftest import CHROMIUM, serve  # noqa: E402

SEARCH_PATH = "/sok/"
BUNDLE = "pagefind"


def wait_for_hits(page) -> None:
    """Until the search has finished: its status says how many hits, and the results are not busy.
    (Locators, not wait_for_function: the page's Content-Security-Policy refuses eval.)"""
    page.locator("[data-bk-search-status]:not(:empty):not(:text-is('Söker…'))").wait_for(state="attached")
    page.locator("[data-bk-search-results]:not([aria-busy])").wait_for(state="attached")
    page.locator(".bk-search-hit").first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")


def loaded_bytes(browser, output: Path, url: str, action) -> tuple[int, list[tuple[str, int]]]:
    """Open `url` in a fresh context and let `action` search; the index files loaded, with their sizes."""
    context = browser.new_context(locale="sv-SE")
    try:
        page = context.new_page()
        paths: list[str] = []
        context.on("request", lambda request: paths.append(urlsplit(request.url).path))
        page.goto(url)
        page.wait_for_load_state("networkidle")
        action(page)
        wait_for_hits(page)
        index = sorted({path for path in paths if path.startswith(f"/{BUNDLE}/")}, key=paths.index)
        loads = [(path, (output / unquote(path).lstrip("/")).resolve().stat().st_size) for path in index]
        return sum(size for _, size in loads), loads
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--term", default="företag")
    parser.add_argument("--filter", default="kategori", help="the filter whose first value is listed")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    for base_url in serve(args.output):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM))

            def first_search(page) -> None:
                page.get_by_label("Sökord").fill(args.term)
                page.get_by_label("Sökord").press("Enter")

            def first_listing(page) -> None:
                page.locator(f"select[name={args.filter}]").select_option(index=1)

            for name, action in (("first search", first_search), ("first listing", first_listing)):
                total, loads = loaded_bytes(browser, args.output, base_url + SEARCH_PATH, action)
                print(f"{name}: {total:,} B in {len(loads)} files")
                if args.verbose:
                    for url, size in loads:
                        print(f"  {size:>9,}  {url}")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
