"""neighbors: each post knows the next newer and next older published post, for the links under a post.

Pelican has no such attribute. Computing it in the template would loop over every post on every post
page (quadratic); here one pass over the already sorted list sets two attributes per post (linear).
"""

from __future__ import annotations

from collections.abc import Sequence

from pelican import signals


def link_neighbors(articles: Sequence) -> None:
    """Set ``newer_article`` and ``older_article`` (None at either end) on every post of the list."""
    ordered = sorted(articles, key=lambda article: article.date)
    for index, article in enumerate(ordered):
        article.older_article = ordered[index - 1] if index > 0 else None
        article.newer_article = ordered[index + 1] if index + 1 < len(ordered) else None


def on_articles(generator) -> None:
    # Only published posts: drafts are never linked from a published page.
    link_neighbors(generator.articles)


def register() -> None:
    signals.article_generator_finalized.connect(on_articles)
