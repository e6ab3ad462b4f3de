"""Analyse: the spaCy pipeline that adds the linguistic layers to a cleaned article.

As in spaCy, each layer is a component — a small callable over a `Doc` — registered
under a `vestnik_*` name, and `PIPELINE` below is the one place that says which run
and in what order. Results that spaCy has no slot for live in `Doc._` extensions:
`doc._.published` (input, a `date` or None) and `doc._.dates` (output).

Tokenisation is spaCy's Bulgarian tokenizer, which already keeps abbreviations such
as "Зам.-министърът", "гр.", "проф.", "д-р", "т.е." whole; the sentence component
below uses that, plus paragraph breaks, instead of a separate sentence splitter.
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from vestnik.stages.dates import find_dates

PIPELINE = ["vestnik_sentences", "vestnik_dates"]

SENTENCE_FINAL = {".", "!", "?", "…", "...", "?!", "!?", "?.."}
CLOSERS = {'"', "“", "”", "»", "’", "'", ")", "]"}
OPENERS = {'"', "„", "“", "«", "(", "-", "–", "—"}
FINAL_ABBREVIATIONS = {"г.", "др."}
"""Abbreviations that often end a sentence ("до края на 2020 г. Новият…"): a break after them
needs a capitalised word next, as after a full stop."""

Doc.set_extension("published", default=None, force=True)
Doc.set_extension("dates", default=None, force=True)


@Language.component("vestnik_sentences")
def split_sentences(doc: Doc) -> Doc:
    """Sentence starts at paragraph breaks and after sentence-final punctuation before a new sentence."""
    for i, token in enumerate(doc):
        token.is_sent_start = i == 0
    for i, token in enumerate(doc[:-1]):
        following = doc[i + 1]
        if token.is_space and "\n" in token.text:
            following.is_sent_start = True
        elif token.text in SENTENCE_FINAL or token.text in FINAL_ABBREVIATIONS:
            j = i + 1
            while j < len(doc) and doc[j].text in CLOSERS and not doc[j - 1].whitespace_:
                j += 1
            if j < len(doc) and _starts_sentence(doc, j):
                doc[j].is_sent_start = True
    return doc


def _starts_sentence(doc: Doc, j: int) -> bool:
    token: Token = doc[j]
    if token.is_space:
        return True
    first = token.text[0]
    if token.text in OPENERS:
        return True
    return first.isupper() or (first.isdigit() and doc[j - 1].text not in FINAL_ABBREVIATIONS)


@Language.component("vestnik_dates")
def attach_dates(doc: Doc) -> Doc:
    doc._.dates = find_dates(doc.text, doc._.published)
    return doc


def build_nlp() -> Language:
    """The analysis pipeline, components in `PIPELINE` order."""
    nlp = spacy.blank("bg")
    for name in PIPELINE:
        nlp.add_pipe(name)
    return nlp
