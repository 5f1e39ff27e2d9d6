"""Python-Markdown extension: Swedish quotes and dashes in one pass over the text of the document.

Swedish uses the same mark on both sides (”citat”, ’ord’), so Markdown's ``smarty`` extension, which
tells left from right with a second inline pass of a dozen patterns over every text node, does more
than the job needs; it took ~20 % of a cold build (see bench/). This treeprocessor applies
``swedish_typography.swedish_text`` (the rules titles get) to every text node outside code, before
Markdown restores backslash escapes: as with smarty, ``\\"`` and ``\\'`` stay straight.

    MARKDOWN = {"extension_configs": {"mdx_swedish_quotes": {}}}
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from swedish_typography import swedish_text

UNTOUCHED = {"code", "pre", "kbd", "samp", "script", "style"}


class SwedishQuotesTreeprocessor(Treeprocessor):
    def run(self, root: Element) -> None:
        self.typeset(root)

    def typeset(self, element: Element) -> None:
        """The text inside element's children and after them; code and the like are left as written."""
        for child in element:
            if child.tag not in UNTOUCHED:
                if child.text:
                    child.text = swedish_text(child.text)
                self.typeset(child)
            if child.tail:
                child.tail = swedish_text(child.tail)


class SwedishQuotesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.ESCAPED_CHARS.extend(['"', "'"])  # \" and \' keep a straight mark, as with smarty
        # After the inline patterns (20), before backslash escapes are restored (0).
        md.treeprocessors.register(SwedishQuotesTreeprocessor(md), "swedish_quotes", 5)


def makeExtension(**kwargs) -> SwedishQuotesExtension:  # noqa: N802 (Python-Markdown's name)
    return SwedishQuotesExtension(**kwargs)
