"""content_checks.placement: the name a text file gets where the build reads it."""

from __future__ import annotations

import pytest
from content_checks.placement import plain_name


@pytest.mark.parametrize(
    ("name", "plain"),
    [("x.md", "x.md"), ("x.MD", "x.md"), ("x.md.txt", "x.md"), ("x.txt", "x.md"), ("x.markdown", "x.md")],
)
def test_plain_name(name, plain):
    assert plain_name(name) == plain
