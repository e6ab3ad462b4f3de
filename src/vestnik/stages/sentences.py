"""Sentences: the `vestnik_sentences` component and the sentence (and paragraph) offsets other stages read.

spaCy's Bulgarian tokenizer already keeps abbreviations ("Зам.-министърът", "гр.", "проф.",
"д-р", "т.е.") as single tokens, so a sentence ends at a full stop, question or exclamation
mark — after any closing quotation marks — when a new sentence visibly begins, and at every
paragraph break. Hand-written because spaCy's `sentencizer` splits inside `"…. Толкова е
просто", отсече той.` and pysbd works on strings, not on the tokens the other stages share.
"""

from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from vestnik.stages.clean import paragraph_offsets

SENTENCE_FINAL = {".", "!", "?", "…", "...", "?!", "!?", "?.."}
CLOSERS = {'"', "“", "”", "»", "’", "'", ")", "]"}
OPENERS = {'"', "„", "“", "«", "(", "-", "–", "—"}
Doc.set_extension("sentences", default=None, force=True)  # (start, end) of each sentence, for the later stages
Doc.set_extension("paragraphs", default=None, force=True)  # (start, end) of each paragraph: clean's, given with the text

NOT_A_START = numpy.uint64(2**64 - 1)  # -1 as spaCy stores it in a uint64 attribute array
FINAL_ABBREVIATIONS = {"г.", "др."}
"""Abbreviations that often end a sentence ("до края на 2020 г. Новият…"): a break after them
needs a capitalised word next, as after a full stop."""


@Language.component("vestnik_sentences", assigns=["token.is_sent_start", "doc._.sentences", "doc._.paragraphs"])
def split_sentences(doc: Doc) -> Doc:
    """Sentence starts at paragraph breaks and after sentence-final punctuation before a new sentence."""
    texts = [token.text for token in doc]
    starts = {0} if texts else set()
    for i, text in enumerate(texts[:-1]):
        if "\n" in text and not text.strip():
            starts.add(i + 1)
        elif text in SENTENCE_FINAL or text in FINAL_ABBREVIATIONS:
            j = i + 1
            while j < len(texts) and texts[j] in CLOSERS and not doc[j - 1].whitespace_:
                j += 1
            if j < len(texts) and _starts_sentence(doc, j):
                starts.add(j)
    # Every token gets its flag, 1 (starts a sentence) or -1 (does not), in one array write: setting them
    # token by token costs more than finding them, and `doc.sents` is slow where some are left unset.
    flags = numpy.full((len(texts), 1), NOT_A_START, dtype="uint64")
    flags[sorted(starts), 0] = 1
    doc.from_array([SENT_START], flags)
    doc._.sentences = sentence_offsets(doc)
    if doc._.paragraphs is None:  # a text that did not come through clean (a test, an evaluation)
        doc._.paragraphs = paragraph_offsets(doc.text)
    return doc


def _starts_sentence(doc: Doc, j: int) -> bool:
    token = doc[j]
    if token.is_space or token.text in OPENERS:
        return True
    first = token.text[0]
    return first.isupper() or (first.isdigit() and doc[j - 1].text not in FINAL_ABBREVIATIONS)


def sentence_offsets(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences, without the white space around them."""
    offsets, text = [], doc.text  # Doc.text is rebuilt from the tokens at every access
    for sentence in doc.sents:
        chunk = text[sentence.start_char:sentence.end_char]
        if chunk.strip():
            start = sentence.start_char + len(chunk) - len(chunk.lstrip())
            offsets.append((start, sentence.start_char + len(chunk.rstrip())))
    return offsets
