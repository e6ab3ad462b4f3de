"""Score an accurate-mode model directory with vestnik's entity evaluation (the tables of `vestnik eval ner`).

    python experiments/accurate_mode/evaluate.py --model runs/heldout --split topic:nord_stream [--float]

Prints two tables: the recogniser followed by vestnik's entity rules (quoted names, boundary
repairs, one reading per name), as the fast stage runs, and the recogniser alone.
`--float` scores the float torch checkpoint instead of the int8 ONNX export.
"""

import argparse
import time
from pathlib import Path

import torch

from tagger import entity_stage
from vestnik.entities import evaluate as entity_evaluation
from vestnik.entities.corpus import read_split

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data", type=Path, default=Path("../shared/data/slavicner"))
parser.add_argument("--model", type=Path, required=True)
parser.add_argument("--split", default="topic:nord_stream", help="dev | topic:<topic>")
parser.add_argument("--float", action="store_true", help="the torch checkpoint, not the ONNX export")
parser.add_argument("--threads", type=int, default=1)
args = parser.parse_args()

torch.set_num_threads(args.threads)
documents = list(read_split(args.data, args.split, ("bg",)))
for title, rules in (("recogniser + entity rules", True), ("recogniser alone", False)):
    nlp = entity_stage(args.model, rules, "float" if args.float else "onnx")
    entity_evaluation.ENTITY_COMPONENTS = nlp.pipe_names
    started = time.perf_counter()
    report = entity_evaluation.evaluate(nlp, documents)
    print(f"{title}: {args.model} on {args.split}, {len(documents)} documents, {time.perf_counter() - started:.0f} s")
    print(report.table())
