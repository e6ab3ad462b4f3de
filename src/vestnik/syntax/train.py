"""`vestnik train syntax`: train the Bulgarian syntax layer from UD_Bulgarian-BTB (the `train` extra: torch).

The entity encoder reads each treebank document once, as it reads an article, and keeps its states
fixed; the syntax network (`vestnik.syntax.network`) learns on them from the `train` documents, and the
epoch whose LAS is best on the `select` documents is kept. The `held` documents are left for `vestnik eval
syntax`. The output directory holds the network as ONNX (`heads.onnx`, `relations.onnx`), its labels and vocabularies
(`labels.json`), `training.json` (what it was trained on, and the encoder it reads, by path and checksum)
and the treebank's licence, which the model inherits (CC BY-NC-SA 3.0).
"""

from __future__ import annotations

import copy
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from vestnik.entities.encoder_ner import OnnxTagger, encoder_checksum, spelling
from vestnik.syntax.component import HEADS_FILE, LABELS_FILE, RELATIONS_FILE
from vestnik.syntax.network import SyntaxNetwork, export_onnx, reversed_positions
from vestnik.syntax.treebank import (
    SPLIT_PERCENTS,
    TreebankWord,
    document_words,
    documents,
    split_of,
)
from vestnik.syntax.words import WordIds, frequent, lemma_rule, suffix_ids

EPOCHS = 60
BATCH_SIZE = 32
LEARNING_RATE = 2e-3
DECAY_FROM, DECAY = 0.6, 0.15
"""After this share of the epochs the learning rate is multiplied by DECAY."""
IGNORED = -100
LICENCE_NOTE = """# Licence of this model: CC BY-NC-SA 3.0

This syntax model was trained by `vestnik train syntax` on UD_Bulgarian-BTB (the BulTreeBank in
Universal Dependencies; https://universaldependencies.org/treebanks/bg_btb/), which is licensed
under Creative Commons Attribution-NonCommercial-ShareAlike 3.0. A model trained on it inherits
that licence: non-commercial use only, share alike, attribution to the BulTreeBank team
(IICT-BAS; Simov, Osenova et al.). The rest of vestnik is Apache-2.0; turn this layer off with
`--no-syntax` (or `syntax = false` in the pipeline config) where the licence does not fit.
"""


@dataclass
class Sentence:
    words: list[TreebankWord]
    vectors: np.ndarray  # words × layers × width, float16


@dataclass
class Labels:
    """The classes the network predicts and the words it knows, as `labels.json` stores them."""
    upos: list[str]
    feats: list[str]  # "UPOS|features", as spaCy's morphologizer learns them
    lemmas: list[str]  # lemma rules (`words.lemma_rule`)
    relations: list[str]
    words: list[str]

    @classmethod
    def learnt_from(cls, sentences: list[Sentence]) -> Labels:
        words = [word for sentence in sentences for word in sentence.words]
        return cls(upos=sorted({word.upos for word in words}), feats=sorted({_feats_class(word) for word in words}),
                   lemmas=frequent(lemma_rule(word.form, word.lemma) for word in words),
                   relations=sorted({word.relation for word in words}),
                   words=frequent(word.form.lower() for word in words))

    def sizes(self) -> dict[str, int]:
        return {"upos": len(self.upos), "feats": len(self.feats), "lemmas": len(self.lemmas),
                "relations": len(self.relations), "words": len(self.words)}


def _feats_class(word: TreebankWord) -> str:
    return f"{word.upos}|{word.feats}"


def encoded_sentences(tagger: OnnxTagger, treebank: Path, split: str) -> list[Sentence]:
    """The sentences of `split`, each document read by the encoder as a whole."""
    result = []
    for document_id, blocks in documents(treebank):
        if split_of(document_id) != split:
            continue
        sentences = document_words(blocks)
        _, vectors = tagger.encode([spelling(word.form) for sentence in sentences for word in sentence])
        start = 0
        for words in sentences:
            result.append(Sentence(words, vectors[start:start + len(words)]))
            start += len(words)
    return result


def _index(table: list[str]) -> dict[str, int]:
    return {label: index for index, label in enumerate(table)}


class Batches:
    """Sentences as padded tensors: the network's inputs and the gold classes (IGNORED where padded or unknown)."""

    def __init__(self, labels: Labels):
        self.word_ids = WordIds(labels.words)
        self.tables = {name: _index(getattr(labels, name)) for name in ("upos", "feats", "lemmas", "relations")}

    def gold(self, word: TreebankWord) -> list[int]:
        tables = self.tables
        return [tables["upos"].get(word.upos, IGNORED), tables["feats"].get(_feats_class(word), IGNORED),
                tables["lemmas"].get(lemma_rule(word.form, word.lemma), IGNORED), word.head,
                tables["relations"].get(word.relation, IGNORED)]

    def __call__(self, sentences: list[Sentence]) -> tuple[tuple[torch.Tensor, ...], torch.Tensor]:
        lengths = [len(sentence.words) for sentence in sentences]
        length = max(lengths)
        layers, width = sentences[0].vectors.shape[1:]
        vectors = torch.zeros(len(sentences), length, layers, width)
        word_ids = torch.zeros(len(sentences), length, dtype=torch.long)
        suffixes = torch.zeros(len(sentences), length, len(suffix_ids("")), dtype=torch.long)
        gold = torch.full((len(sentences), length, 5), IGNORED, dtype=torch.long)
        for row, sentence in enumerate(sentences):
            size = len(sentence.words)
            vectors[row, :size] = torch.from_numpy(sentence.vectors.astype(np.float32))
            word_ids[row, :size] = torch.tensor([self.word_ids(word.form) for word in sentence.words])
            suffixes[row, :size] = torch.tensor([suffix_ids(word.form) for word in sentence.words])
            gold[row, :size] = torch.tensor([self.gold(word) for word in sentence.words])
        return (vectors, word_ids, suffixes, reversed_positions(lengths, length)), gold


def loss_of(network: SyntaxNetwork, outputs, gold: torch.Tensor) -> torch.Tensor:
    """The summed cross-entropy of the five predictions; relations are scored on the gold head."""
    upos, feats, lemmas, arcs, dependents, heads_states = outputs
    loss = nn.functional.cross_entropy
    heads = gold[..., 3]
    on_gold_head = network.relations(dependents, heads_states, heads.clamp(min=0))
    return (loss(upos.flatten(0, 1), gold[..., 0].flatten(), ignore_index=IGNORED)
            + loss(feats.flatten(0, 1), gold[..., 1].flatten(), ignore_index=IGNORED)
            + loss(lemmas.flatten(0, 1), gold[..., 2].flatten(), ignore_index=IGNORED)
            + loss(_masked_arcs(arcs, heads).flatten(0, 1), heads.flatten(), ignore_index=IGNORED)
            + loss(on_gold_head.flatten(0, 1), gold[..., 4].masked_fill(heads < 0, IGNORED).flatten(),
                   ignore_index=IGNORED))


def _masked_arcs(arcs: torch.Tensor, heads: torch.Tensor) -> torch.Tensor:
    """Arc scores with padded words ruled out as heads."""
    real = torch.cat([torch.ones_like(heads[:, :1], dtype=torch.bool), heads >= 0], 1)
    return arcs.masked_fill(~real[:, None, :], -1e9)


def attachment(network: SyntaxNetwork, batches: Batches, sentences: list[Sentence], punct: int) -> float:
    """LAS without punctuation, each word's best-scoring head (no tree constraint): for picking the epoch."""
    network.eval()
    right = total = 0
    with torch.no_grad():
        for start in range(0, len(sentences), 64):
            inputs, gold = batches(sentences[start:start + 64])
            _, _, _, arcs, dependents, heads_states = network(*inputs)
            heads = _masked_arcs(arcs, gold[..., 3]).argmax(-1)
            labels = network.relations(dependents, heads_states, heads)
            scored = (gold[..., 3] >= 0) & (gold[..., 0] != punct)
            correct = (heads == gold[..., 3]) & (labels.argmax(-1) == gold[..., 4]) & scored
            right, total = right + int(correct.sum()), total + int(scored.sum())
    return right / total


def fit(train: list[Sentence], select: list[Sentence], labels: Labels, seed: int, epochs: int):
    """The network at its best epoch on `select`, and each epoch's select LAS."""
    torch.manual_seed(seed)
    shuffler = random.Random(seed)
    layers, width = train[0].vectors.shape[1:]
    network = SyntaxNetwork(layers, width, labels.sizes())
    optimiser = torch.optim.AdamW(network.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.9), weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda epoch: 1.0 if epoch < epochs * DECAY_FROM else DECAY)
    batches, punct = Batches(labels), labels.upos.index("PUNCT")
    best, best_state, history = -1.0, None, []
    order = list(train)
    for _ in range(epochs):
        network.train()
        shuffler.shuffle(order)
        for start in range(0, len(order), BATCH_SIZE):
            inputs, gold = batches(order[start:start + BATCH_SIZE])
            loss = loss_of(network, network(*inputs), gold)
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(network.parameters(), 5.0)
            optimiser.step()
        schedule.step()
        history.append(round(attachment(network, batches, select, punct), 4))
        print(f"epoch {len(history)}/{epochs}: LAS {history[-1]:.4f} on the select documents", file=sys.stderr, flush=True)
        if history[-1] > best:
            best, best_state = history[-1], copy.deepcopy(network.state_dict())
    network.load_state_dict(best_state)
    return network, history


def train_syntax(treebank: Path, output: Path, encoder: Path, seed: int = 0, max_epochs: int | None = None) -> dict:
    """Train on the treebank's `train` documents over `encoder`'s states, pick the epoch on `select`; write the
    model to `output` and return what was used."""
    started = time.perf_counter()
    tagger = OnnxTagger(encoder)
    train, select = (encoded_sentences(tagger, treebank, split) for split in ("train", "select"))
    labels = Labels.learnt_from(train)
    epochs = max_epochs or EPOCHS
    network, history = fit(train, select, labels, seed, epochs)
    output.mkdir(parents=True, exist_ok=True)
    layers, width = train[0].vectors.shape[1:]
    export_onnx(network, output / HEADS_FILE, output / RELATIONS_FILE, layers, width)
    (output / LABELS_FILE).write_text(json.dumps(labels.__dict__, ensure_ascii=False), encoding="utf-8")
    summary = {"treebank": "UD_Bulgarian-BTB (dev and test files)", "seed": seed, "epochs": epochs,
               "best_epoch": history.index(max(history)) + 1, "select_las_by_epoch": history,
               "split_percents": SPLIT_PERCENTS, "train_sentences": len(train), "select_sentences": len(select),
               "encoder": os.path.relpath(encoder.resolve(), output.resolve()), "encoder_sha256": encoder_checksum(encoder),
               "seconds": round(time.perf_counter() - started), "licence": "CC BY-NC-SA 3.0 (inherited from the treebank)"}
    (output / "training.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (output / "LICENSE.md").write_text(LICENCE_NOTE, encoding="utf-8")
    return summary
