"""The preview (`make serve`, `make livereload`, preview/): the last good site, the site's own 404 page,
the next free port, a reload script from the site's own origin that the pages' policy allows, and a
Swedish page of problems while a build fails. The real commands run in a copy of the project; the
reload is watched in Chromium."""

from __future__ import annotations

import errno
import http.client
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build_site, copy_site, make, make_environment, write_files
from content_checks import Problem

import preview
import tasks

POST = "posts/2018/att-motas.md"
POST_URL = "/2018/02/att-motas-for-en-konkurrenskraftig-industri/"
POST_PAGE = POST_URL.strip("/") + "/index.html"
BAD_DATE = ("Date: 2018-02-15 10:00", "Date: 2018-02-30 10:00")
BAD_DATE_PROBLEM = (
    '  rad 2: Date: "2018-02-30 10:00" är inget giltigt datum. Skriv ÅÅÅÅ-MM-DD TT:MM, till exempel'
    " 2018-02-15 10:00."
)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def get(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@contextmanager
def listening(port: int = 0) -> Iterator[socket.socket]:
    """A socket that holds a port on 127.0.0.1, as another program would."""
    with socket.socket() as holder:  # closed also when the port is taken and bind fails
        holder.bind(("127.0.0.1", port))
        holder.listen()
        yield holder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal site, built once: the last good site of these tests."""
    folder = tmp_path_factory.mktemp("preview")
    return build_site(copy_site("minimal", folder), folder / "output")


@contextmanager
def server(output: Path, builds: preview.Builds | None = None) -> Iterator[preview.Server]:
    running = preview.bind(output, 0, builds)
    preview.start(running)
    try:
        yield running
    finally:
        if builds:
            builds.close()
        running.shutdown()
        running.server_close()


# What a page carries, and what the preview adds to it


def test_the_reload_script_goes_at_the_end_of_the_head():
    page = b"<!doctype html><html><head><title>x</title></HEAD><body>y</body></html>"
    tag = b'<script src="/_forhandsvisning/omladdning.js" data-bygge="7-1" defer></script>'
    assert preview.with_reload_script(page, "7-1") == page.replace(b"</HEAD>", tag + b"</HEAD>")
    assert preview.with_reload_script(b"<p>utan huvud</p>", "7-1") == b"<p>utan huvud</p>" + tag


@pytest.mark.parametrize(
    ("path", "page"),
    [("/", True), ("/2018/02/x/", True), ("/404.html", True), ("/om-bloggen", True),
     ("/theme/css/main.css", False), ("/images/2018/hamn.jpg", False), ("/flode.xml", False)],
)  # fmt: skip
def test_a_page_is_a_folder_an_html_file_or_a_name_without_extension(path, page):
    assert preview.is_page(path) is page


# make serve: the site as built, its own 404 page, no folder listings


def test_serve_sends_the_site_as_built_and_the_sites_404_page_for_a_missing_one(built):
    not_found = (built / "404.html").read_bytes()
    with server(built) as running:
        status, headers, body = get(running.port, POST_URL)
        assert (status, body) == (200, (built / POST_PAGE).read_bytes())
        assert headers["Cache-Control"] == "no-store"
        assert get(running.port, "/finns-inte/")[::2] == (404, not_found)
        assert get(running.port, "/images/")[::2] == (404, not_found)  # a folder without a page: no listing
        status, headers, body = get(running.port, "/finns-inte/", "HEAD")
        assert (status, headers["Content-Length"], body) == (404, str(len(not_found)), b"")
        assert get(running.port, "/theme/css/main.css")[::2] == (
            200,
            (built / "theme/css/main.css").read_bytes(),
        )
        assert get(running.port, preview.RELOAD_SCRIPT)[0] == 200  # the preview's own files, even here
    assert "<h1>Sidan finns inte</h1>" in not_found.decode()  # the site's own page
    assert b"_forhandsvisning" not in not_found


def test_a_port_in_use_gets_the_next_free_one(built):
    said: list[str] = []
    with listening() as holder:
        taken = holder.getsockname()[1]
        running = preview.bind(built, taken, say=said.append)
    try:
        assert running.port > taken
        assert said == [
            f"Porten {taken} används redan av ett annat program (kanske en annan förhandsvisning)."
            f" Förhandsvisningen använder port {running.port} i stället."
        ]
    finally:
        running.server_close()


def test_no_free_port_is_said_in_swedish(built):
    with ExitStack() as held:
        taken = held.enter_context(listening()).getsockname()[1]
        for port in range(taken + 1, taken + preview.PORTS_TRIED):
            try:
                held.enter_context(listening(port))
            except OSError as error:  # held by another program: just as taken
                if error.errno != errno.EADDRINUSE:
                    raise
        with pytest.raises(preview.PortError) as error:
            preview.bind(built, taken)
    last = taken + preview.PORTS_TRIED - 1
    assert str(error.value) == (
        f"Porterna {taken}–{last} används redan av andra program. Stäng en annan förhandsvisning, eller"
        f" välj en annan port, till exempel: make serve PORT={last + 1000}"
    )


# make livereload: the reload script, the build events, the problems page


def test_livereload_adds_the_reload_script_to_the_pages_it_sends_never_to_the_files(built):
    builds = preview.Builds()
    with server(built, builds) as running:
        status, headers, body = get(running.port, POST_URL)
        assert (status, body) == (
            200,
            preview.with_reload_script((built / POST_PAGE).read_bytes(), builds.id),
        )
        status, headers, body = get(running.port, preview.RELOAD_SCRIPT)
        assert (status, headers["Content-Type"]) == (200, "text/javascript; charset=utf-8")
        assert body == (preview.FOLDER / "reload.js").read_bytes()
        assert get(running.port, "/finns-inte/")[::2] == (
            404,
            preview.with_reload_script((built / "404.html").read_bytes(), builds.id),
        )
    assert [
        path for path in built.rglob("*") if path.is_file() and b"_forhandsvisning" in path.read_bytes()
    ] == []


def test_every_open_page_hears_of_each_build(built):
    builds = preview.Builds()
    with server(built, builds) as running:
        connection = socket.create_connection(("127.0.0.1", running.port), timeout=10)
        connection.sendall(f"GET {preview.EVENTS} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        stream = connection.makefile("rb")
        head = b"".join(iter(stream.readline, b"\r\n"))
        assert head.startswith(b"HTTP/1.0 200 OK\r\n")
        assert b"Content-Type: text/event-stream\r\n" in head
        first = builds.id
        assert [stream.readline() for _ in range(3)] == [b"retry: 1000\n", f"data: {first}\n".encode(), b"\n"]
        builds.finished(preview.Outcome())
        assert [stream.readline() for _ in range(3)] == [
            b"retry: 1000\n",
            f"data: {builds.id}\n".encode(),
            b"\n",
        ]
        assert builds.id != first
        connection.close()


def test_while_a_build_fails_every_page_shows_its_problems_and_the_rest_is_the_last_good_site(built):
    builds = preview.Builds()
    problems = (
        Problem(
            "content/posts/2018/att-motas.md", 'Date: "2018-02-30" är inget giltigt datum. Skriv …', 2, "Date"
        ),
        Problem("content/posts/2018/att-motas.md", "bilden x.jpg saknar <alternativtext>.", 9, "brödtexten"),
        Problem("content/authors/anna-berg.md", "Name saknas.", 0, "Name"),
    )
    with server(built, builds) as running:
        builds.finished(preview.Outcome(problems=problems))
        status, headers, body = get(running.port, POST_URL)
        assert (status, headers["Content-Type"]) == (500, "text/html; charset=utf-8")
        page = BeautifulSoup(body, "html.parser")
        assert page.html["lang"] == "sv"
        assert page.h1.get_text() == "Bygget stoppades: 3 fel i innehållet"
        assert [h2.get_text() for h2 in page.find_all("h2")] == [
            "content/authors/anna-berg.md",
            "content/posts/2018/att-motas.md",
        ]
        assert [li.get_text() for li in page.find_all("li")] == [
            "Name saknas.",
            'rad 2: Date: "2018-02-30" är inget giltigt datum. Skriv …',
            "rad 9: brödtexten: bilden x.jpg saknar <alternativtext>.",
        ]
        assert page.find("script")["src"] == preview.RELOAD_SCRIPT
        assert page.find("script")["data-bygge"] == builds.id
        assert page.find("a")["href"] == f"{POST_URL}?senaste"
        # The page as the last good build made it, its stylesheet and images: still there.
        assert get(running.port, f"{POST_URL}?senaste")[::2] == (
            200,
            preview.with_reload_script((built / POST_PAGE).read_bytes(), builds.id),
        )
        assert get(running.port, "/theme/css/main.css")[::2] == (
            200,
            (built / "theme/css/main.css").read_bytes(),
        )
        # A page the last good build did not make: the problems, with no way back to it.
        status, _headers, body = get(running.port, "/2018/03/ny-text/")
        assert status == 500
        assert BeautifulSoup(body, "html.parser").find("a") is None
        # Fixed: the site again.
        builds.finished(preview.Outcome())
        assert get(running.port, POST_URL)[0] == 200


def test_a_failure_that_is_no_content_problem_is_shown_as_it_was_said(built):
    builds = preview.Builds()
    with server(built, builds) as running:
        builds.finished(
            preview.Outcome(message="Bygget stoppades av ett fel i koden (TemplateSyntaxError: x)")
        )
        page = BeautifulSoup(get(running.port, "/")[2], "html.parser")
    assert page.h1.get_text() == "Bygget stoppades"
    assert page.pre.get_text() == "Bygget stoppades av ett fel i koden (TemplateSyntaxError: x)"


# The real commands, in a copy of the project


class Running:
    """A `make` target that runs until it is stopped (serve, livereload), its output read line by line
    (stdout and stderr as one, in the order the terminal shows them)."""

    def __init__(self, project: Path, target: str, **env: str) -> None:
        self.lines: list[str] = []
        self._new_line = threading.Condition()
        # SIGINT as in a terminal (a shell runs a background command with it ignored).
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", target, *(f"{key}={value}" for key, value in env.items())],
            cwd=project,
            env=make_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 (only that call)
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._new_line:
                self.lines.append(line.rstrip("\n"))
                self._new_line.notify_all()

    def wait_for(self, wanted: Callable[[str], bool], after: int = 0, timeout: float = 120) -> int:
        """The index of the first line from ``after`` on that is ``wanted``."""

        def found() -> list[int]:
            return [i for i, line in enumerate(self.lines) if i >= after and wanted(line)][:1]

        with self._new_line:
            first = self._new_line.wait_for(found, timeout)
        assert first, "\n".join(self.lines)
        return first[0]

    def port(self) -> int:
        line = self.lines[self.wait_for(lambda line: line.startswith("Förhandsvisning: "))]
        return int(re.fullmatch(r"Förhandsvisning: http://localhost:(\d+)/ \(Ctrl-C stoppar den\)", line)[1])

    def stop(self) -> int:
        """Ctrl-C, as an editor stops it."""
        os.killpg(self.process.pid, signal.SIGINT)
        status = self.process.wait(timeout=60)
        self._reader.join(timeout=10)  # the last lines
        return status

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._reader.join(timeout=10)
        self.process.stdout.close()


@contextmanager
def running(project: Path, target: str, **env: str) -> Iterator[Running]:
    command = Running(project, target, **env)
    try:
        yield command
    finally:
        command.close()


def test_make_serve_shows_the_last_good_site_when_the_build_fails_on_the_next_free_port(project):
    assert make(project, "build").returncode == 0
    good = (project / "output" / POST_PAGE).read_bytes()
    edit(project / "content" / POST, *BAD_DATE)
    with listening() as holder, running(project, "serve", PORT=str(holder.getsockname()[1])) as serve:
        taken = holder.getsockname()[1]
        port = serve.port()
        assert serve.lines == [
            f"Porten {taken} används redan av ett annat program (kanske en annan förhandsvisning)."
            f" Förhandsvisningen använder port {port} i stället.",
            "Bygget stoppades: 1 fel i innehållet (en fil).",
            "",
            "content/posts/2018/att-motas.md",
            BAD_DATE_PROBLEM,
            "",
            f"{tasks.LAST_GOOD_SHOWN} Rätta felen och kör make serve igen.",
            f"Förhandsvisning: http://localhost:{port}/ (Ctrl-C stoppar den)",
        ]
        assert get(port, POST_URL)[::2] == (200, good)
        assert get(port, "/finns-inte/")[::2] == (404, (project / "output/404.html").read_bytes())
        assert serve.stop() == -signal.SIGINT  # make ends as an interrupted program does
    assert serve.lines[-2:] == ["", "Förhandsvisningen stoppades."]
    assert not [line for line in serve.lines if "Traceback" in line or line.startswith("make")]


def test_make_serve_without_a_site_that_built_says_so(project):
    edit(project / "content" / POST, *BAD_DATE)
    with listening() as holder:
        free = holder.getsockname()[1]
    served = make(project, "serve", PORT=str(free))
    assert served.returncode == 1
    assert served.stderr.splitlines()[-1] == f"{tasks.NOTHING_BUILT} Rätta felen och kör make serve igen."
    assert not (project / "output").exists()


@pytest.mark.browser
def test_livereload_reloads_the_open_page_and_shows_a_mistake_until_it_is_fixed(project, page):
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    post = project / "content" / POST
    with listening() as holder:
        free = holder.getsockname()[1]
    with running(project, "livereload", PORT=str(free)) as livereload:
        port = livereload.port()
        first = livereload.wait_for(lambda line: line.startswith(("Klart: ", "Bygget stoppades")))
        assert livereload.lines[first].startswith("Klart: output/ byggdes på ")
        page.goto(f"http://127.0.0.1:{port}{POST_URL}")
        assert (
            page.locator("h1").inner_text().replace("\xad", "")
            == "Att mötas för en konkurrenskraftig industri"
        )

        # A save: the open page shows it within 3 s.
        edit(post, "Andra stycket.", "Robotarna kom.")
        saved = time.monotonic()
        page.get_by_text("Robotarna kom.").wait_for(timeout=3000)
        reloaded = time.monotonic() - saved
        said = livereload.wait_for(lambda line: line.startswith("Ändrat: "), after=first + 1)
        assert livereload.lines[said] == "Ändrat: content/posts/2018/att-motas.md. Bygger om …"
        done = livereload.wait_for(lambda line: not line.startswith("Ändrat: "), after=said + 1)
        assert livereload.lines[done].startswith("Klart: output/ byggdes på ")

        # A mistake: the page lists it, with its file and line, until it is fixed.
        edit(post, *BAD_DATE)
        page.get_by_role("heading", name="Bygget stoppades: 1 fel i innehållet").wait_for(timeout=3000)
        assert page.locator("h2").all_inner_texts() == ["content/posts/2018/att-motas.md"]
        assert page.locator("li").all_inner_texts() == [BAD_DATE_PROBLEM.strip()]
        said = livereload.wait_for(lambda line: line.startswith("Ändrat: "), after=done + 1)
        last = livereload.wait_for(lambda line: line == tasks.PREVIEW_NEXT, after=said + 1)
        assert livereload.lines[said + 1 : last + 1] == [
            "Bygget stoppades: 1 fel i innehållet (en fil).",
            "",
            "content/posts/2018/att-motas.md",
            BAD_DATE_PROBLEM,
            "",
            tasks.PREVIEW_NEXT,
        ]
        assert (project / "output" / POST_PAGE).read_text(encoding="utf-8").count("Robotarna")

        edit(post, *reversed(BAD_DATE))
        page.get_by_text("Robotarna kom.").wait_for(timeout=3000)
        said = livereload.wait_for(lambda line: line.startswith("Ändrat: "), after=last + 1)
        done = livereload.wait_for(lambda line: not line.startswith("Ändrat: "), after=said + 1)
        assert livereload.lines[done].startswith("Klart: output/ byggdes på ")
        assert livereload.stop() == -signal.SIGINT
    assert livereload.lines[-2:] == ["", "Förhandsvisningen stoppades."]
    # The policy refused nothing; the one error is the problems page's status, which Chromium logs.
    assert [text for text in console if "status of 500" not in text] == []
    assert reloaded < 3
    built = [path for path in (project / "output").rglob("*") if path.is_file()]
    assert [path for path in built if b"_forhandsvisning" in path.read_bytes()] == []


# A failing make: status 1, its Swedish message last, the caller's shell goes on


def test_a_failing_make_exits_1_with_its_message_last_and_the_shell_goes_on(project):
    write_files(project / "content", {"posts/2018/ny.md": "Title: Ny\nDate: 2018-13-01\n\nText.\n"})
    script = (
        'make check; echo "check: $?" >&2; make build; echo "build: $?" >&2;'
        ' for round in 1 2; do make check >/dev/null 2>&1; echo "varv $round: $?" >&2; done'
    )
    shell = subprocess.run(
        ["bash", "-c", script],
        check=False,
        cwd=project,
        capture_output=True,
        text=True,
        env=make_environment(),
        timeout=300,
    )
    assert shell.returncode == 0
    lines = shell.stderr.splitlines()
    check_end, build_end = lines.index("check: 1"), lines.index("build: 1")
    assert lines[check_end - 2 : check_end] == ["", tasks.CHECK_NEXT]
    assert lines[build_end - 2 : build_end] == [
        "",
        "Inget ändrades i output/. Rätta felen och kör make build igen.",
    ]
    assert lines[build_end + 1 :] == ["varv 1: 1", "varv 2: 1"]
    assert not [line for line in lines if line.startswith("make")]
    assert list((project / ".cache/make").iterdir()) == []  # no record of a failure is left behind


def test_a_passing_make_exits_0(project):
    checked = make(project, "check")
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout.startswith("Innehållet är utan fel (2 inlägg, 2 sidor, 1 skribenter")
