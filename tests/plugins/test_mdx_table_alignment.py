"""mdx_table_alignment: a column's alignment is a class the stylesheet aligns, never a style attribute."""

from __future__ import annotations

from markdown import Markdown


def render(source: str) -> str:
    return Markdown(extensions=["tables", "mdx_table_alignment"], output_format="html5").convert(source)


def test_each_alignment_becomes_a_class_on_every_cell_of_its_column():
    html = render("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |")
    assert "style" not in html
    assert html.count('class="bk-align-left"') == 2
    assert html.count('class="bk-align-center"') == 2
    assert html.count('class="bk-align-right"') == 2
    assert "<th>d</th>" in html
    assert "<td>4</td>" in html
