"""The Bulgarian treebank (UD_Bulgarian-BTB, dev and test files) and its fixed three-way split.

The split is by document (`# newdoc id`, which the upstream files share when they split one text
between them), never by sentence, so that no text has sentences on both sides: a hash of the document id puts it in `train`, `select` (to pick the best epoch)
or `held` (scored by `vestnik eval syntax`, never trained or selected on).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

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


class TreebankWord(NamedTuple):
    form: str
    lemma: str
    upos: str
    feats: str  # "_" when none
    head: int  # 0: the root
    relation: str


def document_words(blocks: list[str]) -> list[list[TreebankWord]]:
    """The words of each CoNLL-U sentence (multi-word token lines and empty nodes left out)."""
    sentences = []
    for block in blocks:
        words = []
        for line in block.splitlines():
            columns = line.split("\t")
            if line.startswith("#") or len(columns) < 8 or not columns[0].isdigit():
                continue
            words.append(TreebankWord(columns[1], columns[2], columns[3], columns[5], int(columns[6]), columns[7]))
        sentences.append(words)
    return sentences


def split_sentences(treebank: Path, split: str) -> list[str]:
    """The CoNLL-U sentences of the documents in `split` (train, select or held)."""
    return [sentence for document_id, sentences in documents(treebank) if split_of(document_id) == split
            for sentence in sentences]


def gold_docs(sentences: list[str], sentences_per_doc: int) -> list[Doc]:
    """spaCy Docs with the treebank's words, UPOS, features, lemmas and trees."""
    return list(conllu_to_docs("\n\n".join(sentences) + "\n\n", n_sents=sentences_per_doc, no_print=True))


def examples(nlp, treebank: Path, split: str) -> list[Example]:
    """One example per sentence of `split`, the predicted side tokenised by `nlp`'s own tokenizer (the gold side
    moved into `nlp`'s vocabulary, where the scorer looks its strings up)."""
    gold = DocBin(docs=gold_docs(split_sentences(treebank, split), 1)).get_docs(nlp.vocab)
    return [Example(nlp.make_doc(doc.text), doc) for doc in gold]
