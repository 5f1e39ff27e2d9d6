"""mdx_swedish_quotes: whole rendered fragments, and the same output smarty gave with Swedish marks."""

from __future__ import annotations

import pytest
from markdown import Markdown

SMARTY_SWEDISH = {
    "markdown.extensions.smarty": {
        "substitutions": {
            "left-double-quote": "\u201d",
            "right-double-quote": "\u201d",
            "left-single-quote": "\u2019",
            "right-single-quote": "\u2019",
            "ndash": "\u2013",
            "mdash": "\u2014",
            "ellipsis": "\u2026",
        }
    }
}
FRAGMENTS = [
    "Hon sa \"det går\" och 'ordet' -- sedan --- tystnad...",
    "## Rubrik med \"citat\"\n\n- en 'punkt'\n- två -- tre",
    'Se [länken](https://example.se/a--b "En \\"titel\\"") och `kod "rak" -- kvar`.',
    "![Bild]({static}/images/x.jpg \"Bildtext, 'foto'\")",
    '    kodblock "rakt" -- orört\n\nEfter ...',
]


def render(extensions: dict, text: str) -> str:
    return Markdown(extensions=list(extensions), extension_configs=extensions, output_format="html5").convert(
        text
    )


def test_renders_swedish_quotes_and_dashes_and_leaves_code_and_attributes():
    html = render(
        {"markdown.extensions.extra": {}, "mdx_swedish_quotes": {}}, FRAGMENTS[0] + "\n\n" + FRAGMENTS[2]
    )
    assert html == (
        "<p>Hon sa \u201ddet går\u201d och \u2019ordet\u2019 \u2013 sedan \u2014 tystnad\u2026</p>\n"
        '<p>Se <a href="https://example.se/a--b" title="En &quot;titel&quot;">länken</a> och'
        ' <code>kod "rak" -- kvar</code>.</p>'
    )


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_gives_what_smarty_gave_with_swedish_marks(fragment):
    extra = {"markdown.extensions.extra": {}}
    assert render({**extra, "mdx_swedish_quotes": {}}, fragment) == render(
        {**extra, **SMARTY_SWEDISH}, fragment
    )
