"""The encoder recogniser at analysis time: fine-tuned multilingual-e5 run by onnxruntime.

A BIO tagger over vestnik's spaCy tokens: each token is one word, its first SentencePiece
piece carries the word's tag. A document is cut into windows of at most `WINDOW` pieces that
overlap by `WINDOW - STRIDE`; a word takes its tag from the window where it lies furthest
from an edge. The same run gives each word's vectors (its first and last piece after the
embeddings and after every layer), which the syntax layer reads: `shared_tagger` hands one
tagger per model directory to every component, and the tagger keeps the last document's
encoding, so the recogniser and the syntax layer run the encoder once per article.
Inference needs only `onnxruntime`, `tokenizers` and numpy (no torch); training
is in `vestnik.entities.finetune`.

Written by hand because spaCy's transformer components load weights from the hub and need
torch at run time; this is the small loop that fits two CPU cores offline.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from vestnik.entities.corpus import LABELS

TAGS = ["O", *(f"{prefix}-{label}" for label in LABELS for prefix in "BI")]
WINDOW = 128
STRIDE = 96
IGNORE = -100
"""The tag of a piece that is not learnt (a word's later pieces, missing annotation)."""
ENCODER_DIR = "encoder"
"""Where a model directory keeps the tagger: tagger.onnx and tokenizer.json."""
HIDDEN = "hidden"
"""The graph's second output: every piece's states after the embeddings and after each layer (pieces × layers+1 ×
width), exposed by `finetune.expose_hidden_states`."""


@dataclass
class Window:
    ids: list[int]
    word_of_piece: list[int]  # for each piece, the index of its word in the document, or -1
    tags: list[int]  # for each piece, the tag to learn, or IGNORE


LATIN_LOOKALIKES = str.maketrans("AaBCcEeHKMOoPpTXxyiI", "АаВСсЕеНКМОоРрТХхуіІ")
"""Latin letters that look like Cyrillic ones; scrapers and spam-proofing leave them inside Cyrillic words."""
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def words_of(doc: Doc) -> list:
    """The tokens the encoder sees: every spaCy token but whitespace."""
    return [token for token in doc if not token.is_space]


def spelling(word: str) -> str:
    """The word as the encoder reads it: a Cyrillic word's Latin look-alikes ("Джo") read as Cyrillic.
    Only what the encoder sees changes; the text and its offsets stay as they are."""
    if word.isascii() or not CYRILLIC.search(word) or not re.search(r"[A-Za-z]", word):
        return word
    return word.translate(LATIN_LOOKALIKES)


def windows(tokenizer, words: list[str], tags: list[int] | None = None) -> list[Window]:
    """The document's words as overlapping windows of at most WINDOW pieces (with <s> and </s>)."""
    encoding = tokenizer.encode(words, is_pretokenized=True, add_special_tokens=False)
    ids, word_ids = encoding.ids, encoding.word_ids
    first = [i == 0 or word_ids[i] != word_ids[i - 1] for i in range(len(ids))]
    bos, eos = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
    result, start, body = [], 0, WINDOW - 2
    while True:
        end = min(start + body, len(ids))
        while end < len(ids) and not first[end] and end > start + 1:
            end -= 1  # do not cut a word
        piece_tags = [(tags[word_ids[i]] if tags is not None and first[i] else IGNORE) for i in range(start, end)]
        result.append(Window([bos, *ids[start:end], eos], [-1, *word_ids[start:end], -1], [IGNORE, *piece_tags, IGNORE]))
        if end >= len(ids):
            return result
        next_start = start + STRIDE
        while next_start < end and not first[next_start]:
            next_start += 1
        start = min(end, next_start)


def decode(scores: np.ndarray, line_starts: frozenset[int] = frozenset()) -> list[tuple[int, int, str]]:
    """(first word, end word, label) spans from per-word tag scores (logits). Boundaries come from the
    best tag of each word regardless of label (an I- after O starts a name, any I- continues one); the
    label is the one with the most probability over the whole span, so a name's words share one
    label instead of splitting where the tagger hesitates between two ("Северен" PRO + "поток" LOC).
    A word in `line_starts` (the first after a line break, which the encoder does not see) always
    begins a new span: a name does not run from a headline into the paragraph below it."""
    if not len(scores):
        return []
    best = scores.argmax(axis=1)
    probabilities = np.exp(scores - scores.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    label_mass = probabilities[:, 1:].reshape(len(scores), len(LABELS), 2).sum(axis=2)  # B- and I- of each label
    spans, start = [], None
    for index, tag in enumerate([*best.tolist(), 0]):
        inside = TAGS[tag].startswith("I-") and index not in line_starts
        if start is not None and not inside:
            spans.append((start, index, LABELS[int(label_mass[start:index].sum(axis=0).argmax())]))
            start = None
        if tag != 0 and start is None:
            start = index
    return spans


def merge_windows(word_count: int, doc_windows: list[Window], run, with_vectors: bool = False):
    """Tag scores per word of a document (words × TAGS), each word read from the window where it lies
    furthest from an edge; and, `with_vectors`, its vectors there (words × layers × 2·width: the hidden states
    of its first piece, then of its last). `run(window)` gives a window's logits and hidden states."""
    scores = np.zeros((word_count, len(TAGS)), dtype=np.float32)
    vectors = None
    best_margin = np.full(word_count, -1)
    for window in doc_windows:
        logits, hidden = run(window)
        if with_vectors and vectors is None:
            vectors = np.zeros((word_count, hidden.shape[1], 2 * hidden.shape[2]), dtype=np.float16)
        last = len(window.ids) - 1
        for word, (first, final) in _piece_spans(window).items():
            margin = min(first, last - first)
            if margin > best_margin[word]:
                best_margin[word], scores[word] = margin, logits[first]
                if vectors is not None:
                    vectors[word] = np.concatenate([hidden[first], hidden[final]], axis=1)
    return (scores, vectors) if with_vectors else scores


def _piece_spans(window: Window) -> dict[int, tuple[int, int]]:
    """Each word of the window: the positions of its first and its last piece."""
    spans: dict[int, tuple[int, int]] = {}
    for position, word in enumerate(window.word_of_piece):
        if word >= 0:
            spans[word] = (spans[word][0] if word in spans else position, position)
    return spans


class OnnxTagger:
    """The exported tagger (int8 ONNX) and its pruned tokenizer, as `vestnik train ner` writes them.

    Each window is its own run: dynamic int8 quantisation scales the activations of a run as a
    whole, so windows batched together would make one article's entities depend on the articles
    it happens to be analysed with (measured: logits moved by up to 0.35). On two cores a batch
    was no faster than a window at a time."""

    def __init__(self, directory: Path, threads: int = 0):
        from tokenizers import Tokenizer

        if not (directory / "tagger.onnx").is_file():
            raise FileNotFoundError(f"{directory}: no tagger.onnx (not an encoder entity model)")
        self.session = onnx_session(directory / "tagger.onnx", threads)
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.directory = directory
        self.has_hidden = HIDDEN in {output.name for output in self.session.get_outputs()}
        self._last: tuple[tuple[str, ...], tuple[np.ndarray, np.ndarray]] | None = None

    def run(self, window: Window, hidden: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """A window's logits (pieces × TAGS) and, if asked, its hidden states (pieces × layers+1 × width)."""
        ids = np.array([window.ids], dtype=np.int64)
        outputs = self.session.run(["logits", HIDDEN] if hidden else ["logits"],
                                   {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        return outputs[0][0], (outputs[1][0] if hidden else None)

    def tag_words(self, words: list[str]) -> np.ndarray:
        """Tag scores per word (words × TAGS)."""
        if not words:
            return np.zeros((0, len(TAGS)), dtype=np.float32)
        if self.has_hidden:
            return self.encode(words)[0]
        return merge_windows(len(words), windows(self.tokenizer, words), self.run)

    def encode(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Tag scores and vectors per word (`merge_windows`), from one run of the encoder. The last document's
        result is kept, so that a second component asking for the same words gets it without a second run."""
        key = tuple(words)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        if not self.has_hidden:
            raise ValueError(f"{self.directory / 'tagger.onnx'}: the graph has no '{HIDDEN}' output, which the syntax "
                             "layer reads; export the model again (`vestnik train ner --architecture encoder`)")
        encoded = merge_windows(len(words), windows(self.tokenizer, words), lambda window: self.run(window, True),
                                with_vectors=True)
        self._last = (key, encoded)
        return encoded


def onnx_session(path: Path, threads: int = 0):
    """An onnxruntime session on the CPU with `threads` threads (0: every core), one operator at a time, with
    onnxruntime's default graph optimisations (all of them)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def encoder_checksum(encoder: Path) -> str:
    """The SHA-256 of an encoder's graph, by which a model that reads its states names the encoder."""
    return hashlib.sha256((encoder / "tagger.onnx").read_bytes()).hexdigest()


def encoder_of(model: Path, retrain: str) -> Path:
    """The encoder whose states the model in `model` reads, as its training.json names it (relative path and
    SHA-256); refused when the encoder changed since (its states would mean nothing to the model), with the
    command `retrain` that trains the model again."""
    training = json.loads((model / "training.json").read_text(encoding="utf-8"))
    encoder = (model / training["encoder"]).resolve()
    if encoder_checksum(encoder) != training["encoder_sha256"]:
        raise ValueError(f"{model}: trained on another version of the encoder {encoder}; train it again (`{retrain}`)")
    return encoder


@cache
def shared_tagger(directory: Path, threads: int = 0) -> OnnxTagger:
    """One tagger per encoder directory and thread count in a process, whichever components ask for it."""
    return OnnxTagger(directory, threads)


class EncoderRecogniser:
    """spaCy component: sets `doc.ents` from the encoder's tags."""

    def __init__(self, tagger: OnnxTagger):
        self.tagger = tagger

    def __call__(self, doc: Doc) -> Doc:
        words = words_of(doc)
        scores = self.tagger.tag_words([spelling(token.text) for token in words])
        text = doc.text  # built anew on every access: read once, not per word
        line_starts = frozenset(index for index in range(1, len(words))
                                if "\n" in text[words[index - 1].idx:words[index].idx])
        doc.ents = [Span(doc, words[first].i, words[end - 1].i + 1, label=label)
                    for first, end, label in decode(scores, line_starts)]
        return doc


@Language.factory("vestnik_encoder_ner", assigns=["doc.ents"], default_config={"model": None, "threads": 0})
def make_encoder_recogniser(nlp: Language, name: str, model: str | None, threads: int) -> EncoderRecogniser:
    """The default recogniser: `model`/encoder/tagger.onnx on `threads` threads (0: all cores)."""
    if model is None:
        raise ValueError("vestnik_encoder_ner needs the path of an encoder entity model")
    return EncoderRecogniser(shared_tagger((Path(model) / ENCODER_DIR).resolve(), threads))
