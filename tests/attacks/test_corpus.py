"""Issue 20's attack corpus (corpus.py), built: every case stops with a Swedish message naming its file,
or builds with nothing of it reaching any output file as markup, and nothing happening in Chromium.

Fast by design: the cases are built together in one site, in rounds (a round's stopped cases are taken
out and the rest built again, so that a case stopped early never hides another), and every page that
was built is opened in one browser session. Only cases that would change pages other cases are checked
on (a post that takes the start page's address, a traceback) get a site of their own.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import build_site, copy_site, serve, write_files
from content_checks import ContentError, Problem
from corpus import Case, all_cases, marker

CASES = all_cases()
SWEDISH = re.compile(r"\b(inte|och|att|är|kan|Ta bort|Skriv|finns|filen)\b")
LOCAL_BASE = "http://localhost:8000"  # pelicanconf's FEED_DOMAIN: the feeds' and canonical addresses
# What the theme itself writes: the only <script>s and <meta http-equiv>s a page may have.
THEME_SCRIPTS = {
    ("application/ld+json", None),
    ("module", "/theme/js/search.js"),
    (None, "/theme/js/redirect.js"),  # a redirect page keeps the old address's #fragment
}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "svg", "math",
                      "video", "audio", "noscript", "template", "textarea", "select", "button"}  # fmt: skip
SEARCH_FORM = {"form", "input", "select", "button", "noscript"}  # the theme's search forms (search, 404)
SEARCH_ACTION = "/sok/"
URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "xlink:href",
}
LOADS = {"src", "srcset", "poster", "data", "background"}
RUNNING_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


@dataclass
class Outcome:
    """What happened to a case: the problems that stopped it, or the folder it was built into."""

    problems: list[Problem] = field(default_factory=list)
    output: Path | None = None
    crash: str = ""


def case_files(case: Case) -> list[str]:
    return [*case.files, *case.symlinks]


def write_case_site(cases: list[Case], folder: Path) -> Path:
    content = copy_site("minimal", folder)
    for case in cases:
        write_files(content, case.files)
        for link, target in case.symlinks.items():
            (content / link).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, content / link)
    return content


def build_rounds(cases: list[Case], folder: Path, **overrides) -> dict[str, Outcome]:
    """Build the cases together; take out the ones a round stops (each named in its message) and build
    the rest again, until one round builds."""
    outcomes: dict[str, Outcome] = {}
    remaining = list(cases)
    for number in range(6):
        if not remaining:
            break
        content = write_case_site(remaining, folder / f"runda-{number}")
        output = folder / f"runda-{number}" / "output"
        try:
            build_site(content, output, **overrides)
        except ContentError as error:
            stopped = {}
            for case in remaining:
                mine = [p for p in error.problems if any(p.path.endswith(name) for name in case_files(case))]
                if mine:
                    stopped[case.name] = Outcome(problems=mine)
            if not stopped:
                for case in remaining:
                    outcomes[case.name] = Outcome(crash=f"stoppat av andra fall:\n{error}")
                return outcomes
            outcomes.update(stopped)
            remaining = [case for case in remaining if case.name not in stopped]
        except Exception as error:  # a traceback: no case may cause one
            for case in remaining:
                outcomes[case.name] = Outcome(crash=f"{type(error).__name__}: {error}")
            return outcomes
        else:
            outcomes.update({case.name: Outcome(output=output) for case in remaining})
            remaining = []
    return outcomes


# ---------- What a built site may contain ----------


def _attributes_ok(where: str, tag, base: str) -> list[str]:
    found = []
    for name, given in tag.attrs.items():
        value = " ".join(given) if isinstance(given, list) else given
        if name.startswith("on"):
            found.append(f"{where}: {name}= på <{tag.name}>: {value}")
        elif name == "style":
            found.append(f"{where}: style= på <{tag.name}>: {value}")
        elif name in URL_ATTRIBUTES:
            urls = (
                [part.split()[0] for part in value.split(",") if part.split()]
                if name == "srcset"
                else [value]
            )
            for url in urls:
                if RUNNING_SCHEME.match(url):
                    found.append(f"{where}: {name}={url} på <{tag.name}>")
                elif name in LOADS and not _local(url, base):
                    found.append(f"{where}: <{tag.name} {name}={url}> hämtar från en annan webbplats")
    return found


def _local(url: str, base: str) -> bool:
    url = url.strip().replace("\\", "/")
    return (
        (url.startswith("/") and not url.startswith("//"))
        or url.startswith(base + "/")
        or ("://" not in url and ":" not in url.split("/")[0])
    )


def html_problems(text: str, where: str, base: str, fragment: bool = False) -> list[str]:
    """Markup that would run, load from elsewhere or take the reader away, in an HTML page or fragment."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(text, "html.parser")
    found = []
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        found.append(f"{where}: HTML-kommentar <!--{comment[:60]}-->")
    for tag in soup.find_all(True):
        found += _attributes_ok(where, tag, base)
        # The search page's own controls, and its note for readers without JavaScript.
        on_search_page = where == "sok/index.html" and tag.name in {"button", "select", "noscript"}
        if tag.name in SEARCH_FORM and not fragment and (on_search_page or _in_search_form(tag, where)):
            continue
        if tag.name in FORBIDDEN_ELEMENTS:
            found.append(f"{where}: <{tag.name}> {str(tag)[:80]}")
        elif tag.name == "script" and (fragment or (tag.get("type"), tag.get("src")) not in THEME_SCRIPTS):
            found.append(f"{where}: <script> {str(tag)[:80]}")
        elif tag.name == "meta" and tag.get("http-equiv"):
            kind = tag["http-equiv"].lower()
            refresh_home = kind == "refresh" and re.match(r"^0; url=/", tag.get("content", ""))
            if fragment or not (kind == "content-security-policy" or refresh_home):
                found.append(f"{where}: <meta http-equiv> {str(tag)[:80]}")
        elif tag.name == "meta" and fragment:
            found.append(f"{where}: <meta> {str(tag)[:80]}")
        elif tag.name in ("form", "input"):
            found.append(f"{where}: <{tag.name}> {str(tag)[:80]}")
        elif tag.name == "link" and (fragment or tag.find_parent("head") is None):
            found.append(f"{where}: <link> {str(tag)[:80]}")
    return found


def _in_search_form(tag, where: str) -> bool:
    """Whether a form element is (in) one of the theme's search forms: a GET form to the search page, or
    on the search page the form its script reads (it has no action: it stays on the page)."""
    form = tag if tag.name == "form" else tag.find_parent("form")
    if form is None or form.get("method", "get").lower() != "get":
        return False
    action = form.get("action")
    return action.endswith(SEARCH_ACTION) if action is not None else where == "sok/index.html"


def feed_problems(text: str, where: str, base: str) -> list[str]:
    """An Atom feed: its HTML content and summaries as fragments, every link on the site."""
    root = ET.fromstring(text)
    found = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("content", "summary") and element.get("type") == "html" and element.text:
            found += html_problems(element.text, f"{where} <{tag}>", base, fragment=True)
        if tag == "link" and not _local(element.get("href", ""), LOCAL_BASE):
            found.append(f"{where}: <link href={element.get('href')}>")
    return found


def pagefind_problems(output: Path) -> list[str]:
    """Every search hit leads to a page of the site (its texts are data, which the search page shows as
    text: see the browser part)."""
    found = []
    for path in output.glob("pagefind/**/fragment/*.pf_fragment"):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        if not data["url"].startswith("/") or data["url"].startswith("//"):
            found.append(f"{path.name}: träffen leder till {data['url']}")
    return found


def output_problems(output: Path) -> list[str]:
    """Everything the built site holds that content must never put there."""
    found = []
    for path in sorted(output.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        where = str(path.relative_to(output))
        if path.suffix == ".html":
            found += html_problems(path.read_text(encoding="utf-8"), where, LOCAL_BASE)
        elif path.suffix == ".xml" and path.name != "sitemap.xml":
            found += feed_problems(path.read_text(encoding="utf-8"), where, LOCAL_BASE)
        elif path.name == "sitemap.xml":
            for loc in re.findall(r"<loc>([^<]*)</loc>", path.read_text(encoding="utf-8")):
                if not loc.startswith(LOCAL_BASE + "/"):
                    found.append(f"sitemap.xml: {loc}")
        elif path.name == "_redirects":
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) != 3 or not parts[0].startswith("/") or not parts[1].startswith("/"):
                    found.append(f"_redirects: {line}")
    return found + pagefind_problems(output)


def leak_problems(case: Case, output: Path) -> list[str]:
    found = []
    for pattern, text in case.leaks:
        for path in output.glob(pattern):
            if path.is_file():
                data = path.read_bytes().decode("utf-8", errors="replace")
                if re.search(text, data):
                    found.append(f"{path.relative_to(output)} innehåller {text}")
    return found


def page_of(case: Case, output: Path) -> str | None:
    """The address of the page that shows the case's post or page (found by its marker line)."""
    written = re.compile(re.escape(marker(case.name)).replace(r"\ ", "(?: |&nbsp;)"))  # typogrify's widont
    for path in sorted(output.rglob("*.html")):
        if written.search(path.read_text(encoding="utf-8")):
            return "/" + path.relative_to(output).as_posix().removesuffix("index.html")
    return None


# ---------- The build, once for the whole corpus ----------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Outcome]:
    folder = tmp_path_factory.mktemp("corpus")
    together = [case for case in CASES if not case.alone]
    outcomes = build_rounds(together, folder / "tillsammans")
    for case in CASES:
        if case.alone:
            outcomes.update(build_rounds([case], folder / case.name))
    return outcomes


@pytest.fixture(scope="module")
def site_problems(corpus) -> dict[Path, list[str]]:
    outputs = {outcome.output for outcome in corpus.values() if outcome.output}
    return {output: output_problems(output) for output in outputs}


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES])
def test_case_stops_with_a_swedish_message_or_builds_with_nothing_of_it_published(
    case, corpus, site_problems
):
    outcome = corpus[case.name]
    assert not outcome.crash, outcome.crash
    if outcome.problems:
        assert case.outcome != "builds", "\n".join(map(str, outcome.problems))
        for problem in outcome.problems:
            assert SWEDISH.search(problem.message), problem
            assert "Traceback" not in problem.message, problem
            assert "Error" not in problem.message, problem
        if case.said:
            assert any(re.search(case.said, problem.message) for problem in outcome.problems), (
                outcome.problems
            )
        return
    assert case.outcome != "stops", f"{case.name} byggdes"
    found = site_problems[outcome.output]
    mine = found if case.alone else [problem for problem in found if case.name in problem]
    assert mine == [], "\n".join(mine)
    assert leak_problems(case, outcome.output) == []
    if any(name.startswith(("posts/", "pages/")) for name in case.files):
        assert page_of(case, outcome.output), "sidan saknas"


def test_the_corpus_covers_every_class_with_sixty_cases_or_more():
    classes = {case.klass for case in CASES}
    assert classes == {1, 2, 3, 4, 5, 6, 7}
    assert len(CASES) >= 60


def test_the_built_site_holds_nothing_that_no_case_claims(corpus, site_problems):
    """A problem in the built site that names no case came from one all the same (or from the theme)."""
    cases = {case.name: case for case in CASES}
    names = [case.name for case in CASES]
    shared = {outcome.output for name, outcome in corpus.items() if outcome.output and not cases[name].alone}
    stray = [p for output in shared for p in site_problems[output] if not any(n in p for n in names)]
    assert stray == []


# ---------- In Chromium: one session, every page a built case reaches ----------

WATCH = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__problems.push(`CSP ${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""


def visit(context, urls: list[str], at_once: int = 12) -> list[list[str]]:
    """Open pages, ``at_once`` side by side; for each, what it did that content must never make it do."""
    results: list[list[str]] = []
    for start in range(0, len(urls), at_once):
        opened = []
        for url in urls[start : start + at_once]:
            page = context.new_page()
            found: list[str] = []
            loads: list[str] = []
            page.on(
                "dialog",
                lambda dialog, found=found: (found.append(f"dialog: {dialog.message}"), dialog.dismiss()),
            )
            page.on("framenavigated", lambda frame, page=page, loads=loads: loads.append(frame.url)
                    if frame == page.main_frame else None)  # fmt: skip
            page.goto(url, wait_until="commit")  # the others load meanwhile
            opened.append((page, found, loads))
        for page, _found, _loads in opened:
            page.wait_for_load_state("load")
        opened[-1][0].wait_for_timeout(150)  # every page's meta refresh of 0 s has fired by now
        for page, found, loads in opened:
            away = [load for load in loads[1:] if load.split("?")[0].split("#")[0] != loads[0]]  # not its own
            if away:
                found.append(f"navigerade till {away}")
            with contextlib.suppress(Exception):  # a page that navigated away has no __problems
                found.extend(page.evaluate("() => window.__problems || []"))
            page.close()
            results.append(found)
    return results


@pytest.mark.browser
def test_no_built_case_runs_loads_or_navigates_in_chromium(corpus, chromium):
    outputs: dict[Path, list[tuple[str, str]]] = {}
    for case in CASES:
        outcome = corpus[case.name]
        if outcome.output is None:
            continue
        paths = [page_of(case, outcome.output), *case.pages, *(["/"] if case.alone else [])]
        if case.name.startswith(("field-author", "bio-")):
            paths.append("/skribenter/")
        outputs.setdefault(outcome.output, []).extend((case.name, path) for path in paths if path)
    problems = []
    for output, pages in outputs.items():
        pages += [("startsidan", "/"), ("flödet", "/flode.xml"), ("sök", "/sok/"), ("kategorier", "/kategorier/"),
                  ("taggar", "/taggar/")]  # fmt: skip
        with contextlib.contextmanager(serve)(output) as base:
            context = chromium.new_context(locale="sv-SE")
            context.add_init_script(WATCH)
            requests: list[str] = []

            def route(route, request, base=base, requests=requests):
                if request.url.startswith(base) or request.url.startswith("data:"):
                    route.continue_()
                else:
                    requests.append(request.url)
                    route.abort()

            context.route("**/*", route)
            named = list(dict.fromkeys(pages))
            for (name, path), seen in zip(
                named, visit(context, [base + path for _name, path in named]), strict=True
            ):
                problems += [f"{name} {path}: {found}" for found in seen]
            search = context.new_page()
            search.goto(base + "/sok/")
            search.get_by_label("Sökord").fill("stycke")
            search.get_by_label("Sökord").press("Enter")
            search.locator("[data-bk-search-hits] li").first.wait_for()
            problems += [f"sök: {found}" for found in search.evaluate("() => window.__problems")]
            problems += [f"begäran till en annan webbplats: {url}" for url in requests]
            context.close()
    assert problems == [], "\n".join(problems)
