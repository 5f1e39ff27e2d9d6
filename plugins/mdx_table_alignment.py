"""Python-Markdown extension: a table column's alignment as a class, not a style attribute.

The tables extension writes ``:---:`` as ``style="text-align: center;"`` on every cell of the column.
The pages' Content-Security-Policy (``style-src 'self'``) refuses inline styles, so a reader's browser
ignored the alignment and logged a violation, and content may hold no ``style=`` at all (the
sanitizer's allowlist). This treeprocessor turns each such style into ``class="bk-align-<side>"``,
which the stylesheet aligns.

    MARKDOWN = {"extension_configs": {"mdx_table_alignment": {}}}
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

ALIGNMENT = re.compile(r"^text-align: (left|right|center);$")
CELLS = ("th", "td")


class TableAlignmentTreeprocessor(Treeprocessor):
    def run(self, root: Element) -> None:
        for cell in (cell for tag in CELLS for cell in root.iter(tag)):
            match = ALIGNMENT.match(cell.get("style", ""))
            if match:
                del cell.attrib["style"]
                cell.set("class", f"{cell.get('class', '')} bk-align-{match.group(1)}".strip())


class TableAlignmentExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # Any time after the block parser has built the tables; before the inline patterns (20).
        md.treeprocessors.register(TableAlignmentTreeprocessor(md), "table_alignment", 25)


def makeExtension(**kwargs) -> TableAlignmentExtension:  # noqa: N802 (Python-Markdown's name)
    return TableAlignmentExtension(**kwargs)
