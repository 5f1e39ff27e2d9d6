"""slugs: Pelican's slugify computed once per distinct text in a process, not once per use.

Pelican makes a slug every time it meets a name: each post's tags, category and authors are new
objects, so a 1,000-post archive slugifies ~7,500 times (unidecode and four regex substitutions each)
for ~1,300 distinct texts, and every title is slugified twice (the content checks use the title as
written, Pelican the typographically finished one). ``slugify`` here gives what ``pelican.utils.slugify``
gives: on a miss it calls it, and a slug depends only on the text, the rules and the package versions
(none of which changes while a process runs).

On ``initialized`` Pelican's modules that import slugify by name (``pelican.contents``,
``pelican.urlwrappers``) are made to call it; ``tests/plugins/test_slugs.py`` fails, naming them, if a
Pelican upgrade stops importing it that way. Measured at 1,000 posts (warm build, 2 cores): the memo
saves ~0.3 s of ~0.4 s spent in slugify. It used to be kept on disk between builds as well; making the
~1,300 distinct slugs again costs ~15–60 ms, which no build could measure, so that part is gone.
"""

from __future__ import annotations

from collections.abc import Iterable

import pelican.contents
import pelican.urlwrappers
from pelican import signals
from pelican.utils import slugify as pelican_slugify

# Pelican's modules that call slugify through a name of their own (``from pelican.utils import slugify``).
PELICAN_MODULES = (pelican.contents, pelican.urlwrappers)

Key = tuple[str, tuple[tuple[str, str], ...], bool, bool]
MEMO: dict[Key, str] = {}  # every slug this process made


def slugify(
    value: str,
    regex_subs: Iterable[tuple[str, str]] = (),
    preserve_case: bool = False,
    use_unicode: bool = False,
) -> str:
    """``pelican.utils.slugify``, memoised. Pelican wraps the value in Markup first, so a str and a
    Markup with the same characters give the same slug; anything else goes straight through."""
    if not isinstance(value, str):
        return pelican_slugify(value, regex_subs, preserve_case, use_unicode)
    key = (str(value), tuple(tuple(rule) for rule in regex_subs), bool(preserve_case), bool(use_unicode))
    slug = MEMO.get(key)
    if slug is None:
        slug = MEMO[key] = pelican_slugify(*key)
    return slug


def use_memo(pelican_object) -> None:
    """Make Pelican's contents and urlwrappers modules call the memo."""
    for module in PELICAN_MODULES:
        module.slugify = slugify


def register() -> None:
    signals.initialized.connect(use_memo)
