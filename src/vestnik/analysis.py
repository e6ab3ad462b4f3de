"""Analyse: the spaCy pipeline that adds the linguistic layers to a cleaned article.

As in spaCy, each layer is a component — a small callable over a `Doc` — registered
under a `vestnik_*` name, and `PIPELINE` below is the one place that says which run
and in what order. Results that spaCy has no slot for live in `Doc._` extensions:
`doc._.published` (input, a `date` or None), `doc._.sentences`, `doc._.dates`,
`doc._.entities`, `doc._.quotes` and `doc._.events` (outputs).

Tokenisation is spaCy's Bulgarian tokenizer, which already keeps abbreviations such
as "Зам.-министърът", "гр.", "проф.", "д-р", "т.е." whole; the sentence component
(`vestnik.stages.sentences`) builds on that.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from vestnik.entities import component as _entities  # noqa: F401  (registers vestnik_entities)
from vestnik.events import detect as _events  # noqa: F401  (registers vestnik_events)
from vestnik.quotes import extract as _quotes  # noqa: F401  (registers vestnik_quotes)
from vestnik.stages import sentences as _sentences  # noqa: F401  (registers vestnik_sentences)
from vestnik.stages.dates import find_dates

PIPELINE = ["vestnik_sentences", "vestnik_dates", "tok2vec", "ner", "vestnik_quoted_names", "vestnik_entity_boundaries",
            "vestnik_consistent_entities", "vestnik_entities", "vestnik_quotes", "vestnik_events"]
TRAINED = ("tok2vec", "ner")
"""Components that come trained from the entity model (`vestnik train ner`); the others are rules."""
DEFAULT_ENTITY_MODEL = Path(__file__).parent / "models" / "ner-bg"

GLUED_INFIXES = [r"(?<=[^\W\d_])\.(?=[А-ЯA-Z\"„“«])", r"(?<=\w)/(?=\w)"]
"""Scraped text glues sentences and credits: "БТА.Франция", "САЩ.„Водим", "ЕС/НАТО"; split them
(URLs are matched before infixes and stay whole)."""

Doc.set_extension("published", default=None, force=True)
Doc.set_extension("dates", default=None, force=True)


@Language.component("vestnik_dates")
def attach_dates(doc: Doc) -> Doc:
    doc._.dates = find_dates(doc.text, doc._.published)
    return doc


@registry.tokenizers("vestnik.tokenizer.v1")
def create_tokenizer():
    """spaCy's Bulgarian tokenizer, plus splits for glued text (`GLUED_INFIXES`, "/БТА/")."""

    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex([*defaults.prefixes, "/"]).search,
            suffix_search=compile_suffix_regex([*defaults.suffixes, "/"]).search,
            infix_finditer=compile_infix_regex([*defaults.infixes, *GLUED_INFIXES]).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make


def blank_nlp() -> Language:
    """A Bulgarian `Language` with vestnik's tokenizer and no components (training starts from this)."""
    return spacy.blank("bg", config={"nlp": {"tokenizer": {"@tokenizers": "vestnik.tokenizer.v1"}}})


def build_nlp(entity_model: Path = DEFAULT_ENTITY_MODEL) -> Language:
    """The analysis pipeline, components in `PIPELINE` order: the trained recogniser from
    `entity_model` with vestnik's rule components around it."""
    nlp = spacy.load(entity_model / "recogniser")
    for position, name in enumerate(PIPELINE):
        if name in TRAINED:
            continue
        config = {"model": str(entity_model)} if name == "vestnik_entities" else {}
        later = [other for other in PIPELINE[position + 1:] if other in nlp.pipe_names]
        nlp.add_pipe(name, before=later[0] if later else None, config=config)
    assert nlp.pipe_names == PIPELINE, nlp.pipe_names
    return nlp
