"""Fine-tune the accurate tagger on a SlavicNER split, export it to int8 ONNX, write a model directory.

    python experiments/accurate_mode/train.py --split no-topic:nord_stream --langs bg,ru,uk --output runs/heldout

The directory holds what the evaluation needs: `accurate/` (tagger.onnx, tokenizer, pad id),
`checkpoint/` (float torch weights), and the base-form rules and knowledge base learnt from
the same split, as `vestnik train ner` writes them.
"""

import argparse
import json
from pathlib import Path

import torch

from tagger import Tagger, export_onnx, train_tagger
from vestnik.analysis import blank_nlp
from vestnik.entities.corpus import read_split
from vestnik.entities.kb import KnowledgeBase
from vestnik.entities.lemma import BaseFormRules
from vestnik.entities.train import KB_LANGS

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data", type=Path, default=Path("../shared/data/slavicner"))
parser.add_argument("--split", required=True, help="train | no-topic:<topic>")
parser.add_argument("--langs", default="bg,ru,uk")
parser.add_argument("--output", type=Path, required=True)
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--learning-rate", type=float, default=1e-4)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--limit", type=int, help="train on the first LIMIT documents only (a quick check of the command)")
args = parser.parse_args()

torch.set_num_threads(args.threads)
langs = tuple(args.langs.split(","))
documents = list(read_split(args.data, args.split, langs))[:args.limit]
args.output.mkdir(parents=True, exist_ok=True)
BaseFormRules.learn([d for d in documents if d.lang == "bg"]).save(args.output / "base_forms.json")
KnowledgeBase.build(list(read_split(args.data, args.split, KB_LANGS))).save(args.output / "kb.json.gz")
summary = train_tagger(blank_nlp(), documents, args.output / "checkpoint", epochs=args.epochs,
                       learning_rate=args.learning_rate, log=lambda message: print(message, flush=True))
export_onnx(Tagger.load(args.output / "checkpoint"), args.output / "accurate")
summary.update(split=args.split, langs=list(langs))
(args.output / "training.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
print(summary)
