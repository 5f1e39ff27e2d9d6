"""build_context: one context per build, returned with its result, holding only that build's numbers."""

from __future__ import annotations

import pickle

import build_context
import pytest
from conftest import build_result, copy_site


def test_counters_add_up_and_a_pickled_context_comes_back_empty():
    """Pelican's own content cache pickles the settings: an earlier build's state must not come back
    from it. Fails on the mutant "context pickled with its state" (no ``__reduce__``)."""
    context = build_context.BuildContext()
    context.count("figures", processed=2)
    context.count("figures", processed=1, written=4)
    assert context.stats == {"figures": {"processed": 3, "written": 4}}
    context.state("figures", lambda: {"store": "bilder"})
    copy = pickle.loads(pickle.dumps({build_context.KEY: context}))[build_context.KEY]
    assert (copy.stats, copy.plugins, copy.closers) == ({}, {}, [])


def test_closing_runs_what_was_asked_and_drops_the_state_even_when_one_fails():
    """Fails on the mutant "close() keeps the plugins' state" (a finished build's caches kept alive)."""
    context, done = build_context.BuildContext(), []
    context.state("search_index", lambda: "körning")
    context.on_close(lambda: done.append("först"))
    context.on_close(lambda: done.append(1 / 0))
    with pytest.raises(ZeroDivisionError):
        context.close()
    assert (done, context.plugins, context.closers) == (["först"], {}, [])


def test_a_build_returns_its_closed_context_with_every_plugins_numbers(tmp_path):
    """What sitebuild returns: each family's numbers, and no plugin state left over once it ended (the
    search indexer stopped, the caches let go). Fails on the mutant "sitebuild does not close the context"."""
    result = build_result(copy_site("minimal", tmp_path), tmp_path / "output")
    assert set(result.stats) == {"content_cache", "render_cache", "figures", "search_index", "template_cache"}
    assert result.context.plugins == {}
    assert result.context.closers == []
    assert result.stats is result.context.stats
