"""Every rule is linear in the length of what it reads, however hostile: an archive's old exports hold
comments of 100,000 characters, and a pull request may hold anything.

Measured the robust way on a shared, loaded machine: the CPU time of an input of length 4n against the
same input of length n (best of three). A linear rule takes about 4 times as long; a quadratic one 16
times, a cubic one 64. Inputs that run too fast to measure (under ``FLOOR`` at 4n) pass: a quadratic
pattern is far above it at these lengths (``<img `` × 2,000 took 0.19 s, a run of 4,000 backticks 136 s).
Before this test, the issue's inputs took: a 100,000-character comment body 37 s, ``{`` and 3,000 spaces
9–15 s, 20,000 ``<img `` 133 s."""

from __future__ import annotations

import importlib
import itertools
import re
import signal
import time
from collections.abc import Callable, Iterator

import pytest

# The modules whose patterns read content: the checks package and the plugins' rules and filters.
MODULES = [
    "content_checks",
    "content_checks.reading",
    "content_checks.fields",
    "content_checks.dates",
    "content_checks.links",
    "content_checks.images",
    "content_checks.safety",
    "content_checks.contacts",
    "content_checks.markdown_reading",
    "archived_comments",
    "authors",
    "figures",
    "figures.mdx_figures",
    "hyphenation",
    "swedish_typography",
    "swedish_dates",
    "seo",
    "content_cache",
    "pelican_warnings",
]
# Where a match starts (the literal parts the patterns begin with) and what may follow it, many times.
STARTS = [
    "", "![a](", "![a](x", "[a](", "[a](x ", "[a][", "[a]:", "![", "[", "<img ", "<a href=", "<code>", "<",
    "{:", "{: a=", "{static}", "`", "&", "@", "karin", "karin@", "0", "+46", "070", "IMG_2043", "\n    ", "#",
    "Title: ", " ", "src=\"",
]  # fmt: skip
FILLERS = [
    " ", "\n", "\t", "a", "0", "-", ".", "/", "@", "<", ">", "[", "]", "(", ")", "{", "}", "!", "`", "*", "_",
    "#", "=", '"', "'", ":", "&", ";", "\\", "|", "+", "<img ", "![a](", "[a](", "{static}", "`a", "a@", "0 ",
    "a_", "_a", "[at]", " at ", "<code", "{:", "a=", "\n ", "![", "](", "&#", "<!--",
]  # fmt: skip
# Patterns a rule never searches with: it matches them where a scan from left to right stands, and stops
# at the first that fails (a browser reads nothing after a tag the text ends inside). The rules that use
# them are timed below.
MATCHED_IN_A_SCAN = {"content_checks.markdown_reading.HTML_TAG": "read_markdown"}
FLOOR = 0.02  # seconds of CPU at 4n below which an input is too fast to measure (or to matter)
RATIO = 8  # linear: ~4; quadratic: ~16
LIMIT = 30  # seconds (wall clock) for one run: a linear rule takes milliseconds


def patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern at the top of those modules, and the settings' slug substitutions."""
    found = {}
    for name in MODULES:
        for attribute, value in vars(importlib.import_module(name)).items():
            if isinstance(value, re.Pattern):
                found[f"{name}.{attribute}"] = value
    from pelicanconf import SLUG_REGEX_SUBSTITUTIONS

    for number, (source, _replacement) in enumerate(SLUG_REGEX_SUBSTITUTIONS):
        found[f"pelicanconf.SLUG_REGEX_SUBSTITUTIONS[{number}]"] = re.compile(source, re.IGNORECASE)
    return found


def hostile(length: int) -> Iterator:
    """Each hostile input at about ``length`` characters: a start and a filler repeated (and then a "!",
    which a pattern that matched the whole run must give back), and the pair repeated."""
    for start, filler in itertools.product(STARTS, FILLERS):
        for shape in SHAPES:
            yield (start, filler, shape), shaped(start, filler, shape, length)


SHAPES = ("tail", "tail!", "pair")


def shaped(start: str, filler: str, shape: str, length: int) -> str:
    if shape == "pair":
        return (start + filler) * (length // len(start + filler))
    return start + filler * (length // len(filler)) + shape.removeprefix("tail")


class TooSlowError(Exception):
    """A rule ran for longer than any rule may take on a few thousand characters (exponential)."""


def _too_slow(_signal, _frame) -> None:
    raise TooSlowError


def cpu(function: Callable[[], object], rounds: int = 3) -> float:
    """The least CPU time of a few runs; a run over LIMIT seconds (a pattern that tries every way to
    split a run of characters) fails the test at once instead of holding it for ever."""
    best = float("inf")
    previous = signal.signal(signal.SIGALRM, _too_slow)
    try:
        for _ in range(rounds):
            signal.setitimer(signal.ITIMER_REAL, LIMIT)
            started = time.process_time()
            function()
            best = min(best, time.process_time() - started)
            signal.setitimer(signal.ITIMER_REAL, 0)
    except TooSlowError:
        pytest.fail(f"over {LIMIT} s on a few thousand characters: exponential")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return best


def scan(pattern: re.Pattern, text: str) -> Callable[[], object]:
    return lambda: sum(1 for _ in pattern.finditer(text))


def assert_linear(what: str, make: Callable[[int], Callable[[], object]], small: int) -> None:
    short, long = cpu(make(small)), cpu(make(4 * small))
    assert long < FLOOR or long <= RATIO * short, (
        f"{what}: {long:.3f} s for {4 * small} characters against {short:.3f} s for {small}"
        f" ({long / max(short, 1e-9):.0f}×, a linear rule takes about 4×)"
    )


@pytest.mark.parametrize("name", sorted(set(patterns()) - MATCHED_IN_A_SCAN.keys()))
def test_every_pattern_is_linear_on_hostile_input(name):
    """Each pattern, on the hostile inputs that are slowest for it at a small length, takes about four
    times as long at four times the length."""
    pattern = patterns()[name]
    timed = sorted(((cpu(scan(pattern, text), 2), key) for key, text in hostile(500)), reverse=True)
    for _seconds, (start, filler, shape) in timed[:4]:

        def make(length: int, start=start, filler=filler, shape=shape) -> Callable[[], object]:
            return scan(pattern, shaped(start, filler, shape, length))

        assert_linear(f"{name} on {start!r} + {filler!r} ({shape})", make, 2000)


def _rules() -> dict[str, Callable[[str], object]]:
    """The rules as functions of one text (a body, a comment, a field), as the build calls them."""
    from content_checks import Site
    from content_checks.contacts import contact_findings
    from content_checks.fields import text_field_problem
    from content_checks.images import body_image_positions
    from content_checks.links import alias_problem
    from content_checks.markdown_reading import read_markdown, without_code
    from content_checks.safety import alt_problem, body_problems, inline_problems
    from hyphenation import hyphenate_html
    from seo import plain_text
    from swedish_typography import swedish_html

    from pelicanconf import SLUG_REGEX_SUBSTITUTIONS

    site = Site(root=None, settings={"SLUG_REGEX_SUBSTITUTIONS": SLUG_REGEX_SUBSTITUTIONS}, sources=[])
    return {
        "läsa Markdown": read_markdown,
        "kod bort": without_code,
        "brödtextens regler": lambda text: list(body_problems(read_markdown(text))),
        "Summary": lambda text: list(inline_problems(read_markdown(text), "Summary")),
        "alternativtext": alt_problem,
        "bilder i brödtexten": body_image_positions.__wrapped__,
        "kontaktuppgifter": contact_findings,
        "textfält": lambda text: text_field_problem(text, "rubriken"),
        "alias": lambda text: alias_problem("/" + text),
        "slug": site.name_slug,
        "typografi": swedish_html,
        "avstavning": hyphenate_html,
        "ren text": plain_text,
    }


# The issue's inputs (class 8), and their kin.
ISSUE_INPUTS = {
    "kommentar av ord": lambda n: "Karin skrev en lång kommentar " * (n // 30),
    "ett enda ord": lambda n: "a" * n,
    "{ och mellanslag": lambda n: "{" + " " * n,
    "{: och mellanslag": lambda n: "{: " + " " * n + "a",
    "<img ": lambda n: "<img " * (n // 5),
    "[": lambda n: "[" * n,
    "![a](": lambda n: "![a](" * (n // 5),
    "![a]( och mellanslag": lambda n: "![a](" + " " * n,
    "grav-accenter": lambda n: "`" * n,
    "ord och grav-accenter": lambda n: "x" + "`" * n,  # no fence: code spans (cubic: 136 s for 4,000)
    "siffror och mellanslag": lambda n: "0 " * (n // 2),
    "snabel-a": lambda n: "a@" * (n // 2),
    "<code": lambda n: "<code" * (n // 5),
    "IMG_": lambda n: "IMG_2043" + "_a" * (n // 2) + "!",
    "mellanslag och ett ord": lambda n: " " * n + "x",
}


@pytest.mark.parametrize(("rule", "shape"), list(itertools.product(sorted(_rules()), sorted(ISSUE_INPUTS))))
def test_every_rule_is_linear_on_the_issues_inputs(rule, shape):
    function, text = _rules()[rule], ISSUE_INPUTS[shape]
    assert_linear(f"{rule} på {shape}", lambda length: lambda: function(text(length)), 5000)
