"""render_cache: after any edit, a rebuild that reuses pages gives the same site, byte for byte, as a build
from scratch; it really does reuse them; and only the post and page templates show a body."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import ROOT, build_result, build_site, copy_site, digest_tree, give_up_addresses, write_files
from content_checks import ContentError
from jinja2 import Environment, FileSystemLoader, nodes
from PIL import Image
from render_cache import CACHE_FILE, header
from test_publish import assert_same_output  # the search index's few run-to-run differences

import sitebuild

POST = "posts/2016/besoksnaringen-vaxer-nar-fler-hittar-till-fjallen.md"
POST_PAGE = "2016/10/besoksnaringen-vaxer-nar-fler-hittar-till-fjallen/index.html"
NEW_POST = """Title: Ett nytt inlägg om hamnar
Date: 2021-11-02 10:00
Author: Johan Lindqvist
Category: Internationalisering
Tags: hamnar, export
Summary: Ett inlägg som tillkom efter förra bygget.

Hamnarna är viktiga för exporten.
"""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def new_image(path: Path, size: tuple[int, int]) -> None:
    Image.new("RGB", size, (40, 90, 160)).save(path, "JPEG", quality=80)


@pytest.fixture(scope="module")
def image_cache(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One image-derivative cache for every build here: it is keyed by each image's content (and tested
    in test_figures_images.py), and making the derivatives again would be most of each build's time."""
    return {"FIGURES": {"cache_path": str(tmp_path_factory.mktemp("images"))}}


@pytest.fixture
def site(tmp_path: Path, image_cache: dict) -> tuple[Path, Path, dict]:
    """A writable copy of the sample content and of the theme, and the settings that build them."""
    content, theme = tmp_path / "content", tmp_path / "theme"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "theme", theme)
    return content, theme, {"THEME": str(theme), **image_cache}


class Counts(NamedTuple):
    """What the render cache did in one build (its ``stats["render_cache"]``)."""

    reused: int
    rendered: int


def rebuilt_and_scratch(tmp_path: Path, site: tuple, change: Callable[[], dict | None], **settings):
    """Build, apply ``change`` (it may return changed settings), rebuild into the same output; then build
    the same content from scratch (no output, no render or content cache). Returns (rebuilt tree, scratch
    tree, the rebuild's render_cache counts)."""
    content, _, common = site
    output = tmp_path / "output"
    build_site(content, output, **common, **settings)
    settings = {**common, **settings, **(change() or {})}
    rebuild = build_result(content, output, **settings)
    settings.pop("CACHE_PATH", None)
    scratch = build_result(content, tmp_path / "scratch", **settings)
    assert scratch.stats["render_cache"]["reused"] == 0
    return digest_tree(rebuild.output), digest_tree(scratch.output), Counts(**rebuild.stats["render_cache"])


def delete_for_good(content: Path) -> None:
    """A post deleted, and its address given up (the editors' guide: its line in the list goes too)."""
    (content / POST).unlink()
    give_up_addresses(content, "/2016/10/besoksnaringen-vaxer-nar-fler-hittar-till-fjallen/")


EDITS: dict[str, Callable[[Path, Path], dict | None]] = {
    # A new title is a new address; the old one stays as an alias (content_checks.addresses).
    "title": lambda content, theme: edit(
        content / POST,
        "Title: Besöksnäringen växer",
        "Alias: /2016/10/besoksnaringen-vaxer-nar-fler-hittar-till-fjallen/\nTitle: Turismen växer",
    ),
    "summary": lambda content, theme: edit(content / POST, "Summary: Sommaren blev", "Summary: Våren blev"),
    "tags": lambda content, theme: edit(content / POST, "Tags: besöksnäring,", "Tags: turism,"),
    "author bio": lambda content, theme: append(content / "authors/sara-bjorkman.md", "\nHon skriver även om fjällen.\n"),
    "comments file": lambda content, theme: edit(
        content / "comments/unga-entreprenorer-tar-plats-i-norrbotten.toml", 'name = "', 'name = "Ändrat '
    ),
    "page without summary, body": lambda content, theme: append(content / "pages/om-bloggen.md", "\nEtt nytt stycke.\n"),
    "template": lambda content, theme: edit(theme / "templates/partials/post_card.html", "<h", '<p hidden>ny</p>\n<h'),
    "setting": lambda content, theme: {"SITESUBTITLE": "Ny underrubrik", "DEFAULT_PAGINATION": 3},
    "image in metadata": lambda content, theme: new_image(content / "images/2016/fjallvandring.jpg", (300, 500)),
    "image in body": lambda content, theme: new_image(content / "images/2016/fjallstuga.jpg", (500, 300)),
    "post added": lambda content, theme: write_files(content, {"posts/2021/hamnar.md": NEW_POST}) and None,
    # Deleted for good: its line in the list of published addresses goes too (the editors' guide).
    "post deleted": lambda content, theme: delete_for_good(content),
}  # fmt: skip


@pytest.mark.parametrize("name", EDITS)
def test_a_rebuild_after_an_edit_is_the_site_built_from_scratch(tmp_path, site, name):
    content, theme, _ = site
    rebuilt, scratch, cache = rebuilt_and_scratch(tmp_path, site, lambda: EDITS[name](content, theme))
    assert_same_output(rebuilt, scratch)
    assert cache.reused == 0  # anything but a body is shown on many pages: all of them are rendered again


def test_a_body_edit_renders_only_that_post_again(tmp_path, site):
    content, _, _ = site
    rebuilt, scratch, cache = rebuilt_and_scratch(
        tmp_path, site, lambda: append(content / POST, "\nEtt stycke som lades till.\n")
    )
    assert_same_output(rebuilt, scratch)
    assert "Ett stycke som lades" in rebuilt[POST_PAGE].decode()
    assert cache.rendered == 1
    assert cache.reused > 50  # every other post, page and listing of the sample site


def test_a_body_edit_of_a_post_without_summary_renders_the_listings_again(tmp_path, site):
    """Pelican then cuts the summary out of the body, and every listing of the post shows it."""
    content, _, _ = site
    text = (content / POST).read_text(encoding="utf-8")
    (content / POST).write_text(re.sub(r"(?m)^Summary: .*\n", "", text), encoding="utf-8")
    rebuilt, scratch, cache = rebuilt_and_scratch(
        tmp_path, site, lambda: edit(content / POST, "Det har varit", "Det har onekligen varit")
    )
    assert_same_output(rebuilt, scratch)
    assert "onekligen" in rebuilt["index.html"].decode()
    assert cache.reused == 0


def test_a_second_build_that_changes_nothing_reports_no_rendering(tmp_path):
    """The numbers are this build's own: every page from the published site, none rendered.
    Fails on the mutant "context not reset / reused between builds" (sitebuild giving the second build
    the first build's BuildContext): its counters would add up both builds' work."""
    content, output = copy_site("minimal", tmp_path), tmp_path / "output"
    first = build_result(content, output).stats["render_cache"]
    assert first["reused"] == 0
    assert first["rendered"] > 0
    assert build_result(content, output).stats["render_cache"] == {"reused": first["rendered"], "rendered": 0}


def test_a_checkout_that_gives_every_file_a_new_time_renders_and_converts_nothing(tmp_path):
    """A CI checkout stamps every file with its own time: the caches count files by content, so nothing
    is made again (no step restores the times). Fails on the mutant "render_cache counts images by size
    and time" (``st_mtime_ns`` in ``site_digest`` for images), and on one keying content_cache by time."""
    content, output = copy_site("minimal", tmp_path), tmp_path / "output"
    build_result(content, output)
    later = time.time_ns() + 3_600 * 10**9
    for path in content.rglob("*"):
        os.utime(path, ns=(later, later))
    again = build_result(content, output)
    assert again.stats["render_cache"]["rendered"] == 0
    assert again.stats["content_cache"]["misses"] == 0


def test_an_unchanged_site_renders_nothing(tmp_path, site):
    rebuilt, scratch, cache = rebuilt_and_scratch(tmp_path, site, lambda: None)
    assert_same_output(rebuilt, scratch)
    assert cache.rendered == 0


def test_a_changed_published_page_is_rendered_again(tmp_path, site):
    def tamper():
        page = tmp_path / "output" / POST_PAGE
        page.write_bytes(page.read_bytes().replace(b"</main>", b"<p>handredigerat</p></main>"))

    rebuilt, scratch, cache = rebuilt_and_scratch(tmp_path, site, tamper)
    assert_same_output(rebuilt, scratch)
    assert cache.rendered == 1


def test_keys_of_a_build_that_was_never_published_serve_no_stale_page(tmp_path, site):
    """A build into another folder (as a build that failed after Pelican finished) records keys for
    files the published site does not have: the recorded SHA-256 catches it."""
    content, _, common = site
    cache_path = str(tmp_path / "shared-cache")

    def unpublished_edit():
        append(content / POST, "\nEtt stycke som aldrig publicerades.\n")
        build_site(content, tmp_path / "elsewhere", **common, CACHE_PATH=cache_path)

    rebuilt, scratch, cache = rebuilt_and_scratch(tmp_path, site, unpublished_edit, CACHE_PATH=cache_path)
    assert_same_output(rebuilt, scratch)
    assert cache.rendered == 1


def test_a_page_whose_template_first_uses_an_image_is_always_rendered(tmp_path, site):
    """Its derivatives are written only because the template asked for them while rendering. (Not a
    constant reference: Jinja would call the filter once, when it compiles the template.)"""
    _, theme, _ = site
    photo = '(page.slug and "{static}/images/2019/kaffekopp.jpg")|responsive_image("", "10rem", widths=[90])'
    body = "{{ page.content|hyphenate_text }}"
    edit(theme / "templates/page.html", body, body + "\n{{ " + photo + " }}")
    rebuilt, scratch, cache = rebuilt_and_scratch(tmp_path, site, lambda: None)
    assert_same_output(rebuilt, scratch)
    assert any("90w" in data.decode(errors="replace") for data in rebuilt.values())
    assert cache.rendered == 1  # the first page to use it; the other pages find the image already asked for


def test_an_attach_link_stops_the_build(tmp_path, site):
    """A tripwire: rendering a body with Pelican's {attach} would move the file next to the post, a side
    effect the render cache guards against (render_cache.ATTACH) but cannot test, because {attach} does
    not work here: the figures plugin asks every static file for its address first, so Pelican falls back
    to a plain link with a warning, which stops the build. If {attach} starts working, test the guard."""
    content, _, common = site
    # (An image: content/images/ publishes nothing else, content_checks.images.)
    image = next((content / "images/2016").glob("*.jpg"))
    write_files(content, {"images/2016/rapport.jpg": image.read_bytes()})
    append(content / POST, "\nLäs [rapporten]({attach}/images/2016/rapport.jpg).\n")
    with pytest.raises(
        ContentError, match=r"länken \{attach\} till images/2016/rapport\.jpg kan inte användas"
    ):
        build_site(content, tmp_path / "output", **common)


def test_without_a_published_folder_pelican_renders_everything(tmp_path, site):
    content, _, common = site
    paths = {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp_path / "out"),
        "CACHE_PATH": str(tmp_path / "cache"),
    }
    settings = sitebuild.load_settings("pelicanconf.py", {**common, **paths})
    sitebuild.make_pelican(settings).run()
    assert (tmp_path / "out" / POST_PAGE).is_file()
    assert list((tmp_path / "cache").rglob(CACHE_FILE)) == []
    assert list((tmp_path / "cache").rglob("content-cache.pickle")) != []  # the caches were on


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"Title: A\nDate: 2020-01-01\n\nBody\n\nMore\n", b"Title: A\nDate: 2020-01-01\n"),
        (b"Title: A\r\n   \r\nBody", b"Title: A\r\n"),  # a line of spaces ends the header too
        (b"Title: A\nBody without a blank line", b"Title: A\nBody without a blank line"),
        (b"\nBody", b""),
    ],
)
def test_header_is_everything_before_the_first_blank_line(text, expected):
    assert header(text) == expected


def body_uses(template_folder: Path) -> set[tuple[str, str]]:
    """(template, variable) for every ``x.content`` / ``x._content`` / ``x.get_content`` in the theme."""
    environment = Environment(loader=FileSystemLoader(template_folder))
    found = set()
    for name in environment.list_templates():
        tree = environment.parse(environment.loader.get_source(environment, name)[0])
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            attribute = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if attribute in {"content", "_content", "get_content"}:
                owner = node.node.name if isinstance(node.node, nodes.Name) else repr(node.node)
                found.add((name, owner))
    return found


def test_only_the_post_and_page_templates_show_a_body():
    """The render cache keys a page on the bodies of the post or page it is written for, and on no other
    body: a listing, card or feed-like template that showed bodies would go stale after a body edit.
    (search_record.html is no page: plugins/search_index renders it for Pagefind on every build.)"""
    assert body_uses(ROOT / "theme/templates") == {
        ("article.html", "article"),
        ("page.html", "page"),
        ("search_record.html", "article"),
    }


def test_the_body_check_sees_a_body_in_a_listing(tmp_path):
    write_files(
        tmp_path, {"index.html": "{% for a in articles %}{{ a.content }}{{ a['_content'] }}{% endfor %}"}
    )
    assert body_uses(tmp_path) == {("index.html", "a")}
