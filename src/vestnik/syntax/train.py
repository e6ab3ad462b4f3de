"""`vestnik train syntax`: train the Bulgarian syntax layer from UD_Bulgarian-BTB.

spaCy's own loop trains the components of `syntax.cfg` on the treebank's `train` documents and
keeps the epoch that scores best on its `select` documents (`vestnik.syntax.treebank`); the
`held` documents are left for `vestnik eval syntax`. The output is a spaCy pipeline directory
with `training.json` and the treebank's licence, which the model inherits (CC BY-NC-SA 3.0).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from spacy.cli.train import train as spacy_train
from spacy.tokens import DocBin

from vestnik import analysis  # noqa: F401  (registers vestnik.tokenizer.v1, which the config names)
from vestnik.syntax.treebank import SPLIT_PERCENTS, gold_docs, split_sentences, with_cased_lemmas

CONFIG = Path(__file__).with_name("syntax.cfg")
SENTENCES_PER_DOC = 10
LICENCE_NOTE = """# Licence of this model: CC BY-NC-SA 3.0

This syntax model was trained by `vestnik train syntax` on UD_Bulgarian-BTB (the BulTreeBank in
Universal Dependencies; https://universaldependencies.org/treebanks/bg_btb/), which is licensed
under Creative Commons Attribution-NonCommercial-ShareAlike 3.0. A model trained on it inherits
that licence: non-commercial use only, share alike, attribution to the BulTreeBank team
(IICT-BAS; Simov, Osenova et al.). The rest of vestnik is Apache-2.0; turn this layer off with
`--no-syntax` (or `syntax = false` in the pipeline config) where the licence does not fit.
"""


def train_syntax(treebank: Path, output: Path, seed: int = 0, max_epochs: int | None = None) -> dict:
    """Train on the treebank's `train` documents, pick the epoch on `select`; write a loadable pipeline
    to `output` and return what was used."""
    train, select = split_sentences(treebank, "train"), split_sentences(treebank, "select")
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        for name, sentences in (("train", train), ("select", select)):
            DocBin(docs=with_cased_lemmas(gold_docs(sentences, SENTENCES_PER_DOC))).to_disk(work_dir / f"{name}.spacy")
        overrides = {"paths.train": str(work_dir / "train.spacy"), "paths.dev": str(work_dir / "select.spacy"),
                     "system.seed": seed}
        if max_epochs is not None:
            overrides["training.max_epochs"] = max_epochs
        spacy_train(CONFIG, work_dir / "out", overrides=overrides, use_gpu=-1)
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(work_dir / "out" / "model-best", output)
    summary = {"treebank": "UD_Bulgarian-BTB (dev and test files)", "seed": seed, "max_epochs": max_epochs,
               "split_percents": SPLIT_PERCENTS, "train_sentences": len(train), "select_sentences": len(select),
               "licence": "CC BY-NC-SA 3.0 (inherited from the treebank)"}
    (output / "training.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (output / "LICENSE.md").write_text(LICENCE_NOTE, encoding="utf-8")
    return summary
