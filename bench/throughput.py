"""Throughput of `vestnik analyze` on the Bulgarian SlavicNER articles: articles/s, words/s, peak memory.

Each run is a fresh process (so peak memory includes loading the pipeline) that analyses
every article once; the table shows the median of the runs, stage by stage, so that each
row's difference to the one above is what a stage costs. Peak memory is that of the largest
process (with worker processes, each worker holds its own pipeline).

    python bench/throughput.py [--runs 3] [--models default,fast] [--rows N] [--data ../shared/data/slavicner]
"""

from __future__ import annotations

import argparse
import contextlib
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
VARIANTS = {
    "ingest, clean, language, sentences, dates": {"without": ["entities", "vestnik_syntax", "vestnik_quotes", "vestnik_events"],
                                                  "processes": 1},
    "+ entities": {"without": ["vestnik_syntax", "vestnik_quotes", "vestnik_events"], "processes": 1},
    "+ syntax": {"without": ["vestnik_quotes", "vestnik_events"], "processes": 1},
    "+ quotes": {"without": ["vestnik_events"], "processes": 1},
    "+ events (full pipeline)": {"without": [], "processes": 1},
    "full pipeline, 2 worker processes": {"without": [], "processes": 2},
}
"""Each row adds a stage to the one above, so the differences are what each stage costs
("entities" stands for every component of the entity stage). Syntax comes after the entities because
it reads the states of the encoder that the default recogniser has just run; with `--model fast` the
syntax row includes a run of that encoder."""


def one_run(data: Path, model: str, without: list[str], processes: int) -> dict:
    from vestnik.analysis import build_nlp, entity_components
    from vestnik.config import Settings
    from vestnik.pipeline import analyze_paths
    from vestnik.stages.ingest import InputError

    paths = sorted(str(p) for p in data.glob("raw/*/bg/*.txt"))
    started = time.perf_counter()
    nlp = build_nlp(model) if processes == 1 else None
    disabled = [name for stage in without for name in (entity_components(nlp) if stage == "entities" else [stage])]
    articles = words = failed = 0
    with nlp.select_pipes(disable=disabled) if nlp else contextlib.nullcontext():
        for result in analyze_paths(paths, Settings(processes=processes, model=model), nlp):
            if isinstance(result, InputError):
                failed += 1
            else:
                articles += 1
                words += len(result.text.split())
    seconds = time.perf_counter() - started
    peak_mb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    return {"articles": articles, "failed": failed, "words": words, "seconds": seconds, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", default="default,fast", help="entity models to measure, comma-separated")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rows", type=int, default=len(VARIANTS), help="measure only the first N rows of the table")
    parser.add_argument("--one-run", metavar="VARIANT_JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_run is not None:
        print(json.dumps(one_run(args.data, **json.loads(args.one_run))))
        return
    rows = []
    for model in args.models.split(","):
        for name, variant in list(VARIANTS.items())[:args.rows]:
            runs = [json.loads(subprocess.run([sys.executable, __file__, "--data", str(args.data),
                                               "--one-run", json.dumps({"model": model, **variant})],
                                              check=True, capture_output=True, text=True).stdout) for _ in range(args.runs)]
            seconds = statistics.median(r["seconds"] for r in runs)
            first = runs[0]
            rows.append(f"| {model} | {name} | {first['articles'] / seconds:.1f} | {first['words'] / seconds:,.0f} | "
                        f"{seconds:.2f} ({', '.join(format(r['seconds'], '.2f') for r in runs)}) | "
                        f"{max(r['peak_mb'] for r in runs):.0f} |")
    print(f"vestnik analyze on {first['articles']} Bulgarian SlavicNER articles ({first['failed']} failed), "
          f"median of {args.runs} runs in fresh processes (model loading included), {len(os.sched_getaffinity(0))} cores")
    print()
    print("| model | pipeline | articles/s | words/s | seconds (median; runs) | peak MB |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
