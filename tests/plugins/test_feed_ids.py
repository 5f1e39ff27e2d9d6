"""feed_ids: the site feed and every category and author feed have their own, unchanging id."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import SITES, build_site

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_ids(site: Path) -> dict[str, tuple[str, str]]:
    """{feed path: (its <id>, its rel="self" address)} for every Atom feed of a built site."""
    ids = {}
    for feed in sorted(site.rglob("flode.xml")):
        root = ET.parse(feed).getroot()
        self_link = next(
            link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"
        )
        ids[feed.relative_to(site).as_posix()] = (root.findtext(f"{ATOM}id"), self_link)
    return ids


def test_every_feed_is_its_own_address_and_no_two_share_an_id(published_site):
    ids = feed_ids(published_site)
    assert {"flode.xml", "kategorier/smart-industri/flode.xml", "skribenter/maria-ekdahl/flode.xml"} <= set(
        ids
    )
    for path, (feed_id, self_link) in ids.items():
        assert feed_id == self_link == f"https://bloggarkiv.tillvaxtverket.se/{path}"
    assert len({feed_id for feed_id, _ in ids.values()}) == len(ids)


def test_feed_ids_are_the_same_in_every_build(tmp_path):
    content = SITES / "minimal" / "content"
    first = feed_ids(build_site(content, tmp_path / "first", "publishconf.py"))
    second = feed_ids(build_site(content, tmp_path / "second", "publishconf.py"))
    assert len(first) >= 3  # the site feed, a category feed, an author feed
    assert first == second
