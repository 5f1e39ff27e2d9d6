"""What the plugins take from Pelican's insides (Pelican 4.12 is pinned), each pinned here so that an
upgrade that changes one fails loudly, naming the internal and the plugin that depends on it. Where a
public API or signal does the job, the plugins use it instead and nothing is pinned.

When a pin fails: read the new Pelican code, fix the plugin named in the message, then update the hash.
"""

from __future__ import annotations

import hashlib
import inspect

import pytest
from pelican.readers import MarkdownReader
from pelican.writers import Writer

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
