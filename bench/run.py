"""Benchmark: build one generated archive with this project and with vanilla Pelican, and print the
medians and the ratios project/vanilla for a cold build, a warm rebuild after editing one post, peak
memory and output size. Ratios are the result; absolute times depend on the machine.

Every build runs in a fresh Python process (so peak memory is that build's alone), and the two tools
take turns (A B, then B A) so that a machine slowing down or speeding up hits both alike.

    python bench/run.py --n 1000 --repeats 3
    python bench/run.py --sizes 500,1000,2000,4000
    python bench/run.py --n 300 --repeats 1 --cold-only --max-cold-ratio 1.5   # the CI guard

Vanilla Pelican is the same Pelican with its default settings and theme and no plugins; only PATH,
OUTPUT_PATH, CACHE_PATH, ARTICLE_PATHS and TIMEZONE are set so that it reads the same posts. Its cold
build uses the defaults (no content cache); its warm rebuild turns its content cache on, primed by an
untimed build, which is the best vanilla can do.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import SEED, generate  # noqa: E402

WORK = ROOT / "bench" / "work"
TOOLS = ("project", "vanilla")
METRICS = ("cold", "warm", "memory", "size")
LABELS = {
    "cold": "cold build (s)",
    "warm": "warm rebuild, 1 post edited (s)",
    "memory": "peak memory (MB)",
    "size": "output size (MB)",
}
# The targets (project / vanilla); warm is compared with vanilla's *cold* build.
TARGETS = {"cold": 1.0, "warm_vs_vanilla_cold": 0.5, "memory": 2.0}
EDIT = "\n\nEtt stycke som lades till för att mäta en ombyggnad efter en ändring.\n"


@dataclass(frozen=True)
class Measurement:
    """One timed build (or an output size): which tool, which metric, the value."""

    tool: str
    metric: str
    value: float


# Arithmetic and formatting: pure functions.


def median(values: Iterable[float]) -> float:
    """The median; NaN for no values (a metric that was not measured)."""
    values = list(values)
    return statistics.median(values) if values else float("nan")


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator; NaN when either is unknown or the denominator is zero."""
    if denominator == 0 or math.isnan(numerator) or math.isnan(denominator):
        return float("nan")
    return numerator / denominator


def summarise(measurements: Iterable[Measurement]) -> dict[tuple[str, str], float]:
    """The median of every (tool, metric) that was measured."""
    grouped: dict[tuple[str, str], list[float]] = {}
    for item in measurements:
        grouped.setdefault((item.tool, item.metric), []).append(item.value)
    return {key: median(values) for key, values in grouped.items()}


def ratios(summary: dict[tuple[str, str], float]) -> dict[str, float]:
    """project/vanilla for each metric, plus the warm rebuild against vanilla's cold build."""
    result = {
        metric: ratio(
            summary.get(("project", metric), float("nan")), summary.get(("vanilla", metric), float("nan"))
        )
        for metric in METRICS
    }
    result["warm_vs_vanilla_cold"] = ratio(
        summary.get(("project", "warm"), float("nan")), summary.get(("vanilla", "cold"), float("nan"))
    )
    return result


def number(value: float, suffix: str = "") -> str:
    return "–" if math.isnan(value) else f"{value:.2f}{suffix}"


def verdict(value: float, limit: float) -> str:
    if math.isnan(value):
        return ""
    return f"≤ {limit:.1f}× {'ok' if value <= limit else 'MISSED'}"


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned: the first to the left, the others to the right."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            str(cell).ljust(widths[0]) if i == 0 else str(cell).rjust(widths[i]) for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def report(n: int, repeats: int, summary: dict[tuple[str, str], float]) -> str:
    """The table for one corpus size."""
    result = ratios(summary)
    rows = []
    for metric in METRICS:
        rows.append(
            [
                LABELS[metric],
                number(summary.get(("project", metric), float("nan"))),
                number(summary.get(("vanilla", metric), float("nan"))),
                number(result[metric], "×"),
                verdict(result[metric], TARGETS[metric]) if metric in TARGETS else "",
            ]
        )
    rows.append(
        [
            "warm rebuild / vanilla cold",
            "",
            "",
            number(result["warm_vs_vanilla_cold"], "×"),
            verdict(result["warm_vs_vanilla_cold"], TARGETS["warm_vs_vanilla_cold"]),
        ]
    )
    title = f"N = {n} posts, median of {repeats} run(s)"
    return title + "\n" + format_table(["", "project", "vanilla", "project/vanilla", "target"], rows)


def growth_report(summaries: dict[int, dict[tuple[str, str], float]]) -> str:
    """One line per corpus size, to see that time grows linearly with N."""
    rows = []
    for n, summary in sorted(summaries.items()):
        result = ratios(summary)
        project_cold = summary.get(("project", "cold"), float("nan"))
        rows.append(
            [
                str(n),
                number(project_cold),
                number(summary.get(("vanilla", "cold"), float("nan"))),
                number(result["cold"], "×"),
                number(summary.get(("project", "warm"), float("nan"))),
                number(result["warm_vs_vanilla_cold"], "×"),
                number(result["memory"], "×"),
                number(1000 * ratio(project_cold, n), ""),
            ]
        )
    header = ["N", "project cold s", "vanilla cold s", "cold ratio", "project warm s", "warm/vanilla cold",
              "memory ratio", "project ms/post"]  # fmt: skip
    return format_table(header, rows)


# The child: one build in this fresh process.


def build_project(content: Path, output: Path, cache: Path) -> None:
    sys.path.insert(0, str(ROOT / "plugins"))
    import sitebuild

    sitebuild.build(
        "pelicanconf.py", {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(cache)}
    )


def build_vanilla(content: Path, output: Path, cache: Path, cached: bool) -> None:
    from pelican import Pelican
    from pelican.settings import read_settings

    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(cache),
        "ARTICLE_PATHS": ["posts"],
        "TIMEZONE": "Europe/Stockholm",
        "PLUGINS": [],  # unset, Pelican would load every installed plugin
    }
    if cached:
        overrides |= {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    Pelican(read_settings(None, override=overrides)).run()


def child(tool: str, content: Path, work: Path, cached: bool, result: Path) -> None:
    if tool == "project":
        build_project(content, work / "output", work / "cache")
    else:
        build_vanilla(content, work / "output", work / "cache", cached)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # e.g. an indexer run by a plugin
    result.write_text(json.dumps({"peak_kb": max(own, children)}))


# The parent: the corpus, the schedule, the timing.


def measure(tool: str, content: Path, work: Path, metric: str, cached: bool = False) -> list[Measurement]:
    """Run one build of `tool` in a fresh process; its wall time and peak memory."""
    work.mkdir(parents=True, exist_ok=True)
    result = work / "result.json"
    command = [sys.executable, str(Path(__file__).resolve()), "child", tool, str(content), str(work)]
    if cached:
        command.append("--cached")
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--result", str(result)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{tool} build failed ({metric}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    peak = json.loads(result.read_text())["peak_kb"] / 1024
    return [Measurement(tool, metric, seconds), Measurement(tool, f"{metric}_memory", peak)]


def tree_size(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def pick_post(content: Path) -> Path:
    """The post the warm rebuild edits: the same one for a given corpus."""
    posts = sorted((content / "posts").rglob("*.md"))
    return posts[len(posts) // 2]


def run_size(n: int, *, repeats: int, seed: int, cold_only: bool, work: Path, log=print) -> list[Measurement]:
    """All measurements for one corpus size: `repeats` rounds, the tools alternating."""
    content = generate(work / f"corpus-{n}", n, seed)
    measurements: list[Measurement] = []
    for round_number in range(repeats):
        order = TOOLS if round_number % 2 == 0 else TOOLS[::-1]
        for tool in order:
            shutil.rmtree(work / tool, ignore_errors=True)
            measurements += measure(tool, content, work / tool, "cold")
            measurements.append(Measurement(tool, "size", tree_size(work / tool / "output") / 1e6))
            log(f"  N={n} round {round_number + 1}: {tool} cold {measurements[-3].value:.2f} s")
        if cold_only:
            continue
        measure("vanilla", content, work / "vanilla", "prime", cached=True)
        post = pick_post(content)
        original = post.read_bytes()
        post.write_bytes(original + EDIT.encode())
        try:
            for tool in order:
                measurements += measure(tool, content, work / tool, "warm", cached=True)
                log(f"  N={n} round {round_number + 1}: {tool} warm {measurements[-2].value:.2f} s")
        finally:
            post.write_bytes(original)
    return measurements


def collect(measurements: list[Measurement]) -> dict[tuple[str, str], float]:
    """Medians, with peak memory taken from the cold builds."""
    summary = summarise(item for item in measurements if not item.metric.endswith("_memory"))
    for tool in TOOLS:
        summary[(tool, "memory")] = median(
            item.value for item in measurements if item.tool == tool and item.metric == "cold_memory"
        )
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "child":
        parser = argparse.ArgumentParser(prog="run.py child")
        parser.add_argument("tool", choices=TOOLS)
        parser.add_argument("content", type=Path)
        parser.add_argument("work", type=Path)
        parser.add_argument("--cached", action="store_true")
        parser.add_argument("--result", type=Path, required=True)
        args = parser.parse_args(argv[1:])
        child(args.tool, args.content, args.work, args.cached, args.result)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="posts in the corpus (default 1000)")
    parser.add_argument("--sizes", default="", help="several sizes, e.g. 500,1000,2000,4000 (overrides --n)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cold-only", action="store_true", help="skip the warm rebuilds")
    parser.add_argument("--max-cold-ratio", type=float, default=None, help="exit 1 if cold ratio is above")
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()] or [args.n]
    summaries = {}
    for n in sizes:
        summaries[n] = collect(
            run_size(n, repeats=args.repeats, seed=args.seed, cold_only=args.cold_only, work=args.work)
        )
        print(report(n, args.repeats, summaries[n]), flush=True)
        print(flush=True)
    if len(sizes) > 1:
        print(growth_report(summaries))
    if args.max_cold_ratio is not None:
        worst = max(ratios(summary)["cold"] for summary in summaries.values())
        if not worst <= args.max_cold_ratio:
            print(f"FAIL: cold build is {worst:.2f}× vanilla Pelican (limit {args.max_cold_ratio}×)")
            return 1
        print(f"ok: cold build is {worst:.2f}× vanilla Pelican (limit {args.max_cold_ratio}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
