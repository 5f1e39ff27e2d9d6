"""stylesheet: component files inlined into the one published stylesheet."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, SITES, build_site
from stylesheet import StylesheetError, bundle, without_comments

import sitebuild


def test_imports_are_inlined_in_the_components_layer_by_default(tmp_path):
    (tmp_path / "figure.css").write_text(".bk-figure { margin: 0; }\n")
    (tmp_path / "search.css").write_text(".bk-search { color: red; }\n")
    entry = '@layer base, components;\n@import url("figure.css");\n@import "search.css" layer(base);\n.x{}\n'
    assert bundle(entry, tmp_path) == (
        "@layer base, components;\n"
        "@layer components {\n/* figure.css */\n.bk-figure { margin: 0; }\n}\n"
        "@layer base {\n/* search.css */\n.bk-search { color: red; }\n}\n"
        ".x{}\n"
    )


def test_prose_mentioning_import_is_left_alone(tmp_path):
    text = "/* one request beats an @import waterfall; really */\n"
    assert bundle(text, tmp_path) == text


@pytest.mark.parametrize(
    ("entry", "files", "message"),
    [
        ('@import url("saknas.css");', {}, "finns inte"),
        ('@import url("https://example.org/x.css");', {}, "bara filer"),
        ('@import url("a.css");', {"a.css": '@import "b.css";'}, "kan inte själv"),
    ],
)
def test_imports_it_cannot_follow_are_errors(tmp_path, entry, files, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(StylesheetError, match=message):
        bundle(entry, tmp_path)


def copy_theme(tmp_path, component: str | None) -> str:
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    css = theme / "static/css"
    main = (css / "main.css").read_text(encoding="utf-8")
    layers = main.index("@layer tokens")
    end = main.index(";", layers) + 1
    (css / "main.css").write_text(main[:end] + '\n@import url("extra.css");' + main[end:], encoding="utf-8")
    if component is not None:
        (css / "extra.css").write_text(component, encoding="utf-8")
    return str(theme)


def test_site_gets_one_stylesheet_with_the_component_inside(tmp_path):
    theme = copy_theme(tmp_path, ".bk-extra { color: green; }\n")
    output = build_site(SITES / "minimal" / "content", tmp_path / "output", THEME=theme)
    published = (output / "theme/css/main.css").read_text(encoding="utf-8")
    assert "@import url" not in published
    assert "@layer components {\n.bk-extra { color: green; }\n}" in published
    assert "/*" not in published  # comments are for the theme's maintainers, not for readers' bytes


def test_comments_are_left_out_and_strings_kept_as_they_are():
    css = "/* intro */\n.a { content: \"/* not a comment */\"; } /* why */\n\n  /* long\n  story */\n.b { content: '\\'/*'; }\n"
    assert without_comments(css) == ".a { content: \"/* not a comment */\"; } \n.b { content: '\\'/*'; }\n"


def test_missing_component_file_stops_the_build(tmp_path):
    theme = copy_theme(tmp_path, None)
    with pytest.raises(sitebuild.BuildError, match=r"extra\.css"):
        build_site(SITES / "minimal" / "content", tmp_path / "output", THEME=theme)
