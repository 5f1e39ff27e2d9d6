"""processes: child processes of a build that end with it, however it ends.

A build forks workers (content_cache converts Markdown in a pool) and a child that becomes Pagefind
(search_index). If the build's process is killed outright (SIGKILL, the OOM killer), nothing in it runs
again to stop them: a pool worker would wait forever on its queue, Pagefind would index on under PID 1.
So each child asks the kernel to kill it when the build's process ends (``die_with_parent``), and a
program the child starts in turn asks the same of the child (``dying_with_parent``).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1  # prctl(2): a signal the kernel sends this process when its parent thread ends
FAILED = 70  # the exit code of a child whose parent ended before it could ask


def libc_function(name: str):
    """A function of the C library the process runs on, or None where it has none of that name (prctl
    is Linux's, malloc_trim glibc's). Look it up when a module is imported, in the build's process:
    looking it up in a forked child means dlopen, which can wait forever on a lock another thread of the
    parent held at the fork."""
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None


PRCTL = libc_function("prctl")
# util-linux's setpriv sets the same death signal for a program it then execs (Debian has it in every
# install: util-linux is essential).
SETPRIV = shutil.which("setpriv")


def die_with_parent(parent: int) -> None:
    """In a forked child: be killed by the kernel when the build's process ends, however it ends (the
    request survives ``exec``, so Pagefind keeps it). The build's SIGTERM handler is not the child's.
    Linux only; elsewhere the build's own clean-up is all there is."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if PRCTL is None:
        return
    PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before prctl: nobody would send the signal
        os._exit(FAILED)


def dying_with_parent(command: list[str]) -> list[str]:
    """`command`, run so that the kernel kills it when the process that starts it ends: for a program a
    shell starts (Pagefind, one year after another), which would otherwise outlive the shell, and the
    build, by as long as its year takes. Unchanged where setpriv is missing (not Linux)."""
    if SETPRIV is None:
        return command
    return [SETPRIV, "--pdeathsig", "KILL", "--", *command]


HELD = {signal.SIGTERM, signal.SIGINT}


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT held back (pending) while the block runs; they arrive when it ends. For what
    an exception must not cut in two: swapping the site in, starting a pool of workers (forks and
    threads whose locks an exception raised halfway can leave taken). A child forked meanwhile gets
    them unblocked (sitebuild's fork callbacks)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
