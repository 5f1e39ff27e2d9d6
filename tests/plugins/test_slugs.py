"""slugs: the memo gives Pelican's slugs exactly, and Pelican calls it where the plugin says it does."""

from __future__ import annotations

import inspect
import re

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


def test_the_site_is_the_same_with_the_memo(tmp_path):
    content = copy_site("minimal", tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    post = content / "posts/2018/sommar-i-norrland.md"
    text = post.read_text(encoding="utf-8").replace("Sommar i Norrland", "Höst i ”Norrland” & Lappland")
    # A new title is a new address: the old one stays as an alias (content_checks.addresses).
    text = text.replace("Tags: turism", "Tags: turism, Älvdalen\nAlias: /2018/07/sommar-i-norrland/")
    post.write_text(text, encoding="utf-8")
    warm = digest_tree(build_site(content, output))
    assert "2018/07/host-i-norrland-lappland/index.html" in warm
    assert "taggar/alvdalen/index.html" in warm
    restore_pelicans_slugify()
    plain = digest_tree(build_site(content, tmp_path / "plain", PLUGINS=WITHOUT_MEMO))
    assert_same_output(warm, plain)


@pytest.mark.parametrize("module", slugs.PELICAN_MODULES, ids=lambda module: module.__name__)
def test_pelican_calls_slugify_through_the_names_the_plugin_rebinds(module):
    """The plugin rebinds ``slugify`` in these Pelican modules: if an upgrade stops importing it by name
    there (or calls it another way), the memo silently stops working, or breaks something."""
    source = inspect.getsource(module)
    assert re.search(
        r"^from pelican\.utils import \([^)]*\bslugify\b", source, re.MULTILINE | re.DOTALL
    ) or re.search(r"^from pelican\.utils import [^\n(]*\bslugify\b", source, re.MULTILINE), (
        f"Pelican importerar inte längre slugify vid namn i {module.__name__}; plugins/slugs.py binder om det"
    )
    assert "slugify(" in source, f"{module.__name__} anropar inte längre slugify; se plugins/slugs.py"


def test_a_build_makes_pelican_use_the_memo(tmp_path):
    restore_pelicans_slugify()
    build_site(copy_site("minimal", tmp_path), tmp_path / "output")
    assert all(module.slugify is slugs.slugify for module in slugs.PELICAN_MODULES)
    assert ("turism", tuple(tuple(rule) for rule in RULES), False, False) in slugs.MEMO
