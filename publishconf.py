"""Production settings: pelicanconf plus only what publishing changes."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from pelicanconf import *  # noqa: F403

# One place to set the public address; CI may override it (e.g. for a preview host). An empty
# variable (an unset CI variable) counts as unset.
SITEURL = (os.environ.get("SITEURL") or "https://bloggarkiv.tillvaxtverket.se").rstrip("/")
# Feeds, canonical links, Open Graph, JSON-LD, sitemap.xml and redirect pages all use this address.
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False

# Drafts are never published, not even under /utkast/.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
