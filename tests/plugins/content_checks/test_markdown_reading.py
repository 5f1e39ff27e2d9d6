"""content_checks.markdown_reading: Markdown read without rendering it."""

from __future__ import annotations

from content_checks.markdown_reading import without_code


def test_code_is_blanked_but_lines_and_offsets_stay():
    text = (
        "Skriv `<script>` så här.\n"
        "\n"
        "```html\n"
        '<iframe src="https://www.youtube.com/embed/x"></iframe>\n'
        "```\n"
        "\n"
        "    <script>indraget kodblock</script>\n"
        "\n"
        "- punkt\n"
        "\n"
        "    <b onclick=x>fortsättning av punkten</b>\n"
    )
    plain = without_code(text)
    assert len(plain) == len(text)
    assert [len(line) for line in plain.split("\n")] == [len(line) for line in text.split("\n")]
    assert "script" not in plain
    assert "iframe" not in plain
    assert "Skriv" in plain
    assert "onclick" in plain  # indented under a list item it is the item's text, not code
