"""Shared fixtures: real Pelican builds into tmp_path, parsed output, and tools that may be missing."""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

import sitebuild  # noqa: E402

SITES = Path(__file__).resolve().parent / "sites"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(available: bool, reason: str) -> None:
    """Skip locally when a system tool is missing; under CI=true a missing tool is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: .ci/run must install it)")
    pytest.skip(reason)


def _settings(content: Path, output: Path, overrides: dict) -> dict:
    settings = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(output.parent / f".cache-{output.name}"),
        **overrides,
    }
    if _IMAGES["shared"] is not None and not _IMAGES["cold"] and "FIGURES" not in overrides:
        settings["FIGURES"] = {"cache_path": str(_IMAGES["shared"])}
    return settings


# Image derivatives are cached by each image's content (plugins/figures; the cache itself is tested cold
# in the test files marked cold_images). The builds of one run share one such cache, in every xdist
# worker (each file is written to a temporary name and renamed), so that a copy of the sample site does
# not make its derivatives again in every test. A test marked cold_images gets the build's own cache.
_IMAGES: dict = {"shared": None, "cold": False}


@pytest.fixture(scope="session", autouse=True)
def _image_cache_of_the_run(tmp_path_factory: pytest.TempPathFactory) -> None:
    base = tmp_path_factory.getbasetemp()
    _IMAGES["shared"] = (base.parent if "PYTEST_XDIST_WORKER" in os.environ else base) / "shared-images"


@pytest.fixture(autouse=True)
def _cold_images(request: pytest.FixtureRequest) -> Iterator[None]:
    _IMAGES["cold"] = request.node.get_closest_marker("cold_images") is not None
    yield
    _IMAGES["cold"] = False


def build_site(content: Path, output: Path, settings_file: str = "pelicanconf.py", **overrides) -> Path:
    """Build a content folder with this project's settings, theme and plugins; return the output folder."""
    return build_result(content, output, settings_file, **overrides).output


def build_result(
    content: Path, output: Path, settings_file: str = "pelicanconf.py", **overrides
) -> sitebuild.BuildResult:
    """``build_site``, returning the build's result: ``.stats`` are this build's numbers (build_context)."""
    return sitebuild.build(settings_file, _settings(content, output, overrides))


def check_site(content: Path, output: Path, settings_file: str = "pelicanconf.py", **overrides) -> None:
    """What `make check` does to a content folder (the build into a folder that is thrown away)."""
    sitebuild.check(settings_file, _settings(content, output, overrides))


def without_rules() -> dict:
    """Settings overrides for a build without the content checks (and so without the rules that connect
    to them): to show what Pelican itself would warn about."""
    from pelicanconf import PLUGINS

    return {"PLUGINS": [plugin for plugin in PLUGINS if plugin != "content_checks"]}


def copy_site(name: str, destination: Path) -> Path:
    """A fresh, writable copy of tests/sites/<name>/content, for tests that break it on purpose."""
    target = destination / name
    shutil.copytree(SITES / name / "content", target)
    return target


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} under root and return root."""
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def replace_text(path: Path, old: str, new: str) -> None:
    """An editor's edit of a file: ``old`` (which must be there) replaced by ``new``, once."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def give_up_addresses(content: Path, *addresses: str) -> None:
    """Take addresses out of the site's list of published addresses, as an editor does who gives them up
    on purpose (a post deleted or retitled in a test that is not about addresses)."""
    listed = content / "adresser.txt"
    lines = listed.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if line.split(" ", 1)[0] not in addresses]
    assert len(kept) == len(lines) - len(addresses), addresses
    listed.write_text("".join(kept), encoding="utf-8")


def stopped_build(content: Path, output: Path, change: dict[str, str | bytes] | Callable[[Path], None]):
    """Build ``content``, apply ``change`` ({path: text} written into it, or a function of the folder),
    build again: the second build must stop with a ContentError and leave the first output byte for
    byte, and the check must stop with the very same message. Returns the ContentError."""
    from content_checks import ContentError

    build_site(content, output)
    before = digest_tree(output)
    if callable(change):
        change(content)
    else:
        write_files(content, change)
    with pytest.raises(ContentError) as error:
        build_site(content, output)
    assert digest_tree(output) == before
    with pytest.raises(ContentError) as checked:
        check_site(content, output)
    assert str(checked.value) == str(error.value)
    assert digest_tree(output) == before
    return error.value


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project whose content/ is the minimal test site (code and tools shared by links),
    for the real commands as an editor runs them: `make check`, `make serve`, …"""
    root = tmp_path / "projekt"
    root.mkdir()
    for name in ("Makefile", "pelicanconf.py", "publishconf.py", "tasks.py", "sitebuild.py"):
        shutil.copy(ROOT / name, root / name)
    for name in ("pelican_warnings.py", "report.py"):
        shutil.copy(ROOT / name, root / name)
    for name in (".venv", "plugins", "theme", "preview", "requirements.txt"):
        (root / name).symlink_to(ROOT / name)
    shutil.copytree(SITES / "minimal/content", root / "content")
    return root


def make_environment(**env: str) -> dict[str, str]:
    """This environment without GitHub's variables (a test under CI is no editor's run), plus ``env``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}, **env}


def python_command(code: str, *args: str) -> list[str]:
    """A command that runs ``code`` in a new Python with the project and its plugins on the path, as a
    fresh build process has them; sys.argv[1] is the project's folder, ``args`` follow it."""
    on_path = "import sys; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/plugins']\n"
    return [sys.executable, "-c", on_path + code, str(ROOT), *args]


def make(project: Path, target: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    """`make <target>` in a copy of the project, as an editor runs it (VARIABLE=value in ``env``)."""
    return subprocess.run(
        ["make", "--no-print-directory", target],
        cwd=project,
        input=stdin,
        capture_output=True,
        text=True,
        env=make_environment(**env),
        timeout=300,
        check=False,
    )


def soup(path: Path, keep_marks: bool = False) -> BeautifulSoup:
    """A built page, parsed. Without the theme's break marks (<bk-shy>, plugins/hyphenation.py) unless
    asked: they are drawn by CSS, not text, and get_text(" ") would put spaces inside words."""
    document = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    if not keep_marks:
        for mark in document.find_all("bk-shy"):
            mark.decompose()
        document.smooth()  # the text on both sides of a mark: one string again
    return document


def digest_tree(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes, to compare two builds or a before/after."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def builder(tmp_path: Path) -> Callable[..., Path]:
    """build(content_dir, **overrides) -> output folder in tmp_path."""
    return functools.partial(build_site, output=tmp_path / "output")


# `make test` runs the suite in pytest-xdist workers (tasks.py: -n auto --dist loadgroup). The tests of
# one group run one after another in one worker: "serial" holds those that time a build or a rule,
# measure memory, signal processes or serve on ports, so that none of them runs beside another; a file
# in IN_ORDER_FILES reads what an earlier test of it left, or shares a costly module fixture. Every other test goes to the first free worker.
SERIAL_FILES = {"test_bench.py", "test_time_budget.py", "test_build_processes.py", "test_preview.py",
                "test_linear_rules.py"}  # fmt: skip
SERIAL_TESTS = {"test_memory_freed_between_blocks_in_use_goes_back_to_the_system"}
# ... or whose module fixture is costly (the line-break check loads every page once for all its tests).
IN_ORDER_FILES = {"test_property.py", "test_line_breaks.py"}


def xdist_group(nodeid: str) -> str:
    """The group of a test by its id: "serial", its file's path, or the id itself (a group of one)."""
    path, _, name = nodeid.partition("::")
    file = path.rsplit("/", 1)[-1]
    if file in SERIAL_FILES or name.split("[", 1)[0] in SERIAL_TESTS:
        return "serial"
    return path if file in IN_ORDER_FILES else nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """loadgroup with the groups above. Not xdist_group marks: pytest-xdist 3.8 names a mark's group in
    the test's id through an attribute that pytest 9 no longer reads, so marked tests would scatter."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class Groups(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid)

    return Groups(config, log)


def shared_build(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Path]) -> Path:
    """``make(folder)`` once per run, its result shared by every xdist worker: the first builds under a
    lock, the others wait for it. A session fixture alone would build once per worker. Nobody may change
    what it returns."""
    worker_base = factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return make(factory.mktemp(name))
    folder = worker_base.parent / f"shared-{name}"  # the run's folder, above every worker's own
    folder.mkdir(exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if make() fails
        done = folder / ".built"
        if not done.exists():
            done.write_text(str(make(folder / "site")), encoding="utf-8")
        return Path(done.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content/ folder built once with pelicanconf.py."""
    return shared_build(
        tmp_path_factory, "sample", lambda folder: build_site(ROOT / "content", folder / "output")
    )


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content/ folder built once with publishconf.py (production)."""
    return shared_build(
        tmp_path_factory,
        "published",
        lambda folder: build_site(ROOT / "content", folder / "output", "publishconf.py"),
    )


WHOLE = "pagefind-helt"  # one Pagefind run over every search record, beside the site's own index


def add_whole_index(output: Path) -> Path:
    """Index every search record of the build (kept below <year>/ in the cache) in one Pagefind run, into
    output/WHOLE: the reference the merged index must equal (tests/test_search_merge.py)."""
    import search_index

    records = output.parent / f".cache-{output.name}" / "pelicanconf" / search_index.RECORDS_FOLDER
    site = output.parent / "helt"
    for record in records.glob("*/**/*.html"):
        path = site.joinpath(*record.relative_to(records).parts[1:])
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(record, path)
    subprocess.run(search_index.pagefind_command(site, output / WHOLE, "sv"), check=True)
    return output / WHOLE


def built_with_whole_index(content: Path, folder: Path) -> Path:
    """``content`` built into folder/output, with the one-run reference index (WHOLE) added."""
    output = build_site(content, folder / "output")
    add_whole_index(output)
    return output


@pytest.fixture(scope="session")
def sample_with_whole_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content/ folder built once per run, with WHOLE added."""
    return shared_build(
        tmp_path_factory, "sample-whole", lambda folder: built_with_whole_index(ROOT / "content", folder)
    )


def archive_with_whole_index(factory: pytest.TempPathFactory, posts: int) -> Path:
    """A generated archive of ``posts`` posts over eight years (bench/generate.py), with WHOLE added:
    built once per run for each size."""
    from bench.generate import generate

    return shared_build(
        factory,
        f"archive-{posts}",
        lambda folder: built_with_whole_index(generate(folder / "content", posts), folder),
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(directory: Path) -> Iterator[str]:
    """Serve a folder on a free loopback port for the duration of a fixture; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def sample_url(sample_site: Path) -> Iterator[str]:
    """The sample site served over HTTP on loopback."""
    yield from serve(sample_site)


CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def chromium():
    """A real headless Chromium (Debian's package) driven by Playwright."""
    require(CHROMIUM.exists(), f"Chromium saknas ({CHROMIUM}); installera med apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--disable-background-networking", "--disable-component-update", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh browser page (Swedish, desktop width)."""
    context = chromium.new_context(locale="sv-SE")
    tab = context.new_page()
    yield tab
    context.close()
