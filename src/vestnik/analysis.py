"""Analyse: the spaCy pipeline that adds the linguistic layers to a cleaned article.

As in spaCy, each layer is a component — a small callable over a `Doc` — registered
under a `vestnik_*` name, and `pipeline_names` below is the one place that says which run
and in what order (the recogniser depends on the entity model's architecture). Results that spaCy has no slot for live in `Doc._` extensions:
`doc._.published` (input, a `date` or None), `doc._.language` (input, the article's ISO
code or None), `doc._.sentences`, `doc._.dates`,
`doc._.entities`, `doc._.quotes` and `doc._.events` (outputs), `doc._.stages` (which stages ran:
`analyse_docs` runs only those written or trained for the article's language).

Tokenisation is spaCy's Bulgarian tokenizer, which already keeps abbreviations such
as "Зам.-министърът", "гр.", "проф.", "д-р", "т.е." whole; the sentence component
(`vestnik.stages.sentences`) builds on that.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry
from thinc.api import Config

from vestnik.entities import component as _entities  # noqa: F401  (registers vestnik_entities)
from vestnik.entities import people as _people  # noqa: F401  (registers vestnik_people)
from vestnik.entities.encoder_ner import ENCODER_DIR  # (the module registers vestnik_encoder_ner)
from vestnik.events import detect as _events  # noqa: F401  (registers vestnik_events)
from vestnik.quotes import extract as _quotes  # noqa: F401  (registers vestnik_quotes)
from vestnik.record import STAGES
from vestnik.stages import sentences as _sentences  # noqa: F401  (registers vestnik_sentences)
from vestnik.stages.dates import find_dates
from vestnik.syntax import component as _syntax  # noqa: F401  (registers vestnik_syntax)

RECOGNISERS = {"encoder": ["vestnik_encoder_ner"], "cnn": ["tok2vec", "ner"]}
"""The recogniser components of each architecture of entity model (`vestnik train ner --architecture`)."""
ENTITY_RULES = ["vestnik_quoted_names", "vestnik_entity_boundaries", "vestnik_consistent_entities"]
"""Rules that repair and complete the recogniser's names, in the order they run."""
ENTITY_COMPONENTS = {*(name for names in RECOGNISERS.values() for name in names), *ENTITY_RULES, "vestnik_entities"}
"""The components that find entities (recogniser, rules, resolver)."""


def pipeline_names(architecture: str, syntax: bool = True) -> list[str]:
    """The components of the analysis pipeline, in order, for an entity model of `architecture`, with or
    without the syntax layer (`--no-syntax`: its licence is not vestnik's)."""
    return ["vestnik_sentences", *RECOGNISERS[architecture], *(["vestnik_syntax"] if syntax else []), "vestnik_dates",
            *ENTITY_RULES, "vestnik_entities", "vestnik_people", "vestnik_quotes", "vestnik_events"]


RULE_LANGUAGES = {"syntax": ("bg",), "quotes": ("bg",), "events": ("bg",)}
"""Stages trained or written for Bulgarian only (a Bulgarian treebank; cue, trigger and title lexicons): on
another language they read junk. The entity stage runs for the languages its model was trained on; sentences
and dates for every one."""


def component_stage(name: str) -> str:
    """The record's stage (`record.STAGES`) that the component `name` belongs to."""
    if name in ENTITY_COMPONENTS or name == "vestnik_people":  # people: what the article says of its entities
        return "entities"
    return name.removeprefix("vestnik_")


def stages_for(nlp: Language, language: str | None) -> tuple[str, ...]:
    """The stages that run on an article in `language` (None: not said, every stage). Quotes and events
    read the entities, so they run only where the entities do."""
    limits = nlp.meta.get("vestnik_stage_languages", {})
    present = {component_stage(name) for name in nlp.pipe_names}
    stages = [stage for stage in STAGES if stage in present
              and (language is None or language in limits.get(stage, (language,)))]
    return tuple(stage for stage in stages if "entities" in stages or stage not in ("quotes", "events"))


def analyse_docs(nlp: Language, docs: list[Doc]) -> list[Doc]:
    """The docs through the pipeline, in order, each through the stages for its `doc._.language`
    (recorded in `doc._.stages`)."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, doc in enumerate(docs):
        groups.setdefault(stages_for(nlp, doc._.language), []).append(index)
    analysed: list[Doc] = list(docs)
    for stages, indices in groups.items():
        with nlp.select_pipes(enable=[name for name in nlp.pipe_names if component_stage(name) in stages]):
            for index, doc in zip(indices, nlp.pipe([docs[index] for index in indices])):
                doc._.stages = stages
                analysed[index] = doc
    return analysed


def entity_components(nlp: Language) -> list[str]:
    """The entity components of `nlp`, in order: what an entity evaluation runs."""
    return [name for name in nlp.pipe_names if name in ENTITY_COMPONENTS]


MODELS = Path(__file__).parent / "models"
NAMED_MODELS = {"default": MODELS / "ner-encoder", "fast": MODELS / "ner-fast"}
"""`--model default`: the fine-tuned encoder, most accurate on a new story; `--model fast`: the CNN, for back-fills."""
DEFAULT_ENTITY_MODEL = NAMED_MODELS["default"]


def entity_model_path(model: str | Path) -> Path:
    """The directory of the entity model `model` names: `default`, `fast` or a model directory."""
    path = NAMED_MODELS.get(str(model), Path(model))
    if not (path / "training.json").is_file():
        raise ValueError(f"{model}: not an entity model (use default, fast or a directory that "
                         f"`vestnik train ner` wrote; {path / 'training.json'} is missing)")
    return path


def model_architecture(model: Path) -> str:
    """`encoder` or `cnn`, from what the model directory holds."""
    return "encoder" if (model / ENCODER_DIR).is_dir() else "cnn"


GLUED_INFIXES = [r"(?<=[^\W\d_])\.(?=[А-ЯA-Z\"„“«])", r"(?<=\w)/(?=\w)"]
"""Scraped text glues sentences and credits: "БТА.Франция", "САЩ.„Водим", "ЕС/НАТО"; split them
(URLs are matched before infixes and stay whole)."""

Doc.set_extension("published", default=None, force=True)
Doc.set_extension("language", default=None, force=True)
Doc.set_extension("dates", default=None, force=True)
Doc.set_extension("stages", default=STAGES, force=True)


@Language.component("vestnik_dates", assigns=["doc._.dates"])
def attach_dates(doc: Doc) -> Doc:
    doc._.dates = find_dates(doc.text, doc._.published, past_sentences(doc))
    return doc


PAST_TENSES = {"Past", "Imp"}  # the aorist and the imperfect (and the past participles of the perfect), as BTB tags them


def past_sentences(doc: Doc) -> list[tuple[int, int]]:
    """The character spans of the sentences told in the past: a verb in a past tense and no "ще" (future);
    none when the syntax layer did not run."""
    if not doc.has_annotation("MORPH"):
        return []
    spans = []
    for sentence in doc.sents:
        tenses = {tense for token in sentence for tense in token.morph.get("Tense")}
        if tenses & PAST_TENSES and not any(token.lower_ == "ще" for token in sentence):
            spans.append((sentence.start_char, sentence.end_char))
    return spans


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


PIPELINE_CONFIG = "pipeline.cfg"
"""The analysis pipeline an entity model runs in, as a spaCy config (its `[nlp]` and `[components]`): written
into every model directory by `vestnik train ner`, and kept equal to `build_nlp`'s by the tests."""


def pipeline_config(model: str | Path) -> str:
    """The config of the analysis pipeline with the entity model `model`: spaCy's own description of the
    components, their order and their settings, with model paths relative to the model's directory."""
    path = entity_model_path(model).resolve()
    config = build_nlp(path).config
    described = Config({"nlp": config["nlp"], "components": config["components"]})
    for settings in described["components"].values():
        if isinstance(settings.get("model"), str) and Path(settings["model"]).is_absolute():
            settings["model"] = os.path.relpath(settings["model"], path)
    return described.to_str()


def build_nlp(model: str | Path = "default", threads: int = 0, syntax: bool = True) -> Language:
    """The analysis pipeline with the entity model `model` (see `entity_model_path`) and vestnik's rule
    components around its recogniser; `threads` bounds the encoder's threads (0: every core); `syntax`:
    with the syntax layer."""
    path = entity_model_path(model)
    architecture = model_architecture(path)
    if architecture == "cnn":
        nlp = spacy.load(path / "recogniser")
    else:
        nlp = blank_nlp()
        nlp.add_pipe("vestnik_encoder_ner", config={"model": str(path), "threads": threads})
    names = pipeline_names(architecture, syntax)
    for position, name in enumerate(names):
        if name in RECOGNISERS[architecture]:
            continue
        config = {"model": str(path)} if name == "vestnik_entities" else \
            {"threads": threads} if name in ("vestnik_syntax", "vestnik_quotes") else {}
        later = [other for other in names[position + 1:] if other in nlp.pipe_names]
        nlp.add_pipe(name, before=later[0] if later else None, config=config)
    if nlp.pipe_names != names:
        raise ValueError(f"{path}: its recogniser has components {nlp.pipe_names}, expected {names}")
    trained_on = json.loads((path / "training.json").read_text(encoding="utf-8")).get("langs", ["bg"])
    nlp.meta["vestnik_stage_languages"] = {"entities": tuple(trained_on), **RULE_LANGUAGES}
    return nlp
