"""build_context: one object per build for what the plugins keep while it runs and the numbers it reports.

``sitebuild`` starts a ``BuildContext`` for every build (``start``), closes it when the build ends however
it ends, and returns it with the ``BuildResult`` (``result.stats["content_cache"]``). A plugin finds it in
one way only: ``build_context.of(settings)``, with the settings it was given (``pelican.settings``,
``generator.settings``, ``content.settings``; a template's context is a copy of them and holds it too).
Nothing a build keeps lives in a module global, so no build sees another's state or numbers.

- ``stats``: ``{plugin: {counter: number}}``, only ever added to (``count``): a build reports the work it
  did, and a build that skipped a step has no numbers for it, never the previous build's.
- ``state(plugin, make)``: a plugin's own state for this build (its cache, its indexer run), made on first
  use and dropped when the build closes.
- ``on_close(function)``: what must happen when the build ends, whether or not it succeeded (search_index
  stops its indexer there).

A plain ``pelican`` run, which sitebuild does not start, gets a context on first use and nobody closes it
(its indexer dies with the process, and the next sitebuild build removes what it left). Pelican's own
content cache pickles the settings with its articles: a context pickles as an empty one, so a build never
gets an earlier build's state from that cache either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KEY = "BUILD_CONTEXT"  # the settings key that holds this build's context (cachefile leaves it out)


@dataclass(eq=False)
class BuildContext:
    """One build's numbers, the plugins' state and what to do when it ends."""

    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    plugins: dict[str, Any] = field(default_factory=dict)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def count(self, plugin: str, **numbers: int) -> None:
        """Add to this build's counters of a plugin (a counter not yet there starts at zero)."""
        counters = self.stats.setdefault(plugin, {})
        for name, number in numbers.items():
            counters[name] = counters.get(name, 0) + number

    def state(self, plugin: str, make: Callable[[], Any]) -> Any:
        """A plugin's state for this build, made by ``make()`` the first time it is asked for."""
        if plugin not in self.plugins:
            self.plugins[plugin] = make()
        return self.plugins[plugin]

    def on_close(self, function: Callable[[], None]) -> None:
        self.closers.append(function)

    def close(self) -> None:
        """End the build: run what was asked for (last first, each even if one before it failed), drop the
        plugins' state, keep the stats; the first failure is raised at the end."""
        failure: BaseException | None = None
        while self.closers:
            try:
                self.closers.pop()()
            except BaseException as error:  # the others must still run; raised below
                failure = failure or error
        self.plugins.clear()
        if failure is not None:
            raise failure

    def __reduce__(self) -> tuple:
        return (BuildContext, ())  # pickled with the settings (Pelican's content cache): comes back empty


def start(settings: dict) -> BuildContext:
    """A new context for the build these settings are for (sitebuild calls it before Pelican starts)."""
    settings[KEY] = BuildContext()
    return settings[KEY]


def of(settings: dict) -> BuildContext:
    """The context of the build these settings (or a template context made from them) belong to."""
    context = settings.get(KEY)
    if context is None:  # a plain ``pelican`` run: see the module docstring
        context = start(settings)
    return context
