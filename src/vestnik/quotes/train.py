"""`vestnik train quotes`: train the quotation tagger (`vestnik.quotes.tagger`) on annotated articles (the
`train` extra: torch).

Each gold article is cleaned and tokenised as the pipeline does, read once by the entity encoder, and its
words labelled from the gold: the words of a quotation's content (B for its first, I for the rest; quotation
marks are outside), of its cue, and of its speaker's mention in the text. The network learns on the
encoder's fixed states: a learnt mix of its layers, a projection, a bidirectional LSTM over the article and
three classifiers. A fixed number of epochs, chosen on the dev-40 articles, which training leaves out.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from vestnik.config import Settings
from vestnik.entities.encoder_ner import OnnxTagger, encoder_checksum, spelling, words_of
from vestnik.quotes.evaluate import gold_sources, load_gold
from vestnik.quotes.tagger import CONTENT_TAGS, TAGGER_FILE

EPOCHS = 25
LEARNING_RATE = 1e-3
CUE_AND_SOURCE_WEIGHT = 5.0
"""Cue and source words are rare: a missed one costs this many times a false one."""
QUOTATION_MARKS = set("„“”\"«»")


@dataclass
class TaggedArticle:
    vectors: np.ndarray  # words × layers × width, float16
    content: np.ndarray  # words: index into CONTENT_TAGS
    cue: np.ndarray  # words: 1.0 for a cue word
    source: np.ndarray  # words: 1.0 for a word of a speaker's mention


def _find(text: str, needle: str | None, near: int = 0) -> tuple[int, int] | None:
    """Where `needle` is written in `text` (case-insensitively if not as written), the occurrence nearest `near`."""
    if not needle:
        return None
    starts = [m.start() for m in re.finditer(re.escape(needle), text)] or \
             [m.start() for m in re.finditer(re.escape(needle.lower()), text.lower())]
    if not starts:
        return None
    start = min(starts, key=lambda position: abs(position - near))
    return start, start + len(needle)


def word_labels(words: list, text: str, quotes: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The content, cue and source labels of an article's words (`words_of`) from its gold quotations: a content
    where it is first written, its cue and mention where they are written nearest to it."""
    starts = np.array([word.idx for word in words])
    ends = starts + np.array([len(word.text) for word in words])
    content = np.zeros(len(words), dtype=np.int64)
    cue, source = np.zeros(len(words), dtype=np.float32), np.zeros(len(words), dtype=np.float32)

    def covered(span: tuple[int, int]) -> np.ndarray:
        return np.flatnonzero((starts < span[1]) & (span[0] < ends))

    for quote in quotes:
        span = _find(text, quote["content"])
        if span is None:
            continue
        inside = [index for index in covered(span) if words[index].text not in QUOTATION_MARKS]
        if inside:
            content[inside[0]], content[inside[1:]] = 1, 2
        if (cue_span := _find(text, quote.get("cue"), span[0])) is not None:
            cue[covered(cue_span)] = 1.0
        if (mention := _find(text, quote.get("speaker_mention"), cue_span[0] if cue_span else span[0])) is not None:
            source[covered(mention)] = 1.0
    return content, cue, source


def tagged_articles(gold_dirs: list[Path], data: Path, encoder: OnnxTagger) -> list[TaggedArticle]:
    """The gold articles of `gold_dirs`, cleaned and tokenised as the pipeline does, with their labels."""
    from vestnik.analysis import blank_nlp
    from vestnik.pipeline import prepare
    from vestnik.stages.feeds import read_sources
    from vestnik.stages.ingest import InputError

    tokenizer, settings = blank_nlp().tokenizer, Settings()
    articles = []
    for gold_dir in gold_dirs:
        gold = load_gold(gold_dir)
        prepared = prepare(read_sources([str(path) for path in gold_sources(gold_dir, gold, data)], settings), settings)
        for quotes, item in zip(gold.values(), prepared, strict=True):
            if isinstance(item, InputError):
                raise item
            words = words_of(tokenizer(item.cleaned.text))
            _, vectors = encoder.encode([spelling(word.text) for word in words])
            articles.append(TaggedArticle(vectors.astype(np.float16), *word_labels(words, item.cleaned.text, quotes)))
    return articles


class QuoteNetwork(nn.Module):
    def __init__(self, layers: int, width: int, projected: int = 128, hidden: int = 64, dropout: float = 0.3):
        """Sizes chosen on dev-40 and by cost: 128 × 64 finds 0.810 of its quotations with the rules (F1), 256 × 128
        0.816, at twice the cost (5 ms an article against 2, beside the rules' 1.5; issue 15's limit is 5)."""
        super().__init__()
        self.mix = nn.Parameter(torch.zeros(layers))
        self.project = nn.Linear(width, projected)
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(projected, hidden, batch_first=True, bidirectional=True)
        self.content, self.cue, self.source = nn.Linear(2 * hidden, len(CONTENT_TAGS)), nn.Linear(2 * hidden, 1), \
            nn.Linear(2 * hidden, 1)

    def forward(self, vectors: torch.Tensor):
        """vectors (words × layers × width) of one article → content, cue and source scores (logits)."""
        mixed = (vectors * torch.softmax(self.mix, 0)[None, :, None]).sum(1)
        states = self.dropout(torch.relu(self.project(mixed)))
        states = self.dropout(self.lstm(states[None])[0][0])
        return self.content(states), self.cue(states)[:, 0], self.source(states)[:, 0]


class _Probabilities(nn.Module):
    """The network as it runs in the pipeline: the encoder's float16 vectors in (the graph casts them, ten times
    faster than numpy), probabilities out."""

    def __init__(self, network: QuoteNetwork):
        super().__init__()
        self.network = network

    def forward(self, vectors):
        content, cue, source = self.network(vectors.float())
        return torch.softmax(content, -1), torch.sigmoid(cue), torch.sigmoid(source)


def fit(articles: list[TaggedArticle], epochs: int, seed: int) -> QuoteNetwork:
    torch.manual_seed(seed)
    shuffler = random.Random(seed)
    layers, width = articles[0].vectors.shape[1:]
    network = QuoteNetwork(layers, width)
    optimiser = torch.optim.Adam(network.parameters(), lr=LEARNING_RATE)
    weight = torch.tensor(CUE_AND_SOURCE_WEIGHT)
    binary = nn.functional.binary_cross_entropy_with_logits
    order = list(articles)
    for epoch in range(epochs):
        network.train()
        shuffler.shuffle(order)
        total = 0.0
        for article in order:
            content, cue, source = network(torch.from_numpy(article.vectors.astype(np.float32)))
            loss = (nn.functional.cross_entropy(content, torch.from_numpy(article.content))
                    + binary(cue, torch.from_numpy(article.cue), pos_weight=weight)
                    + binary(source, torch.from_numpy(article.source), pos_weight=weight))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item()
        print(f"epoch {epoch + 1}/{epochs}: loss {total / len(order):.4f}", file=sys.stderr, flush=True)
    return network.eval()


def export_onnx(network: QuoteNetwork, path: Path, layers: int, width: int) -> None:
    with torch.no_grad():
        torch.onnx.export(_Probabilities(network), (torch.zeros(3, layers, width, dtype=torch.float16),), str(path),
                          input_names=["vectors"], output_names=["content", "cue", "source"],
                          dynamic_axes={name: {0: "words"} for name in ("vectors", "content", "cue", "source")},
                          opset_version=17, dynamo=False)


def train_quotes(gold_dirs: list[Path], data: Path, output: Path, encoder: Path, seed: int = 0,
                 epochs: int = EPOCHS) -> dict:
    """Train on the gold of `gold_dirs` over `encoder`'s states; write the tagger to `output` and return what
    was used."""
    started = time.perf_counter()
    articles = tagged_articles(gold_dirs, data, OnnxTagger(encoder))
    network = fit(articles, epochs, seed)
    output.mkdir(parents=True, exist_ok=True)
    export_onnx(network, output / TAGGER_FILE, *articles[0].vectors.shape[1:])
    summary = {"gold": [os.path.relpath(gold_dir.resolve(), output.resolve()) for gold_dir in gold_dirs],
               "articles": len(articles), "quotation_words": int(sum((a.content > 0).sum() for a in articles)),
               "seed": seed, "epochs": epochs,
               "encoder": os.path.relpath(encoder.resolve(), output.resolve()), "encoder_sha256": encoder_checksum(encoder),
               "seconds": round(time.perf_counter() - started)}
    (output / "training.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary
