"""stylesheet: one stylesheet per site, however many component files the theme's CSS is written in.

A feature may keep its CSS in its own file (``theme/static/css/figure.css``) and pull it into
``main.css`` with ``@import url("figure.css");``. Browsers would fetch such imports one after another
(a request waterfall on every first visit); this plugin inlines each import into the published
``main.css`` instead, wrapped in ``@layer components`` (or the layer the import names, as in
``@import url("x.css") layer(utilities);``), so the theme's layer order also holds for component files
and a component can never outrank the focus styles. Source files stay plain CSS that works unbundled.

The published file also leaves out the comments, which are written for whoever maintains the theme (a
fifth of its bytes, on every page's first visit); strings that contain ``/*`` are kept as they are.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from pelican import signals

log = logging.getLogger(__name__)

DEFAULTS = {"ENTRY": "css/main.css", "LAYER": "components"}
# @import url("x.css") or @import "x.css", optionally with layer(name), up to its semicolon
IMPORT = re.compile(
    r"""@import\s+(?:url\(\s*(?P<q1>["']?)(?P<url>[^"')\s]+)(?P=q1)\s*\)|(?P<q2>["'])(?P<string>[^"']+)(?P=q2))"""
    r"""\s*(?:layer\((?P<layer>[\w.-]+)\))?\s*;"""
)

# A string (kept, whatever it holds) or a comment (dropped), whichever starts first.
STRING_OR_COMMENT = re.compile(r"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|/\*.*?\*/""", re.DOTALL)
BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


class StylesheetError(Exception):
    """An @import the bundler cannot follow."""


def bundle(entry_text: str, folder: Path, default_layer: str = "components") -> str:
    """The entry stylesheet with every @import of a local file replaced by that file, in a layer."""

    def inline(match: re.Match) -> str:
        name = match["url"] or match["string"]
        if "://" in name or name.startswith("/"):
            raise StylesheetError(f"@import {name}: bara filer bredvid stilmallen kan tas med")
        source = folder / name
        if not source.is_file():
            raise StylesheetError(f"@import {name}: filen {source} finns inte")
        text = source.read_text(encoding="utf-8")
        if IMPORT.search(text):
            raise StylesheetError(f"{name}: en komponentfil kan inte själv använda @import")
        return f"@layer {match['layer'] or default_layer} {{\n/* {name} */\n{text.strip()}\n}}"

    return IMPORT.sub(inline, entry_text)


def without_comments(css: str) -> str:
    """The stylesheet without its comments, and without the empty lines they leave."""
    return BLANK_LINES.sub("\n", STRING_OR_COMMENT.sub(lambda match: match.group(1) or "", css)).lstrip("\n")


def settings_of(pelican_settings: dict) -> dict:
    return {**DEFAULTS, **pelican_settings.get("STYLESHEET", {})}


def write_bundle(pelican) -> None:
    settings = settings_of(pelican.settings)
    for static_path in pelican.settings.get("THEME_STATIC_PATHS", ["static"]):
        source = Path(pelican.settings["THEME"]) / static_path / settings["ENTRY"]
        if source.is_file():
            break
    else:
        return
    target = Path(pelican.output_path) / pelican.settings["THEME_STATIC_DIR"] / settings["ENTRY"]
    try:
        bundled = bundle(source.read_text(encoding="utf-8"), source.parent, settings["LAYER"])
    except StylesheetError as error:
        log.error("stylesheet: %s (i %s)", error, source)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(without_comments(bundled), encoding="utf-8")


def register() -> None:
    signals.finalized.connect(write_bundle)
