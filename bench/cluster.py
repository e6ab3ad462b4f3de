"""Throughput of `vestnik analyze` on a Dask cluster beside worker processes and a single process.

Each configuration analyses the first N and the first M Bulgarian SlavicNER articles, each run a fresh
`vestnik analyze … --format jsonl` command (so startup — the cluster, the workers, the model loads — is
in it); the median of the runs of each size gives the rate at which articles flow once running,
(M − N) / (t_M − t_N), and the fixed cost of a run, t_N − N / rate. The cluster's overhead per
article is the difference of its time per article to that of `--processes` with as many workers.
From the per-worker rate of `local:2` it works out, on paper, how many one-core workers a million
articles a day needs.

    python bench/cluster.py [--runs 3] [--sizes 100,400] [--data ../shared/data/slavicner]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "slavicner"
CONFIGURATIONS = {
    "single process": [],
    "--processes 2": ["--processes", "2"],
    "--scheduler local:1": ["--scheduler", "local:1"],
    "--scheduler local:2": ["--scheduler", "local:2"],
}
ARTICLES_A_DAY = 1_000_000
PEAK = 3  # news arrives in working hours: a peak hour carries about three times the day's mean rate


def timed_run(folder: Path, options: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "vestnik.cli", "analyze", str(folder), "--format", "jsonl",
                    "--output", os.devnull, *options], check=True, capture_output=True)
    return time.perf_counter() - started


def article_folders(data: Path, sizes: list[int], root: Path) -> tuple[dict[int, Path], float]:
    """A folder of links to the first `size` articles, for each size; and the mean words of the largest's articles."""
    paths = sorted(data.glob("raw/*/bg/*.txt"))
    folders = {}
    for size in sizes:
        folder = root / str(size)
        folder.mkdir()
        for path in paths[:size]:
            (folder / path.name).symlink_to(path.resolve())
        folders[size] = folder
    largest = paths[:max(sizes)]
    return folders, sum(len(path.read_text(encoding="utf-8").split()) for path in largest) / len(largest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="100,400", help="the two input sizes N,M")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    small, large = sorted(int(size) for size in args.sizes.split(","))
    rows, rates = [], {}
    with tempfile.TemporaryDirectory() as root:
        folders, words = article_folders(args.data, [small, large], Path(root))
        for name, options in CONFIGURATIONS.items():
            times = {size: [timed_run(folders[size], options) for _ in range(args.runs)] for size in (small, large)}
            medians = {size: statistics.median(runs) for size, runs in times.items()}
            rate = (large - small) / (medians[large] - medians[small])
            rates[name] = rate
            rows.append(f"| {name} | {rate:.2f} | {1000 / rate:.0f} | {medians[small] - small / rate:.1f} | "
                        f"{medians[small]:.1f} ({', '.join(f'{t:.1f}' for t in times[small])}) | "
                        f"{medians[large]:.1f} ({', '.join(f'{t:.1f}' for t in times[large])}) |")
    print(f"vestnik analyze, Bulgarian SlavicNER articles ({words:.0f} words on average), default model, "
          f"{len(os.sched_getaffinity(0))} cores, median of {args.runs} fresh commands per size")
    print()
    print(f"| configuration | articles/s once running | ms per article | fixed cost of a run (s) | "
          f"{small} articles: s (runs) | {large} articles: s (runs) |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    overhead = 1000 / rates["--scheduler local:2"] - 1000 / rates["--processes 2"]
    ratio = rates["--scheduler local:2"] / rates["--processes 2"]
    per_worker = rates["--scheduler local:2"] / 2
    needed = ARTICLES_A_DAY / 86_400
    print()
    print(f"local:2 against --processes 2: {ratio:.0%} of its rate, {overhead:+.1f} ms per article of cluster overhead")
    for peak in (1, PEAK):
        workers = math.ceil(peak * needed / per_worker)
        print(f"a million articles a day{f', at {peak}× the mean rate at peak hours' if peak > 1 else ''}: "
              f"{peak * needed:.1f} articles/s, at {per_worker:.2f} articles/s per one-core worker (local:2 here) "
              f"{workers} worker{'s' if workers > 1 else ''}, {math.ceil(workers / 2)} machine(s) of 2 cores like this one "
              f"(articles of {words:.0f} words: scale by length)")


if __name__ == "__main__":
    main()
