"""Speed of the accurate recogniser next to the fast one: articles/s of the entity stage, peak memory.

    python experiments/accurate_mode/bench.py --model runs/heldout [--runs 3]

Each run is a fresh process that builds the entity stage (recogniser, vestnik's entity rules,
base forms and ids) and tags nord_stream's 130 Bulgarian articles once; loading is included.
The table shows the median of the runs and the ratio to the fast stage.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

VARIANTS = {"fast (shipped model)": ("fast", 1), "accurate, int8 ONNX, 1 thread": ("onnx", 1),
            "accurate, int8 ONNX, 2 threads": ("onnx", 2), "accurate, float torch, 2 threads": ("float", 2)}


def one_run(data: Path, model: Path, kind: str, threads: int) -> dict:
    import torch

    torch.set_num_threads(threads)
    from vestnik.analysis import DEFAULT_ENTITY_MODEL, build_nlp
    from vestnik.entities.corpus import read_split
    from vestnik.entities.evaluate import ENTITY_COMPONENTS

    from tagger import entity_stage

    texts = [document.text for document in read_split(data, "topic:nord_stream", ("bg",))]
    started = time.perf_counter()
    if kind == "fast":
        nlp = build_nlp(DEFAULT_ENTITY_MODEL)
        nlp.select_pipes(enable=["vestnik_sentences", *ENTITY_COMPONENTS])
    else:
        nlp = entity_stage(model, weights=kind, threads=threads)
    mentions = sum(len(doc.ents) for doc in nlp.pipe(texts))
    seconds = time.perf_counter() - started
    return {"articles": len(texts), "mentions": mentions, "seconds": seconds,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/slavicner"))
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one-run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_run:
        kind, threads = json.loads(args.one_run)
        print(json.dumps(one_run(args.data, args.model, kind, threads)))
        return
    print(f"entity stage on nord_stream's Bulgarian articles, median of {args.runs} fresh-process runs (loading included)\n")
    print("| recogniser | articles/s | ratio to fast | seconds (runs) | peak MB |\n|---|---|---|---|---|")
    fast_rate = None
    for name, variant in VARIANTS.items():
        command = [sys.executable, __file__, "--data", str(args.data), "--model", str(args.model), "--one-run", json.dumps(variant)]
        runs = [json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout) for _ in range(args.runs)]
        seconds = statistics.median(run["seconds"] for run in runs)
        rate = runs[0]["articles"] / seconds
        fast_rate = fast_rate or rate
        print(f"| {name} | {rate:.1f} | {rate / fast_rate:.2f} | {seconds:.1f} ({', '.join(format(r['seconds'], '.1f') for r in runs)}) "
              f"| {max(r['peak_mb'] for r in runs):.0f} |", flush=True)


if __name__ == "__main__":
    main()
