"""`vestnik train ner`: train the entity recogniser, the base-form rules and the knowledge base.

Reproducible from `../shared/data/slavicner` alone with a fixed seed. Two architectures:
- `encoder` (the default model): multilingual-e5 fine-tuned as a BIO tagger and exported to
  int8 ONNX (`vestnik.entities.finetune`; needs the `train` extra);
- `cnn` (`--model fast`): spaCy's `ner` (config `ner.cfg` beside this file) trained by spaCy's
  own loop, with the best epoch picked on a fixed slice of the *training* documents (by a hash
  of their path), never on the documents an experiment is scored on.
The knowledge base is built from every annotation of the training documents in all six
languages, base-form rules for each language trained on from its own documents.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from spacy.cli.train import train as spacy_train
from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

from vestnik.analysis import PIPELINE_CONFIG, blank_nlp, pipeline_config
from vestnik.entities.corpus import Document, read_split
from vestnik.entities.component import base_forms_file
from vestnik.entities.kb import KnowledgeBase
from vestnik.entities.lemma import BaseFormRules

CONFIG = Path(__file__).with_name("ner.cfg")
SELECTION_PERCENT = 8
"""Share of the training documents held back to pick the best epoch."""
KB_LANGS = ("bg", "cs", "pl", "ru", "sl", "uk")


def to_spacy_doc(nlp, document: Document) -> tuple[Doc, int]:
    """The document as a spaCy Doc with gold entities; mentions that cut through a token are left
    as missing annotation (not as "outside") and counted."""
    doc = nlp.make_doc(document.text)
    spans, missing = [], []
    for mention in document.mentions:
        span = doc.char_span(mention.start, mention.end, label=mention.label)
        if span is None:
            missing.append(doc.char_span(mention.start, mention.end, alignment_mode="expand"))
        else:
            spans.append(span)
    kept = filter_spans(spans)
    missing += [span for span in spans if span not in kept]
    covered = {i for span in kept for i in range(span.start, span.end)}
    unknown = [span for span in filter_spans([s for s in missing if s is not None])
               if not covered.intersection(range(span.start, span.end))]
    doc.set_ents(kept, missing=unknown, default="outside")
    return doc, len(missing)


def _held_back(path: str) -> bool:
    return int(hashlib.sha1(path.encode()).hexdigest(), 16) % 100 < SELECTION_PERCENT


@dataclass(frozen=True)
class EncoderSettings:
    """What `--architecture encoder` trains with (the defaults made the shipped model)."""

    epochs: int = 2
    learning_rate: float = 1e-4
    layers: int | None = None  # the first N layers of the pretrained encoder; None: all 12
    train_embeddings: bool = False  # fine-tune the word embeddings too


def train_ner(data: Path, split: str, langs: tuple[str, ...], output: Path, seed: int = 0,
              architecture: str = "encoder", max_epochs: int | None = None,
              encoder: EncoderSettings = EncoderSettings(), limit: int | None = None) -> dict:
    """Train on `split` of `langs` (base forms and KB entries always from the same split);
    write a loadable model directory to `output` and return what was used."""
    if not (data / "raw").is_dir():
        raise ValueError(f"{data} is not a SlavicNER directory (no raw/ in it)")
    documents = list(read_split(data, split, langs))[:limit]
    if not documents:
        raise ValueError(f"no documents in split {split!r} for {langs}")
    output.mkdir(parents=True, exist_ok=True)
    if architecture == "encoder":
        summary = _train_encoder(documents, output, seed, encoder)
    elif architecture == "cnn":
        summary = _train_cnn(documents, output, seed, max_epochs)
    else:
        raise ValueError(f"unknown architecture {architecture!r}: use encoder or cnn")
    for lang in sorted({"bg", *langs}):
        BaseFormRules.learn([d for d in documents if d.lang == lang]).save(output / base_forms_file(lang))
    kb_documents = list(read_split(data, split, KB_LANGS))
    KnowledgeBase.build(kb_documents).save(output / "kb.json.gz")
    summary = {"architecture": architecture, "split": split, "langs": list(langs), "seed": seed,
               "documents": len(documents), "mentions": sum(len(d.mentions) for d in documents),
               "kb_documents": len(kb_documents), **summary}
    (output / "training.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (output / PIPELINE_CONFIG).write_text(pipeline_config(output), encoding="utf-8")
    return summary


def _train_encoder(documents: list[Document], output: Path, seed: int, settings: EncoderSettings) -> dict:
    from vestnik.entities import finetune
    from vestnik.entities.encoder_ner import ENCODER_DIR

    tagger, summary = finetune.train_tagger(blank_nlp(), documents, epochs=settings.epochs,
                                            learning_rate=settings.learning_rate, layers=settings.layers,
                                            train_embeddings=settings.train_embeddings, seed=seed,
                                            log=lambda message: print(message, flush=True))
    finetune.export_onnx(tagger, output / ENCODER_DIR)
    shutil.rmtree(output / "recogniser", ignore_errors=True)  # a directory holds one recogniser
    return summary


def _train_cnn(documents: list[Document], output: Path, seed: int, max_epochs: int | None) -> dict:
    nlp = blank_nlp()
    train_bin, select_bin, unaligned = DocBin(), DocBin(), 0
    for document in documents:
        doc, missing = to_spacy_doc(nlp, document)
        unaligned += missing
        (select_bin if _held_back(document.path) else train_bin).add(doc)
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        train_bin.to_disk(work_dir / "train.spacy")
        select_bin.to_disk(work_dir / "select.spacy")
        overrides = {"paths.train": str(work_dir / "train.spacy"), "paths.dev": str(work_dir / "select.spacy"),
                     "system.seed": seed}
        if max_epochs is not None:
            overrides["training.max_epochs"] = max_epochs
        spacy_train(CONFIG, work_dir / "out", overrides=overrides, use_gpu=-1)
        recogniser = output / "recogniser"
        shutil.rmtree(recogniser, ignore_errors=True)
        shutil.copytree(work_dir / "out" / "model-best", recogniser)
    return {"selection_documents": len(select_bin), "unaligned_mentions": unaligned}
