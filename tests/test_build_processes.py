"""A build and its processes: SIGTERM stops it without leaving a process or a folder behind, two builds
with one cache cannot run at once, LOG_FILTER works in every build of a process, and no receiver of one
build's plugins survives into the next."""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import blinker
import pytest
from conftest import (
    ROOT,
    build_site,
    check_site,
    copy_site,
    digest_tree,
    python_command,
    replace_text,
    without_rules,
    write_files,
)
from content_checks import ContentError

import bench.generate
import sitebuild
from bench.generate import generate

BROKEN_LINK = "[en länk]({filename}/posts/finns-inte.md)"
PELICAN_WARNING = (logging.WARNING, "Unable to find '%s', skipping url replacement.")


def children(pid: int) -> list[int]:
    """Every living descendant of a process (from /proc; a zombie counts as gone)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def build_command(content: Path, output: Path) -> list[str]:
    settings = {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(output.parent / ".cache")}
    code = "import json, sitebuild; sitebuild.build('pelicanconf.py', json.loads(sys.argv[2]))"
    return python_command(code, json.dumps(settings))


def strays(output: Path) -> list[str]:
    cache = output.parent / ".cache"
    found = [*output.parent.glob(f".{output.name}-*"), *cache.glob("sokindex-*")]
    return sorted(str(path.relative_to(output.parent)) for path in found)


def wait_for_child(build: subprocess.Popen, program: str) -> list[int]:
    """Every descendant of a running build, once one of them runs ``program`` (the start of its
    executable's name): "pagefind" once the build indexes (not the shell that starts it), "python" once
    the Markdown workers run (forked from the build, before any indexer)."""
    deadline = time.monotonic() + 300
    while build.poll() is None and time.monotonic() < deadline:
        descendants = children(build.pid)
        for pid in descendants:
            try:
                name = Path(f"/proc/{pid}/exe").resolve().name
            except OSError:
                continue
            if name.startswith(program):
                return descendants
        time.sleep(0.005)
    raise AssertionError(f"the build ended before {program} was seen running")


def sigterm_while_running(content: Path, output: Path, program: str) -> None:
    """Build in a new process, send it SIGTERM once ``program`` runs under it (see wait_for_child), and
    check that it stopped as Ctrl-C stops it, leaving no process behind."""
    build = subprocess.Popen(build_command(content, output), cwd=ROOT, stderr=subprocess.PIPE, text=True)
    descendants = wait_for_child(build, program)
    build.send_signal(signal.SIGTERM)
    try:
        stderr = build.communicate(timeout=60)[1]
    except subprocess.TimeoutExpired:
        build.kill()  # not left running into the next test
        raise AssertionError(f"the build hung after SIGTERM: {build.communicate()[1]}") from None
    assert build.returncode == 128 + signal.SIGTERM, stderr
    assert "Bygget avbröts (SIGTERM)" in stderr
    time.sleep(0.2)  # the kernel's death signals to the orphans are asynchronous
    assert [pid for pid in descendants if alive(pid)] == []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_sigterm_while_indexing_leaves_no_process_and_the_next_build_no_folder(tmp_path):
    content = generate(tmp_path / "content", 160)
    output = tmp_path / "output"
    sigterm_while_running(content, output, "pagefind")
    assert not output.exists()  # nothing was published
    assert strays(output) == []  # the build cleaned up after itself

    # A build killed outright cannot clean up: its children (here the Markdown workers: the cache is
    # still cold) still die with it, and the next build removes what it left behind.
    build = subprocess.Popen(build_command(content, output), cwd=ROOT, stderr=subprocess.DEVNULL)
    descendants = []
    while not descendants and build.poll() is None:
        descendants = children(build.pid)
        time.sleep(0.01)
    assert descendants, "the build ended before a child process was seen"
    build.kill()
    build.wait()
    time.sleep(0.2)
    assert [pid for pid in descendants if alive(pid)] == []
    assert strays(output) != []
    subprocess.run(build_command(content, output), cwd=ROOT, check=True, capture_output=True)
    assert (output / "index.html").is_file()
    assert strays(output) == []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_pagefind_dies_with_a_build_killed_outright(tmp_path, monkeypatch):
    """SIGKILL while a year is indexed: the shell dies with the build, and the Pagefind it started dies with
    the shell, at once, rather than finishing its year under PID 1. One year of 400 posts takes Pagefind
    about a second, so an orphan would still be seen running."""
    monkeypatch.setattr(bench.generate, "YEARS", range(2020, 2021))
    content = generate(tmp_path / "content", 400)
    output = tmp_path / "output"
    build = subprocess.Popen(build_command(content, output), cwd=ROOT, stderr=subprocess.DEVNULL)
    descendants = wait_for_child(build, "pagefind")
    build.kill()
    build.wait()
    time.sleep(0.1)  # the kernel's death signals are asynchronous
    assert [pid for pid in descendants if alive(pid)] == []


def test_a_second_build_with_the_same_cache_stops_and_says_why(tmp_path):
    content = copy_site("minimal", tmp_path)
    output = tmp_path / "output"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a+'); f.write('4242');"
         "f.flush(); fcntl.flock(f, fcntl.LOCK_EX); print('låst', flush=True); time.sleep(60)",
         str(tmp_path / ".cache" / sitebuild.LOCK_FILE)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    (tmp_path / ".cache").mkdir(exist_ok=True)
    try:
        assert holder.stdout.readline().strip() == "låst"
        with pytest.raises(sitebuild.BuildError, match=r"Ett annat bygge pågår redan .* process 4242"):
            build_site(content, output, CACHE_PATH=str(tmp_path / ".cache"))
    finally:
        holder.kill()
        holder.communicate()
    build_site(content, output, CACHE_PATH=str(tmp_path / ".cache"))
    assert (output / "index.html").is_file()


def test_log_filter_silences_a_warning_in_every_build_of_a_process(tmp_path):
    content = copy_site("minimal", tmp_path)
    post = content / "posts/2018/att-motas.md"
    post.write_text(post.read_text(encoding="utf-8") + f"\n{BROKEN_LINK}\n", encoding="utf-8")
    output = tmp_path / "output"
    # Without the content checks, which would stop the link before Pelican warns about it, and without
    # the check of the built site's links, which would stop the link the silenced warning let through.
    for _build in ("first", "second"):
        with pytest.raises(ContentError, match="leder till ett inlägg som inte finns"):
            build_site(content, output, **without_rules())  # the warning, said in Swedish
        build_site(content, output, LOG_FILTER=[PELICAN_WARNING], LINK_CHECK=False, **without_rules())
        assert (output / "index.html").is_file()


def test_no_receiver_of_a_build_survives_into_the_next():
    probe = blinker.signal("bloggarkivet.test-probe")
    calls = []

    def receiver(sender):
        calls.append(sender)

    probe.connect(receiver)
    probe.connect(receiver, sender="bara-den-här", weak=False)
    sitebuild.reset_signals()
    probe.send("bara-den-här")
    assert calls == []
    assert not probe.receivers


def test_stray_folders_are_only_those_of_stopped_builds(tmp_path):
    output, cache = tmp_path / "output", tmp_path / ".cache"
    write_files(tmp_path, {".output-abc/x.html": "", ".output-old-def/output/y.html": "",
                           ".cache/sokindex-ghi/pagefind.log": "", ".cache/pelican-kept.pickle": "",
                           "output/index.html": "", ".outputs-are-not-ours/z": ""})  # fmt: skip
    removed = sitebuild.remove_stray_folders(output, cache)
    assert sorted(path.name for path in removed) == [".output-abc", ".output-old-def", "sokindex-ghi"]
    assert sorted(os.listdir(tmp_path)) == [".cache", ".outputs-are-not-ours", "output"]
    assert os.listdir(cache) == ["pelican-kept.pickle"]


SWAP = {"_replace", "_exchange", "_replace_with_signals_held"}  # sitebuild's swap and its helpers


def sigterm_at_line(monkeypatch: pytest.MonkeyPatch, number: int) -> list[int]:
    """Make the next build send itself SIGTERM just before the ``number``-th line its swap runs (lines of
    sitebuild's swap functions, counted from 1; 0 never). Returns the count of lines the swap ran."""
    seen = [0]

    def line(frame, event, arg):
        if event == "line":
            seen[0] += 1
            if seen[0] == number:
                signal.raise_signal(signal.SIGTERM)  # the build's own handler: Terminated, or held back
        return line

    def call(frame, event, arg):
        code = frame.f_code
        return line if code.co_filename == sitebuild.__file__ and code.co_name in SWAP else None

    replace = getattr(sitebuild._replace, "__wrapped__", sitebuild._replace)  # not an earlier call's

    @functools.wraps(replace)
    def traced(output: Path, staging: Path) -> None:
        sys.settrace(call)  # only while the swap runs: the build itself at full speed
        try:
            replace(output, staging)
        finally:
            sys.settrace(None)

    monkeypatch.setattr(sitebuild, "_replace", traced)
    return seen


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "signals-held"])
def test_sigterm_at_any_point_of_the_swap_leaves_one_whole_site(tmp_path, monkeypatch, capsys, exchange):
    """SIGTERM before each line of the swap in turn, with RENAME_EXCHANGE and with the fallback (signals
    held across two renames): output/ is always the whole last good site or the whole new one, the
    next build's sweep of stray folders never takes the site away, and the message says which it is.
    Fails if ``_replace`` is two plain renames again (a signal between them leaves no output/, the
    clean-up removes the new site and the sweep the old one), or if the fallback does not hold SIGTERM;
    and if ``_published()`` is left out (the mutant tried): "Inget ändrades" for a new site then."""
    if not exchange:
        monkeypatch.setattr(sitebuild, "_exchange", lambda first, second: False)
    elif sitebuild._renameat2() is None:
        pytest.skip("no renameat2 here: the fallback is the swap")
    content = copy_site("minimal", tmp_path)
    output, cache = tmp_path / "output", tmp_path / ".cache-output"
    build_site(content, output)
    old, last_good = digest_tree(output), tmp_path / "last-good"
    shutil.copytree(output, last_good)
    replace_text(content / "posts/2018/att-motas.md", "Första stycket.", "Första stycket, ändrat.")

    def publish_again(signal_at: int) -> tuple[bool, list[int]]:
        shutil.rmtree(output)
        shutil.copytree(last_good, output)
        seen = sigterm_at_line(monkeypatch, signal_at)
        try:
            build_site(content, output)
        except sitebuild.Terminated:
            return True, seen
        return False, seen

    stopped, seen = publish_again(0)
    new, lines = digest_tree(output), seen[0]
    assert not stopped
    assert new != old
    assert lines >= 4
    outcomes = []
    for number in range(1, lines + 1):
        capsys.readouterr()
        stopped, _seen = publish_again(number)
        assert stopped, number
        assert output.is_dir(), f"no output/ after SIGTERM before line {number} of the swap"
        site = digest_tree(output)
        assert site in (old, new), number
        said = capsys.readouterr().err
        if site == new:
            assert "när webbplatsen redan var publicerad i utdatamappen. Bygg igen" in said, number
        else:
            assert "Inget ändrades i utdatamappen." in said, number
        sitebuild.remove_stray_folders(output, cache)  # what the next build does first
        assert digest_tree(output) == site, number
        assert [path.name for path in tmp_path.glob(".output-*")] == []
        outcomes.append("new" if site == new else "old")
    # The signal stops the build before the swap, then after it: once output/ is new, it stays new.
    assert outcomes[0] == "old", outcomes
    assert outcomes[-1] == "new", outcomes
    assert outcomes == sorted(outcomes, reverse=True), outcomes


def test_a_passing_check_leaves_the_earlier_output_byte_for_byte_and_no_folder(tmp_path):
    """`make check` on content that builds: output/ keeps the earlier build, byte for byte, although the
    content changed since, and no staging folder or index run is left behind.
    Fails if the check publishes (the mutant tried: ``check`` calling ``_build`` with publish=True) or
    leaves its staging folder (the mutant tried: no ``shutil.rmtree(staging)`` when not publishing)."""
    content = copy_site("minimal", tmp_path)
    output, cache = tmp_path / "output", tmp_path / ".cache-output"
    build_site(content, output)
    before, listed = digest_tree(output), (content / "adresser.txt").read_bytes()
    replace_text(content / "posts/2018/att-motas.md", "Första stycket.", "Första stycket, ändrat.")
    check_site(content, output)
    assert digest_tree(output) == before
    assert (content / "adresser.txt").read_bytes() == listed
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([content.name, output.name, cache.name])
    assert list(cache.glob(sitebuild.STRAY_IN_CACHE)) == []
    build_site(content, output)  # and the change was one a build publishes
    assert digest_tree(output) != before


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_sigterm_while_the_markdown_workers_run_keeps_the_earlier_output(tmp_path):
    """SIGTERM to a build with an earlier output/ while its Markdown workers convert the posts (a cold
    cache, more posts than CONTENT_CACHE's parallel_from): the earlier site stays byte for byte, no
    worker outlives the build and nothing is left behind.
    Fails if the clean-up on SIGTERM also removes the published site (the mutant tried: ``shutil.rmtree
    (output)`` beside ``shutil.rmtree(staging)`` in ``_build_locked``'s except). (Without the pool's
    ``with`` the workers still die with the build: the kernel ends them, see processes.die_with_parent.)"""
    content = generate(tmp_path / "content", 120)
    output = tmp_path / "output"
    subprocess.run(build_command(content, output), cwd=ROOT, check=True, capture_output=True)
    before = digest_tree(output)
    shutil.rmtree(tmp_path / ".cache")  # cold again: the posts go to the workers
    sigterm_while_running(content, output, "python")
    assert digest_tree(output) == before
    assert strays(output) == []


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    """``code`` in a new Python process with the project on its path (sys.argv[1] is ROOT)."""
    return subprocess.run(
        python_command(code, *args), cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_sigterm_whose_exception_python_ignored_still_stops_the_build_before_it_publishes(tmp_path):
    """SIGTERM handled inside a ``__del__``, where Python prints the exception and goes on ("Exception
    ignored in"): the build still stops with 143 and the earlier site stays, byte for byte. (It happened
    for real inside logging's callback after a fork, and the build published with status 0.)
    Fails without ``stop.checkpoint()`` before the swap in ``_build_locked`` (the mutant tried)."""
    content = copy_site("minimal", tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    before = digest_tree(output)
    replace_text(content / "posts/2018/att-motas.md", "Första stycket.", "Första stycket, ändrat.")
    settings = {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(tmp_path / ".cache")}
    code = """import json, os, signal, sitebuild
class Doomed:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(10_000):  # the handler runs in this loop: inside __del__, where Python ignores it
            pass
check_links = sitebuild._stop_on_broken_links
def links(staging, settings):
    Doomed()  # dropped at once
    check_links(staging, settings)
sitebuild._stop_on_broken_links = links
sitebuild.build("pelicanconf.py", json.loads(sys.argv[2]))
"""
    ran = run_python(code, json.dumps(settings))
    assert "Exception ignored in" in ran.stderr, ran.stderr  # the case this test is about
    assert ran.returncode == 128 + signal.SIGTERM, ran.stderr
    assert ran.stderr.rstrip().endswith("Bygget avbröts (SIGTERM). Inget ändrades i utdatamappen."), (
        ran.stderr
    )
    assert digest_tree(output) == before
    assert strays(output) == []


def test_a_sigterm_during_a_fork_waits_until_the_fork_is_done():
    """While a build handles SIGTERM, the signal is held from before a fork until after it, so it never
    arrives inside the callbacks Python runs around a fork (logging's took the logging lock and, with
    the exception raised there, never gave it back: the build hung); the child gets SIGTERM's default
    action and both signals unblocked, also when forked while the build held them (a pool starting:
    its workers must end on SIGTERM), and a hold the build had goes on after the fork. Outside a build
    a fork holds nothing back.
    Fails without ``os.register_at_fork`` in sitebuild (the mutant tried): the callbacks see it unheld."""
    code = """import json, os, signal
def held():
    return signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, [])
seen = []
# Registered before sitebuild's, so they run inside its hold: like logging's, imported before it.
os.register_at_fork(before=lambda: seen.append(held()), after_in_parent=lambda: seen.append(held()))
import sitebuild
def fork():
    seen.clear()
    pid = os.fork()
    if pid == 0:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
        free = signal.SIGTERM not in mask and signal.SIGINT not in mask
        os._exit(0 if free and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL else 1)
    child = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    return {"callbacks": list(seen), "child": child, "after": held()}
with sitebuild._sigterm_stops_the_build():
    during = fork()
    with sitebuild.signals_held():
        holding = fork()
print(json.dumps({"build": during, "build, held": holding, "no build": fork()}))
"""
    ran = run_python(code)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {
        "build": {"callbacks": [True, True], "child": 0, "after": False},
        "build, held": {"callbacks": [True, True], "child": 0, "after": True},  # still held after it
        "no build": {"callbacks": [False, False], "child": 0, "after": False},
    }


def test_a_failing_clean_up_is_told_below_the_error_that_stopped_the_build(tmp_path, monkeypatch):
    """A build stopped by a content error whose clean-up also fails (a closer of its context): the
    editor's error is the one raised, and the clean-up's failure is a note below it, not lost.
    Fails if sitebuild closes the context in a plain ``finally`` (the mutant tried): the closer's
    RuntimeError then replaces the ContentError."""
    content = copy_site("minimal", tmp_path)
    replace_text(content / "posts/2018/att-motas.md", "Första stycket.", f"Första stycket. {BROKEN_LINK}")
    make = sitebuild.make_pelican

    def with_failing_closer(settings: dict):
        def fail() -> None:
            raise RuntimeError("indexeraren gick inte att stoppa")

        sitebuild.build_context.of(settings).on_close(fail)
        return make(settings)

    monkeypatch.setattr(sitebuild, "make_pelican", with_failing_closer)
    with pytest.raises(ContentError) as stopped:
        build_site(content, tmp_path / "output")
    assert "finns-inte.md" in str(stopped.value)
    assert stopped.value.__notes__ == [
        "Dessutom misslyckades avslutningen av bygget: RuntimeError('indexeraren gick inte att stoppa')"
    ]
