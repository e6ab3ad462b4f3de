"""The learnt quotation tagger: for every word, whether it begins, continues or is outside quotation content,
and whether it is a cue or a source word.

Why: the rules find a quotation only at a cue form they list, in a construction they know; on a story nobody
read they miss about a third of the quotations (cue forms not listed, cue-less continuations, free indirect
speech). This tagger, in citron's split of content, cue and source, learns those from the annotated articles
(`vestnik train quotes`, in `vestnik.quotes.train`) over the entity encoder's states of each word, which the
recogniser's run of the encoder has just left in the shared tagger: one small network (a bidirectional LSTM
and three classifiers, `tagger.onnx`) per article, no second run of the encoder. The quotation stage keeps
the rules' quotations and adds the tagger's content where no rule found a quotation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.tokens import Doc

from vestnik.entities.encoder_ner import encoder_of, onnx_session, shared_tagger, spelling, words_of

QUOTE_TAGGER = Path(__file__).parent.parent / "models" / "quotes-bg"
TAGGER_FILE = "tagger.onnx"
CONTENT_TAGS = ("O", "B", "I")
"""Outside quotation content, its first word, a later word of it (quotation marks are outside)."""


@dataclass
class WordScores:
    """The tagger's probabilities for the words of one article (`words_of`)."""

    words: list  # the spaCy tokens
    content: np.ndarray  # words × CONTENT_TAGS
    cue: np.ndarray  # words
    source: np.ndarray  # words

    def content_spans(self, min_words: int, min_probability: float) -> list[tuple[int, int]]:
        """(first, last) word of each run of content the tagger is sure of: the best tag of every word, a run
        starting at B (or at an I after an outside word), at least `min_words` long and with a mean probability
        of being content of at least `min_probability`."""
        spans, first = [], None
        for index, tag in enumerate(self.content.argmax(1)):
            if first is not None and tag != 2:
                spans.append((first, index - 1))
                first = None
            if tag != 0 and first is None:
                first = index
        if first is not None:
            spans.append((first, len(self.words) - 1))
        inside = 1 - self.content[:, 0]
        return [(a, b) for a, b in spans if b - a + 1 >= min_words and inside[a:b + 1].mean() >= min_probability]

    def best_word(self, probabilities: np.ndarray, first: int, last: int, before: int, after: int,
                  threshold: float = 0.5):
        """The word (token) most likely by `probabilities` (`cue` or `source`) among the `before` words before the
        content first–last and the `after` words after it; None when none reaches `threshold`."""
        window = [index for index in (*range(max(0, first - before), first),
                                      *range(last + 1, min(len(self.words), last + 1 + after)))
                  if probabilities[index] >= threshold]
        return self.words[max(window, key=lambda index: probabilities[index])] if window else None


class QuoteTagger:
    def __init__(self, model: Path, threads: int = 0):
        """The tagger in `model` (`vestnik train quotes` writes it) and the encoder it reads."""
        if not (model / "training.json").is_file() or not (model / TAGGER_FILE).is_file():
            raise ValueError(f"{model}: not a quotation tagger (no training.json or {TAGGER_FILE}; "
                             "`vestnik train quotes` writes them)")
        self.encoder = shared_tagger(encoder_of(model, "vestnik train quotes"), threads)
        self.session = onnx_session(model / TAGGER_FILE, threads)

    def scores(self, doc: Doc) -> WordScores:
        words = words_of(doc)
        if not words:
            empty = np.zeros(0, dtype=np.float32)
            return WordScores(words, np.zeros((0, len(CONTENT_TAGS)), dtype=np.float32), empty, empty)
        _, vectors = self.encoder.encode([spelling(token.text) for token in words])
        content, cue, source = self.session.run(None, {"vectors": vectors})
        return WordScores(words, content, cue, source)
