"""What the build takes from Pelican's insides (Pelican 4.12 is pinned; plugins/pelican_internals.py holds
every use), each pinned here so that an upgrade that changes one fails loudly, naming the internal and the
code that depends on it. Where a public API or signal does the job, the plugins use it instead and nothing
is pinned.

When a pin fails: read the new Pelican code, fix pelican_internals (or the plugin named), then update the
hash. Every test here fails on the mutant "the installed Pelican changed what we rely on"; the warnings'
tests also fail on the mutant "pelican_warnings translates a text to the wrong message or line"."""

from __future__ import annotations

import datetime
import hashlib
import inspect
import logging
from pathlib import Path

import pelican_internals
import pytest
from conftest import write_files
from content_cache import warnings_logged
from content_checks import ContentError, Problem
from content_checks.images import no_alt
from content_checks.links import no_such_post, static_by_filename, unknown_indicator
from pelican import Pelican, signals
from pelican.contents import Article
from pelican.log import LimitFilter, console
from pelican.readers import MarkdownReader, Readers
from pelican.settings import DEFAULT_CONFIG, read_settings
from pelican.writers import Writer

import pelican_warnings
import sitebuild

# (the Pelican object, the SHA-256 of its source in 4.12.0, what copies or relies on it)
PINS = {
    "pelican.readers.MarkdownReader.read": (
        MarkdownReader.read,
        "1c8cfd04d8822d5708f08f3ad16acd33b34ebe9981c932d49688be7733de5985",
        "plugins/content_cache.py: MarkdownReader.read and .metadata copy what it does with the header",
    ),
    "pelican.readers.MarkdownReader._parse_metadata": (
        MarkdownReader._parse_metadata,
        "3f01f071bbc3672d341454c22fed793740b7a1014344f6db540c2b0bb3537a21",
        "plugins/content_cache.py: MarkdownReader.metadata copies it (duplicates, formatted fields)",
    ),
    "pelican.readers.Readers.read_file": (
        Readers.read_file,
        "356c609e59c1b30a36f6ea886b0d32e21f991d577f37f7ecf0dab7a48097bbbd",
        "plugins/pelican_internals.py: typogrifier copies its typogrify block (dashes, Attr.w, ignored tags,"
        " omitted filters)",
    ),
    "pelican.writers.Writer.write_file": (
        Writer.write_file,
        "6a604ad67bbeec997e58ef69a393930c22cf3178a760fdc21d2c42f1871da373",
        "plugins/render_cache.py: Writer.write_file hands it a template whose render() asks the cache;"
        " it must call template.render(context) once per file, with context['output_file'] set",
    ),
}


@pytest.mark.parametrize("name", PINS)
def test_pelican_internals_the_plugins_rely_on_are_unchanged(name):
    target, pinned, user = PINS[name]
    found = hashlib.sha256(inspect.getsource(target).encode()).hexdigest()
    assert found == pinned, f"Pelican har ändrat {name}, som {user}. Läs den nya koden och rätta pluginet."


class RecordingTemplate:
    """A template that records what Pelican's writer renders it with."""

    name = "sond.html"

    def __init__(self) -> None:
        self.contexts: list[dict] = []

    def render(self, context: dict) -> str:
        self.contexts.append(dict(context))
        return "<p>sond</p>"


def test_pelicans_writer_renders_each_file_once_with_its_name(tmp_path):
    """render_cache's contract with pelican.writers.Writer.write_file (see PINS)."""
    template = RecordingTemplate()
    writer = Writer(str(tmp_path), settings={"RELATIVE_URLS": False, "OUTPUT_PATH": str(tmp_path)})
    writer.write_file("a/index.html", template, {"SITEURL": ""})
    assert [context["output_file"] for context in template.contexts] == ["a/index.html"], (
        "Pelican ändrade hur Writer.write_file renderar; plugins/render_cache.py bygger på det"
    )
    assert (tmp_path / "a/index.html").read_text(encoding="utf-8") == "<p>sond</p>"


def article(text: str = "<p>Brödtext</p>", **settings) -> Article:
    """A post as Pelican's generator makes one, with Pelican's default settings."""
    config = {**DEFAULT_CONFIG, **settings}
    metadata = {"title": "Ett inlägg", "date": datetime.datetime(2020, 1, 2)}
    return Article(text, metadata, settings=config, source_path="/a.md")


def test_raw_body_is_the_readers_html_before_links_are_replaced():
    """render_cache keys pages by ``_content``: the body as read, ``{filename}`` links not yet made."""
    post = article('<p><a href="{filename}/annat.md">x</a></p>')
    assert pelican_internals.raw_body(post) == '<p><a href="{filename}/annat.md">x</a></p>'
    assert pelican_internals.raw_body(article(None)) == ""


def test_a_frozen_url_is_what_url_returns_whatever_the_settings_say_later():
    """content_cache keeps each url in ``override_url``; Pelican's ``url`` must return it unformatted."""
    post = article(ARTICLE_URL="{slug}/")
    pelican_internals.freeze_url(post)
    post.settings["ARTICLE_URL"] = "annat/{slug}/"
    assert post.url == "ett-inlagg/"
    assert post.override_url == "ett-inlagg/"


def test_reader_classes_chosen_at_readers_init_are_the_readers_used():
    """content_cache swaps Pelican's Markdown reader in ``Readers.reader_classes`` at ``readers_init``."""

    class Ours(MarkdownReader):
        pass

    def swap(readers):
        pelican_internals.replace_reader(readers, MarkdownReader.file_extensions, MarkdownReader, Ours)

    sitebuild.reset_signals()
    signals.readers_init.connect(swap)
    try:
        readers = Readers({**DEFAULT_CONFIG})
    finally:
        signals.readers_init.disconnect(swap)
    assert type(readers.readers["md"]) is Ours


def test_limit_filter_forgets_what_it_logged_and_ignores_exactly_this_builds_log_filter():
    """sitebuild clears ``LimitFilter``'s class-level memory between builds of one process."""
    limit = LimitFilter()

    def passes(message: str) -> bool:
        return limit.filter(logging.LogRecord("pelican", logging.WARNING, "", 0, message, (), None))

    pelican_internals.forget_logged_messages([])
    assert passes("samma fel")
    assert not passes("samma fel")  # Pelican logs a message once per process …
    pelican_internals.forget_logged_messages([(logging.WARNING, "tyst")])
    assert passes("samma fel")  # … until forgotten
    assert not passes("tyst")
    pelican_internals.forget_logged_messages([])
    assert passes("tyst")


def test_the_quiet_console_prints_nothing_and_is_restored(capsys):
    """Pelican's English "Done: Processed …" goes through ``pelican.log.console``."""
    with pelican_internals.quiet_console():
        console.print("Done: Processed 1 article")
    assert capsys.readouterr().out == ""
    console.print("hörs")
    assert "hörs" in capsys.readouterr().out


def test_generated_content_maps_each_source_path_to_its_post(tmp_path):
    """render_cache finds a post's own file through ``generated_content`` in the generators' context."""
    content = write_files(tmp_path / "content", {"ett.md": "Title: Ett\nDate: 2020-01-02\n\nText.\n"})
    seen = {}

    def look(generators):
        seen.update(pelican_internals.generated_content(generators[0].context))

    records = vanilla_build(content, tmp_path / "output", look)
    assert records == []
    # keyed by the path from content/; the post's own source_path is absolute (what render_cache reads)
    assert [(path, post.source_path, post.title) for path, post in seen.items()] == [
        ("ett.md", str(content / "ett.md"), "Ett")
    ]


# The English warnings pelican_warnings translates: a tiny site that makes Pelican log each of them.
HEADER = "Title: {title}\nDate: {date}\n\n"
WARNING_SITE = {
    "images/bild.png": b"\x89PNG",
    "images/bilaga.png": b"\x89PNG",
    "alt.md": HEADER.format(title="Alt", date="2020-01-01") + "Text.\n\n![](bild.png)\n",
    "saknas.md": HEADER.format(title="Saknas", date="2020-01-02") + "Se [här]({filename}finns-inte.md).\n",
    "statisk.md": HEADER.format(title="Statisk", date="2020-01-03")
    + "En\n[bild]({filename}/images/bild.png)\n",
    "dubbel.md": "Title: Dubbel\nDate: 2020-01-04\nDate: 2020-01-05\n\nText.\n",
    "indikator.md": HEADER.format(title="Indikator", date="2020-01-06") + "[x]({okand}fil.md)\n",
    "bifoga.md": HEADER.format(title="Bifoga", date="2018-01-07") + "[fil]({attach}/images/bilaga.png)\n",
    "bifoga2.md": HEADER.format(title="Bifoga två", date="2019-01-08")
    + "[fil]({attach}/images/bilaga.png)\n",
    "utan-titel.md": "Date: 2020-01-09\n\nText utan rubrik.\n",
    "trasig.md": "Title: Trasig\nDate: inget datum\n\nText.\n",
}
WARNING_SETTINGS = {
    "STATIC_PATHS": ["images"],
    "ARTICLE_URL": "{date:%Y}/{slug}/",
    "ARTICLE_SAVE_AS": "{date:%Y}/{slug}/index.html",
}


def vanilla_build(content: Path, output: Path, receiver=None, **settings) -> list[logging.LogRecord]:
    """Pelican alone (no plugin of ours) on ``content``; the warnings and errors it logged."""
    sitebuild.reset_signals()
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(output.parent / "c"),
                 "PLUGINS": [], "TIMEZONE": "Europe/Stockholm", **settings}  # fmt: skip
    config = read_settings(None, override=overrides)
    pelican_internals.forget_logged_messages(config.get("LOG_FILTER", []))
    try:
        with warnings_logged() as records:
            pelican = Pelican(config)
            if receiver is not None:
                signals.all_generators_finalized.connect(receiver)
            pelican.run()
    finally:
        sitebuild.reset_signals()
    return records


@pytest.fixture(scope="module")
def warning_site(tmp_path_factory) -> tuple[Path, list[logging.LogRecord]]:
    root = tmp_path_factory.mktemp("varningar")
    content = write_files(root / "content", WARNING_SITE)
    return content, vanilla_build(content, root / "output", **WARNING_SETTINGS)


# (Pelican's text as pelican_internals pins it, the file, the Problem pelican_warnings makes of it)
WARNINGS = {
    "empty alt": (pelican_internals.EMPTY_ALT, "alt.md", 6, "brödtexten", no_alt("bild.png")),
    "not found": (
        pelican_internals.NOT_FOUND,
        "saknas.md",
        4,
        "brödtexten",
        no_such_post("{filename}finns-inte.md", own="saknas.md"),
    ),
    "filename to static": (
        pelican_internals.FILENAME_TO_STATIC,
        "statisk.md",
        5,
        "brödtexten",
        static_by_filename("/images/bild.png"),
    ),
    "duplicate": (
        pelican_internals.DUPLICATE,
        "dubbel.md",
        2,
        "Date",
        "Date står två gånger i filens huvud. Ta bort en av raderna.",
    ),
    "indicator": (
        pelican_internals.UNKNOWN_INDICATOR,
        "indikator.md",
        4,
        "brödtexten",
        unknown_indicator("okand", "…"),
    ),
    "attach": (
        pelican_internals.ATTACH,
        "bifoga.md",  # the second post to attach it (2018's, read after 2019's: newest first)
        4,
        "brödtexten",
        "länken {attach} till images/bilaga.png kan inte användas här. Skriv {static}/images/bilaga.png"
        " i stället.",
    ),
    "missing title": (
        pelican_internals.MISSING_PROPERTY,
        "utan-titel.md",
        1,
        "title",
        "Title saknas. Skriv fältet i filens huvud.",
    ),
    "unprocessable": (pelican_internals.UNPROCESSABLE, "trasig.md", 0, "filen", pelican_warnings.UNREADABLE),
}


@pytest.mark.parametrize("name", WARNINGS)
def test_pelican_still_logs_each_english_warning_and_it_becomes_the_swedish_problem(warning_site, name):
    """The text is the one the installed Pelican logs for a real mistake; pelican_warnings turns that
    record into the editor's Swedish problem with the file and the line."""
    content, records = warning_site
    text, file, line, field, message = WARNINGS[name]
    logged = [record for record in records if isinstance(record.msg, str) and record.msg.startswith(text)]
    assert logged, (
        f"Pelican loggar inte längre {text!r}; pelican_internals och pelican_warnings bygger på den"
    )
    mine = [record for record in logged if file in record.getMessage()] or logged
    settings = {"PATH": str(content)}
    with pytest.raises(ContentError) as error:
        pelican_warnings.stop(mine[:1], settings)
    assert error.value.problems == [Problem(f"content/{file}", message, line, field)]


def test_every_translated_text_is_pinned_by_a_real_warning():
    """No translation without its pin above (a text added to pelican_warnings needs a trigger here)."""
    assert sorted(text for text, _ in pelican_warnings.TRANSLATIONS) == sorted(
        w[0] for w in WARNINGS.values()
    )
