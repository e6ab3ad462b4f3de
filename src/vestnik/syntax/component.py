"""The `vestnik_syntax` component: UPOS, features, lemmas and a dependency tree for every Bulgarian token.

It reads the entity encoder's states of each word (`OnnxTagger.encode`; with the default entity model the
recogniser has just run the encoder on the same words, so the encoder runs once per article) and runs the
syntax network (`heads.onnx`, trained by `vestnik train syntax`) on each sentence that `vestnik_sentences`
found. The tree is the best-scoring one (Chu-Liu-Edmonds, as UDPipe 2 decodes, from `ufal.chu_liu_edmonds`)
with a single root. The layer is on or off as a whole (`--no-syntax`): its licence (CC BY-NC-SA, from the
treebank) differs from vestnik's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import ufal.chu_liu_edmonds
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from vestnik.entities.encoder_ner import encoder_of, onnx_session, shared_tagger, spelling, words_of
from vestnik.syntax.words import SUFFIX_LENGTHS, WordIds, apply_lemma_rule, suffix_ids

SYNTAX_MODEL = Path(__file__).parent.parent / "models" / "syntax-bg"
HEADS_FILE, RELATIONS_FILE, LABELS_FILE = "heads.onnx", "relations.onnx", "labels.json"
WORDS_PER_RUN = 256
"""The padded size (sentences × the longest of them) of one run of the network: sentences of like length run
together, so that padding costs little time and memory; a longer sentence runs alone."""
SPACE_RELATION = "dep"
"""The relation of a whitespace token, attached to the word before it (as spaCy's parser attaches them)."""


@Language.factory("vestnik_syntax", default_config={"model": str(SYNTAX_MODEL), "threads": 0},
                  requires=["token.is_sent_start"],
                  assigns=["token.pos", "token.morph", "token.lemma", "token.dep", "token.head"])
def make_syntax(nlp: Language, name: str, model: str, threads: int) -> SyntaxLayer:
    """The layer of the syntax model `model`; `threads` as the entity recogniser's, so that both share one encoder."""
    return SyntaxLayer(Path(model), nlp.vocab, threads)


class SyntaxLayer:
    def __init__(self, model: Path, vocab: Vocab, threads: int = 0):
        """The syntax model in `model` and the encoder it was trained on (named in its training.json, checked by
        checksum: states of another encoder mean nothing to the network)."""
        if not (model / "training.json").is_file() or not (model / HEADS_FILE).is_file():
            raise ValueError(f"{model}: not a syntax model (no training.json or {HEADS_FILE}; "
                             "`vestnik train syntax` writes them)")
        encoder = encoder_of(model, "vestnik train syntax")
        self.vocab = vocab
        self.tagger = shared_tagger(encoder, threads)
        self.session = onnx_session(model / HEADS_FILE, threads)
        self.relation_session = onnx_session(model / RELATIONS_FILE, threads)
        labels = json.loads((model / LABELS_FILE).read_text(encoding="utf-8"))
        self.word_ids = WordIds(labels["words"])
        self.lemma_rules = labels["lemmas"]
        self.upos = np.array([POS_IDS[tag] for tag in labels["upos"]], dtype=np.uint64)
        self.feats = np.array([vocab.morphology.add(_features(label)) for label in labels["feats"]], dtype=np.uint64)
        self.relations = np.array([vocab.strings.add(label) for label in labels["relations"]], dtype=np.uint64)

    def __call__(self, doc: Doc) -> Doc:
        words = words_of(doc)
        if not words:
            return doc
        _, vectors = self.tagger.encode([spelling(token.text) for token in words])
        first_word = {token.i: index for index, token in enumerate(words)}
        strings = self.vocab.strings
        space = [POS_IDS["SPACE"], self.vocab.morphology.add(""), 0, 0, strings.add(SPACE_RELATION)]
        rows = np.array([space] * len(doc), dtype=np.uint64)  # POS, MORPH, LEMMA, HEAD (relative), DEP
        heads = np.arange(len(doc))
        sentences = [tokens for sentence in _sentences(doc) if (tokens := [t for t in sentence if not t.is_space])]
        for batch in _batches(sentences):
            self._parse(batch, [vectors[first_word[tokens[0].i]:first_word[tokens[-1].i] + 1] for tokens in batch],
                        rows, heads)
        for token in doc:
            if token.is_space:
                rows[token.i, 2] = strings.add(token.text)
        _attach_spaces(doc, heads)
        rows[:, 3] = (heads - np.arange(len(doc))).astype(np.uint64)  # spaCy's relative heads, as unsigned
        doc.from_array([POS, MORPH, LEMMA, HEAD, DEP], rows)
        return doc

    def _parse(self, sentences: list[list], vectors: list[np.ndarray], rows: np.ndarray, heads: np.ndarray) -> None:
        """Tags, lemmas and the trees of a batch of sentences (their words and encoder vectors), written into
        `rows` (the doc's POS, MORPH, LEMMA and DEP) and `heads` (each token's head)."""
        lengths = [len(tokens) for tokens in sentences]
        width = max(lengths)
        inputs = {"vectors": np.zeros((len(sentences), width, *vectors[0].shape[1:]), dtype=np.float32),
                  "word_ids": np.zeros((len(sentences), width), dtype=np.int64),
                  "suffix_ids": np.zeros((len(sentences), width, SUFFIX_LENGTHS), dtype=np.int64),
                  "reverse": np.array([[*range(length - 1, -1, -1), *range(length, width)] for length in lengths])}
        for row, tokens in enumerate(sentences):
            inputs["vectors"][row, :len(tokens)] = vectors[row]
            inputs["word_ids"][row, :len(tokens)] = [self.word_ids(token.text) for token in tokens]
            inputs["suffix_ids"][row, :len(tokens)] = [suffix_ids(token.text) for token in tokens]
        upos, feats, lemmas, arcs, dependents, head_states = self.session.run(None, inputs)
        chosen = np.zeros((len(sentences), width), dtype=np.int64)
        for row, length in enumerate(lengths):
            chosen[row, :length] = best_tree(arcs[row, :length, :length + 1])
        relations = self.relation_session.run(None, {"relation_dependents": dependents, "relation_heads": head_states,
                                                     "chosen": chosen})[0]
        strings, root = self.vocab.strings, self.vocab.strings.add("ROOT")
        for row, tokens in enumerate(sentences):
            for index, token in enumerate(tokens):
                head = int(chosen[row, index])
                rule = self.lemma_rules[int(lemmas[row, index].argmax())]
                heads[token.i] = token.i if head == 0 else tokens[head - 1].i
                rows[token.i] = (self.upos[upos[row, index].argmax()], self.feats[feats[row, index].argmax()],
                                 strings.add(apply_lemma_rule(token.text, rule)), 0,
                                 root if head == 0 else self.relations[relations[row, index].argmax()])

    def pipe(self, docs: Iterable[Doc], batch_size: int = 1) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def _batches(sentences: list[list]) -> Iterator[list[list]]:
    """The sentences shortest first, in batches of at most WORDS_PER_RUN padded words."""
    batch: list[list] = []
    for tokens in sorted(sentences, key=len):
        if batch and (len(batch) + 1) * len(tokens) > WORDS_PER_RUN:
            yield batch
            batch = []
        batch.append(tokens)
    if batch:
        yield batch


def _features(label: str) -> str:
    """The features of a "UPOS|features" class ("" for none)."""
    features = label.split("|", 1)[1]
    return "" if features == "_" else features


def _sentences(doc: Doc) -> Iterable[Span]:
    """The sentences `vestnik_sentences` set, or the whole doc when none were set."""
    return doc.sents if doc.has_annotation("SENT_START") else [doc[:]]


def _attach_spaces(doc: Doc, heads: np.ndarray) -> None:
    """A whitespace token hangs on the word before it in its sentence, or after it at a sentence's start."""
    for sentence in _sentences(doc):
        for token in sentence:
            if token.is_space:
                neighbours = [other.i for other in sentence if not other.is_space]
                before = [index for index in neighbours if index < token.i]
                heads[token.i] = before[-1] if before else (neighbours[0] if neighbours else token.i)


def best_tree(arcs: np.ndarray) -> list[int]:
    """Each word's head (0: the root, word k: k+1) in the highest-scoring tree with one root, from arc scores
    (words × words+1). When the best tree has several words on the root, the one most likely to be the root is
    kept there and the tree is decoded again with only that word allowed on the root."""
    scores = arcs - np.logaddexp.reduce(arcs, axis=1, keepdims=True)  # log-probabilities of each word's heads
    matrix = np.vstack([np.zeros((1, len(arcs) + 1)), scores]).astype(np.float64)
    np.fill_diagonal(matrix, -np.inf)
    heads = ufal.chu_liu_edmonds.chu_liu_edmonds(matrix)[0][1:]
    roots = [index for index, head in enumerate(heads) if head == 0]
    if len(roots) > 1:
        keep = max(roots, key=lambda index: scores[index, 0])
        matrix[[index + 1 for index in range(len(arcs)) if index != keep], 0] = -np.inf
        heads = ufal.chu_liu_edmonds.chu_liu_edmonds(matrix)[0][1:]
    return heads
