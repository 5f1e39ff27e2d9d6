"""feed_ids: every Atom feed gets its own permanent id, its own address.

Pelican gives each feed the id of the site (``SITEURL``), so the site feed and every category and
author feed all say they are the same feed. RFC 4287 (4.2.6) wants a feed's id unique and unchanging,
and feed readers use it to tell subscriptions apart. The feed's own URL (``FEED_DOMAIN`` plus its path,
e.g. ``https://bloggarkiv.tillvaxtverket.se/kategorier/smart-industri/flode.xml``) is both, and is the
same in every build of the same settings.
"""

from __future__ import annotations

from pelican import signals


def use_own_address(context: dict, feed) -> None:
    """Set a feed's id to its own URL (Pelican passes it to feedgenerator as ``feed_url``)."""
    if feed.feed.get("feed_url"):
        feed.feed["id"] = feed.feed["feed_url"]


def register() -> None:
    signals.feed_generated.connect(use_own_address)
