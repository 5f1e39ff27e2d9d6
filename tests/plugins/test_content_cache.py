"""content_cache: the same site, byte for byte, with or without the cache; the cache is used, and dropped
when what shapes the HTML changes."""

from __future__ import annotations

import logging

import pytest
from conftest import build_result, build_site, copy_site, digest_tree, soup, write_files
from content_cache import MarkdownReader
from markdown import Extension
from markdown.preprocessors import Preprocessor
from test_publish import assert_same_output  # the search index's few run-to-run differences

import pelicanconf
import sitebuild

WITHOUT_CACHE = [plugin for plugin in pelicanconf.PLUGINS if plugin != "content_cache"]
TYPOGRAPHY_POST = """Title: "Smart" industri & robotar i NORRBOTTEN
Date: 2018-03-01 10:00
Author: Anna Berg
Category: Smart industri
Summary: Ett 'kort' inlägg om "robotar" & AB.

Hon sa "det går" och 'ordet' stod i IKEA:s katalog & på NASA:s sida -- sedan...

![Hamnen]({static}/images/2018/hamn.jpg "Hamnen i kvällsljus")
"""


@pytest.fixture
def content(tmp_path):
    return write_files(copy_site("minimal", tmp_path), {"posts/2018/typografi.md": TYPOGRAPHY_POST})


def test_output_is_identical_with_and_without_the_cache(tmp_path, content):
    plain_build = build_site(content, tmp_path / "plain", PLUGINS=WITHOUT_CACHE)
    cold_build = build_result(content, tmp_path / "cached")
    cold = digest_tree(cold_build.output)
    assert cold_build.stats["content_cache"]["misses"] > 0
    warm_build = build_result(content, tmp_path / "cached")
    warm = digest_tree(warm_build.output)
    assert warm_build.stats["content_cache"]["misses"] == 0
    assert_same_output(cold, warm)
    assert_same_output(cold, digest_tree(plain_build))
    post = soup(tmp_path / "cached/2018/03/smart-industri-robotar-i-norrbotten/index.html")
    assert "\u201d" in post.find("main").get_text()  # smarty's Swedish quotes survived the cache


def test_a_second_build_that_changes_nothing_reports_no_conversion(tmp_path, content):
    """The numbers are this build's own: every file from the cache, none converted. Fails on the mutant "context not reset / reused between builds" (sitebuild giving the second build
    the first build's BuildContext): its counters would add up both builds' work."""
    first = build_result(content, tmp_path / "output").stats["content_cache"]
    assert first["hits"] == 0
    assert first["misses"] > 0
    second = build_result(content, tmp_path / "output").stats["content_cache"]
    assert second == {"hits": first["misses"], "misses": 0}


def test_posts_converted_by_worker_processes_give_the_same_site(tmp_path, content):
    plain_build = build_site(content, tmp_path / "plain", PLUGINS=WITHOUT_CACHE)
    parallel = build_result(content, tmp_path / "parallel", CONTENT_CACHE={"parallel_from": 1})
    assert_same_output(digest_tree(parallel.output), digest_tree(plain_build))
    misses = len(list((content / "posts").rglob("*.md"))) + 1  # + the page
    assert parallel.stats["content_cache"]["misses"] == misses


def test_an_edited_post_is_converted_again_and_the_rest_comes_from_the_cache(tmp_path, content):
    output = tmp_path / "output"
    posts = build_result(content, output).stats["content_cache"]["misses"]
    post = content / "posts/2018/typografi.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n\nEtt nytt stycke.\n", encoding="utf-8")
    assert build_result(content, output).stats["content_cache"] == {"hits": posts - 1, "misses": 1}
    assert "Ett nytt" in (output / "2018/03/smart-industri-robotar-i-norrbotten/index.html").read_text(
        encoding="utf-8"
    )


def test_a_post_is_converted_again_when_an_image_it_shows_changes(tmp_path, content):
    output = tmp_path / "output"
    build_site(content, output)
    image = content / "images/2018/hamn.jpg"
    image.write_bytes(image.read_bytes() + b"\0")  # new content, same name
    # typografi.md shows it in its body, the other post in Image:
    assert build_result(content, output).stats["content_cache"]["misses"] == 2


def test_a_changed_setting_that_shapes_the_html_starts_the_cache_afresh(tmp_path, content):
    output = tmp_path / "output"
    build_site(content, output)
    changed = build_result(content, output, TYPOGRIFY_OMIT_FILTERS=["smartypants", "widont"])
    assert changed.stats["content_cache"]["hits"] == 0
    title = soup(output / "2018/03/smart-industri-robotar-i-norrbotten/index.html").find("h1").get_text()
    assert "\xa0" not in title  # widont is off now: no cached title with its no-break space


def test_a_broken_cache_file_is_ignored(tmp_path, content):
    output = tmp_path / "output"
    build_site(content, output)
    (tmp_path / ".cache-output" / "pelicanconf" / "content-cache.pickle").write_bytes(b"not a pickle")
    assert build_result(content, output).stats["content_cache"]["hits"] == 0


class _Complains(Preprocessor):
    def run(self, lines):
        if any("TRASIG" in line for line in lines):
            logging.getLogger("test_extension").warning("trasig rad")
        return lines


class ComplainingExtension(Extension):
    """Logs a warning while converting a file that contains TRASIG, as an extension finding a mistake would."""

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(_Complains(md), "complains", 5)


def test_a_conversion_that_warned_is_not_cached_so_every_build_stops(tmp_path, content):
    write_files(
        content, {"posts/2018/trasig.md": TYPOGRAPHY_POST.replace('"Smart"', '"Trasig"') + "\nTRASIG\n"}
    )
    markdown = {**pelicanconf.MARKDOWN, "extensions": [ComplainingExtension()]}
    for parallel_from in (50, 1, 50):  # in the build's process, in workers, then from the cache
        with pytest.raises(sitebuild.BuildError, match="trasig rad"):
            build_site(
                content,
                tmp_path / "output",
                MARKDOWN=markdown,
                CONTENT_CACHE={"parallel_from": parallel_from},
            )


HEADERS = {
    "all": (
        'Title: "Smart" & robotar\nDate: 2018-03-01 10:00\nModified: 2018-03-02\n',
        {"title", "date", "modified"},
    ),
    "seconds": ("Title: Sekunder\nDate: 2019-07-01 09:15:30\n", {"title", "date"}),
    "no such day": ("Title: Fel dag\nDate: 2018-02-30 10:00\n", {"title"}),
    "part of a date": ("Title: Halvt datum\nDate: 2018-03\n", {"title"}),  # dateutil would add today's day
    "two dates": ("Title: Två datum\nDate: 2018-03-01\nDate: 2018-03-02\n", {"title"}),
    "two titles": ("Title: En\nTitle: Två\nDate: 2018-03-01\n", {"date"}),
}


@pytest.mark.parametrize("name", HEADERS)
def test_finished_header_values_are_what_this_build_would_make_of_them(tmp_path, name):
    header, expected = HEADERS[name]
    content = copy_site("minimal", tmp_path)
    settings = sitebuild.load_settings("pelicanconf.py", {"PATH": str(content), "CACHE_PATH": str(tmp_path)})
    reader = MarkdownReader(sitebuild.make_pelican(settings).settings)
    _html, meta, formatted, finished, _images, _problems = reader.convert(
        header + "Summary: Kort.\n\nBrödtext.\n"
    )
    assert set(finished) == expected
    if name == "no such day":  # as without the cache: Pelican reports the file
        with pytest.raises(ValueError, match="2018-02-30"):
            reader.metadata(meta, formatted, finished)
        return
    cached, fresh = reader.metadata(meta, formatted, finished), reader.metadata(meta, formatted, {})
    assert cached == fresh
    assert [type(value) for value in cached.values()] == [type(value) for value in fresh.values()]


@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
def test_pelican_stamps_files_by_time_and_a_given_method_is_the_one_used(tmp_path, settings_file):
    """Pelican stamps every file on every build, its own content cache on or off; our caches key files by
    content, so the settings leave Pelican's cheap default (a stat call), and a CHECK_MODIFIED_METHOD
    someone sets is the one Pelican uses, never overwritten by a plugin. Fails on the mutants
    "pelicanconf sets sha256 again" (a SHA-256 of every file four times a build, for nothing) and
    "content_cache overwrites the setting" (the old ``cheap_file_stamps``, which made it dead)."""
    overrides = {"PATH": str(copy_site("minimal", tmp_path)), "CACHE_PATH": str(tmp_path / "cache")}
    settings = sitebuild.load_settings(settings_file, overrides)
    assert sitebuild.make_pelican(settings).settings["CHECK_MODIFIED_METHOD"] == "mtime"
    given = sitebuild.load_settings(settings_file, {**overrides, "CHECK_MODIFIED_METHOD": "sha256"})
    assert sitebuild.make_pelican(given).settings["CHECK_MODIFIED_METHOD"] == "sha256"


def test_a_file_another_reader_reads_without_typogrify_stops_the_build(tmp_path):
    """content_cache turns Pelican's TYPOGRIFY off and typogrifies Markdown itself: a page that Pelican's
    HTML reader reads would be published without typogrify, so the build says so and stops."""
    content = write_files(
        copy_site("minimal", tmp_path),
        {
            "pages/gammal.htm": "<html><head><title>Gammal sida</title></head><body><p>A &amp; B</p></body></html>"
        },
    )
    with pytest.raises(sitebuild.BuildError, match=r"gammal\.htm lästes utan typogrify"):
        build_site(content, tmp_path / "output", READERS={"html": None})
    build_site(content, tmp_path / "output")  # pelicanconf's READERS leave .htm files alone
