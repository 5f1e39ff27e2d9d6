"""slugs: the memo gives Pelican's slugs exactly, keeps them between builds, and drops a stale file."""

from __future__ import annotations

import pickle

import pelican.contents
import pelican.urlwrappers
import pelican.utils
import pytest
import slugs
from conftest import build_site, copy_site, digest_tree
from markupsafe import Markup
from test_publish import assert_same_output  # the search index's few run-to-run differences

import pelicanconf

RULES = pelicanconf.SLUG_REGEX_SUBSTITUTIONS
TEXTS = [
    "Att mötas för en konkurrenskraftig industri",
    "Att mötas för en konkurrenskraftig&nbsp;industri",  # a typogrified title
    '”Smart” industri &amp; <span class="amp">&amp;</span> robotar',
    "Åtta år på Öland – och sedan då?",
    "  Mellanslag   överallt  ",
    "ÄRLIGT TALAT",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(
    "options",
    [
        {"regex_subs": RULES},
        {"regex_subs": [list(rule) for rule in RULES]},  # rules read from JSON are lists
        {},
        {"regex_subs": RULES, "preserve_case": True},
        {"regex_subs": RULES, "use_unicode": True},
    ],
)
def test_the_memo_gives_pelicans_slug(text, options):
    expected = pelican.utils.slugify(text, **options)
    assert slugs.slugify(text, **options) == expected
    assert slugs.slugify(text, **options) == expected  # the second time from the memo
    assert slugs.slugify(Markup(text), **options) == pelican.utils.slugify(Markup(text), **options)


def test_the_same_text_under_other_rules_is_another_slug():
    assert slugs.slugify("Ärligt Talat", RULES) == "arligt-talat"
    assert slugs.slugify("Ärligt Talat", RULES, preserve_case=True) == "Arligt-Talat"
    assert slugs.slugify("Ärligt Talat", RULES, use_unicode=True) == "ärligt-talat"


def restore_pelicans_slugify() -> None:
    """As in a process where the slugs plugin never ran: Pelican's own function, an empty memo."""
    pelican.contents.slugify = pelican.urlwrappers.slugify = pelican.utils.slugify
    slugs.MEMO.clear()


WITHOUT_MEMO = [plugin for plugin in pelicanconf.PLUGINS if plugin != "slugs"]


def test_the_site_is_the_same_with_slugs_kept_between_builds(tmp_path):
    content = copy_site("minimal", tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    post = content / "posts/2018/sommar-i-norrland.md"
    text = post.read_text(encoding="utf-8").replace("Sommar i Norrland", "Höst i ”Norrland” & Lappland")
    post.write_text(text.replace("Tags: turism", "Tags: turism, Älvdalen"), encoding="utf-8")
    slugs.MEMO.clear()  # a new process: the slugs come from the file
    warm = digest_tree(build_site(content, output))
    assert "2018/07/host-i-norrland-lappland/index.html" in warm
    assert "taggar/alvdalen/index.html" in warm
    restore_pelicans_slugify()
    plain = digest_tree(build_site(content, tmp_path / "plain", PLUGINS=WITHOUT_MEMO))
    assert_same_output(warm, plain)


def test_the_next_build_uses_the_stored_slugs(tmp_path):
    content = copy_site("minimal", tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    stored_file = tmp_path / ".cache-output" / slugs.CACHE_FILE
    stored = pickle.loads(stored_file.read_bytes())
    key = next(key for key in stored["entries"] if key[0] == "turism")
    # A stored slug the function would never make shows that the build took it from the file.
    stored["entries"][key] = "fran-filen"
    stored_file.write_bytes(pickle.dumps(stored))
    slugs.MEMO.clear()
    build_site(content, output)
    assert (output / "taggar/fran-filen/index.html").is_file()
    assert not (output / "taggar/turism").exists()


def test_a_file_from_other_package_versions_is_not_used(tmp_path):
    content = copy_site("minimal", tmp_path)
    stored_file = tmp_path / ".cache-output" / slugs.CACHE_FILE
    stored_file.parent.mkdir(parents=True, exist_ok=True)
    key = ("Sommar i Norrland", tuple(tuple(rule) for rule in RULES), False, False)
    stored_file.write_bytes(pickle.dumps({"stamp": "1 pelican==0.1", "entries": {key: "fran-filen"}}))
    slugs.MEMO.clear()
    output = build_site(content, tmp_path / "output")
    assert (output / "2018/07/sommar-i-norrland/index.html").is_file()
    assert not (output / "2018/07/fran-filen").exists()


def test_a_broken_file_is_ignored(tmp_path):
    content = copy_site("minimal", tmp_path)
    stored_file = tmp_path / ".cache-output" / slugs.CACHE_FILE
    stored_file.parent.mkdir(parents=True)
    stored_file.write_bytes(b"not a pickle")
    slugs.MEMO.clear()
    output = build_site(content, tmp_path / "output")
    assert (output / "2018/07/sommar-i-norrland/index.html").is_file()
    assert pickle.loads(stored_file.read_bytes())["stamp"] == slugs.stamp()  # replaced by a good one
