"""Throughput of `vestnik analyze` on the Bulgarian SlavicNER articles: articles/s, words/s, peak memory.

Each run is a fresh process (so peak memory includes loading the pipeline) that
analyses every article once; the table shows the median of the runs.

    python bench/throughput.py [--runs 3] [--data ../shared/data/slavicner]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "slavicner"


def one_run(data: Path) -> dict:
    from vestnik.config import Settings
    from vestnik.pipeline import analyze_paths
    from vestnik.stages.ingest import InputError

    paths = sorted(str(p) for p in data.glob("raw/*/bg/*.txt"))
    started = time.perf_counter()
    articles = words = failed = 0
    for result in analyze_paths(paths, Settings()):
        if isinstance(result, InputError):
            failed += 1
        else:
            articles += 1
            words += len(result.text.split())
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"articles": articles, "failed": failed, "words": words, "seconds": seconds, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--one-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_run:
        print(json.dumps(one_run(args.data)))
        return
    runs = []
    for _ in range(args.runs):
        output = subprocess.run([sys.executable, __file__, "--one-run", "--data", str(args.data)],
                                check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(output))
    seconds = statistics.median(r["seconds"] for r in runs)
    first = runs[0]
    print(f"vestnik analyze on {first['articles']} Bulgarian SlavicNER articles "
          f"({first['failed']} failed), median of {args.runs} runs, {_cores()} cores")
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| articles/s | {first['articles'] / seconds:.1f} |")
    print(f"| words/s | {first['words'] / seconds:,.0f} |")
    all_runs = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    print(f"| seconds per run (median; all runs) | {seconds:.2f} ({all_runs}) |")
    print(f"| peak memory, MB (max over runs) | {max(r['peak_mb'] for r in runs):.0f} |")


def _cores() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
