"""content_checks.body: a published post or page has text of its own. A body left empty (only the
header, or only HTML comments) would publish a page with a title and nothing under it, and the sample
text ``make new-post`` writes ("Skriv inlägget här.") would publish that sentence. Drafts may be empty:
they are work in progress, and ``make new-post`` writes one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from content_checks import Problem, Site, content_checked
from content_checks.dates import published

SAMPLE_TEXT = "Skriv inlägget här."  # what make new-post writes under the header
COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def check_body(site: Site) -> Iterator[Problem]:
    """A published post or page has a body, and not the sample text."""
    for source in site.sources:
        if source.problems or not published(site, source):
            continue
        what = "inlägget" if source.kind == "post" else "sidan"
        if not COMMENT.sub("", source.body).strip():
            yield Problem(
                site.name(source.path),
                f"{what} har ingen text under filens huvud. Skriv texten efter den tomma raden under huvudet,"
                " eller gör filen till ett utkast med Status: draft tills den är klar.",
                source.body_line if source.body.strip() else max(source.meta_lines.values(), default=1),
                "brödtexten",
            )
        elif SAMPLE_TEXT in source.body:
            offset = source.body.index(SAMPLE_TEXT)
            yield Problem(
                site.name(source.path),
                f"exempeltexten ”{SAMPLE_TEXT}” står kvar och skulle publiceras. Skriv inlägget i stället för"
                " den, eller gör filen till ett utkast med Status: draft tills den är klar.",
                source.line_at(offset),
                "brödtexten",
            )


def register() -> None:
    content_checked.connect(check_body)
