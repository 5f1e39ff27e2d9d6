"""The benchmark harness: a deterministic corpus, correct arithmetic, and both builds work on a tiny corpus."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import build_site, digest_tree
from invoke import Task
from pelican.utils import slugify

import pelicanconf
import tasks
from bench import run
from bench.generate import generate, slug


def test_generator_is_deterministic_to_the_byte(tmp_path):
    first = digest_tree(generate(tmp_path / "a", 20, seed=7))
    second = digest_tree(generate(tmp_path / "b", 20, seed=7))
    other_seed = digest_tree(generate(tmp_path / "c", 20, seed=8))
    assert first == second
    assert first != other_seed


def test_generated_corpus_has_the_editors_format(tmp_path):
    content = generate(tmp_path / "corpus", 40)
    posts = sorted((content / "posts").rglob("*.md"))
    assert len(posts) == 40
    assert len({post.parent.name for post in posts}) > 3  # spread over several years
    assert len(list((content / "authors").glob("*.md"))) == 10
    assert 0 < len(list((content / "images" / "authors").glob("*.jpg"))) < 10
    texts = [post.read_text(encoding="utf-8") for post in posts]
    assert all("![" in text and "Foto: Tillväxtverket" in text for text in texts)
    assert 0 < sum("\nImage_alt: " in text for text in texts) < 40
    assert any('"' in text.split("\n\n", 1)[1] for text in texts)
    words = [len(text.split("\n\n", 1)[1].split()) for text in texts]
    assert min(words) >= 600
    # Comment files are named by the post's slug, the slug the site makes.
    for comments in (content / "comments").glob("*.toml"):
        assert any(post.stem == comments.stem for post in posts)


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Öppna data för småföretag", "oppna-data-for-smaforetag"), ("Tänk 'smart' nu", "tank-smart-nu")],
)
def test_generator_slug_matches_pelicans(title, expected):
    assert slug(title) == expected
    assert slugify(title, regex_subs=pelicanconf.SLUG_REGEX_SUBSTITUTIONS) == expected


def test_median_and_ratio():
    assert run.median([3.0, 1.0, 2.0]) == 2.0
    assert run.median([4.0, 1.0, 2.0, 3.0]) == 2.5
    assert math.isnan(run.median([]))
    assert run.ratio(3.0, 2.0) == 1.5
    assert math.isnan(run.ratio(1.0, 0.0))
    assert math.isnan(run.ratio(float("nan"), 2.0))


def test_summary_takes_medians_per_tool_and_ratios_compare_them():
    measurements = [run.Measurement("project", "cold", value) for value in (9.0, 4.0, 5.0)] + [
        run.Measurement("vanilla", "cold", value) for value in (10.0, 8.0, 100.0)
    ]
    measurements += [run.Measurement("project", "warm", 2.0), run.Measurement("vanilla", "warm", 4.0)]
    summary = run.summarise(measurements)
    assert summary[("project", "cold")] == 5.0
    assert summary[("vanilla", "cold")] == 10.0
    result = run.ratios(summary)
    assert result["cold"] == 0.5
    assert result["warm"] == 0.5
    assert result["warm_vs_vanilla_cold"] == 0.2
    assert math.isnan(result["memory"])


def test_report_shows_ratios_and_verdicts():
    summary = {("project", "cold"): 3.0, ("vanilla", "cold"): 2.0, ("project", "memory"): 50.0,
               ("vanilla", "memory"): 50.0}  # fmt: skip
    text = run.report(100, 1, summary)
    assert "1.50×" in text
    assert "≤ 1.0× MISSED" in text
    assert "≤ 2.0× ok" in text
    assert "cold build, CPU" in text


def test_format_table_aligns_columns():
    table = run.format_table(["", "a", "bb"], [["row", "1", "22"], ["longer row", "333", "4"]])
    lines = table.splitlines()
    assert lines[0] == "              a  bb"
    assert lines[1] == "----------  ---  --"
    assert lines[2] == "row           1  22"
    assert lines[3] == "longer row  333   4"


def test_runner_builds_a_tiny_corpus_with_both_tools(tmp_path):
    measurements = run.run_size(10, repeats=1, seed=1, cold_only=False, work=tmp_path, log=lambda _: None)
    summary = run.collect(measurements)
    for tool in run.TOOLS:
        for metric in run.METRICS:
            assert summary[(tool, metric)] > 0, (tool, metric)
    assert (tmp_path / "project" / "output" / "index.html").is_file()
    assert (tmp_path / "vanilla" / "output" / "index.html").is_file()
    # The edited post is restored: the corpus is the same after the warm rebuilds.
    assert digest_tree(tmp_path / "corpus-10") == digest_tree(generate(tmp_path / "again", 10, seed=1))


def test_generated_corpus_passes_the_projects_checks(tmp_path):
    """Every rule the project has (and each plugin adds) accepts the corpus, so the benchmark measures a
    real build rather than a content error."""
    output = build_site(generate(tmp_path / "corpus", 15), tmp_path / "output")
    assert len(list(Path(output).rglob("index.html"))) > 15


def test_guard_fails_when_the_cold_ratio_is_above_the_limit(tmp_path, capsys):
    """The whole command once (real builds of both tools), failing; the verdict itself both ways."""
    common = ["--n", "10", "--repeats", "1", "--cold-only", "--work", str(tmp_path)]
    assert run.main([*common, "--max-cold-ratio", "0.01"]) == 1
    assert "FAIL: at N = 10 a cold build takes" in capsys.readouterr().out
    rounds = {300: [3.5, 3.9, 3.7], 1000: [4.1, 4.3, 4.2]}
    assert run.guard(rounds, 4.0) == (
        ["ok: at N = 300 a cold build takes 3.70× vanilla Pelican's CPU time (limit 4.0×; the median of the"
         " rounds' ratios 3.50×, 3.90×, 3.70×)",
         "FAIL: at N = 1000 a cold build takes 4.20× vanilla Pelican's CPU time (limit 4.0×; the median of"
         " the rounds' ratios 4.10×, 4.30×, 4.20×)"],
        False,
    )  # fmt: skip
    assert run.guard(rounds, 5.0)[1] is True
    assert run.guard({300: [5.0]}, 5.0)[1] is True  # at the limit: passes


def test_guard_compares_each_round_with_its_own_vanilla_build():
    """A busy spell inflates the CPU time of the builds that run in it; each round's two builds run back
    to back, so their ratio holds still while the medians of each tool would not."""
    measurements = [
        run.Measurement("project", "cold_cpu", 6.8),
        run.Measurement("vanilla", "cold_cpu", 3.4),
        run.Measurement("vanilla", "cold_cpu", 4.6),  # a round on a busy runner: both builds slower
        run.Measurement("project", "cold_cpu", 9.2),
        run.Measurement("project", "cold", 2.0),  # wall time: not what the guard compares
    ]
    assert run.round_ratios(measurements) == [2.0, 2.0]


def test_bench_tasks_exist():
    assert isinstance(tasks.bench, Task)
    assert isinstance(tasks.bench_guard, Task)


# A grandchild that holds 80 MiB until killed, started by a parent that holds little.
HOLD = "import sys, time; block = bytearray(80 * 2**20); print('ready', flush=True); time.sleep(60)"
HOLDING_TREE = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {HOLD!r}])"


def test_peak_memory_counts_the_processes_a_build_runs_beside_it():
    """A build's helpers (the indexer) run at the same time as the build: their memory adds up."""
    parent = subprocess.Popen(
        [sys.executable, "-c", HOLDING_TREE], stdout=subprocess.PIPE, start_new_session=True
    )
    try:
        assert parent.stdout.readline() == b"ready\n"
        own = int(run.PSS.search(Path(f"/proc/{parent.pid}/smaps_rollup").read_bytes()).group(1)) * 1024
        assert own < 40 * 2**20
        assert run.tree_memory(parent.pid) >= own + 80 * 2**20
        sampler = run.PeakSampler(parent.pid)
        sampler.start()
        time.sleep(0.2)
        assert sampler.stop() >= own + 80 * 2**20
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.communicate()
