"""A property of the whole pipeline: random mixtures of Markdown and HTML (the pieces parsers disagree on,
payloads, Markdown's own syntax) never yield a <script>, an on…= attribute, a javascript: URL, a <meta> or
an image from another site in any output file.

Two depths: every fragment through Markdown and the sanitizer (300 examples, cheap), and random posts,
captions, summaries, a bio and comments through real builds (2 examples of 24 posts, each built in at
most a few rounds: the posts a round stops are taken out, as in test_corpus)."""

from __future__ import annotations

import sanitizer
from corpus import CATEGORY, Case, marker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_corpus import LOCAL_BASE, build_rounds, html_problems, output_problems

PIECES = [
    "<script>alert(1)</script>", "<script>", "</script>", '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "<meta charset=utf-8>", "<img src=https://evil.example/p.png alt=x>", "<img src=x onerror=alert(1) alt=x>",
    '<a href="javascript:alert(1)">', "<a href=jav&#x61;script:alert(1)>", "</a>", "<!--", "-->", "--!>", "<!-->",
    "<![CDATA[ >", "]]>", "</x ", "</ x>", '"', "'", ">", "<", "`", "```", "~~~ text", "\\`", "    ", "\n", "\n\n",
    "[x]", "(javascript:alert(1))", "![a](https://evil.example/p.png)", "![a](/images/2018/hamn.jpg)",
    "{: onclick=alert(1) }", '{: style="color:red" }', "<div>", "</div>", "[^1]", "\n[^1]: ", "[r]", "\n[r]:\n    ",
    "javascript:alert(1)", "<svg><image href=https://evil.example/p.png /></svg>", "<math><mi>", "<style>",
    "<iframe src=https://evil.example/>", "<base href=https://evil.example/>", "<p onmouseover=alert(1)>",
    "text", "ett ord", "*kursiv*", "**fet**", "<b>", "</b>", "&amp;", "&lt;", "# ", "## Rubrik", "- punkt", "> citat",
    "<form action=https://evil.example/><input type=image src=https://evil.example/p.png>", "<noscript>",
    "<template><script>alert(1)</script></template>", '<a href="https://tillvaxtverket.se/ title="',
]  # fmt: skip
mixtures = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)
line_mixtures = mixtures.map(lambda text: " ".join(text.split()) or "text")


def markdown():
    from markdown import Markdown

    import pelicanconf

    configs = pelicanconf.MARKDOWN["extension_configs"]
    return Markdown(extensions=list(configs), extension_configs=configs, output_format="html5")


MD = markdown()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixtures)
def test_sanitized_fragments_never_hold_markup_that_runs_or_loads(text):
    MD.reset()
    published = sanitizer.check(MD.convert(text)).html
    assert html_problems(published, "fragment", LOCAL_BASE, fragment=True) == [], published
    assert sanitizer.sanitize(published) == published  # nothing left that the allowlist would take


PLACES = ("body", "fenced", "summary", "caption", "bio", "comment")


def random_case(number: int, place: str, text: str) -> Case:
    """A post (and an author of its own) with benign text everywhere but in one place, which holds the
    mixture: a comment or a fenced code block mostly builds, a raw body or field mostly stops."""
    name, author = f"slump-{number}", f"Slump {number}"
    one_line = " ".join(text.split()) or "text"
    fenced = f"```\n{text}\n```"
    parts = {
        "body": text if place == "body" else fenced if place == "fenced" else "Ett stycke.",
        "summary": one_line if place == "summary" else "Kort text.",
        "caption": one_line if place == "caption" else "Hamnen i kvällsljus.",
        "bio": text if place == "bio" else "Skriver om hamnar.",
        "comment": text if place == "comment" else "Tack!",
    }
    comment = parts["comment"].replace("\\", "\\\\").replace('"', '\\"')
    header = (
        f"Title: Slump {number}\nSlug: {name}\nDate: 2019-04-{number % 28 + 1:02d} 10:{number % 60:02d}\n"
        f"Author: {author}\nCategory: {CATEGORY}\nSummary: {parts['summary']}\n"
        "Image: {static}/images/2018/hamn.jpg\nImage_alt: En hamn.\n"
        f"Image_caption: {parts['caption']}\n"
    )
    files = {
        f"posts/2019/{name}.md": f"{header}\n{parts['body']}\n\n{marker(name)}\n",
        f"authors/{name}.md": f"Name: {author}\nRole: Skribent\n\n{parts['bio']}\n",
        f"comments/{name}.toml": f'[[comment]]\nname = "Karin"\ndate = 2019-04-02T10:00:00\nbody = """\n{comment}\n"""\n',
    }
    return Case(name, 2, files)


BUILT: list[int] = []  # posts published per example: the property must hold for published posts


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(PLACES), mixtures), min_size=24, max_size=24))
def test_random_content_through_real_builds_publishes_nothing_that_runs_or_loads(tmp_path_factory, posts):
    folder = tmp_path_factory.mktemp("slump")
    cases = [random_case(number, place, text) for number, (place, text) in enumerate(posts)]
    outcomes = build_rounds(cases, folder)
    assert not [outcome.crash for outcome in outcomes.values() if outcome.crash]
    for output in {outcome.output for outcome in outcomes.values() if outcome.output}:
        assert output_problems(output) == []
    BUILT.append(sum(1 for outcome in outcomes.values() if outcome.output))


def test_the_real_builds_published_random_posts():
    """The property above held for posts that were published, not only for builds that stopped."""
    assert sum(BUILT) >= 5, BUILT
