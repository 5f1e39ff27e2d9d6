"""Search: the Pagefind index built inside the Pelican run, what it holds, and the /sok/ page in Chromium."""

from __future__ import annotations

import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import search_index
from conftest import (
    ROOT,
    SITES,
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
    for fragment in sorted((output / "pagefind").glob("*/fragment/*.pf_fragment")):
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


def test_index_is_written_in_swedish_one_part_per_year(sample_site):
    years = sorted({url.split("/")[1] for url in post_urls(sample_site)}, reverse=True)
    assert len(years) > 1
    assert sorted((p.name for p in (sample_site / "pagefind").iterdir()), reverse=True) == years
    for year in years:
        entry = json.loads(
            (sample_site / "pagefind" / year / "pagefind-entry.json").read_text(encoding="utf-8")
        )
        assert set(entry["languages"]) == {"sv"}
        in_year = {url for url in post_urls(sample_site) if url.startswith(f"/{year}/")}
        assert entry["languages"]["sv"]["page_count"] == len(in_year) > 0
    assert indexed_pages(sample_site / "pagefind") == len(post_urls(sample_site))
    # The search page loads the newest year's runtime and merges the older years' indexes into it.
    assert [p.parent.name for p in (sample_site / "pagefind").glob("*/pagefind.js")] == [years[0]]
    assert len(list((sample_site / "pagefind").glob("*/wasm.sv.pagefind"))) == 1
    # The theme has its own search UI; Pagefind's ready-made ones are not published.
    assert not list((sample_site / "pagefind").glob("*/pagefind-*ui*"))
    page = soup(sample_site / "sok/index.html").select_one("[data-bk-search]")
    assert json.loads(page["data-partitions"]) == years


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


def test_tags_after_the_body_are_not_indexed(tmp_path, builder):
    content = copy_site("search", tmp_path)
    output = builder(content)
    page = (output / "2019/05/vatgas-och-varme/index.html").read_text(encoding="utf-8")
    assert "Zebrafink" in page  # a tag shown under the post
    records = index_records(output)
    assert [r["url"] for r in records if "Vätgas" in r["content"]] == ["/2019/05/vatgas-och-varme/"]
    assert not [r["url"] for r in records if "Zebrafink" in r["content"]]


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


def year_files(output: Path, year: str) -> dict[str, int]:
    """A year's index files in the output, by name, with their inode (a kept bundle is linked, not made)."""
    folder = output / "pagefind" / year
    return {str(path.relative_to(folder)): path.stat().st_ino for path in folder.rglob("*") if path.is_file()}


def test_a_rebuild_renders_the_records_and_indexes_the_years_that_changed(tmp_path):
    """Records and each year's index are kept between builds; the index is the same as a build from
    scratch's."""
    content, output = write_files(copy_site("search", tmp_path), OLDER_POST), tmp_path / "output"
    build_site(content, output)
    assert search_index.LAST_BUILD == {"records": 3, "rendered": 3, "years": 2, "indexed": 2}
    build_site(content, output)
    assert search_index.LAST_BUILD == {"records": 3, "rendered": 0, "years": 2, "indexed": 0}
    kept_2018 = year_files(output, "2018")
    post = content / "posts/2019/skogens-nya-varden.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nKvastfeningen är ny.\n", encoding="utf-8")
    build_site(content, output)
    assert search_index.LAST_BUILD == {"records": 3, "rendered": 1, "years": 2, "indexed": 1}
    assert year_files(output, "2018") == kept_2018  # the same files: 2018 was not indexed again
    assert "Kvastfeningen" in searchable(output)["/2019/09/skogens-nya-varden/"][0]
    scratch = build_site(content, tmp_path / "scratch")
    assert searchable(output) == searchable(scratch)
    post.write_text(post.read_text(encoding="utf-8").replace("Skogens nya värden", "Skogens värden"))
    (content / "posts/2019/vatgas-och-varme.md").unlink()
    give_up_addresses(content, "/2019/09/skogens-nya-varden/", "/2019/05/vatgas-och-varme/")
    build_site(content, output)
    assert search_index.LAST_BUILD == {"records": 2, "rendered": 1, "years": 2, "indexed": 1}
    assert list(searchable(output)) == ["/2018/03/ett-aldre-ar/", "/2019/09/skogens-varden/"]
    assert searchable(output) == searchable(build_site(content, tmp_path / "scratch2"))
    # A year whose last post goes is gone from the index, from the search page and from the cache.
    (content / "posts/2018/ett-aldre-ar.md").unlink()
    give_up_addresses(content, "/2018/03/ett-aldre-ar/")
    build_site(content, output)
    assert search_index.LAST_BUILD == {"records": 1, "rendered": 0, "years": 1, "indexed": 0}
    assert [p.name for p in (output / "pagefind").iterdir()] == ["2019"]
    assert (output / "pagefind/2019/pagefind.js").is_file()
    assert json.loads(soup(output / "sok/index.html").select_one("[data-bk-search]")["data-partitions"]) == [
        "2019"
    ]
    assert [p.name for p in (tmp_path / ".cache-output/pelicanconf/search-index").iterdir()] == ["2019"]


def test_local_and_publish_builds_keep_their_records_and_years_apart(tmp_path):
    """Each settings file has its own cache slot (cachefile): a publish build between two local builds
    throws none of the local records or years away, and the other way round."""
    content, output = write_files(copy_site("search", tmp_path), OLDER_POST), tmp_path / "output"
    build_site(content, output)
    build_site(content, output, "publishconf.py")
    assert search_index.LAST_BUILD == {"records": 3, "rendered": 3, "years": 2, "indexed": 2}
    build_site(content, output)
    assert search_index.LAST_BUILD == {"records": 3, "rendered": 0, "years": 2, "indexed": 0}
    build_site(content, output, "publishconf.py")
    assert search_index.LAST_BUILD == {"records": 3, "rendered": 0, "years": 2, "indexed": 0}


def test_a_new_newest_year_gets_the_runtime(tmp_path):
    """Only the newest year's bundle carries Pagefind's script; a post in a newer year moves it there."""
    content, output = copy_site("search", tmp_path), tmp_path / "output"
    build_site(content, output)
    write_files(
        content, {"posts/2020/nytt.md": OLDER_POST["posts/2018/ett-aldre-ar.md"].replace("2018", "2020")}
    )
    build_site(content, output)
    assert search_index.LAST_BUILD["indexed"] == 1
    assert sorted(p.parent.name for p in (output / "pagefind").glob("*/pagefind.js")) == ["2020"]
    assert sorted(p.parent.name for p in (output / "pagefind").glob("*/pagefind-entry.json")) == [
        "2019",
        "2020",
    ]


def test_after_a_build_that_stopped_no_kept_record_is_trusted(tmp_path):
    content, output = copy_site("search", tmp_path), tmp_path / "output"
    build_site(content, output)
    broken = write_files(tmp_path / "broken", {"tag.html": "{{ tag.no_such_method() }}"})
    with pytest.raises(Exception, match="no_such_method"):
        build_site(content, output, THEME_TEMPLATES_OVERRIDES=[str(broken)])
    build_site(content, output)
    assert search_index.LAST_BUILD == {"records": 2, "rendered": 2, "years": 1, "indexed": 1}


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
    note = html.select_one("[data-bk-search-nojs]")
    assert "Sökningen behöver JavaScript" in note.get_text()
    assert note.find("a")["href"] == "/arkiv/"
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
    return page.eval_on_selector_all(".bk-search-hit__title a", "links => links.map(a => a.pathname)")


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
def test_search_speaks_swedish_and_counts_hits(page, sample_url):
    hits = search(page, sample_url, "företag")
    status = page.locator("[data-bk-search-status]").inner_text()
    assert status == f"{len(hits)} träffar"
    assert page.locator("[data-bk-search-nojs]").is_hidden()
    search(page, sample_url, "xyzzyq")
    assert page.locator("[data-bk-search-status]").inner_text().startswith("Inga träffar")


@pytest.mark.browser
def test_listing_pages_are_never_results(page, sample_url):
    # Words that fill listing pages (category names, authors, "Arkiv") only ever find posts.
    for term in ("Turism", "Sara Björkman", "digitalisering", "arkiv"):
        assert all(POST_URL.match(url) for url in search(page, sample_url, term)), term


@pytest.mark.browser
def test_author_filter_keeps_only_that_authors_posts(page, sample_url, sample_site):
    by_sara = {r["url"] for r in index_records(sample_site) if "Sara Björkman" in r["filters"]["author"]}
    everyone = search(page, sample_url, "företag")
    page.get_by_label("Skribent").select_option("Sara Björkman")
    filtered = hit_urls(page)
    assert filtered
    assert set(filtered) <= by_sara
    assert set(everyone) - set(filtered)  # the filter did remove someone else's posts
    assert "skribent=Sara+Bj%C3%B6rkman" in page.url  # the filtered search can be shared as a link


@pytest.mark.browser
def test_search_in_the_address_is_run_on_arrival(page, sample_url):
    page.goto(f"{sample_url}{SEARCH_PATH}?q=konkurrenskraftiga&ar=2018")
    assert hit_urls(page) == [INFLECTED[0][1]]
    assert page.get_by_label("Sökord").input_value() == "konkurrenskraftiga"


@pytest.mark.browser
def test_without_javascript_the_page_points_to_the_archive(chromium, sample_url):
    context = chromium.new_context(locale="sv-SE", java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(sample_url + SEARCH_PATH)
        assert tab.get_by_text("Sökningen behöver JavaScript").is_visible()
        assert (
            tab.get_by_role("link", name="arkivet, ordnade efter år och månad").get_attribute("href")
            == "/arkiv/"
        )
        assert tab.locator("form").is_hidden()
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
    assert page.locator("[data-bk-search-status]").inner_text() == "13 träffar"
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
        page.goto(base_url + SEARCH_PATH)
        note = page.locator("[data-bk-search-nojs]")
        page.locator("[data-bk-search-reason]", has_text="fungerar inte").wait_for()
        assert note.inner_text().startswith(
            "Sökningen fungerar inte just nu. Alla inlägg finns också i arkivet"
        )
        assert page.locator("form").is_hidden()


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


# The index in one part per year, against one index of the whole archive

# Every query of the tests above, on the sample site.
SAMPLE_QUERIES = [term for term, _ in INFLECTED] + [
    "företag", "Turism", "Sara Björkman", "digitalisering", "arkiv", "omställningen", "Besöksnäringen",
    "vätgas", "export",
]  # fmt: skip
# Words of bench/generate.py's text, common and rare, for the generated archive.
ARCHIVE_QUERIES = ["företagen", "robotar", "skärgården", "entreprenörskap", "cirkulär ekonomi", "Tillväxtverket",
                   "hållbara omställning", "fjällen"]  # fmt: skip
ARCHIVE_POSTS = 2000  # the size the issue measures at (bench/run.py)
WHOLE = "pagefind-helt"  # the one-index reference, beside the site's own index


def add_whole_index(output: Path, cache: Path) -> None:
    """Index every search record of the build as one Pagefind bundle, output/WHOLE/: the reference the
    yearly parts must answer like (the records of each year are below <year>/ in the cache)."""
    site, records = cache.parent / "helt", cache / "pelicanconf" / search_index.RECORDS_FOLDER
    for record in records.glob("*/**/*.html"):
        path = site.joinpath(*record.relative_to(records).parts[1:])
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(record, path)
    subprocess.run(search_index.pagefind_command(site, output / WHOLE, "sv"), check=True)


def whole_index_hits(page, term: str | None, filters: dict) -> list[str]:
    """The hits of the one-index reference, in its order (newest first without a term)."""
    return page.evaluate(
        """async ([bundle, term, filters]) => {
            const pagefind = await import(`/${bundle}/pagefind.js`);
            await pagefind.options({ baseUrl: "/" });
            const options = term ? { filters } : { filters, sort: { date: "desc" } };
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
def sample_with_whole_index(tmp_path_factory) -> Iterator[str]:
    output = build_site(ROOT / "content", tmp_path_factory.mktemp("whole") / "output")
    add_whole_index(output, output.parent / ".cache-output")
    yield from serve(output)


@pytest.fixture(scope="module")
def archive_with_whole_index(tmp_path_factory) -> Iterator[str]:
    """A generated archive of ARCHIVE_POSTS posts over eight years (bench/generate.py), built once."""
    from bench.generate import generate

    root = tmp_path_factory.mktemp("archive")
    output = build_site(generate(root / "content", ARCHIVE_POSTS), root / "output")
    add_whole_index(output, root / ".cache-output")
    yield from serve(output)


def newest_first(hits: list[str], page) -> list[str]:
    """The hits' dates, to check an order by date."""
    return page.evaluate(
        "urls => urls.map((url) => [...document.querySelectorAll('.bk-search-hit')]"
        ".find((hit) => hit.querySelector('a').pathname === url).querySelector('time').dateTime)",
        hits,
    )


def status_count(page) -> int:
    return int(re.sub(r"\D", "", page.locator("[data-bk-search-status]").inner_text()) or 0)


@pytest.mark.browser
def test_yearly_parts_rank_inflected_forms_like_one_index_and_find_as_many(page, sample_with_whole_index):
    """Pagefind scores each part with its own statistics (how many of its pages have the word, their
    average length), so the order of hits with near scores can differ from one index's (README, Known
    issues); the posts a term is meant to find come first all the same, and there are never fewer hits."""
    for term, expected in INFLECTED:
        assert (
            search(page, sample_with_whole_index, term)[0] == whole_index_hits(page, term, {})[0] == expected
        )
    for term in SAMPLE_QUERIES:
        search(page, sample_with_whole_index, term)
        # A part lacking a word matches a near one on its own, so there are never fewer hits.
        assert status_count(page) >= len(whole_index_hits(page, term, {})), term


@pytest.mark.browser
@pytest.mark.parametrize(("label", "value"), [("Skribent", "Johan Lindqvist"), ("Kategori", "Turism")])
def test_a_sample_listing_is_newest_first_across_every_year(page, sample_with_whole_index, label, value):
    page.goto(sample_with_whole_index + SEARCH_PATH)
    hits = whole_listing(page, label, value)
    assert len({url.split("/")[1] for url in hits}) > 1  # the hits come from more than one year
    assert hits == whole_index_hits(page, None, {"author" if label == "Skribent" else "category": value})
    dates = newest_first(hits, page)
    assert dates == sorted(dates, reverse=True)
    assert page.locator("[data-bk-search-status]").inner_text() == f"{len(hits)} träffar"


@pytest.mark.browser
def test_an_archive_search_finds_as_many_as_one_index(page, archive_with_whole_index):
    for term in ARCHIVE_QUERIES:
        hits = search(page, archive_with_whole_index, term)
        whole = whole_index_hits(page, term, {})
        assert len(hits) == min(10, len(whole)), term
        assert status_count(page) >= len(whole), term


@pytest.mark.browser
def test_an_archive_listing_is_newest_first_across_every_year(page, archive_with_whole_index):
    """60 and more hits, one year after another as the reader presses "Visa fler"; the newest year is
    listed before any older year is loaded."""
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(archive_with_whole_index + SEARCH_PATH)
    years = json.loads(page.locator("[data-bk-search]").get_attribute("data-partitions"))
    author = page.get_by_label("Skribent").locator("option").nth(1).inner_text()
    page.get_by_label("Skribent").select_option(author)
    first = hit_urls(page)
    assert len(first) == 10
    assert {url.split("/")[1] for url in first} == {years[0]}
    assert page.locator("[data-bk-search-status]").inner_text().startswith("Minst ")
    assert not [url for url in loaded if f"/pagefind/{years[-1]}/" in url]  # the oldest year: not yet
    hits = whole_listing(page, "Skribent", author)
    assert len(hits) >= 60
    assert hits == whole_index_hits(page, None, {"author": author})
    assert sorted({url.split("/")[1] for url in hits}, reverse=True) == years
    assert page.locator("[data-bk-search-status]").inner_text() == f"{len(hits)} träffar"


def test_post_pages_carry_no_search_markup(sample_site):
    """Pagefind reads the search records, not the pages: readers never download the search fields."""
    for url in post_urls(sample_site):
        page = (sample_site / url.strip("/") / "index.html").read_text(encoding="utf-8")
        assert "data-pagefind" not in page, url


def test_a_build_that_stops_midway_leaves_no_indexing_behind(tmp_path):
    """Pagefind starts before Pelican writes; if writing fails, the next build stops that run and
    removes its folder (and the published site is the old one)."""
    content, output = copy_site("search", tmp_path), tmp_path / "output"
    cache = tmp_path / ".cache-output"
    build_site(content, output)
    before = digest_tree(output)
    broken = write_files(tmp_path / "broken", {"tag.html": "{{ tag.no_such_method() }}"})
    with pytest.raises(Exception, match="no_such_method"):
        build_site(content, output, THEME_TEMPLATES_OVERRIDES=[str(broken)])
    assert digest_tree(output) == before
    assert len(list(cache.glob("sokindex-*"))) == 1  # the stopped build's run
    build_site(content, output)
    assert list(cache.glob("sokindex-*")) == []
