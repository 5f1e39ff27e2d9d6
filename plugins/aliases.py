"""aliases: a post's addresses on the old platform (``Alias:``, comma-separated paths) keep working, and
so do the old addresses of a page or an author page (a page retitled, an author renamed).

For every alias the build writes a redirect page at exactly that path (``/a/b.html`` is the file
a/b.html; ``/a/b/`` and ``/a/b`` are a/b/index.html): a script that goes on to the post keeping the old
address's ``#fragment``, an immediate meta refresh for readers without JavaScript, a canonical link to
the post (seo's partials/meta.html; no ``noindex`` beside it, one signal), and a visible Swedish link for
people, in the site's usual frame (theme template ``redirect.html``). It also writes ``_redirects`` (one
``/old /new/ 301`` line per alias, the format of Netlify and Cloudflare Pages) for hosts that can answer
with a real HTTP redirect; README shows how to turn it into an nginx map.

The content rules on aliases (``content_checks.links``) stop the build when an alias is not a plain
absolute path, when two posts claim the same alias, or when an alias would overwrite a post or page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

from pelican import signals
from pelican.generators import Generator
from pelican.urlwrappers import Author
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

    def targets(self) -> Iterable[tuple[object, str, str | None]]:
        """(what an alias leads to, its kind, its Alias value) for every published post and page and
        every author (a renamed author's old page, see content_checks.addresses)."""
        for article in self.context.get("articles", []):
            yield article, "post", article.metadata.get("alias")
        for page in [*self.context.get("pages", []), *self.context.get("hidden_pages", [])]:
            yield page, "page", page.metadata.get("alias")
        from authors import author_sources, plugin_settings  # authors plugin's files, read like its own

        content = Path(self.settings["PATH"])
        for source in author_sources(content, plugin_settings(self.settings)["path"]):
            name = source.meta.get("name", "").strip()
            if source.meta.get("alias") and name:
                author = Author(name, self.settings)
                yield SimpleNamespace(url=author.url, title=name, summary=""), "author", source.meta["alias"]

    def generate_output(self, writer) -> None:
        options = aliases_settings(self.settings)
        template = self.get_template(options["template"])
        base = public_base(self.settings)
        output = Path(self.output_path)
        redirects = []
        for article, kind, value in self.targets():
            written = set()
            for alias in split_aliases(value):
                redirects.append((alias, f"{urlsplit(base).path.rstrip('/')}/{article.url}"))
                save_as = alias_file(alias)
                if save_as in written:  # /a and /a/ share one page
                    continue
                written.add(save_as)
                if (output / save_as).exists():
                    # The content rule catches posts and pages; this catches every other generated file.
                    logger.error(
                        "aliases: %s: Alias %s skulle ersätta %s som bygget redan skrivit. Ta bort aliaset.",
                        getattr(article, "relative_source_path", article.title),
                        alias,
                        save_as,
                    )
                    continue
                writer.write_file(
                    save_as,
                    template,
                    self.context,
                    redirect_article=article,
                    redirect_kind=kind,
                    redirect_url=f"{self.settings['SITEURL']}/{article.url}",
                )
        if options["redirects_file"]:
            text = redirect_map(redirects, options["status"])
            (output / options["redirects_file"]).write_text(text, encoding="utf-8")


def get_generators(pelican) -> type[Generator]:
    return AliasGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
