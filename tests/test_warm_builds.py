"""A warm rebuild (slugs, HTML, dates and comments remembered from earlier builds) is the same site, byte for
byte, as a build that remembers nothing, after each kind of edit an editor makes; and a broken edit stops
both with the same problems.

The build that remembers nothing runs in a fresh process with an empty CACHE_PATH and without the slugs
plugin. It keeps the content_cache plugin, which also moves typogrify into the reader (and so changes
what other plugins see of the TYPOGRIFY setting): only what it remembers is under test here. The warm
rebuild runs twice: in this process, which remembers the earlier build (as ``make livereload`` does),
and in a new process, with only the cache files.

Besides the editors' edits: a site with a reference-style image and a settings file of its own, after
an image replaced at the same size and time and a change of a setting of each kind (text, Path,
datetime, function); and a plugin edited while a livereload process runs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, build_site, copy_site, digest_tree, python_command, write_files
from content_checks import ContentError
from PIL import Image
from test_publish import assert_same_output  # every file byte for byte, the search index too

import pelicanconf
import tasks

WITHOUT_MEMO = [plugin for plugin in pelicanconf.PLUGINS if plugin != "slugs"]


def build_in_new_process(content: Path, output: Path, settings_file: str = "pelicanconf.py") -> None:
    """The next build of a fresh process (the project's plugins, the caches on disk and nothing else
    remembered): it must publish, so ``output`` is another folder afterwards (sitebuild's swap). A real
    process, not a list of memos to clear: a memo added to a plugin later cannot slip through."""
    before = output.stat().st_ino
    cache = output.parent / f".cache-{output.name}"
    stopped = build_remembering_nothing(
        content, output, settings_file, cache=cache, PLUGINS=pelicanconf.PLUGINS
    )
    assert stopped == ""
    assert output.stat().st_ino != before, "the new process published nothing"


def build_remembering_nothing(
    content: Path, output: Path, settings_file: str = "pelicanconf.py", cache: Path | None = None, **overrides
) -> str:
    """Build in a fresh process; return what stopped it ("" if nothing did). Without ``cache`` it starts
    from an empty cache and without the slugs plugin; with one, it is the next build of a new process."""
    settings = {"PATH": str(content), "OUTPUT_PATH": str(output), "PLUGINS": WITHOUT_MEMO,
                "CACHE_PATH": str(output.parent / f".cache-{output.name}"), **overrides}  # fmt: skip
    if cache is None:
        assert not Path(settings["CACHE_PATH"]).exists()
    else:
        settings["CACHE_PATH"] = str(cache)
    code = (
        "import json, sitebuild\n"
        "from content_checks import ContentError\n"
        "try: sitebuild.build(sys.argv[3], json.loads(sys.argv[2]))\n"
        "except ContentError as error: print(error)"
    )
    run = subprocess.run(
        python_command(code, json.dumps(settings), settings_file), check=True, cwd=ROOT, capture_output=True,
        text=True,
    )  # fmt: skip
    return run.stdout[run.stdout.find("Bygget stoppades") :] if "Bygget stoppades" in run.stdout else ""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


POST = "posts/2018/med-kommentarer.md"
COMMENTS = "comments/ett-inlagg-med-kommentarer.toml"
OLD_ADDRESS = "Alias: /2018/02/ett-inlagg-med-kommentarer/"
NEW_COMMENT = '\n[[comment]]\nname = "Ny"\ndate = 2018-03-01T08:00:00\nbody = "Ännu en ”kommentar” & mer."\n'
EDITS: dict[str, Callable[[Path], None]] = {
    "post body": lambda c: edit(c / POST, "Inläggets brödtext.", 'Inläggets "nya" brödtext -- nu.'),
    # A new date or title gives the post a new address: the old one stays, as an alias (the build
    # says so, content_checks.addresses).
    "post date and tags": lambda c: (
        edit(c / POST, "Date: 2018-02-15 10:00", f"Date: 2019-03-04 11:30\n{OLD_ADDRESS}"),
        edit(c / POST, "Tags: industri", "Tags: industri, Älvdalens ”hamn”"),
    ),
    "post title (and so its comments file)": lambda c: (
        edit(
            c / POST,
            "Title: Ett inlägg med kommentarer",
            f"Title: Ett inlägg & dess kommentarer\n{OLD_ADDRESS}",
        ),
        (c / COMMENTS).rename(c / "comments/ett-inlagg-dess-kommentarer.toml"),
    ),
    "comments file": lambda c: write_files(
        c, {COMMENTS: (c / COMMENTS).read_text(encoding="utf-8") + NEW_COMMENT}
    ),
    "author file": lambda c: edit(
        c / "authors/anna-berg.md", "Role: Analytiker", "Role: Utredare & analytiker"
    ),
}


# A settings file with a setting of each kind the caches' stamp must compare by value: text, a Path
# (a folder of template overrides), a datetime (a Jinja global) and a function (a Jinja filter), each
# shown on every post page through an override of a partial. The first three come from the environment
# (as publishconf's SITEURL does), so that only their value changes, not the file's bytes.
SETTINGS_FILE = """import os
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, {root!r})
from pelicanconf import *  # noqa

SITESUBTITLE = os.environ["SOND_UNDERTITEL"]
THEME_TEMPLATES_OVERRIDES = [Path(__file__).parent / os.environ["SOND_MALLAR"]]
JINJA_GLOBALS = {{"byggdatum": datetime.fromisoformat(os.environ["SOND_DATUM"])}}


def sond(text):
    return text.upper()


JINJA_FILTERS = {{"sond": sond}}
"""
SETTINGS_ENVIRONMENT = {"SOND_UNDERTITEL": "Undertitel ett", "SOND_MALLAR": "mallar-ett",
                        "SOND_DATUM": "2020-01-01T08:00:00"}  # fmt: skip
OVERRIDDEN = "partials/top_image.html"  # included by every post page (no post here has a top image)
OVERRIDE = "<p class=sond>{{ SITENAME|sond }} {{ byggdatum.isoformat() }} %s</p>\n"
REFERENCE_POST = """Title: Bilder med referenser
Date: 2018-04-01 10:00
Author: Anna Berg
Category: Regional utveckling
Summary: En sammanfattning med en bild: ![Hamnen][hamn]

![Hamnen i kvällsljus][hamn]

Och ![en bild till][hamn] mitt i en mening.

[hamn]: {static}/images/referens.jpg "Kvällen vid bryggan. Foto: Tillväxtverket"
"""


def jpeg(color: str, size: int = 0) -> bytes:
    """A small JPEG of one colour, padded with zeros after its end to ``size`` bytes (decoders stop at
    the end marker): two images of one size with different pixels."""
    stream = io.BytesIO()
    Image.new("RGB", (640, 400), color).save(stream, "JPEG", quality=90)
    data = stream.getvalue()
    assert len(data) <= size or not size
    return data + b"\0" * (size - len(data)) if size else data


def replace_at_same_size_and_time(path: Path, data: bytes) -> None:
    """As ``cp -p``, ``rsync -t`` or ``tar`` replace a file: other bytes, same size, same mtime."""
    found = path.stat()
    assert len(data) == found.st_size
    path.write_bytes(data)
    os.utime(path, ns=(found.st_atime_ns, found.st_mtime_ns))


SETTINGS_EDITS: dict[str, Callable[[Path, pytest.MonkeyPatch], None]] = {
    "image replaced at the same size and time": lambda c, env: replace_at_same_size_and_time(
        c / "images/referens.jpg", jpeg("darkred", (c / "images/referens.jpg").stat().st_size)
    ),
    "setting: text": lambda c, env: env.setenv("SOND_UNDERTITEL", "Undertitel två"),
    "setting: Path": lambda c, env: env.setenv("SOND_MALLAR", "mallar-två"),
    "setting: datetime": lambda c, env: env.setenv("SOND_DATUM", "2020-01-01T08:01:00"),
    "setting: function": lambda c, env: edit(c.parent / "webbplatsconf.py", "text.upper()", "text.lower()"),
    "nothing": lambda c, env: None,
}


def site_with_settings_file(tmp_path: Path) -> tuple[Path, str]:
    """The comments site plus a reference-style image, built with a settings file of its own."""
    content = copy_site("comments", tmp_path)
    write_files(
        content, {"posts/2018/referenser.md": REFERENCE_POST, "images/referens.jpg": jpeg("navy", 20_000)}
    )
    for folder, word in (("mallar-ett", "ett"), ("mallar-två", "två")):
        write_files(tmp_path / folder, {OVERRIDDEN: OVERRIDE % word})
    settings_file = tmp_path / "webbplatsconf.py"
    settings_file.write_text(SETTINGS_FILE.format(root=str(ROOT)), encoding="utf-8")
    return content, str(settings_file)


@pytest.mark.parametrize("name", EDITS)
def test_a_warm_rebuild_after_an_edit_is_the_site_built_from_scratch(tmp_path, name):
    content = copy_site("comments", tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    EDITS[name](content)
    assert build_remembering_nothing(content, tmp_path / "plain") == ""
    plain = digest_tree(tmp_path / "plain")
    assert_same_output(digest_tree(build_site(content, output)), plain)
    build_in_new_process(content, output)
    assert_same_output(digest_tree(output), plain)


@pytest.mark.parametrize("name", SETTINGS_EDITS)
def test_a_warm_rebuild_after_an_image_or_settings_edit_is_the_site_built_from_scratch(
    tmp_path, monkeypatch, name
):
    for variable, value in SETTINGS_ENVIRONMENT.items():
        monkeypatch.setenv(variable, value)
    content, settings_file = site_with_settings_file(tmp_path)
    output = tmp_path / "output"
    build_site(content, output, settings_file)
    assert "sond" in (output / "2018/04/bilder-med-referenser/index.html").read_text(encoding="utf-8")
    SETTINGS_EDITS[name](content, monkeypatch)
    assert build_remembering_nothing(content, tmp_path / "plain", settings_file) == ""
    plain = digest_tree(tmp_path / "plain")
    assert [name for name in plain if "referens-" in name], "the reference-style image has derivatives"
    assert_same_output(digest_tree(build_site(content, output, settings_file)), plain)
    build_in_new_process(content, output, settings_file)
    assert_same_output(digest_tree(output), plain)


PROBE_PLUGIN = """from pelican import signals


def subtitle(pelican):
    pelican.settings["SITESUBTITLE"] = "Sond %s"


def register():
    signals.initialized.connect(subtitle)
"""


def test_a_plugin_edited_under_livereload_restarts_it_and_the_next_build_is_a_clean_one(tmp_path):
    """livereload's process keeps the plugin code it imported: a build there after an edit would be
    the old code's output, stamped for the new code. It restarts instead, and the restarted process's
    build (warm caches, new code) is the site built from scratch."""
    content = copy_site("comments", tmp_path)
    plugins = write_files(tmp_path / "plugins", {"sondplugin.py": PROBE_PLUGIN % "ett"})
    output, cache = tmp_path / "output", tmp_path / ".cache-output"
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(cache),
                 "PLUGIN_PATHS": [str(ROOT / "plugins"), str(plugins)], "PLUGINS": [*WITHOUT_MEMO, "sondplugin"]}  # fmt: skip
    restarts = []
    try:
        tasks.rebuild("pelicanconf.py", overrides, restart=lambda: restarts.append("omstart"))
        assert "Sond ett" in (output / "index.html").read_text(encoding="utf-8")
        edit(plugins / "sondplugin.py", "Sond ett", "Sond två")
        before = digest_tree(output)
        tasks.rebuild("pelicanconf.py", overrides, restart=lambda: restarts.append("omstart"))
        assert restarts == ["omstart"]
        assert digest_tree(output) == before  # nothing built with the old code
    finally:
        sys.modules.pop("sondplugin", None)
    # What the restarted process does first: build, with the caches as they are.
    assert build_remembering_nothing(content, output, cache=cache, PLUGIN_PATHS=overrides["PLUGIN_PATHS"],
                                     PLUGINS=overrides["PLUGINS"]) == ""  # fmt: skip
    assert build_remembering_nothing(content, tmp_path / "plain", PLUGIN_PATHS=overrides["PLUGIN_PATHS"],
                                     PLUGINS=overrides["PLUGINS"]) == ""  # fmt: skip
    plain = digest_tree(tmp_path / "plain")
    assert "Sond två" in (tmp_path / "plain/index.html").read_text(encoding="utf-8")
    assert_same_output(digest_tree(output), plain)


def test_restart_process_runs_the_same_command_again(tmp_path):
    code = (
        "import os, sys; sys.path[:0] = [sys.argv[1]]; import tasks\n"
        "if os.environ.get('OMSTARTAD'): print('omstartad', sys.argv[2]); sys.exit(0)\n"
        "os.environ['OMSTARTAD'] = '1'; tasks.restart_process()"
    )
    run = subprocess.run([sys.executable, "-c", code, str(ROOT), "ett argument"], capture_output=True, text=True,
                         check=True, cwd=ROOT)  # fmt: skip
    assert run.stdout == "omstartad ett argument\n"


def test_a_broken_edit_stops_a_warm_rebuild_with_the_same_problems(tmp_path):
    content = copy_site("comments", tmp_path)
    build_site(content, tmp_path / "output")
    edit(content / POST, "Date: 2018-02-15 10:00", "Date: 2018-02-30 10:00")
    write_files(content, {COMMENTS: '[[comment]]\nname = "Ny\ndate = 2018-03-01T08:00:00\n'})
    plain = build_remembering_nothing(content, tmp_path / "plain")
    with pytest.raises(ContentError) as warm:
        build_site(content, tmp_path / "output")  # this process, which remembers the first build
    assert str(warm.value) == plain.rstrip("\n")
    assert len(warm.value.problems) == 2
    cache = tmp_path / ".cache-output"  # and a new process, which has only the cache files
    assert (
        build_remembering_nothing(content, tmp_path / "output", cache=cache, PLUGINS=pelicanconf.PLUGINS)
        == plain
    )


def test_a_warm_publish_build_after_every_edit_is_the_publish_build_from_scratch(tmp_path, monkeypatch):
    """publishconf.py, the build CI runs warm: the editors' edits made, then a warm rebuild (this process,
    then a new one) is the scratch publish build in a fresh process, byte for byte: a warm build against
    a cold one, the search index included.
    Fails if the render cache reuses a published page whose post changed (the mutant tried:
    ``render_cache.published_text`` without its key check)."""
    monkeypatch.delenv("SITEURL", raising=False)
    content = copy_site("comments", tmp_path)
    output = tmp_path / "output"
    build_site(content, output, "publishconf.py")
    for name, make_edit in EDITS.items():
        if name != "post title (and so its comments file)":  # gives an address up: stops a publish build
            make_edit(content)
    assert build_remembering_nothing(content, tmp_path / "plain", "publishconf.py") == ""
    plain = digest_tree(tmp_path / "plain")
    assert "pagefind/pagefind-entry.json" in plain
    assert_same_output(digest_tree(build_site(content, output, "publishconf.py")), plain)
    build_in_new_process(content, output, "publishconf.py")
    assert_same_output(digest_tree(output), plain)
