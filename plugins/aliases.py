"""aliases: a post's addresses on the old platform (``Alias:``, comma-separated paths) keep working.

For every alias the build writes a redirect page at exactly that path (``/a/b.html`` is the file
a/b.html; ``/a/b/`` and ``/a/b`` are a/b/index.html): a script that goes on to the post keeping the old
address's ``#fragment``, an immediate meta refresh for readers without JavaScript, a canonical link to
the post (seo's partials/meta.html; no ``noindex`` beside it, one signal), and a visible Swedish link for
people, in the site's usual frame (theme template ``redirect.html``). It also writes ``_redirects`` (one
``/old /new/ 301`` line per alias, the format of Netlify and Cloudflare Pages) for hosts that can answer
with a real HTTP redirect; README shows how to turn it into an nginx map.

A content rule stops the build when an alias is not a plain absolute path, when two posts claim the
same alias, or when an alias would overwrite a post or page.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from content_checks import Problem, Site, Source, content_checked, parse_date
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
FORBIDDEN = ("?", "#", "\\", "*", ":", '"', "<", ">", "|")


def aliases_settings(settings: Mapping) -> dict:
    return {**ALIASES_DEFAULTS, **settings.get("ALIASES", {})}


def split_aliases(value: str | None) -> list[str]:
    """The paths of an ``Alias:`` value, in the order written, without blanks or repeats."""
    aliases = [part.strip() for part in (value or "").split(",")]
    return list(dict.fromkeys(alias for alias in aliases if alias))


def alias_problem(alias: str) -> str | None:
    """Why an alias cannot be a path on this site, in Swedish, or None if it is fine."""
    example = "till exempel /om-tillvaxtverket/bloggen/bloggartiklar/inlagg.html"
    if "://" in alias or alias.startswith("//"):
        path = urlsplit(alias if "://" in alias else f"https:{alias}").path
        shown = f"Alias: {path}" if path.startswith("/") and len(path) > 1 else example
        return f'Alias "{alias}" är en hel webbadress. Skriv bara sökvägen: {shown}.'
    if not alias.startswith("/"):
        shown = f"Alias: /{alias}" if not alias.startswith(".") else example
        return f'Alias "{alias}" måste börja med / (sökvägen på den gamla webbplatsen): {shown}.'
    if any(mark in alias for mark in FORBIDDEN) or any(char.isspace() for char in alias):
        return (
            f'Alias "{alias}" innehåller tecken som inte kan vara en del av en sökväg'
            ' (mellanslag, ?, #, \\, *, :, ", <, >, |). Skriv bara sökvägen, utan frågor och ankare.'
        )
    if {".", ".."} & set(unquote(alias).split("/")):
        return f'Alias "{alias}" innehåller . eller .. Skriv hela sökvägen från roten, {example}.'
    if alias == "/":
        return 'Alias "/" är startsidan och kan inte leda till ett inlägg.'
    return None


def alias_file(alias: str) -> str:
    """The file (relative to the output folder) a redirect page for a valid alias is written to."""
    path = unquote(alias).lstrip("/")
    if not path or path.endswith("/"):
        return path + INDEX_FILE
    if "." not in PurePosixPath(path).name:
        return f"{path}/{INDEX_FILE}"
    return path


def _save_as(site: Site, source: Source) -> str | None:
    """Where Pelican will write a published post or page (None for drafts or unknown forms)."""
    meta, settings = source.meta, site.settings
    if (meta.get("status") or "published").lower() == "draft":
        return None
    if source.kind == "page":
        pattern = meta.get("save_as") or settings.get("PAGE_SAVE_AS", "")
    else:
        pattern = settings.get("ARTICLE_SAVE_AS", "")
    fields = {**meta, "slug": site.slug(source), "date": parse_date(meta.get("date", "") or "")}
    try:
        return pattern.format(**fields)
    except (KeyError, AttributeError, IndexError, ValueError, TypeError):  # other rules report these
        return None


def _static_file(site: Site, target: str) -> Path | None:
    """The content file (e.g. an image) Pelican copies to ``target`` unchanged, if there is one."""
    folders = site.settings.get("STATIC_PATHS", [])
    path = site.root / target
    if any(PurePosixPath(target).is_relative_to(folder) for folder in folders) and path.is_file():
        return path
    return None


def check_aliases(site: Site) -> Iterator[Problem]:
    """Every alias is a plain absolute path that leads to one post and hides no real address."""
    claimed: dict[str, list[tuple[Source, str]]] = defaultdict(list)
    for source in site.posts:
        for alias in split_aliases(source.meta.get("alias")):
            problem = alias_problem(alias)
            if problem:
                yield Problem(site.name(source.path), problem, _line(source), "Alias")
            else:
                claims = claimed[alias_file(alias)]
                if source not in (claimant for claimant, _ in claims):  # /a and /a/ in one post: one page
                    claims.append((source, alias))
    if not claimed:
        return
    real = {_save_as(site, source): source for source in site.sources}
    for target, claims in sorted(claimed.items()):
        first, first_alias = claims[0]
        for source, alias in claims[1:]:
            yield Problem(
                site.name(source.path),
                f'Alias "{alias}" används redan av {site.name(first.path)} (som "{first_alias}").'
                " En gammal adress kan bara leda till ett inlägg: ta bort den ur den ena filen.",
                _line(source),
                "Alias",
            )
        owner = real[target].path if target in real else _static_file(site, target)
        if owner:
            for source, alias in claims:
                yield Problem(
                    site.name(source.path),
                    f'Alias "{alias}" är samma adress som {site.name(owner)} redan har,'
                    " och skulle ersätta den. Ta bort aliaset eller ändra den andra filens adress.",
                    _line(source),
                    "Alias",
                )


def _line(source: Source) -> int:
    return source.meta_lines.get("alias", 1)


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
    content_checked.connect(check_aliases)
