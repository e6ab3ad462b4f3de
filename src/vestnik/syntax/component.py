"""The `vestnik_syntax` component: the trained syntax pipeline run inside the analysis pipeline.

The syntax model is a spaCy pipeline of its own (tok2vec, morphologizer, lemmatizer, parser),
loaded once and run on the analysis pipeline's Docs by this one component, so that its
tok2vec never meets the entity recogniser's and the layer is on or off as a whole
(`--no-syntax`): its licence (CC BY-NC-SA, from the treebank) differs from vestnik's.
The parser keeps the sentence starts that `vestnik_sentences` set before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from vestnik.syntax.treebank import lower_lemmas

SYNTAX_MODEL = Path(__file__).parent.parent / "models" / "syntax-bg"
BATCH_SIZE = 32


@Language.factory("vestnik_syntax", default_config={"model": str(SYNTAX_MODEL)},
                  requires=["token.is_sent_start"],
                  assigns=["token.pos", "token.morph", "token.lemma", "token.dep", "token.head"])
def make_syntax(nlp: Language, name: str, model: str) -> SyntaxLayer:
    return SyntaxLayer(Path(model), nlp.vocab)


class SyntaxLayer:
    def __init__(self, model: Path, vocab: Vocab):
        """The model's components, sharing the analysis pipeline's vocabulary (the tags and lemmas they write are
        strings of that vocabulary)."""
        if not (model / "training.json").is_file():
            raise ValueError(f"{model}: not a syntax model (no training.json; `vestnik train syntax` writes one)")
        self.pipeline = spacy.load(model, vocab=vocab).pipeline

    def __call__(self, doc: Doc) -> Doc:
        for _, component in self.pipeline:
            doc = component(doc)
        return lower_lemmas(doc)

    def pipe(self, docs: Iterable[Doc], batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
        """The docs in batches of at most `BATCH_SIZE`, whatever the caller asks: the analysis pipeline's batch
        of 1,000 articles would hold the parser's states for all of them at once (gigabytes)."""
        for _, component in self.pipeline:
            docs = component.pipe(docs, batch_size=min(batch_size, BATCH_SIZE))
        for doc in docs:
            yield lower_lemmas(doc)
