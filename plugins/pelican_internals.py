"""pelican_internals: every use the build makes of Pelican's insides, in one place.

Pelican 4.12 is pinned (requirements.txt). What the plugins and sitebuild take from Pelican beyond its
public settings and signals lives here, and each item is pinned by
``tests/plugins/test_pelican_internals.py``: a test that fails when the installed Pelican no longer does
what this module relies on (a copied function's source, an attribute and how it behaves, an English
warning that a real build still logs). When a pin fails, read the new Pelican code, fix this module, then
record the new hash.

(Two subclasses copy a Pelican method rather than call through this module: content_cache's
``MarkdownReader`` and render_cache's ``Writer``; their originals are pinned by the same test file.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pelican.log import LimitFilter, console

# The English warnings Pelican logs for a content mistake that got past the rules: the start of each
# message's template (``record.msg``), as pelican_warnings matches them.
EMPTY_ALT = "Empty alt attribute for image"  # readers.find_empty_alt
NOT_FOUND = "Unable to find '%s', skipping url replacement"  # contents.Content._link_replacer
FILENAME_TO_STATIC = "{filename} used for linking to static content"  # contents.Content._link_replacer
DUPLICATE = "Duplicate definition of `%s`"  # readers.MarkdownReader._parse_metadata
DUPLICATE_MESSAGE = "Duplicate definition of `%s` for %s. Using first one."  # the whole of it
UNKNOWN_INDICATOR = "Replacement Indicator %r not recognized"  # contents.Content._link_replacer
ATTACH = "The {attach} link in %s cannot relocate"  # contents.Static.attach_to
MISSING_PROPERTY = "Skipping %s: could not find information about"  # contents.Content
UNPROCESSABLE = "Could not process %s"  # generators.ArticlesGenerator/PagesGenerator.generate_context


def typogrifier(settings: dict) -> Callable[[str], str]:
    """Pelican's typogrify step, set up as ``pelican.readers.Readers.read_file`` sets it up (copied: the
    TYPOGRIFY_DASHES choice of smartypants' defaults plus ``Attr.w``, the ignored tags, the omitted
    filters), for content_cache, which runs it before its cache instead of after."""
    import smartypants
    from typogrify.filters import typogrify

    dashes = settings.get("TYPOGRIFY_DASHES", "default")
    smartypants.Attr.default = {
        "oldschool": smartypants.Attr.set2,
        "oldschool_inverted": smartypants.Attr.set3,
    }.get(dashes, smartypants.Attr.set1) | smartypants.Attr.w
    ignore = settings.get("TYPOGRIFY_IGNORE_TAGS", [])
    omit = dict.fromkeys(settings.get("TYPOGRIFY_OMIT_FILTERS", []), False)
    return lambda text: typogrify(text, ignore, **omit)


def raw_body(content) -> str:
    """A post's or page's body as its reader made it (``_content``), before Pelican replaces the links in
    it: what render_cache keys a page by and looks for ``{attach}`` in."""
    return content._content or ""


def generated_content(context: dict) -> dict:
    """Pelican's ``{source path: post or page}`` of every content object read (``generated_content`` in
    the generators' shared context)."""
    return context.get("generated_content", {})


def freeze_url(content) -> None:
    """Keep a post's url as it is now: ``override_url`` is Pelican's own slot for a fixed url, which its
    ``url`` property returns without formatting it again."""
    if not hasattr(content, "override_url"):
        content.override_url = content.url


def replace_reader(readers, extensions: Iterator[str] | list[str], theirs: type, ours: type) -> None:
    """Receiver glue for ``readers_init``: read ``extensions`` with ``ours`` wherever Pelican would use
    ``theirs`` (``Readers.reader_classes``, which it turns into readers after the signal)."""
    for extension in extensions:
        if readers.reader_classes.get(extension) is theirs:
            readers.reader_classes[extension] = ours


def forget_logged_messages(log_filter: list) -> None:
    """Pelican logs each distinct warning once per process (``LimitFilter``'s class-level sets): a second
    build in the same process must see the same mistake again. What LOG_FILTER silences is this build's:
    Pelican adds it to ``_ignore`` when it reads the settings and never takes an earlier build's out."""
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    LimitFilter._ignore.clear()
    LimitFilter._ignore.update(tuple(entry) for entry in log_filter)


@contextmanager
def quiet_console() -> Iterator[None]:
    """Pelican's own closing line ("Done: Processed …") is English and printed on its rich ``console``;
    tasks.py says it in Swedish."""
    quiet = console.quiet
    console.quiet = True
    try:
        yield
    finally:
        console.quiet = quiet
