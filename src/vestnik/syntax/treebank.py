"""The Bulgarian treebank (UD_Bulgarian-BTB, dev and test files) and its fixed three-way split.

The split is by document (`# newdoc id`, which the upstream files share when they split one text
between them), never by sentence, so that no text has sentences on both sides: a hash of the document id puts it in `train`, `select` (to pick the best epoch)
or `held` (scored by `vestnik eval syntax`, never trained or selected on).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.training.converters import conllu_to_docs

SPLIT_PERCENTS = {"held": 15, "select": 12}
"""Shares of the documents held back for scoring and for picking the epoch; the rest is trained on."""
FILES = ("bg_btb-ud-dev.conllu", "bg_btb-ud-test.conllu")


def split_of(document_id: str) -> str:
    bucket = int(hashlib.sha1(document_id.encode()).hexdigest(), 16) % 100
    if bucket < SPLIT_PERCENTS["held"]:
        return "held"
    return "select" if bucket < SPLIT_PERCENTS["held"] + SPLIT_PERCENTS["select"] else "train"


def documents(treebank: Path) -> Iterator[tuple[str, list[str]]]:
    """(document id, its sentences as CoNLL-U blocks) for every document of the treebank's files."""
    missing = [name for name in FILES if not (treebank / name).is_file()]
    if missing:
        raise ValueError(f"{treebank} is not the UD Bulgarian-BTB folder: {', '.join(missing)} missing")
    for name in FILES:
        document_id, sentences = None, []
        for block in (treebank / name).read_text(encoding="utf-8").split("\n\n"):
            if not block.strip():
                continue
            for line in block.splitlines():
                if line.startswith("# newdoc id"):
                    if sentences:
                        yield document_id, sentences
                    document_id, sentences = line.split("=", 1)[1].strip(), []
            sentences.append(block.strip())
        if sentences:
            yield document_id, sentences


def split_sentences(treebank: Path, split: str) -> list[str]:
    """The CoNLL-U sentences of the documents in `split` (train, select or held)."""
    return [sentence for document_id, sentences in documents(treebank) if split_of(document_id) == split
            for sentence in sentences]


def gold_docs(sentences: list[str], sentences_per_doc: int) -> list[Doc]:
    """spaCy Docs with the treebank's words, UPOS, features, lemmas and trees."""
    return list(conllu_to_docs("\n\n".join(sentences) + "\n\n", n_sents=sentences_per_doc, no_print=True))


def with_cased_lemmas(docs: list[Doc]) -> list[Doc]:
    """The docs with each capitalised word's lower-case lemma capitalised like the word ("Министърът" →
    "Министър"), so that the lemmatizer learns the inflection alone: the treebank lower-cases the lemma of a
    sentence-initial word, an edit a lemmatizer cannot learn from suffixes. `lower_lemmas` undoes it."""
    for doc in docs:
        for token in doc:
            lemma = token.lemma_
            if token.text[:1].isupper() and lemma[:1].islower() and lemma[:1] == token.text[:1].lower():
                token.lemma_ = token.text[:1] + lemma[1:]
    return docs


def lower_lemmas(doc: Doc) -> Doc:
    """Lemmas in the treebank's case: lower case, proper nouns too ("София" → "софия")."""
    for token in doc:
        if (lower := token.lemma_.lower()) != token.lemma_:
            token.lemma_ = lower
    return doc


def examples(nlp, treebank: Path, split: str) -> list[Example]:
    """One example per sentence of `split`, the predicted side tokenised by `nlp`'s own tokenizer (the gold side
    moved into `nlp`'s vocabulary, where the scorer looks its strings up)."""
    gold = DocBin(docs=gold_docs(split_sentences(treebank, split), 1)).get_docs(nlp.vocab)
    return [Example(nlp.make_doc(doc.text), doc) for doc in gold]
