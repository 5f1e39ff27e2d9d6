"""neighbors: older/newer links over a list of posts, in one linear pass."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from types import SimpleNamespace

from neighbors import link_neighbors


def posts(count: int) -> list[SimpleNamespace]:
    start = datetime(2016, 1, 1, 10, 0)
    return [SimpleNamespace(title=f"p{i}", date=start + timedelta(days=i)) for i in range(count)]


def test_each_post_knows_its_older_and_newer_neighbour():
    first, middle, last = posts(3)
    link_neighbors([last, first, middle])  # Pelican's order (newest first) or any other
    assert (first.older_article, first.newer_article) == (None, middle)
    assert (middle.older_article, middle.newer_article) == (first, last)
    assert (last.older_article, last.newer_article) == (middle, None)


def test_a_single_post_has_no_neighbours():
    (only,) = posts(1)
    link_neighbors([only])
    assert (only.older_article, only.newer_article) == (None, None)


def test_ten_thousand_posts_take_milliseconds():
    many = posts(10_000)[::-1]
    started = time.perf_counter()
    link_neighbors(many)
    assert time.perf_counter() - started < 0.5  # linear: about 5 ms here; a quadratic loop would take minutes
    assert many[0].older_article is many[1]
