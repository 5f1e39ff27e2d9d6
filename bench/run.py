"""Benchmark: build one generated archive with this project and with vanilla Pelican, and print the
medians and the ratios project/vanilla for a cold build, a warm rebuild after editing one post, peak
memory and output size. Ratios are the result; absolute times depend on the machine.

Every build runs in a fresh Python process (so peak memory is that build's alone), and the two tools
take turns (A B, then B A) so that a machine slowing down or speeding up hits both alike.

    python bench/run.py --n 1000 --repeats 3
    python bench/run.py --sizes 500,1000,2000,4000
    python bench/run.py --n 300 --repeats 5 --cold-only --max-cold-ratio 2.75  # the CI guard (CPU time)
    python bench/run.py profile --n 1000                                       # cProfile, cold and warm

Vanilla Pelican is the same Pelican with its default settings and theme and no plugins; only PATH,
OUTPUT_PATH, CACHE_PATH, ARTICLE_PATHS and TIMEZONE are set so that it reads the same posts. Its cold
build uses the defaults (no content cache); its warm rebuild turns its content cache on, primed by an
untimed build, which is the best vanilla can do. The project's cold build has no output and no
content cache, but a warm image cache (the issue's targets assume one; see WARM_CACHES).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import SEED, generate  # noqa: E402

WORK = ROOT / "bench" / "work"
TOOLS = ("project", "vanilla")
METRICS = ("cold", "cold_cpu", "warm", "warm_cpu", "memory", "size")
LABELS = {
    "cold": "cold build, wall (s)",
    "cold_cpu": "cold build, CPU (s)",
    "warm": "warm rebuild, 1 post edited, wall (s)",
    "warm_cpu": "warm rebuild, 1 post edited, CPU (s)",
    "memory": "peak memory, all processes (MB)",
    "size": "output size (MB)",
    "warm_vs_vanilla_cold": "warm rebuild / vanilla cold, wall",
    "warm_cpu_vs_vanilla_cold_cpu": "warm rebuild / vanilla cold, CPU",
}
# The targets (project / vanilla); the warm rebuild is compared with vanilla's *cold* build.
TARGETS = {"cold": 1.0, "cold_cpu": 1.0, "memory": 2.0, "warm_vs_vanilla_cold": 0.5,
           "warm_cpu_vs_vanilla_cold_cpu": 0.5}  # fmt: skip
NAN = float("nan")
# Caches of derived files that the issue's targets assume warm ("responsive images from a warm image
# cache"): the image pool never changes between runs. A cold build keeps these, and nothing else.
WARM_CACHES = ("images",)
WITHOUT_SEARCH = "BENCH_WITHOUT_SEARCH"  # set by --without-search; the child builds read it
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
    return statistics.median(values) if values else NAN


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator; NaN when either is unknown or the denominator is zero."""
    if denominator == 0 or math.isnan(numerator) or math.isnan(denominator):
        return NAN
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
        metric: ratio(summary.get(("project", metric), NAN), summary.get(("vanilla", metric), NAN))
        for metric in METRICS
    }
    for warm, cold in (("warm", "cold"), ("warm_cpu", "cold_cpu")):
        project, vanilla = summary.get(("project", warm), NAN), summary.get(("vanilla", cold), NAN)
        result[f"{warm}_vs_vanilla_{cold}"] = ratio(project, vanilla)
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
        project, vanilla = summary.get(("project", metric), NAN), summary.get(("vanilla", metric), NAN)
        rows.append([LABELS[metric], number(project), number(vanilla), number(result[metric], "×"),
                     verdict(result[metric], TARGETS[metric]) if metric in TARGETS else ""])  # fmt: skip
    for metric in ("warm_vs_vanilla_cold", "warm_cpu_vs_vanilla_cold_cpu"):
        rows.append(
            [LABELS[metric], "", "", number(result[metric], "×"), verdict(result[metric], TARGETS[metric])]
        )
    title = f"N = {n} posts, median of {repeats} run(s)"
    return title + "\n" + format_table(["", "project", "vanilla", "project/vanilla", "target"], rows)


def growth_report(summaries: dict[int, dict[tuple[str, str], float]]) -> str:
    """One line per corpus size, to see that time grows linearly with N."""
    rows = []
    for n, summary in sorted(summaries.items()):
        result = ratios(summary)
        rows.append(
            [
                str(n),
                number(summary.get(("project", "cold"), NAN)),
                number(summary.get(("vanilla", "cold"), NAN)),
                number(result["cold"], "×"),
                number(result["cold_cpu"], "×"),
                number(summary.get(("project", "warm"), NAN)),
                number(result["warm_vs_vanilla_cold"], "×"),
                number(result["warm_cpu_vs_vanilla_cold_cpu"], "×"),
                number(result["memory"], "×"),
                number(1000 * ratio(summary.get(("project", "cold_cpu"), NAN), n)),
            ]
        )
    header = ["N", "project cold s", "vanilla cold s", "cold wall", "cold CPU", "project warm s",
              "warm/v.cold wall", "warm/v.cold CPU", "memory", "project CPU ms/post"]  # fmt: skip
    return format_table(header, rows)


# The child: one build in this fresh process.


def build_project(content: Path, output: Path, cache: Path, **overrides) -> None:
    sys.path.insert(0, str(ROOT / "plugins"))
    import sitebuild

    if os.environ.get(WITHOUT_SEARCH):
        overrides["SEARCH_INDEX"] = {"enabled": False}

    paths = {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(cache)}
    sitebuild.build("pelicanconf.py", paths | overrides)


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


def child(tool: str, content: Path, work: Path, cached: bool) -> None:
    if tool == "project":
        build_project(content, work / "output", work / "cache")
    else:
        build_vanilla(content, work / "output", work / "cache", cached)


# The parent: the corpus, the schedule, the timing.


SAMPLE_SECONDS = 0.1  # reading smaps_rollup costs ~1 ms per 300 MB: keep the sampler's own load small
PSS = re.compile(rb"^Pss:\s+(\d+) kB", re.MULTILINE)


def tree_memory(pid: int) -> int:
    """Bytes of memory a process and all its descendants use right now: the sum of their proportional
    set sizes (Linux /proc), so that pages a forked child still shares with its parent (the Markdown
    workers, the search child before it becomes Pagefind) count once. A process that ends while it is
    read counts nothing."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            found = PSS.search(Path(f"/proc/{current}/smaps_rollup").read_bytes())
            total += int(found.group(1)) * 1024 if found else 0
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


class PeakSampler(threading.Thread):
    """The highest tree_memory of a process, sampled until stop(). A build's helpers run *beside* it (the
    search indexer, Markdown workers), so the peak of the whole tree is what the machine must have;
    getrusage's ru_maxrss only knows the largest single process."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self._done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, tree_memory(self.pid))

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


def measure(tool: str, content: Path, work: Path, metric: str, cached: bool = False) -> list[Measurement]:
    """Run one build of `tool` in a fresh process: its wall time, CPU time and peak memory.

    os.wait4 gives the child's own resource usage (with any process it ran, e.g. an indexer), so
    nothing else running on the machine is counted. Peak memory is the larger of the sampled peak of
    the whole process tree and the largest single process's exact peak (a sample can miss a spike).
    """
    work.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "child", tool, str(content), str(work)]
    if cached:
        command.append("--cached")
    log = work / f"{metric}.log"
    with log.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT)
        sampler = PeakSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampled_peak = sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{tool} build failed ({metric}):\n{log.read_text(errors='replace')[-4000:]}")
    return [
        Measurement(tool, metric, seconds),
        Measurement(tool, f"{metric}_cpu", usage.ru_utime + usage.ru_stime),
        Measurement(tool, f"{metric}_memory", max(sampled_peak / 2**20, usage.ru_maxrss / 1024)),
    ]


def make_cold(work: Path) -> None:
    """No output and no cache, except the derived-file caches in WARM_CACHES."""
    shutil.rmtree(work / "output", ignore_errors=True)
    for path in (work / "cache").glob("*"):
        if path.name in WARM_CACHES:
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def tree_size(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def pick_post(content: Path) -> Path:
    """The post the warm rebuild edits: the same one for a given corpus."""
    posts = sorted((content / "posts").rglob("*.md"))
    return posts[len(posts) // 2]


def run_size(n: int, *, repeats: int, seed: int, cold_only: bool, work: Path, log=print) -> list[Measurement]:
    """All measurements for one corpus size: `repeats` rounds, the tools alternating."""
    content = generate(work / f"corpus-{n}", n, seed)
    for tool in TOOLS:
        shutil.rmtree(work / tool, ignore_errors=True)
    measure("project", content, work / "project", "prime")  # fills the image cache (WARM_CACHES)
    measurements: list[Measurement] = []
    for round_number in range(repeats):
        order = TOOLS if round_number % 2 == 0 else TOOLS[::-1]
        for tool in order:
            make_cold(work / tool)
            measurements += measure(tool, content, work / tool, "cold")
            measurements.append(Measurement(tool, "size", tree_size(work / tool / "output") / 1e6))
            wall, cpu = measurements[-4].value, measurements[-3].value
            log(f"  N={n} round {round_number + 1}: {tool} cold {wall:.2f} s, CPU {cpu:.2f} s")
        if cold_only:
            continue
        measure("vanilla", content, work / "vanilla", "prime", cached=True)
        post = pick_post(content)
        original = post.read_bytes()
        post.write_bytes(original + EDIT.encode())
        try:
            for tool in order:
                measurements += measure(tool, content, work / tool, "warm", cached=True)
                log(f"  N={n} round {round_number + 1}: {tool} warm {measurements[-3].value:.2f} s")
        finally:
            post.write_bytes(original)
    # The project's builds add the list of published addresses to the corpus (content_checks.addresses):
    # leave the corpus as generated.
    (content / "adresser.txt").unlink(missing_ok=True)
    return measurements


def round_ratios(measurements: Iterable[Measurement]) -> list[float]:
    """project/vanilla cold-build CPU time, round by round: what the regression guard compares.

    CPU time, not wall time, so that other work on the machine is not counted; yet a busy machine still
    adds CPU time (shared caches, memory reclaim), and on a CI runner one noisy round out of three moved
    the ratio of the medians from about 2.1× to 2.8×. The two builds of a round run one right after the
    other, so each round's ratio sees the machine in one state; the guard takes the median of those."""
    cpu = {tool: [item.value for item in measurements if item.tool == tool and item.metric == "cold_cpu"]
           for tool in TOOLS}  # fmt: skip
    return [ratio(project, vanilla) for project, vanilla in zip(cpu["project"], cpu["vanilla"], strict=True)]


def collect(measurements: Iterable[Measurement]) -> dict[tuple[str, str], float]:
    """Medians, with peak memory taken from the cold builds."""
    summary = summarise(item for item in measurements if not item.metric.endswith("_memory"))
    for tool in TOOLS:
        summary[(tool, "memory")] = median(
            item.value for item in measurements if item.tool == tool and item.metric == "cold_memory"
        )
    return summary


def profile(n: int, seed: int, work: Path, lines: int) -> None:
    """cProfile one cold project build (then one warm rebuild), sorted by cumulative time."""
    import cProfile
    import pstats

    content = generate(work / f"corpus-{n}", n, seed)
    output, cache = work / "profile" / "output", work / "profile" / "cache"
    # One process only, so that the profile sees the Markdown work too.
    single = {"CONTENT_CACHE": {"workers": 1}}
    build_project(content, output, cache, **single)  # untimed: fills the image cache
    make_cold(work / "profile")
    for kind in ("cold", "warm"):
        if kind == "warm":
            post = pick_post(content)
            post.write_bytes(post.read_bytes() + EDIT.encode())
        profiler = cProfile.Profile(time.process_time)  # CPU time: the machine may be busy
        profiler.runcall(build_project, content, output, cache, **single)
        print(f"--- {kind} build, N = {n}")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(lines)
    generate(work / f"corpus-{n}", n, seed)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "profile":
        parser = argparse.ArgumentParser(prog="run.py profile")
        parser.add_argument("--n", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument("--lines", type=int, default=40)
        parser.add_argument("--work", type=Path, default=WORK)
        args = parser.parse_args(argv[1:])
        profile(args.n, args.seed, args.work, args.lines)
        return 0
    if argv and argv[0] == "child":
        parser = argparse.ArgumentParser(prog="run.py child")
        parser.add_argument("tool", choices=TOOLS)
        parser.add_argument("content", type=Path)
        parser.add_argument("work", type=Path)
        parser.add_argument("--cached", action="store_true")
        args = parser.parse_args(argv[1:])
        child(args.tool, args.content, args.work, args.cached)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="posts in the corpus (default 1000)")
    parser.add_argument("--sizes", default="", help="several sizes, e.g. 500,1000,2000,4000 (overrides --n)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cold-only", action="store_true", help="skip the warm rebuilds")
    parser.add_argument("--max-cold-ratio", type=float, default=None,
                        help="exit 1 if the cold build's CPU-time ratio is above this")  # fmt: skip
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--without-search", action="store_true",
                        help="the project without its search index (to see what Pagefind costs)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.without_search:
        os.environ[WITHOUT_SEARCH] = "1"
        print("The project is built WITHOUT its search index (--without-search).", flush=True)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()] or [args.n]
    summaries, guarded = {}, {}
    for n in sizes:
        measurements = run_size(
            n, repeats=args.repeats, seed=args.seed, cold_only=args.cold_only, work=args.work
        )
        summaries[n], guarded[n] = collect(measurements), round_ratios(measurements)
        print(report(n, args.repeats, summaries[n]), flush=True)
        print(flush=True)
    if len(sizes) > 1:
        print(growth_report(summaries))
    if args.max_cold_ratio is not None:
        lines, passed = guard(guarded, args.max_cold_ratio)
        print("\n".join(lines))
        if not passed:
            return 1
    return 0


def guard(guarded: dict[int, list[float]], limit: float) -> tuple[list[str], bool]:
    """The guard's verdict on each size's rounds (``round_ratios``): a line for each size, up to the first
    that fails, and whether all passed."""
    lines = []
    for n, each in guarded.items():
        ratio = median(each)
        verdict = "ok" if ratio <= limit else "FAIL"
        rounds = ", ".join(f"{value:.2f}×" for value in each)
        lines.append(
            f"{verdict}: at N = {n} a cold build takes {ratio:.2f}× vanilla Pelican's CPU time"
            f" (limit {limit}×; the median of the rounds' ratios {rounds})"
        )
        if verdict == "FAIL":
            return lines, False
    return lines, True


if __name__ == "__main__":
    sys.exit(main())
