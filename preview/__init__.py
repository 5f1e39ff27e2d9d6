"""preview: the editors' preview server, for `make serve` and `make livereload`.

It serves the last site that was built (``output/``, which a build replaces only when it succeeds) on
127.0.0.1, answers a missing page with the site's own ``404.html`` (status 404), and takes the next
free port when the one asked for is in use. With ``Builds`` (`make livereload`) it also

- adds one script tag to every HTML page it sends: ``RELOAD_SCRIPT``, from the preview's own origin,
  which the pages' Content-Security-Policy allows (``script-src 'self'``; livereload's inline snippet
  it refused). The tag is added as a page is sent, never written: a preview build is byte for byte
  `make build`'s, and no build ever carries the script;
- tells every open page when a build has finished (Server-Sent Events at ``EVENTS``), and the page
  reloads itself;
- while the last build failed, answers every page with a Swedish page that lists the problems, each
  with its file and line (``problems.html``), until a build succeeds. Stylesheets, images and
  ``?senaste`` (the page as the last good build made it) still come from the last good site.
"""

from __future__ import annotations

import errno
import http.server
import io
import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from content_checks import Problem

PREFIX = "/_forhandsvisning/"  # the preview's own addresses; no page of the site starts with "_"
RELOAD_SCRIPT = PREFIX + "omladdning.js"
STYLESHEET = PREFIX + "problem.css"
EVENTS = PREFIX + "byggen"
OWN_FILES = {
    RELOAD_SCRIPT: ("reload.js", "text/javascript; charset=utf-8"),
    STYLESHEET: ("problems.css", "text/css; charset=utf-8"),
}
LAST_GOOD = "senaste"  # the query that shows a page as the last good build made it
PORTS_TRIED = 20
HEARTBEAT = 15.0  # seconds between the events stream's keep-alive comments
FOLDER = Path(__file__).resolve().parent
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(FOLDER), autoescape=True, trim_blocks=True, lstrip_blocks=True
)


class PortError(OSError):
    """No port to serve on; the message says why and what to do, in Swedish."""


@dataclass(frozen=True)
class Outcome:
    """How a build went: its content problems, or a failure that is no content problem (``message``)."""

    problems: tuple[Problem, ...] = ()
    message: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.problems or self.message)


class Builds:
    """The last build's outcome and an id that changes with every build (and every process), shared
    by the loop that builds and the server's threads."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._process = f"{os.getpid()}-{time.time_ns()}"
        self._count = 0
        self._closed = False
        self.outcome = Outcome()

    @property
    def id(self) -> str:
        return f"{self._process}-{self._count}"

    def finished(self, outcome: Outcome) -> None:
        """A build has finished: every open page hears of it."""
        with self._changed:
            self._count += 1
            self.outcome = outcome
            self._changed.notify_all()

    def wait(self, seen: str | None, timeout: float) -> str | None:
        """The id of the last build once it is not ``seen`` (or after ``timeout``); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self.id != seen, timeout)
            return None if self._closed else self.id

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def with_reload_script(html: bytes, build_id: str) -> bytes:
    """A page with the reload script's tag added at the end of its head (or at its end, if it has none)."""
    tag = f'<script src="{RELOAD_SCRIPT}" data-bygge="{build_id}" defer></script>'.encode()
    at = html.lower().find(b"</head>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


def is_page(path: str) -> bool:
    """Whether an address asks for a page (a folder, .html, or a name without an extension)."""
    name = path.rsplit("/", 1)[-1]
    return not name or name.endswith((".html", ".htm")) or "." not in name


def problems_page(outcome: Outcome, build_id: str, last_good: str | None) -> str:
    """The Swedish page shown instead of every page while the last build failed."""
    files: dict[str, list[Problem]] = defaultdict(list)
    for problem in sorted(outcome.problems, key=Problem.sort_key):
        files[problem.path].append(problem)
    return TEMPLATES.get_template("problems.html").render(
        count=len(outcome.problems),
        files=files,
        message=outcome.message,
        build_id=build_id,
        reload_script=RELOAD_SCRIPT,
        stylesheet=STYLESHEET,
        last_good=last_good,
    )


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` as a static host would; see the module's docstring for what ``builds`` adds."""

    builds: Builds | None = None

    def log_message(self, format: str, *args) -> None:
        """Say nothing per request: the terminal is for what the builds did."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload always shows the newest build
        super().end_headers()

    def do_GET(self) -> None:
        if self.builds and urlsplit(self.path).path == EVENTS:
            self._send_events()
        else:
            super().do_GET()

    def send_head(self):
        address = urlsplit(self.path)
        if address.path in OWN_FILES:
            name, kind = OWN_FILES[address.path]
            return self._send((FOLDER / name).read_bytes(), kind)
        file = Path(self.translate_path(self.path))
        if file.is_dir() and address.path.endswith("/"):
            file = file / "index.html"  # or the 404 page: a host lists no folders
        elif file.is_dir():
            return super().send_head()  # the redirect to the folder's address with its "/"
        if (
            self.builds
            and self.builds.outcome.failed
            and is_page(address.path)
            and address.query != LAST_GOOD
        ):
            last_good = f"{address.path}?{LAST_GOOD}" if file.is_file() else None
            page = problems_page(self.builds.outcome, self.builds.id, last_good)
            return self._send(page.encode(), "text/html; charset=utf-8", 500)
        if not file.is_file():
            return self._not_found()
        if self.builds and file.suffix == ".html":
            return self._send(self._page(file), "text/html; charset=utf-8")
        return super().send_head()

    def _page(self, file: Path) -> bytes:
        html = file.read_bytes()
        return with_reload_script(html, self.builds.id) if self.builds else html

    def _not_found(self):
        page = Path(self.directory) / "404.html"
        if page.is_file():
            return self._send(self._page(page), "text/html; charset=utf-8", 404)
        return self._send(b"Sidan finns inte.", "text/plain; charset=utf-8", 404)

    def _send(self, body: bytes, kind: str, status: int = 200) -> io.BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _send_events(self) -> None:
        """A Server-Sent Events stream: the id of the last build now and after every build."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.close_connection = True
        seen = None
        try:
            while (current := self.builds.wait(seen, HEARTBEAT)) is not None:
                event = f"retry: 1000\ndata: {current}\n\n" if current != seen else ": \n\n"
                self.wfile.write(event.encode())
                self.wfile.flush()
                seen = current
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    @property
    def port(self) -> int:
        return self.server_address[1]


def say_now(text: str) -> None:
    print(text, flush=True)


def bind(output: Path, port: int, builds: Builds | None = None, say=say_now) -> Server:
    """A server for ``output`` on 127.0.0.1 at ``port``, or at the next free one (and ``say`` so)."""
    handler = type("PreviewHandler", (Handler,), {"builds": builds})

    def make(request, address, server):
        return handler(request, address, server, directory=str(output))

    for candidate in range(port, port + PORTS_TRIED):
        try:
            server = Server(("127.0.0.1", candidate), make)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                continue
            raise PortError(
                f"Porten {candidate} går inte att använda ({error.strerror})."
                " Välj en annan, till exempel: make serve PORT=8080"
            ) from None
        if candidate != port:
            say(
                f"Porten {port} används redan av ett annat program (kanske en annan förhandsvisning)."
                f" Förhandsvisningen använder port {candidate} i stället."
            )
        return server
    last = port + PORTS_TRIED - 1
    raise PortError(
        f"Porterna {port}–{last} används redan av andra program. Stäng en annan förhandsvisning, eller"
        f" välj en annan port, till exempel: make serve PORT={last + 1000}"
    )


def start(server: Server) -> threading.Thread:
    """Serve in a thread of its own (the builds need the main thread: SIGTERM stops them there)."""
    thread = threading.Thread(target=server.serve_forever, name="förhandsvisning", daemon=True)
    thread.start()
    return thread
