"""time_budget: converting one content file to HTML takes at most a budget of CPU time.

Python-Markdown is super-linear on some inputs (100,000 ``[`` in a row take more than five minutes, 20,000
``<img `` half a minute): a pasted export or a mistake would hold a build, and CI, for minutes with no word
of why. Each conversion runs ``within`` the budget (``TIME_BUDGET`` seconds of CPU, default
``DEFAULT_SECONDS``); past it, the conversion is stopped with ``OverBudget`` and the build stops with
``message``, naming the file. The budget is CPU time of the process that converts (a busy machine does
not make a file late) and is kept by a timer signal, so it works in the build's process and in a worker
process alike, wherever the conversion runs Python (a single regular expression that runs for minutes
cannot be stopped this way; a worker's parent also waits only so long, see content_cache).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SECONDS = 10.0  # a long post converts in ~0.1 s: a hundred times that is never an ordinary file
SETTING = "TIME_BUDGET"


class OverBudget(BaseException):
    """A conversion ran past its budget. A BaseException, so that no ``except Exception`` in a Markdown
    extension can swallow it."""


def seconds(settings: dict) -> float:
    """This build's budget per file, in seconds of CPU time."""
    return float(settings.get(SETTING) or DEFAULT_SECONDS)


def _over(signum: int, frame) -> None:
    raise OverBudget


@contextmanager
def within(budget: float) -> Iterator[None]:
    """Raise ``OverBudget`` in the block once it has used ``budget`` seconds of CPU. Outside the main
    thread (where no signal can be handled) the block runs without a budget."""
    if threading.current_thread() is not threading.main_thread() or budget <= 0:
        yield
        return
    previous = signal.signal(signal.SIGPROF, _over)
    signal.setitimer(signal.ITIMER_PROF, budget)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def message(budget: float) -> str:
    """Why the build stopped at this file, and what to look for, in Swedish."""
    unit = "sekund" if budget == 1 else "sekunder"
    return (
        f"filen tar för lång tid att göra om till HTML (mer än {budget:g} {unit}), så bygget stoppades"
        " i stället för att bli hängande. Det beror nästan alltid på tusentals likadana tecken i rad, till"
        " exempel [ eller <, ofta från en inklistrad text eller export. Ta bort dem, eller dela upp texten."
    )
