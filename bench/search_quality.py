"""How a built site's search answers against one Pagefind run over the same records, in Chromium: for 40
queries (20 words of bench/generate.py's text, 20 posts' own titles), whether the first hit and the
number of hits are one index's, the overlap of the top five, and the junk hits (hits that hold no word
beginning as the query word does, see JUNK_RULE). A title's words are counted apart: Pagefind drops
diacritics before it stems, so "även" shares the stem of "av", and one index has those hits as well.

    python bench/search_quality.py bench/work/project/output

Works on the merged index (issue 21: output/pagefind/) and on the yearly bundles before it
(output/pagefind/<year>/, merged in the page with mergeIndex, as the search page did).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "plugins")]

from conftest import CHROMIUM, serve  # noqa: E402

WHOLE = "pagefind-helt"
WORDS = ["företagen", "robotar", "skärgården", "entreprenörskap", "cirkulär ekonomi", "Tillväxtverket",
         "hållbara omställning", "fjällen", "innovation", "statistik", "kommunernas", "investeringar",
         "digitala verktyg", "besökare", "uppföljning", "regionala", "plattformar", "kompetensen",
         "lärosäten", "landsbygden"]  # fmt: skip
JUNK_RULE = "a word that shares its first half (four letters at least) with each query word, diacritics aside"
SEARCH = """async ([bundles, queries]) => {
    const [main, ...merged] = bundles;
    const pagefind = await import(`/${main}pagefind.js`);
    await pagefind.options({ baseUrl: "/" });
    for (const bundle of merged) {
        await pagefind.mergeIndex(`/${bundle}`, { baseUrl: "/" });
    }
    const answers = [];
    for (const term of queries) {
        const response = await pagefind.search(term, {});
        answers.push(response.results.map((hit) => hit.id));
    }
    return answers;
}"""


def fragments(bundle: Path) -> dict[str, dict]:
    """Every page of a bundle (or of yearly bundles below it), by its fragment name."""
    pages = {}
    for path in bundle.glob("**/fragment/*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        pages[path.stem] = json.loads(data[len(b"pagefind_dcd") :])
    return pages


def one_run(output: Path, records: Path) -> None:
    """Index every record (records/<year>/<post>) in one Pagefind run into output/WHOLE."""
    import search_index

    site = output.parent / "helt-records"
    shutil.rmtree(site, ignore_errors=True)
    for record in records.glob("*/**/*.html"):
        path = site.joinpath(*record.relative_to(records).parts[1:])
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(record, path)
    shutil.rmtree(output / WHOLE, ignore_errors=True)
    subprocess.run(search_index.pagefind_command(site, output / WHOLE, "sv"), check=True)
    shutil.rmtree(site)


def plain(text: str) -> str:
    """Lower case without diacritics, as Pagefind compares words ("behöver" and "behov": "behov")."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def junk(page: dict, term: str) -> bool:
    """Whether a hit holds no word of the query (JUNK_RULE), in its text, title or tags."""
    words = set(re.findall(r"\w+", plain(" ".join([page["content"], *page["meta"].values()]))))
    for query_word in plain(term).split():
        start = query_word[: max(4, (len(query_word) + 1) // 2)]
        if not any(word.startswith(start) for word in words):
            return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--records", type=Path, help="default: the build's cache beside the output")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    records = args.records or args.output.parent / f".cache-{args.output.name}/pelicanconf/search-records"
    one_run(args.output, records)
    site, whole = fragments(args.output / "pagefind"), fragments(args.output / WHOLE)
    titles = sorted(page["meta"]["title"] for page in whole.values())[:: max(1, len(whole) // 20)][:20]
    queries = WORDS + titles
    if (args.output / "pagefind/pagefind-entry.json").is_file():
        bundles = ["pagefind/"]
    else:  # yearly bundles: the newest has the runtime, the others are merged into it
        bundles = [
            f"pagefind/{year.name}/" for year in sorted((args.output / "pagefind").iterdir(), reverse=True)
        ]
    from playwright.sync_api import sync_playwright

    rows = []
    for base_url in serve(args.output):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
            page = browser.new_page()
            page.goto(base_url + "/sok/")
            answers = page.evaluate(SEARCH, [bundles, queries])
            references = page.evaluate(SEARCH, [[f"{WHOLE}/"], queries])
            browser.close()
    for term, hits, reference in zip(queries, answers, references, strict=True):
        urls = [site[hit]["url"] for hit in hits]
        expected = [whole[hit]["url"] for hit in reference]
        bad = sum(junk(site[hit], term) for hit in hits)
        top = len(set(urls[:5]) & set(expected[:5])) / max(1, min(5, len(expected)))
        rows.append(
            (term, urls[:1] == expected[:1], len(urls) == len(expected), top, bad, len(urls), len(expected))
        )
        if args.verbose:
            same = "=" if rows[-1][1] else "≠"
            print(f"{term[:40]:40} first {same} hits {len(urls)}/{len(expected)} top-5 {top:.2f} junk {bad}")
    shutil.rmtree(args.output / WHOLE)
    count = len(rows)
    print(f"{count} queries ({len(WORDS)} words, {count - len(WORDS)} titles)")
    print(f"first hit = one index's: {sum(row[1] for row in rows)}/{count}")
    print(f"number of hits = one index's: {sum(row[2] for row in rows)}/{count}")
    print(f"top-5 overlap: {sum(row[3] for row in rows) / count:.2f}")
    for name, part in (("words", rows[: len(WORDS)]), ("titles", rows[len(WORDS) :])):
        print(f"{name}: queries with junk hits {sum(1 for row in part if row[4])}/{len(part)} "
              f"({sum(row[4] for row in part)} hits)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
