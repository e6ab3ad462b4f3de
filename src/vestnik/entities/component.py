"""The `vestnik_entities` component: base form, identity and Latin spelling of every mention,
and each entity of the article with its one display name.

Runs after the recogniser and writes `doc._.entities` (one record `Entity` per `doc.ents`
span) and `doc._.distinct_entities` (one record `DistinctEntity` per id, named by
`display_name`): quotes, events, the record and the store all read the name from there.
Identity inside one article: a one-word person mention ("Рябков") takes the id of the full
name it shortens ("Сергей Рябков") when the article has exactly one such person; across
articles, ids come from the knowledge base or, failing that, from the base form.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from vestnik.bulgarian import COORDINATORS, PREPOSITIONS
from vestnik.entities.kb import KnowledgeBase, local_id, normalise
from vestnik.entities.lemma import BaseFormRules
from vestnik.entities.names import display_name
from vestnik.entities.translit import to_latin
from vestnik.record import DistinctEntity, Entity

Doc.set_extension("entities", default=None, force=True)
Doc.set_extension("distinct_entities", default=None, force=True)


BASE_FORMS = "base_forms.json"
"""Bulgarian base-form rules in a model directory; another language's are in base_forms-<lang>.json."""


def base_forms_file(lang: str) -> str:
    return BASE_FORMS if lang == "bg" else f"base_forms-{lang}.json"


class EntityResolver:
    def __init__(self, rules: dict[str, BaseFormRules], kb: KnowledgeBase):
        self.rules = rules  # by language; Bulgarian's serve the languages without rules of their own
        self.kb = kb

    @classmethod
    def from_model(cls, model: Path) -> EntityResolver:
        rules = {path.stem.removeprefix("base_forms-"): BaseFormRules.load(path) for path in model.glob("base_forms-*.json")}
        rules["bg"] = BaseFormRules.load(model / BASE_FORMS)
        return cls(rules, KnowledgeBase.load(model / "kb.json.gz"))

    def __call__(self, doc: Doc) -> Doc:
        rules = self.rules.get(doc._.language or "bg", self.rules["bg"])
        mentions = []
        for span in doc.ents:
            lemma = rules.base_form(span.text, span.label_)
            entity_id = self.kb.link(span.text, lemma, span.label_) or local_id(span.label_, lemma)
            mentions.append(Entity(start=span.start_char, end=span.end_char, text=span.text, label=span.label_,
                                   lemma=lemma, id=entity_id, latin=to_latin(lemma)))
        doc._.entities = _share_person_ids(mentions)
        doc._.distinct_entities = distinct_entities(doc._.entities)
        return doc


def distinct_entities(mentions: list[Entity]) -> list[DistinctEntity]:
    """The entities of an article in order of first mention, each with its mentions and display name."""
    by_id: dict[str, list[int]] = {}
    for index, mention in enumerate(mentions):
        by_id.setdefault(mention.id, []).append(index)
    distinct = []
    for entity_id, indices in by_id.items():
        name = display_name(Counter(mentions[index].lemma for index in indices))
        named = next(mentions[index] for index in indices if mentions[index].lemma == name)
        distinct.append(DistinctEntity(id=entity_id, label=named.label, name=name, latin=named.latin, mentions=indices))
    return distinct


def _share_person_ids(mentions: list[Entity]) -> list[Entity]:
    """"Рябков" → the id of "Сергей Рябков" when one full name in the article ends in that word."""
    full_names: dict[str, set[str]] = {}
    for mention in mentions:
        words = normalise(mention.lemma).split()
        if mention.label == "PER" and len(words) > 1:
            full_names.setdefault(words[-1], set()).add(mention.id)
    shared = []
    for mention in mentions:
        words = normalise(mention.lemma).split()
        ids = full_names.get(words[0], set()) if mention.label == "PER" and len(words) == 1 else set()
        shared.append(mention.model_copy(update={"id": next(iter(ids))}) if len(ids) == 1 else mention)
    return shared


QUOTED_NAME = re.compile(r'[„"“«](?P<name>[A-ZА-Я][^„"“”«»\n]{1,40}?)[“"”»](?:\s*[-–]?\s*(?P<number>\d{1,2})\b)?')
CLAUSE_WORDS = {"да", "не", "ще", "е", "са", "се", "съм", "сме", "няма", "има", "бъде", "може", "трябва"}
"""Words that make a quoted phrase a clause ("Няма да спрем"), not a name."""
ORGANISATION_BEFORE = re.compile(r"(?:партия|движение|компани|фирма|агенция|банка|фондаци|организаци|асоциаци|дружество|"
                                 r"концерн|холдинг|съюз|обединение)\w*\s*$", re.I)
ORGANISATION_AFTER = re.compile(r"^\s*(?:АД|ЕАД|ООД|ЕООД|АГ|AG|GmbH|Ltd|Inc)\b")


@Language.component("vestnik_quoted_names", requires=["doc.ents"], assigns=["doc.ents"])
def tag_quoted_names(doc: Doc) -> Doc:
    """A short capitalised name in quotation marks that the recogniser left untagged is a name:
    a product, a title or a project ("Северен поток" 2), or an organisation when a legal form
    follows it or an organisation noun precedes it ("партия „Възраждане“", „Уеб Медия Груп“ АД).
    Bulgarian news puts such names in quotation marks; on a new story the recogniser has never
    seen them, and this is most of what it misses (see the README's held-out figures)."""
    text = doc.text
    taken = {i for span in doc.ents for i in range(span.start, span.end)}
    found = []
    for match in QUOTED_NAME.finditer(text):
        name = match.group("name")
        words = name.lower().split()
        if len(words) > 4 or re.search(r"[.!?,:;]", name) or CLAUSE_WORDS.intersection(words):
            continue  # a sentence in quotation marks is a quote, not a name
        # as the corpus marks them: Газпром in „Газпром“, but "Северен поток" 2 with its marks when a number follows
        span = doc.char_span(match.start(), match.end("number")) if match.group("number") else \
            doc.char_span(match.start("name"), match.end("name"))
        if span is None or taken.intersection(range(span.start, span.end)):
            continue
        organisation = ORGANISATION_BEFORE.search(text[max(0, match.start() - 30):match.start()]) or \
            ORGANISATION_AFTER.match(text[match.end():match.end() + 8])
        found.append(Span(doc, span.start, span.end, label="ORG" if organisation else "PRO"))
        taken.update(range(span.start, span.end))
    if found:
        doc.ents = sorted([*doc.ents, *found], key=lambda span: span.start)
    return doc


DANGLING = {*PREPOSITIONS, *COORDINATORS}
"""A name does not end with a preposition or a conjunction."""


@Language.component("vestnik_entity_boundaries", requires=["doc.ents"], assigns=["doc.ents"])
def repair_boundaries(doc: Doc) -> Doc:
    """Two boundary errors a token-by-token recogniser makes and a rule can see: a name cut inside a
    hyphenated compound ("Съвета Русия" + "-НАТО") is extended over it, and a name ending in a
    preposition ("Организацията за сигурност и сътрудничество в" + "Европа") takes in the entity
    after it, or drops the preposition when there is none."""
    spans = list(doc.ents)
    repaired: list[Span] = []
    i = 0
    while i < len(spans):
        span = spans[i]
        end = span.end
        while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ \
                and not doc[end].whitespace_ and doc[end + 1].text[:1].isupper():
            end += 2
        while i + 1 < len(spans) and spans[i + 1].start < end:  # the extension ran into the next name
            i += 1
            end = max(end, spans[i].end)
        if doc[end - 1].text in DANGLING:
            if i + 1 < len(spans) and spans[i + 1].start == end:
                i += 1
                end = spans[i].end
            else:
                end -= 1
        if end > span.start:
            repaired.append(Span(doc, span.start, end, label=span.label_))
        i += 1
    doc.ents = [part for span in repaired for part in balanced_parts(span)]
    return doc


BRACKETS = {"(": ")", "[": "]", "{": "}"}


def balanced_parts(span: Span) -> list[Span]:
    """A name holds no bracket it does not close: a span that runs into one ("Организацията на
    обединените нации (ООН", "Европейски съюз (") is cut there, into the name before it and the
    name after it (the abbreviation), both with the span's label."""
    open_at: list[int] = []
    cuts: list[int] = []
    for token in span:
        if token.text in BRACKETS:
            open_at.append(token.i)
        elif token.text in BRACKETS.values():
            if open_at and BRACKETS[span.doc[open_at[-1]].text] == token.text:
                open_at.pop()
            else:
                cuts.append(token.i)
    cuts = sorted([*cuts, *open_at])
    if not cuts:
        return [span]
    bounds = [span.start - 1, *cuts, span.end]
    return [Span(span.doc, start + 1, end, label=span.label_) for start, end in pairwise(bounds) if end > start + 1]


@Language.component("vestnik_consistent_entities", requires=["doc.ents"], assigns=["doc.ents"])
def tag_repeated_names(doc: Doc) -> Doc:
    """One name, one reading per article: where the recogniser tagged a name, its other occurrences
    in the article get the same label, and occurrences it labelled differently take the label most
    of them have ("Женева" is a place throughout, not once a person). News repeats names; the
    recogniser, seeing each occurrence in a different context, misses or mislabels some. Only
    multi-letter names that start with a capital; a tie between labels changes nothing."""
    labels = _labels_by_name(doc)
    if not labels:
        return doc
    majority = {words: _clear_majority(counts) for words, counts in labels.items()}
    kept = [Span(doc, span.start, span.end, label=majority.get(_words(span)) or span.label_) for span in doc.ents]
    taken = {i for span in kept for i in range(span.start, span.end)}
    added = []
    for words, start, end in _occurrences(doc, list(labels)):  # the longest names first
        if not taken.intersection(range(start, end)):
            added.append(Span(doc, start, end, label=majority[words] or labels[words].most_common(1)[0][0]))
            taken.update(range(start, end))
    doc.ents = sorted([*kept, *added], key=lambda span: span.start)
    return doc


def _occurrences(doc: Doc, names: list[tuple[str, ...]]) -> list[tuple[tuple[str, ...], int, int]]:
    """Every occurrence of each name (a word sequence) in the document, longest names first, by spaCy's
    PhraseMatcher on the tokens' exact text."""
    matcher = PhraseMatcher(doc.vocab, attr="ORTH")
    for number, words in enumerate(names):
        matcher.add(str(number), [Doc(doc.vocab, words=list(words))])
    found = [(int(doc.vocab.strings[key]), start, end) for key, start, end in matcher(doc)]
    found.sort(key=lambda match: (-len(names[match[0]]), match[0], match[1]))
    return [(names[number], start, end) for number, start, end in found]


def _words(span: Span) -> tuple[str, ...]:
    return tuple(token.text for token in span)


def _labels_by_name(doc: Doc) -> dict[tuple[str, ...], Counter]:
    labels: dict[tuple[str, ...], Counter] = {}
    for span in doc.ents:
        if span.text[:1].isupper() and len(span.text) > 1:
            labels.setdefault(_words(span), Counter())[span.label_] += 1
    return labels


def _clear_majority(counts: Counter) -> str | None:
    """The label most occurrences have, or None on a tie."""
    ranked = counts.most_common(2)
    return ranked[0][0] if len(ranked) == 1 or ranked[0][1] > ranked[1][1] else None


@Language.factory("vestnik_entities", default_config={"model": None}, requires=["doc.ents"],
                  assigns=["doc._.entities", "doc._.distinct_entities"])
def make_entity_resolver(nlp: Language, name: str, model: str | None) -> EntityResolver:
    if model is None:
        raise ValueError("vestnik_entities needs the path of a trained entity model")
    return EntityResolver.from_model(Path(model))
