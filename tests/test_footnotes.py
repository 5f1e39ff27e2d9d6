"""Footnotes (Python-Markdown's extra) speak Swedish: the back link's title is read aloud and shown."""

from __future__ import annotations

from conftest import copy_site, soup, write_files


def test_a_footnotes_back_link_is_titled_in_swedish(tmp_path, builder):
    content = copy_site("minimal", tmp_path)
    post = (content / "posts/2018/sommar-i-norrland.md").read_text(encoding="utf-8")
    write_files(
        content, {"posts/2018/sommar-i-norrland.md": post + "\nMed en fotnot[^1].\n\n[^1]: Källa: SCB.\n"}
    )
    page = soup(builder(content) / "2018/07/sommar-i-norrland/index.html")
    back = page.select_one(".footnote-backref")
    assert back is not None
    assert back["title"] == "Tillbaka till fotnot 1 i texten"
