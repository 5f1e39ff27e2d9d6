"""template_cache: a template compiled once per process, and a cached one never different from a fresh
compile (plugins/template_cache.py)."""

from __future__ import annotations

import shutil

import template_cache
from conftest import ROOT, SITES, build_result, digest_tree
from jinja2 import Environment, pass_context

from pelicanconf import PLUGINS


def test_a_second_build_compiles_no_template_and_writes_the_bytes_of_a_build_without_the_cache(tmp_path):
    """Fails if the cache were not used (the second build compiles again) or changed what is written:
    both builds equal, byte for byte, a build without the plugin."""
    template_cache._COMPILED.clear()  # as in a new process
    first = build_result(SITES / "minimal/content", tmp_path / "first")
    second = build_result(SITES / "minimal/content", tmp_path / "second")
    without = build_result(
        SITES / "minimal/content",
        tmp_path / "without",
        PLUGINS=[plugin for plugin in PLUGINS if plugin != "template_cache"],
    )
    assert first.stats["template_cache"]["compiled"] >= 10
    assert second.stats["template_cache"] == {
        "compiled": 0,
        "reused": sum(first.stats["template_cache"].values()),
    }
    assert "template_cache" not in without.stats
    assert digest_tree(first.output) == digest_tree(second.output) == digest_tree(without.output)


def test_an_edited_template_is_compiled_again(tmp_path):
    """A template edited between two builds of one process: the second build shows the edit, and only
    that template is compiled again. Fails if the cache took a template by its name alone (the mutant
    tried: ``bucket.code = marshal.loads(data[...])`` in load_bytecode, skipping Jinja's checksum)."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    content = SITES / "minimal/content"
    build_result(content, tmp_path / "before", THEME=str(theme))
    page = theme / "templates" / "page.html"
    text = page.read_text(encoding="utf-8")
    assert "{% block content %}" in text
    page.write_text(text.replace("{% block content %}", "{% block content %}<p>Ändrad mall</p>", 1), "utf-8")
    after = build_result(content, tmp_path / "after", THEME=str(theme))
    assert after.stats["template_cache"]["compiled"] == 1
    pages = [
        path for path in after.output.rglob("*.html") if "Ändrad mall" in path.read_text(encoding="utf-8")
    ]
    assert pages, "the edited page template was not used"


def key(**options) -> str | None:
    return template_cache.environment_key(Environment(**options))


def test_the_key_holds_everything_compiling_reads_besides_the_source():
    """Two environments get one key only when they compile a source alike. Fails if any of these is
    left out of ``environment_key`` (the mutant tried: the filters' pass_arg left out)."""
    base = key(autoescape=True, trim_blocks=True)
    assert base == key(autoescape=True, trim_blocks=True)
    assert base != key(autoescape=False, trim_blocks=True)
    assert base != key(autoescape=True)
    assert base != key(autoescape=True, trim_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    plain, with_context = (
        Environment(autoescape=True, trim_blocks=True),
        Environment(autoescape=True, trim_blocks=True),
    )
    plain.filters["x"] = lambda value: value
    with_context.filters["x"] = pass_context(lambda context, value: value)
    assert (
        len({base, template_cache.environment_key(plain), template_cache.environment_key(with_context)}) == 3
    )
    # Autoescaping chosen by a function while compiling: not cached at all.
    assert key(autoescape=lambda name: True) is None
