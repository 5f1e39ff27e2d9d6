"""Search: the Pagefind index built inside the Pelican run, what it holds, and the /sok/ page in Chromium.
(That the merged index equals one Pagefind run is tests/test_search_merge.py's.)"""

from __future__ import annotations

import gzip
import json
import os
import platform
import re
import shutil
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import search_index
import search_merge
from conftest import (
    ROOT,
    SITES,
    WHOLE,
    archive_with_whole_index,
    build_result,
    build_site,
    copy_site,
    digest_tree,
    give_up_addresses,
    require,
    serve,
    soup,
    write_files,
)
from search_index import DEFAULTS, indexed_pages, search_settings
from search_merge import LISTING

import sitebuild

SEARCH_PATH = "/sok/"
POST_URL = re.compile(r"^/\d{4}/\d{2}/[^/]+/$")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Inflected forms that appear nowhere in the sample content, and the post each must find first.
# Pagefind's own fuzzy matching finds some of these even without Swedish stemming; the last two it
# does not (with an English index, "exportmarknaderna" finds nothing and "regionalfondernas" ranks
# another post first), so losing the `sv` stemmer fails this test.
INFLECTED = [
    ("konkurrenskraftiga", "/2018/02/att-motas-for-en-konkurrenskraftig-industri/"),
    ("fjällarnas", "/2016/10/besoksnaringen-vaxer-nar-fler-hittar-till-fjallen/"),
    ("sommarjobbarna", "/2019/07/sommarjobbet-som-blev-ett-eget-foretag/"),
    ("exportmarknaderna", "/2020/04/sma-foretag-hittar-nya-vagar-till-exportmarknaden/"),
    ("regionalfondernas", "/2017/05/regionalfonden-som-havstang-for-innovation/"),
]


def index_records(output: Path) -> list[dict]:
    """Every page record of the Pagefind index: url, content, filters, meta (fragments are gzip'd JSON)."""
    records = []
    for fragment in sorted((output / "pagefind").glob("fragment/*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        records.append(json.loads(data[data.index(b"{") :]))
    return records


def post_urls(output: Path) -> set[str]:
    """The addresses of the published posts, from the written files (YYYY/MM/slug/index.html)."""
    return {
        f"/{path.parent.relative_to(output).as_posix()}/"
        for path in output.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html")
    }


# The index, built by the real build


def test_index_is_one_swedish_bundle_with_a_listing_copy(sample_site):
    """The years are indexed one by one, but readers get one bundle (search_merge) and its word-less
    copy for listings; the yearly bundles stay in the cache."""
    assert len({url.split("/")[1] for url in post_urls(sample_site)}) > 1
    bundle = sample_site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"sv"}
    assert indexed_pages(bundle) == len(post_urls(sample_site))
    assert indexed_pages(bundle / LISTING) == len(post_urls(sample_site))
    assert sorted(p.name for p in bundle.iterdir() if p.is_dir()) == ["filter", "fragment", "index", LISTING]
    assert sorted(p.name for p in (bundle / LISTING).iterdir()) == [
        "pagefind-entry.json",
        next(p.name for p in (bundle / LISTING).glob("pagefind.sv_*.pf_meta")),
    ]
    assert (bundle / "pagefind.js").is_file()
    assert (bundle / "wasm.sv.pagefind").is_file()
    # The theme has its own search UI; Pagefind's ready-made ones are not published.
    assert not list(bundle.rglob("pagefind-*ui*"))
    page = soup(sample_site / "sok/index.html").select_one("[data-bk-search]")
    assert page["data-bundle"] == "/pagefind/"


def test_only_published_posts_are_indexed(sample_site):
    indexed = {record["url"] for record in index_records(sample_site)}
    assert indexed == post_urls(sample_site)
    assert (sample_site / "om-bloggen/index.html").is_file()  # pages exist, but are not in the index
    assert not [url for url in indexed if url.startswith("/utkast/")]


def test_post_record_has_title_date_and_filters(sample_site):
    records = {record["url"]: record for record in index_records(sample_site)}
    record = records["/2020/04/sma-foretag-hittar-nya-vagar-till-exportmarknaden/"]
    assert record["meta"]["title"] == "Små företag hittar nya vägar till\xa0exportmarknaden"
    assert record["meta"]["date"] == "22 april 2020"
    assert record["meta"]["datetime"] == "2020-04-22T11:00:00+02:00"
    assert record["filters"] == {
        "author": ["Johan Lindqvist", "Maria Ekdahl"],
        "category": ["Internationalisering"],
        "year": ["2020"],
    }
    assert record["meta"]["tags"] == "export, internationalisering, småföretag, e-handel, logistik"


def test_summary_title_and_body_are_searchable_text(sample_site):
    record = next(
        r
        for r in index_records(sample_site)
        if r["url"].endswith("/att-motas-for-en-konkurrenskraftig-industri/")
    )
    assert record["content"].startswith("Att mötas för en konkurrenskraftig industri. Drygt 80 deltagare")
    assert "omställningen" in record["content"]  # the last sentence of the body


def test_nothing_outside_title_and_body_is_indexed(sample_site):
    """Archived comments, the meta line and the tag list are on the post page but never in the index
    (the comments section, wherever it is placed, is outside the data-pagefind-body elements)."""
    text = " ".join(record["content"] for record in index_records(sample_site))
    assert "Publicerad" not in text  # the meta line inside <article>
    for comments in (ROOT / "content/comments").glob("*.toml"):
        for comment in tomllib.loads(comments.read_text(encoding="utf-8"))["comment"]:
            for sentence in re.split(r"(?<=[.!?])\s+", comment["body"].strip()):
                assert sentence not in text, f"{comments.name}: {sentence}"
            assert comment["name"] not in text


def test_tags_are_metadata_and_never_excerpt_text(tmp_path, builder):
    """A post's tags are searchable (metadata, which Pagefind indexes) but never its text: an excerpt
    never shows the tag list under the post."""
    content = copy_site("search", tmp_path)
    output = builder(content)
    page = (output / "2019/05/vatgas-och-varme/index.html").read_text(encoding="utf-8")
    assert "Zebrafink" in page  # a tag shown under the post
    records = index_records(output)
    assert [r["url"] for r in records if "Vätgas" in r["content"]] == ["/2019/05/vatgas-och-varme/"]
    assert not [r["url"] for r in records if "Zebrafink" in r["content"]]
    assert [r["meta"].get("tags") for r in records] == ["skog", "Zebrafink, energi"]


def test_failing_index_fails_the_build_and_keeps_the_old_site(tmp_path):
    content = copy_site("search", tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    before = digest_tree(output)
    # Pagefind cannot make its folder where a page already is: a real failure of the indexer.
    with pytest.raises(sitebuild.BuildError, match="sökindexet kunde inte byggas"):
        build_site(content, output, SEARCH_INDEX={"bundle": "index.html"})
    assert digest_tree(output) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output-")] == []


def test_a_broken_search_record_fails_the_build_and_keeps_the_old_site(tmp_path):
    """The records are rendered in the indexing child; its failure reaches the build with its cause."""
    content, output = copy_site("search", tmp_path), tmp_path / "output"
    build_site(content, output)
    before = digest_tree(output)
    broken = write_files(tmp_path / "broken", {"search_record.html": "{{ article.no_such_method() }}"})
    with pytest.raises(sitebuild.BuildError, match=r"(?s)sökindexet kunde inte byggas.*no_such_method"):
        build_site(content, output, THEME_TEMPLATES_OVERRIDES=[str(broken)])
    assert digest_tree(output) == before
    assert list((tmp_path / ".cache-output").glob("sokindex-*")) == []


def searchable(output: Path) -> dict[str, tuple]:
    """What readers can find, per post: its text, metadata and filters."""
    return {r["url"]: (r["content"], r["meta"], r["filters"]) for r in index_records(output)}


OLDER_POST = {
    "posts/2018/ett-aldre-ar.md": "Title: Ett äldre år\nDate: 2018-03-01 10:00\nAuthor: Per Ek\nCategory: Energi\n\n"
    "Om energi förr.\n"
}


def indexed(result: sitebuild.BuildResult) -> dict[str, int]:
    """What this build's search index had and made anew (records, years) and whether it merged them."""
    return result.stats["search_index"]


def work(records: int, rendered: int, years: int, indexed: int, merged: int) -> dict[str, int]:
    """``indexed``'s numbers, as one line."""
    return {"records": records, "rendered": rendered, "years": years, "indexed": indexed, "merged": merged}


def year_files(output: Path, year: str) -> dict[str, int]:
    """A year's bundle in the cache, by file name, with each file's inode (a kept bundle is not made
    again)."""
    folder = output.parent / f".cache-{output.name}" / "pelicanconf" / search_index.BUNDLES_FOLDER / year
    return {str(path.relative_to(folder)): path.stat().st_ino for path in folder.rglob("*") if path.is_file()}


def test_a_rebuild_renders_the_records_and_indexes_the_years_that_changed(tmp_path):
    """Records and each year's index are kept between builds; the index is the same as a build from
    scratch's."""
    content, output = write_files(copy_site("search", tmp_path), OLDER_POST), tmp_path / "output"
    assert indexed(build_result(content, output)) == work(3, 3, 2, 2, 1)
    published = digest_tree(output / "pagefind")
    # Nothing changed: no year indexed, no merge, and the very same bundle published.
    unchanged = build_result(content, output)
    assert indexed(unchanged) == work(3, 0, 2, 0, 0)
    assert digest_tree(output / "pagefind") == published
    kept_2018 = year_files(output, "2018")
    post = content / "posts/2019/skogens-nya-varden.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nKvastfeningen är ny.\n", encoding="utf-8")
    assert indexed(build_result(content, output)) == work(3, 1, 2, 1, 1)
    assert year_files(output, "2018") == kept_2018  # the same files: 2018 was not indexed again
    assert "Kvastfeningen" in searchable(output)["/2019/09/skogens-nya-varden/"][0]
    scratch = build_site(content, tmp_path / "scratch")
    assert digest_tree(output / "pagefind") == digest_tree(scratch / "pagefind")  # byte for byte
    post.write_text(post.read_text(encoding="utf-8").replace("Skogens nya värden", "Skogens värden"))
    (content / "posts/2019/vatgas-och-varme.md").unlink()
    give_up_addresses(content, "/2019/09/skogens-nya-varden/", "/2019/05/vatgas-och-varme/")
    assert indexed(build_result(content, output)) == work(2, 1, 2, 1, 1)
    assert sorted(searchable(output)) == ["/2018/03/ett-aldre-ar/", "/2019/09/skogens-varden/"]
    assert digest_tree(output / "pagefind") == digest_tree(
        build_site(content, tmp_path / "scratch2") / "pagefind"
    )
    # A year whose last post goes is gone from the index and from the cache; the merge runs again.
    (content / "posts/2018/ett-aldre-ar.md").unlink()
    give_up_addresses(content, "/2018/03/ett-aldre-ar/")
    assert indexed(build_result(content, output)) == work(1, 0, 1, 0, 1)
    assert list(searchable(output)) == ["/2019/09/skogens-varden/"]
    assert [p.name for p in (tmp_path / ".cache-output/pelicanconf/search-index").iterdir()] == ["2019"]


def test_a_second_build_that_changes_nothing_reports_no_indexing(tmp_path):
    """The numbers are this build's own: the records and years it had, none rendered, indexed or merged.
    Fails on the mutant "context not reset / reused between builds" (sitebuild giving the second build
    the first build's BuildContext): its counters would add up both builds' work."""
    content, output = copy_site("search", tmp_path), tmp_path / "output"
    assert indexed(build_result(content, output)) == work(2, 2, 1, 1, 1)
    assert indexed(build_result(content, output)) == work(2, 0, 1, 0, 0)


def test_a_build_without_an_index_reports_none(tmp_path):
    """A build that skips the index has no numbers for it, not the previous build's (the issue: a build
    that skipped a step passed on the last build's numbers). Fails on the mutant "context not reset /
    reused between builds"."""
    content, output = copy_site("search", tmp_path), tmp_path / "output"
    assert "search_index" in build_result(content, output).stats
    assert "search_index" not in build_result(content, output, SEARCH_INDEX={"enabled": False}).stats


def test_local_and_publish_builds_keep_their_records_and_years_apart(tmp_path):
    """Each settings file has its own cache slot (cachefile): a publish build between two local builds
    throws none of the local records or years away, and the other way round."""
    content, output = write_files(copy_site("search", tmp_path), OLDER_POST), tmp_path / "output"
    build_site(content, output)
    assert indexed(build_result(content, output, "publishconf.py")) == work(3, 3, 2, 2, 1)
    assert indexed(build_result(content, output)) == work(3, 0, 2, 0, 0)
    assert indexed(build_result(content, output, "publishconf.py")) == work(3, 0, 2, 0, 0)


def test_another_pagefind_version_stops_the_build_saying_what_to_do(tmp_path):
    """The merge reads Pagefind's internal format: a bundle of another version is refused, the build
    stops and the published site stays as it was."""
    content, output = write_files(copy_site("search", tmp_path), OLDER_POST), tmp_path / "output"
    build_site(content, output)
    before = digest_tree(output)
    kept = tmp_path / ".cache-output/pelicanconf" / search_index.BUNDLES_FOLDER / "2018"
    entry = kept / "pagefind-entry.json"
    entry.write_text(entry.read_text(encoding="utf-8").replace('"1.5.2"', '"1.6.0"'), encoding="utf-8")
    (kept / search_merge.DIGEST_FILE).unlink()  # made by 1.5.2: the merge reads the bundle again
    post = content / "posts/2019/skogens-nya-varden.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nNy mening.\n", encoding="utf-8")
    with pytest.raises(sitebuild.BuildError, match=r"(?s)sökindexet kunde inte byggas.*Pagefind 1\.6\.0.*"
                       r"make clean && make build"):  # fmt: skip
        build_site(content, output)
    assert digest_tree(output) == before


def test_after_a_build_that_stopped_no_kept_record_is_trusted(tmp_path):
    content, output = copy_site("search", tmp_path), tmp_path / "output"
    build_site(content, output)
    broken = write_files(tmp_path / "broken", {"tag.html": "{{ tag.no_such_method() }}"})
    with pytest.raises(Exception, match="no_such_method"):
        build_site(content, output, THEME_TEMPLATES_OVERRIDES=[str(broken)])
    assert indexed(build_result(content, output)) == work(2, 2, 1, 1, 1)


def test_index_can_be_turned_off(tmp_path, builder):
    output = builder(SITES / "search" / "content", SEARCH_INDEX={"enabled": False})
    assert not (output / "pagefind").exists()


def test_a_site_without_published_posts_builds_without_an_index(tmp_path, builder):
    """Pagefind refuses to build an empty index; a new archive with only a draft must still build."""
    content = write_files(
        tmp_path / "content",
        {
            "posts/utkast.md": "Title: Utkast\nDate: 2019-01-10 10:00\nAuthor: A\nCategory: K\n"
            "Status: draft\n\nText.\n",
            "authors/a.md": "Name: A\n\nSkribent.\n",
        },
    )
    output = builder(content)
    assert (output / "index.html").is_file()
    assert not (output / "pagefind").exists()


def test_settings_default_to_the_site_language_and_reject_unknown_keys():
    assert search_settings({"DEFAULT_LANG": "sv"}) == {**DEFAULTS, "language": "sv"}
    assert search_settings({"SEARCH_INDEX": {"language": "en"}})["language"] == "en"
    with pytest.raises(ValueError, match="sprak"):
        search_settings({"SEARCH_INDEX": {"sprak": "sv"}})


def resident_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_memory_freed_between_blocks_in_use_goes_back_to_the_system():
    """What reading frees lies between blocks still in use, where glibc keeps it: Pagefind runs beside
    the writing, so the build gives it back first (the peak of the whole build, see bench/)."""
    blocks = [bytes(8000) for _ in range(8000)]  # 64 MB in glibc's heap (below its mmap threshold)
    kept = blocks[3::4]  # one block in four stays in use, the last one among them
    del blocks
    before = resident_bytes()
    search_index.give_back_memory()
    assert before - resident_bytes() > 20 * 2**20
    assert len(kept) == 2000


# The search page's HTML (what every reader gets, with or without JavaScript)


def test_search_page_has_labelled_field_filters_and_a_no_javascript_note(sample_site):
    html = soup(sample_site / "sok/index.html")
    field = html.select_one("input[type=search]")
    assert html.select_one(f"label[for={field['id']}]").get_text() == "Sökord"
    # The note is for browsers that run no script at all; a slow one never shows it.
    note = html.select_one("noscript")
    assert "Sökningen behöver JavaScript" in note.get_text()
    assert note.find("a")["href"] == "/arkiv/"
    assert html.select_one("[data-bk-search-form]").get("hidden") is None  # there from the first paint
    assert html.select_one("[data-bk-search-status]")["aria-live"] == "polite"
    options = {s["data-filter"]: [o.get_text() for o in s.find_all("option")] for s in html.select("select")}
    assert options["author"] == [
        "Alla skribenter",
        "Gunilla Thorstensson",
        "Johan Lindqvist",
        "Maria Ekdahl",
        "Sara Björkman",
    ]
    assert options["year"][:2] == ["Alla år", "2021"]
    assert "Smart industri" in options["category"]
    # The address carries the slugs the site's own addresses use; the index filters by name.
    sara = html.select_one("select[name=skribent] option[value=sara-bjorkman]")
    assert sara["data-value"] == "Sara Björkman"
    assert (sample_site / "skribenter/sara-bjorkman/index.html").is_file()
    assert (
        html.select_one("select[name=kategori] option[value=smart-industri]")["data-value"]
        == "Smart industri"
    )
    assert html.select_one("[data-bk-search-nohits] a")["href"] == "/taggar/"


@pytest.mark.parametrize(
    "page", ["index.html", "arkiv/index.html", "2019/07/sommarjobbet-som-blev-ett-eget-foretag/index.html"]
)
def test_every_page_header_links_to_search(sample_site, page):
    links = soup(sample_site / page).select(".bk-header a")
    assert [a["href"] for a in links if a.get_text(strip=True) == "Sök"] == [SEARCH_PATH]


# In a real browser


@pytest.fixture(scope="module")
def many_posts_url(tmp_path_factory) -> Iterator[str]:
    """The search test site plus twelve more posts on one subject: more hits than one screenful."""
    content = tmp_path_factory.mktemp("many") / "content"
    shutil.copytree(SITES / "search" / "content", content)
    posts = {
        f"posts/2020/vatgas-{n}.md": f"Title: Vätgas del {n}\nDate: 2020-01-{n:02d} 10:00\nAuthor: Per Ek\n"
        f"Category: Energi\n\nOm vätgas, del {n}.\n"
        for n in range(1, 13)
    }
    # One listing page for all: pagination is not what these tests are about.
    output = build_site(write_files(content, posts), content.parent / "output", DEFAULT_PAGINATION=False)
    yield from serve(output)


def search(page, base_url: str, term: str) -> list[str]:
    """Type a term on the search page like a reader and return the hits' addresses, in order."""
    page.goto(base_url + SEARCH_PATH)
    page.get_by_label("Sökord").fill(term)
    page.get_by_label("Sökord").press("Enter")
    return hit_urls(page)


def hit_urls(page) -> list[str]:
    # aria-busy is set while a search runs; the status says how many hits the finished search has.
    # (Locators, not wait_for_function: Playwright polls a function with eval, which the page's
    # Content-Security-Policy blocks.)
    page.locator("[data-bk-search-status]:not(:empty)").wait_for(state="attached")
    page.locator("[data-bk-search-results]:not([aria-busy])").wait_for(state="attached")
    page.locator("[data-bk-search-status]:not(:text-is('Söker…'))").wait_for(state="attached")
    # A search that failed (the page says so) also ends with no hits: say that, not "0 hits".
    assert page.locator("[data-bk-search-failed]").is_hidden(), "sökningen misslyckades i webbläsaren"
    return page.eval_on_selector_all(".bk-search-hit__title a", "links => links.map(a => a.pathname)")


def status(page) -> str:
    return page.locator("[data-bk-search-status]").inner_text()


@pytest.mark.browser
@pytest.mark.parametrize(("term", "expected"), INFLECTED)
def test_inflected_form_finds_its_post_first(page, sample_url, sample_site, term, expected):
    assert term not in (sample_site / expected.strip("/") / "index.html").read_text(encoding="utf-8")
    hits = search(page, sample_url, term)
    assert hits[0] == expected
    first = page.locator(".bk-search-hit").first
    assert first.locator("mark").count() > 0  # the hit is highlighted in the excerpt
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}", first.locator("time").inner_text())  # Swedish date


@pytest.mark.browser
def test_search_speaks_swedish_counts_hits_and_names_them_in_the_title(page, sample_url):
    hits = search(page, sample_url, "företag")
    assert status(page) == f"{len(hits)} träffar"
    assert page.title() == f"”företag”: {len(hits)} träffar – Sök – Tillväxtverkets bloggarkiv"
    assert not page.evaluate(SAYS_JAVASCRIPT_IS_OFF)
    assert search(page, sample_url, "xyzzyq") == []
    assert status(page) == "Inga träffar."
    assert page.title().startswith("”xyzzyq”: Inga träffar.")
    # No hits: the reader is pointed to the tags, where every post is listed by subject.
    help_text = page.locator("[data-bk-search-nohits]")
    assert help_text.is_visible()
    assert help_text.get_by_role("link", name="alla taggar").get_attribute("href") == "/taggar/"


# Words the sample has in one year and not in another, where yearly bundles matched a shorter word in
# the years without them ("i", "in", "ska", "men": the junk hits); one index finds only these.
# (A word in no post at all, such as the typo "företg", still matches a shorter word, "för", as one
# Pagefind index does: tests/test_search_merge.py holds the merged index to one index's answers.)
JUNK_PRONE = {"innovation": 2, "skärgården": 1, "mentorskap": 1}


@pytest.mark.browser
@pytest.mark.parametrize(("term", "count"), JUNK_PRONE.items())
def test_every_hit_holds_the_word_or_an_inflection(page, sample_url, sample_site, term, count):
    hits = search(page, sample_url, term)
    assert len(hits) == count
    assert_no_junk(sample_site, term, hits)


def assert_no_junk(output: Path, term: str, hits: list[str]) -> None:
    """Every hit holds each word of the query or an inflection of it: the post's built page (in
    ``output``, the site served) has a word in its title, text or tags that begins as the query word does
    (its first half, at least four letters). A junk hit is a post matched by a shorter word only."""
    stems = [word[: max(4, (len(word) + 1) // 2)] for word in term.lower().split()]
    for url in hits:
        post = soup(output / url.strip("/") / "index.html").select_one("article")
        words = re.findall(r"\w+", post.get_text(" ").lower())
        for stem in stems:
            assert any(word.startswith(stem) for word in words), (term, url, stem)


@pytest.mark.browser
def test_tags_are_searchable(page, many_posts_url):
    """A tag appears nowhere in a post's text, only in its tag list: searching it finds the post."""
    assert search(page, many_posts_url, "Zebrafink") == ["/2019/05/vatgas-och-varme/"]


@pytest.mark.browser
def test_listing_pages_are_never_results(page, sample_url):
    """Words that fill listing pages (category names, authors, "Arkiv") find posts, and only posts.
    Fails if the search finds nothing (the mutant tried: search_record.html without the post's text),
    which the old all(...) over no hits let pass."""
    for term in ("Turism", "Sara Björkman", "digitalisering", "arkiv"):
        urls = search(page, sample_url, term)
        assert urls, term  # an empty result would pass the next line whatever was indexed
        assert [url for url in urls if not POST_URL.match(url)] == [], term


@pytest.mark.browser
def test_author_filter_keeps_only_that_authors_posts(page, sample_url, sample_site):
    by_sara = {r["url"] for r in index_records(sample_site) if "Sara Björkman" in r["filters"]["author"]}
    everyone = search(page, sample_url, "företag")
    page.get_by_label("Skribent").select_option("Sara Björkman")
    filtered = hit_urls(page)
    assert filtered
    assert set(filtered) <= by_sara
    assert set(everyone) - set(filtered)  # the filter did remove someone else's posts
    assert page.url.endswith("?q=f%C3%B6retag&skribent=sara-bjorkman")  # the site's own slug
    assert page.title().startswith(f"”företag”, Sara Björkman: {len(filtered)} träff")


@pytest.mark.browser
def test_search_in_the_address_is_run_on_arrival(page, sample_url):
    page.goto(f"{sample_url}{SEARCH_PATH}?q=konkurrenskraftiga&ar=2018")
    assert hit_urls(page) == [INFLECTED[0][1]]
    assert page.get_by_label("Sökord").input_value() == "konkurrenskraftiga"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "chosen"),
    [
        ("kategori=turism", ("Kategori", "Turism")),
        ("kategori=TURISM", ("Kategori", "Turism")),
        ("skribent=sara-bjorkman", ("Skribent", "Sara Björkman")),
        ("skribent=Sara%20Bj%C3%B6rkman", ("Skribent", "Sara Björkman")),
        ("skribent=SARA-BJORKMAN&ar=2021", ("Skribent", "Sara Björkman")),
    ],
)
def test_the_address_takes_slugs_and_names_in_any_case(page, sample_url, sample_site, query, chosen):
    label, shown = chosen
    page.goto(f"{sample_url}{SEARCH_PATH}?{query}")
    hits = hit_urls(page)
    assert page.get_by_label(label).evaluate("select => select.selectedOptions[0].textContent") == shown
    assert hits
    assert page.locator("[data-bk-search-notice]").is_hidden()
    filter_name = "category" if label == "Kategori" else "author"
    expected = {r["url"] for r in index_records(sample_site) if shown in r["filters"][filter_name]}
    assert set(hits) <= expected


@pytest.mark.browser
def test_an_unknown_address_value_is_named_never_silently_dropped(page, sample_url):
    page.goto(f"{sample_url}{SEARCH_PATH}?q=industri&kategori=okand&ar=1999")
    hits = hit_urls(page)
    notice = page.locator("[data-bk-search-notice]")
    assert notice.is_visible()
    assert notice.inner_text() == (
        "Adressen anger kategori ”okand”, som inte finns i arkivet. Sökningen gäller därför alla kategorier. "
        "Adressen anger år ”1999”, som inte finns i arkivet. Sökningen gäller därför alla år."
    )
    assert hits  # the search runs over every category and year
    assert page.get_by_label("Kategori").input_value() == ""


@pytest.mark.browser
def test_each_search_is_a_history_entry(page, many_posts_url):
    """Back returns to the previous search: its query, its hits (as many as were shown) and its count."""
    vatgas = search(page, many_posts_url, "vätgasen")
    page.get_by_role("button", name="Visa fler träffar").click()
    page.locator(".bk-search-hit").nth(12).wait_for()
    shown, title = (
        page.eval_on_selector_all(".bk-search-hit__title a", "ls => ls.map(a => a.pathname)"),
        page.title(),
    )
    assert len(shown) == 13
    page.get_by_label("Sökord").fill("skog")
    page.get_by_label("Sökord").press("Enter")
    skog = hit_urls(page)
    assert skog != vatgas
    assert page.title().startswith("”skog”: 1 träff")
    page.go_back()
    page.locator(".bk-search-hit").nth(12).wait_for()
    assert page.get_by_label("Sökord").input_value() == "vätgasen"
    assert hit_urls(page) == shown
    assert status(page) == "13 träffar"
    assert page.title() == title
    page.go_forward()
    page.get_by_label("Sökord").and_(page.locator("[value='skog'], :not([value])")).wait_for()
    page.locator(".bk-search-hit").nth(1).wait_for(state="detached")
    assert hit_urls(page) == skog
    assert page.get_by_label("Sökord").input_value() == "skog"


@pytest.mark.browser
def test_copied_text_with_invisible_characters_finds_its_post(page, sample_url):
    """Text copied from elsewhere (an older page, a word processor, a PDF) carries soft hyphens, zero-width
    spaces and no-break spaces; a reader who pastes a title like that into the search finds the post.
    (The site's own headings copy clean: their break marks are drawn by CSS, see test_readers.)"""
    post = "/2018/02/att-motas-for-en-konkurrenskraftig-industri/"
    page.goto(sample_url + post)
    heading = (
        page.locator("h1").text_content().replace("konkurrenskraftig", "kon\xadkur\xadrens\xadkraf\xadtig")
    )
    assert "\xad" in heading
    hits = search(page, sample_url, "\u200b" + heading.replace(" en ", "\xa0en\xa0") + "\ufeff")
    assert hits[0] == post
    assert "\xad" not in page.url
    assert "%C2%AD" not in page.url


@pytest.mark.browser
def test_highlights_stop_before_punctuation(page, sample_url):
    search(page, sample_url, "omställningen")
    marks = page.locator(".bk-search-hit mark").all_inner_texts()
    assert "omställningen" in marks
    assert [mark for mark in marks if not re.fullmatch(r"\w[\w-]*\w|\w", mark)] == []
    assert "i omställningen." in " ".join(page.locator(".bk-search-hit__excerpt").all_inner_texts())


@pytest.mark.browser
def test_without_javascript_the_page_points_to_the_archive(chromium, sample_url):
    context = chromium.new_context(locale="sv-SE", java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(sample_url + SEARCH_PATH)
        note = tab.locator("noscript p")  # (Playwright's text locators skip <noscript>)
        assert note.is_visible()
        assert note.inner_text().startswith("Sökningen behöver JavaScript, som är avstängt")
        assert note.locator("a").inner_text() == "arkivet, ordnade efter år och månad"
        assert note.locator("a").get_attribute("href") == "/arkiv/"
        assert tab.locator("form").is_hidden()
        assert tab.locator("[data-bk-search-results]").is_hidden()
    finally:
        context.close()


SAYS_JAVASCRIPT_IS_OFF = "document.body.innerText.includes('behöver JavaScript')"  # the text rendered


def slow_network(page, latency_ms: int) -> None:
    """Every request of `page` takes `latency_ms` more (Chromium's own network emulation)."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency_ms, "downloadThroughput": 200_000, "uploadThroughput": 50_000},
    )


@pytest.mark.browser
def test_on_a_slow_connection_the_page_says_it_searches_and_never_that_javascript_is_off(page, sample_url):
    slow_network(page, 200)
    page.goto(f"{sample_url}{SEARCH_PATH}?q=företag", wait_until="commit")
    page.locator("[data-bk-search-status]", has_text="Söker…").wait_for()
    assert page.locator("[data-bk-search-results][aria-busy=true]").count() == 1
    assert not page.evaluate(SAYS_JAVASCRIPT_IS_OFF)
    assert page.locator("form").is_visible()
    assert hit_urls(page)
    assert not page.evaluate(SAYS_JAVASCRIPT_IS_OFF)


LAYOUT_SHIFTS = """() => new Promise((resolve) => {
    const shifts = [];
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) shifts.push([entry.value, entry.sources.map((s) => s.node?.outerHTML?.slice(0, 80))]);
        }
    }).observe({ type: "layout-shift", buffered: true });
    setTimeout(() => resolve(shifts), 500);
})"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [412, 1280])
def test_nothing_moves_while_a_search_in_the_address_loads(chromium, sample_url, width):
    """What Lighthouse measures as CLS on /sok/?q=…: every layout shift the page makes by itself, on a
    slow phone connection and on a desktop (the status line and the hits have room reserved)."""
    context = chromium.new_context(locale="sv-SE", viewport={"width": width, "height": 823})
    try:
        tab = context.new_page()
        slow_network(tab, 150)  # Lighthouse's mobile round trip
        tab.goto(f"{sample_url}{SEARCH_PATH}?q=företag")
        assert len(hit_urls(tab)) > 5
        assert tab.evaluate(LAYOUT_SHIFTS) == []
    finally:
        context.close()


@pytest.fixture(params=["light", "dark"])
def scheme_page(request, chromium):
    """A browser page in the light or the dark colour scheme."""
    context = chromium.new_context(locale="sv-SE", color_scheme=request.param)
    yield context.new_page()
    context.close()


@pytest.mark.browser
def test_search_page_passes_axe_with_results_shown(scheme_page, sample_url):
    require(AXE.is_file(), f"axe-core saknas ({AXE}); installera med npm ci")
    search(scheme_page, sample_url, "konkurrenskraftiga")
    scheme_page.get_by_label("Kategori").focus()  # filters and hits are on screen
    # Run as the test's own code: the page's policy refuses an inline <script>.
    scheme_page.evaluate(AXE.read_text(encoding="utf-8"))
    result = scheme_page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    problems = [f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']]})" for v in result["violations"]]
    assert problems == []
    assert result["passes"]  # axe really ran


@pytest.mark.browser
def test_more_hits_are_shown_on_request_and_focus_moves_to_them(page, many_posts_url):
    hits = search(page, many_posts_url, "vätgasen")
    assert len(hits) == 10
    assert status(page) == "13 träffar"
    page.get_by_role("button", name="Visa fler träffar").click()
    page.locator(".bk-search-hit").nth(12).wait_for()
    assert page.evaluate("document.activeElement.closest('li')") is not None
    assert (
        page.evaluate("[...document.querySelectorAll('.bk-search-hit a')].indexOf(document.activeElement)")
        == 10
    )
    assert page.get_by_role("button", name="Visa fler träffar").is_hidden()


@pytest.mark.browser
def test_missing_index_says_so_and_points_to_the_archive(page, tmp_path):
    output = build_site(SITES / "search" / "content", tmp_path / "output")
    shutil.rmtree(output / "pagefind")
    for base_url in serve(output):
        page.goto(base_url + SEARCH_PATH + "?q=vätgas")
        failed = page.locator("[data-bk-search-failed]")
        failed.wait_for()
        assert failed.inner_text().startswith("Sökningen fungerar inte just nu. Alla inlägg finns också i")
        assert failed.get_by_role("link").get_attribute("href") == "/arkiv/"
        assert page.locator("form").is_hidden()
        assert status(page) == ""


@pytest.mark.browser
def test_excerpt_shows_where_it_cuts_the_post(page, sample_url):
    hits = search(page, sample_url, "omställningen")
    excerpts = page.locator(".bk-search-hit__excerpt").all_inner_texts()
    at_end = excerpts[hits.index("/2018/02/att-motas-for-en-konkurrenskraftig-industri/")]
    assert at_end.startswith("… ")
    assert at_end.endswith("i omställningen.")  # the post's last words: nothing cut at the end
    search(page, sample_url, "Besöksnäringen")
    first = page.locator(".bk-search-hit__excerpt").first.inner_text()
    assert first.startswith("Besöksnäringen växer när fler hittar till")  # the title: nothing cut before
    assert first.endswith(" …")


# Listings without a term, against one Pagefind run over every record (tests/test_search_merge.py)


def whole_index_hits(page, term: str | None, filters: dict) -> list[str]:
    """The hits of the one-run reference, in its order (newest first without a term)."""
    return page.evaluate(
        """async ([bundle, term, filters]) => {
            const pagefind = await import(`/${bundle}/pagefind.js`);
            await pagefind.options({ baseUrl: "/" });
            const options = term ? { filters } : { filters, sort: { datetime: "desc" } };
            const response = await pagefind.search(term, options);
            const data = await Promise.all(response.results.map((hit) => hit.data()));
            return data.map((hit) => new URL(hit.url, location.href).pathname);
        }""",
        [WHOLE, term, filters],
    )


def whole_listing(page, label: str, value: str) -> list[str]:
    """A filter-only listing as a reader sees it: choose `value` under `label`, then press "Visa fler"
    until every hit is shown."""
    page.get_by_label(label).select_option(value)
    hits = hit_urls(page)
    more = page.get_by_role("button", name="Visa fler träffar")
    while more.is_visible():
        more.click()
        # Locators, not wait_for_function: Playwright evaluates that with eval, which the page's CSP refuses.
        more_hits = page.locator(".bk-search-hit").nth(len(hits))
        more_hits.or_(page.locator("[data-bk-search-more][hidden]")).first.wait_for(state="attached")
        hits = hit_urls(page)
    return hits


@pytest.fixture(scope="module")
def sample_whole_url(sample_with_whole_index: Path) -> Iterator[str]:
    yield from serve(sample_with_whole_index)


# A generated archive over eight years: ~32 posts by each of ten authors (listings of 30 and more: three
# "Visa fler"), built once per run.
ARCHIVE_POSTS = 320


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return archive_with_whole_index(tmp_path_factory, ARCHIVE_POSTS)


@pytest.fixture(scope="module")
def archive_url(archive: Path) -> Iterator[str]:
    yield from serve(archive)


def most_prolific_author(output: Path) -> str:
    return Counter(
        author for record in index_records(output) for author in record["filters"]["author"]
    ).most_common(1)[0][0]


def newest_first(hits: list[str], page) -> list[str]:
    """The hits' dates, to check an order by date."""
    return page.evaluate(
        "urls => urls.map((url) => [...document.querySelectorAll('.bk-search-hit')]"
        ".find((hit) => hit.querySelector('a').pathname === url).querySelector('time').dateTime)",
        hits,
    )


@pytest.mark.browser
@pytest.mark.parametrize(("label", "value"), [("Skribent", "Johan Lindqvist"), ("Kategori", "Turism")])
def test_a_sample_listing_is_newest_first_across_every_year(page, sample_whole_url, label, value):
    page.goto(sample_whole_url + SEARCH_PATH)
    hits = whole_listing(page, label, value)
    assert len({url.split("/")[1] for url in hits}) > 1  # the hits come from more than one year
    assert hits == whole_index_hits(page, None, {"author" if label == "Skribent" else "category": value})
    dates = newest_first(hits, page)
    assert dates == sorted(dates, reverse=True)
    assert status(page) == f"{len(hits)} träffar"


@pytest.mark.browser
def test_an_archive_search_answers_as_one_index_without_junk(page, archive_url, archive):
    for term in [
        "företagen",
        "robotar",
        "skärgården",
        "entreprenörskap",
        "cirkulär ekonomi",
        "fjällen",
        "innovation",
        "statistik",
    ]:  # fmt: skip  (words of the archive: see JUNK_PRONE)
        hits = search(page, archive_url, term)
        whole = whole_index_hits(page, term, {})
        assert hits[:1] == whole[:1], term
        assert status(page) == (f"{len(whole)} träffar" if len(whole) != 1 else "1 träff"), term
        assert_no_junk(archive, term, hits)


@pytest.mark.browser
def test_an_archive_listing_is_newest_first_across_every_year_with_its_count_at_once(
    page, archive_url, archive
):
    """30 and more hits from every year, newest first; the exact count from the first screenful, and
    no word of the index loaded for it (the listing copy has none)."""
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(archive_url + SEARCH_PATH)
    author = most_prolific_author(archive)
    page.get_by_label("Skribent").select_option(author)
    first = hit_urls(page)
    assert len(first) == 10
    count = status(page)
    assert not [url for url in loaded if "/pagefind/index/" in url]
    hits = whole_listing(page, "Skribent", author)
    assert len(hits) >= 30
    assert count == f"{len(hits)} träffar"
    assert hits == whole_index_hits(page, None, {"author": author})
    assert len({url.split("/")[1] for url in hits}) == 8
    dates = newest_first(hits, page)
    assert dates == sorted(dates, reverse=True)


def test_post_pages_carry_no_search_markup(sample_site):
    """Pagefind reads the search records, not the pages: readers never download the search fields."""
    for url in post_urls(sample_site):
        page = (sample_site / url.strip("/") / "index.html").read_text(encoding="utf-8")
        assert "data-pagefind" not in page, url


def test_a_build_that_stops_midway_leaves_no_indexing_behind(tmp_path):
    """Pagefind starts before Pelican writes; if writing fails, the build stops that run and removes its
    folder as it ends (the run is in the build's context, which sitebuild closes however the build ends),
    and the published site is the old one. Fails on the mutant "sitebuild does not close the context"."""
    content, output = copy_site("search", tmp_path), tmp_path / "output"
    cache = tmp_path / ".cache-output"
    build_site(content, output)
    before = digest_tree(output)
    broken = write_files(tmp_path / "broken", {"tag.html": "{{ tag.no_such_method() }}"})
    with pytest.raises(Exception, match="no_such_method"):
        build_site(content, output, THEME_TEMPLATES_OVERRIDES=[str(broken)])
    assert digest_tree(output) == before
    assert list(cache.glob("sokindex-*")) == []  # the stopped build's run is gone with it
    build_site(content, output)
    assert list(cache.glob("sokindex-*")) == []
