"""The `vestnik_people` component: what the article says about each person and organisation it names, worked out once.

The quotation stage resolves "дипломатът" and "тя" to a person by the titles and the gender the
article gave them; the event coder codes a person by the country and sector of those titles
("руският заместник-министър на външните работи" → RUS, GOV). Each used to read the titles by
a rule of its own, and a fix went into one of them; now both read `doc._.people`.

Hand-written: the titles are the words right before a person's name, up to a punctuation mark,
a conjunction that opens a clause or the previous person; no Bulgarian library gives them. An
organisation's descriptions (`doc._.organisations`) are read the same way ("нискотарифният
превозвач Ryanair"), with the words of its own name ("Министерството на здравеопазването"),
so that "превозвачът" and "министерството" can be resolved to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from vestnik.events import actors

Doc.set_extension("people", default=None, force=True)
Doc.set_extension("organisations", default=None, force=True)
DESCRIPTION_WORDS = 2
"""An organisation's description is the noun right before its name and one word before it ("британското издание")."""

TITLE_WINDOW = 80
"""Characters before a person's mention where their titles are read (the factory's `title_window`)."""
TITLE_BOUNDARY = re.compile(r"[.,;:!?()„“”\"«»]|\b(?:че|като|когато|който|която|което|които|но|а|докато)\b")
"""Where the words before a name stop being its title: "…на руските олигарси, след като Тереза Мей" has none;
a title also ends at the person named before ("руският министър Лавров призова Тереза Мей")."""


@dataclass(frozen=True)
class Person:
    """What the article says about a person (an entity labelled PER); `doc._.people` keys them by entity id,
    and their name is the entity's (`doc._.distinct_entities`)."""

    gender: str  # "m", "f", or "" when the name does not tell
    titles: tuple[str, ...]  # the words before each mention that describe them, as written, lower case
    country: str | None  # of the first title with a nationality: "руският …" → "RUS"
    sector: str | None  # of the first title with a sector: "министър" → "GOV"


def titles_before(text: str, start: int, previous_person_end: int, window: int = TITLE_WINDOW) -> str:
    """The words before the mention at `start` that describe the person: "руският заместник-министър
    на външните работи" in "…, каза руският заместник-министър на външните работи Сергей Рябков"."""
    before = text[max(previous_person_end, start - window):start]
    return TITLE_BOUNDARY.split(before)[-1].strip().lower()


def gender(name: str) -> str:
    """"f" or "m" from Bulgarian name endings; "" when the name does not tell ("Мей", "Шерман")."""
    words = name.split()
    last, first = words[-1].lower(), words[0].lower()
    if last.endswith(("ова", "ева", "ска", "ина")) or (len(words) > 1 and first.endswith(("а", "я"))
                                                         and first not in ("никола", "илия", "фома", "лука")):
        return "f"
    if last.endswith(("ов", "ев", "ски", "ин")) or len(words) > 1:
        return "m"
    return ""


def people(text: str, entities, distinct_entities, title_window: int = TITLE_WINDOW) -> dict[str, Person]:
    """The people of an article by entity id."""
    titles: dict[str, list[str]] = {}
    previous_person_end = 0
    for mention in entities:
        if mention.label != "PER":
            continue
        found = titles_before(text, mention.start, previous_person_end, title_window)
        titles.setdefault(mention.id, [])
        if found and found not in titles[mention.id]:
            titles[mention.id].append(found)
        previous_person_end = mention.end
    found_people = {}
    for entity in distinct_entities:
        if entity.id not in titles:
            continue
        own = titles[entity.id]
        country = next(filter(None, map(actors.nationality, own)), None)
        found_people[entity.id] = Person(gender(entity.name), tuple(own), country,
                                         next(filter(None, map(actors.sector, own)), None))
    return found_people


def organisations(text: str, entities, title_window: int = TITLE_WINDOW) -> dict[str, tuple[str, ...]]:
    """The descriptions of each organisation by entity id: the words right before its mentions, an adjective and a
    noun at most ("социалната мрежа" of "… от социалната мрежа Facebook") and its mentions themselves ("Министерството на
    здравеопазването"), lower case."""
    found: dict[str, list[str]] = {}
    previous_end = 0
    for mention in entities:
        if mention.label == "ORG":
            own = found.setdefault(mention.id, [])
            described = " ".join(titles_before(text, mention.start, previous_end, title_window).split()[-DESCRIPTION_WORDS:])
            for description in (described, mention.text.lower()):
                if description and description not in own:
                    own.append(description)
        previous_end = mention.end
    return {entity_id: tuple(descriptions) for entity_id, descriptions in found.items()}


@Language.factory("vestnik_people", default_config={"title_window": TITLE_WINDOW},
                  requires=["doc._.entities", "doc._.distinct_entities"], assigns=["doc._.people", "doc._.organisations"])
def make_people(nlp: Language, name: str, title_window: int):
    """`title_window`: characters before a person's mention where their titles are read."""
    def attach_people(doc: Doc) -> Doc:
        doc._.people = people(doc.text, doc._.entities or [], doc._.distinct_entities or [], title_window)
        doc._.organisations = organisations(doc.text, doc._.entities or [], title_window)
        return doc

    return attach_people
