"""A warm rebuild (slugs, HTML, dates and comments remembered from earlier builds) is the same site, byte for
byte, as a build that remembers nothing, after each kind of edit an editor makes; and a broken edit stops
both with the same problems.

The build that remembers nothing runs in a fresh process with an empty CACHE_PATH and without the slugs
plugin. It keeps the content_cache plugin, which also moves typogrify into the reader (and so changes
what other plugins see of the TYPOGRIFY setting): only what it remembers is under test here. The warm
rebuild runs twice: in this process, which remembers the earlier build (as ``make livereload`` does),
and as a new process would, with only the cache files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import archived_comments
import pytest
import slugs
from conftest import ROOT, build_site, copy_site, digest_tree, write_files
from content_checks import ContentError
from test_publish import assert_same_output  # the search index's few run-to-run differences

import pelicanconf

WITHOUT_MEMO = [plugin for plugin in pelicanconf.PLUGINS if plugin != "slugs"]


def new_process() -> None:
    """Forget what this process remembers, as the next build's fresh process would."""
    slugs.MEMO.clear()
    archived_comments._parsed.cache_clear()


def build_remembering_nothing(content: Path, output: Path) -> str:
    """Build in a fresh process; return what stopped it ("" if nothing did)."""
    settings = {"PATH": str(content), "OUTPUT_PATH": str(output), "PLUGINS": WITHOUT_MEMO,
                "CACHE_PATH": str(output.parent / f".cache-{output.name}")}  # fmt: skip
    assert not Path(settings["CACHE_PATH"]).exists()
    code = (
        "import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/plugins']; import sitebuild\n"
        "from content_checks import ContentError\n"
        "try: sitebuild.build('pelicanconf.py', json.loads(sys.argv[2]))\n"
        "except ContentError as error: print(error)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), json.dumps(settings)],
        check=True, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    return run.stdout[run.stdout.find("Bygget stoppades") :] if "Bygget stoppades" in run.stdout else ""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


POST = "posts/2018/med-kommentarer.md"
COMMENTS = "comments/ett-inlagg-med-kommentarer.toml"
NEW_COMMENT = '\n[[comment]]\nname = "Ny"\ndate = 2018-03-01T08:00:00\nbody = "Ännu en ”kommentar” & mer."\n'
EDITS: dict[str, Callable[[Path], None]] = {
    "post body": lambda c: edit(c / POST, "Inläggets brödtext.", 'Inläggets "nya" brödtext -- nu.'),
    "post date and tags": lambda c: (
        edit(c / POST, "Date: 2018-02-15 10:00", "Date: 2019-03-04 11:30"),
        edit(c / POST, "Tags: industri", "Tags: industri, Älvdalens ”hamn”"),
    ),
    "post title (and so its comments file)": lambda c: (
        edit(c / POST, "Title: Ett inlägg med kommentarer", "Title: Ett inlägg & dess kommentarer"),
        (c / COMMENTS).rename(c / "comments/ett-inlagg-dess-kommentarer.toml"),
    ),
    "comments file": lambda c: write_files(
        c, {COMMENTS: (c / COMMENTS).read_text(encoding="utf-8") + NEW_COMMENT}
    ),
    "author file": lambda c: edit(
        c / "authors/anna-berg.md", "Role: Analytiker", "Role: Utredare & analytiker"
    ),
}


@pytest.mark.parametrize("name", EDITS)
def test_a_warm_rebuild_after_an_edit_is_the_site_built_from_scratch(tmp_path, name):
    content = copy_site("comments", tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    EDITS[name](content)
    assert build_remembering_nothing(content, tmp_path / "plain") == ""
    plain = digest_tree(tmp_path / "plain")
    assert_same_output(digest_tree(build_site(content, output)), plain)
    new_process()
    assert_same_output(digest_tree(build_site(content, output)), plain)


def test_a_broken_edit_stops_a_warm_rebuild_with_the_same_problems(tmp_path):
    content = copy_site("comments", tmp_path)
    build_site(content, tmp_path / "output")
    edit(content / POST, "Date: 2018-02-15 10:00", "Date: 2018-02-30 10:00")
    write_files(content, {COMMENTS: '[[comment]]\nname = "Ny\ndate = 2018-03-01T08:00:00\n'})
    plain = build_remembering_nothing(content, tmp_path / "plain")
    for _process in ("this one", "a new one"):
        with pytest.raises(ContentError) as warm:
            build_site(content, tmp_path / "output")
        assert str(warm.value) == plain.rstrip("\n")
        assert len(warm.value.problems) == 2
        new_process()
