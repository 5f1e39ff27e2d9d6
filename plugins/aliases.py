"""aliases: a post's addresses on the old platform (``Alias:``, comma-separated paths) keep working.

For every alias the build writes a redirect page at exactly that path (``/a/b.html`` is the file
a/b.html; ``/a/b/`` and ``/a/b`` are a/b/index.html): an immediate meta refresh, a canonical link to the
post and ``noindex`` (seo's partials/meta.html), and a visible Swedish link for people, in the site's
usual frame (theme template ``redirect.html``). It also writes ``_redirects`` (one
``/old /new/ 301`` line per alias, the format of Netlify and Cloudflare Pages) for hosts that can answer
with a real HTTP redirect; README shows how to turn it into an nginx map.

The content rules on aliases (``content_checks.links``) stop the build when an alias is not a plain
absolute path, when two posts claim the same alias, or when an alias would overwrite a post or page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from pelican import signals
from pelican.generators import Generator
from seo import public_base

logger = logging.getLogger(__name__)

ALIASES_DEFAULTS = {
    "template": "redirect",  # theme template of a redirect page
    "redirects_file": "_redirects",  # None: write no redirect map
    "status": 301,  # HTTP status in the redirect map: the move is permanent
}
INDEX_FILE = "index.html"


def aliases_settings(settings: Mapping) -> dict:
    return {**ALIASES_DEFAULTS, **settings.get("ALIASES", {})}


def split_aliases(value: str | None) -> list[str]:
    """The paths of an ``Alias:`` value, in the order written, without blanks or repeats."""
    aliases = [part.strip() for part in (value or "").split(",")]
    return list(dict.fromkeys(alias for alias in aliases if alias))


def alias_file(alias: str) -> str:
    """The file (relative to the output folder) a redirect page for a valid alias is written to."""
    path = unquote(alias).lstrip("/")
    if not path or path.endswith("/"):
        return path + INDEX_FILE
    if "." not in PurePosixPath(path).name:
        return f"{path}/{INDEX_FILE}"
    return path


def redirect_map(redirects: Iterable[tuple[str, str]], status: int) -> str:
    """``_redirects`` lines (old path, new path, status), sorted by old path."""
    return "".join(f"{old} {new} {status}\n" for old, new in sorted(redirects))


class AliasGenerator(Generator):
    """Writes the redirect pages and the redirect map after every post and page is written."""

    def generate_output(self, writer) -> None:
        options = aliases_settings(self.settings)
        template = self.get_template(options["template"])
        base = public_base(self.settings)
        output = Path(self.output_path)
        redirects = []
        for article in self.context.get("articles", []):
            written = set()
            for alias in split_aliases(article.metadata.get("alias")):
                redirects.append((alias, f"{urlsplit(base).path.rstrip('/')}/{article.url}"))
                save_as = alias_file(alias)
                if save_as in written:  # /a and /a/ share one page
                    continue
                written.add(save_as)
                if (output / save_as).exists():
                    # The content rule catches posts and pages; this catches every other generated file.
                    logger.error(
                        "aliases: %s: Alias %s skulle ersätta %s som bygget redan skrivit. Ta bort aliaset.",
                        article.relative_source_path,
                        alias,
                        save_as,
                    )
                    continue
                writer.write_file(
                    save_as,
                    template,
                    self.context,
                    redirect_article=article,
                    redirect_url=f"{self.settings['SITEURL']}/{article.url}",
                )
        if options["redirects_file"]:
            text = redirect_map(redirects, options["status"])
            (output / options["redirects_file"]).write_text(text, encoding="utf-8")


def get_generators(pelican) -> type[Generator]:
    return AliasGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
