"""Who a speaker mention refers to: a pronoun or role noun resolved to a person the article named.

"той" is the most recent person who agrees in gender, named in the text or quoted as a speaker,
whichever came later; "дипломатът" is the one person the article gave that title (its titles come
from `vestnik_people`), else like a pronoun; "превозвачът" is the organisation the article so
described or so named. Hand-written: no Bulgarian coreference resolver
exists to install, and these two rules need only what the article's entities and people already
hold. The resolver also remembers the last speaker, for quotes whose speaker goes on without
being named again ("И добави, че …", a paragraph wholly in quotation marks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from vestnik.entities.people import Person
from vestnik.record import QuoteSpeaker

SPEAKER_LABELS = ("PER", "ORG", "LOC")
"""Entities that can speak: people, organisations, and places as the metonymy of their government."""


@dataclass
class Candidate:
    """A speaker candidate: a person, organisation or place the article names, with the stems of the
    titles it gave them (from `doc._.people`)."""

    id: str
    name: str
    label: str
    gender: str
    titles: set[str] = field(default_factory=set)


def is_person(entity) -> bool:
    """A named person; not a group tagged PER such as "европейците", "британците" ("фон дер Лайен" is one)."""
    return entity.label == "PER" and proper_name(entity.lemma)


def proper_name(name: str) -> bool:
    """Whether a name has a capitalised word: "фон дер Лайен", not "британците"."""
    return any(word[:1].isupper() for word in name.split())


def can_speak(entity) -> bool:
    return is_person(entity) or entity.label in ("ORG", "LOC")


def agrees(person: Candidate | None, gender: str) -> bool:
    """Whether a candidate can be what a form of that gender refers to: a plural only an organisation or place."""
    if person is None:
        return False
    if gender == "pl":
        return person.label != "PER"
    return not gender or not person.gender or person.gender == gender


def title_stems(titles: tuple[str, ...]) -> set[str]:
    """The role words of a person's titles, as stems: "руският заместник-министър" → {"руск", "заместник-министър"}."""
    return {title_stem(word) for title in titles for word in re.findall(r"[а-я][а-я.-]+", title) if len(word) > 3}


def title_stem(word: str) -> str:
    word = word.lower().strip(".-")
    for ending in ("ката", "ят", "ът", "ия", "ата", "та", "а"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def same_stem(stem: str, title: str) -> bool:
    """Whether a noun's stem is a title word's: one begins the other ("министър", "министъра")."""
    return title.startswith(stem) or stem.startswith(title)


def as_speaker(person: Candidate | None) -> QuoteSpeaker | None:
    return QuoteSpeaker(name=person.name, id=person.id) if person else None


class SpeakerResolver:
    """The article's speaker candidates and the last speaker quoted, for one pass over an article."""

    def __init__(self, doc: Doc):
        self.entities = sorted(doc._.entities or [], key=lambda e: e.start)
        people: dict[str, Person] = doc._.people or {}
        self.people: dict[str, Candidate] = {}
        descriptions: dict[str, tuple[str, ...]] = doc._.organisations or {}
        for entity in doc._.distinct_entities or []:
            if entity.label in SPEAKER_LABELS:
                person = people.get(entity.id)
                titles = person.titles if person else descriptions.get(entity.id, ())
                self.people[entity.id] = Candidate(entity.id, entity.name, entity.label, person.gender if person else "n",
                                                   title_stems(titles))
        self.last_speaker: Candidate | None = None
        self.last_speaker_at = -1

    def person_of(self, entity) -> Candidate:
        return self.people[entity.id]

    def pronoun(self, gender: str, before: int) -> Candidate | None:
        """The most recent agreeing person: named in the text, or quoted as a speaker, whichever came later."""
        named = next(((entity.end, self.person_of(entity)) for entity in reversed(self.entities)
                      if entity.end <= before and is_person(entity) and agrees(self.person_of(entity), gender)), None)
        if self.last_speaker and agrees(self.last_speaker, gender) and (named is None or self.last_speaker_at >= named[0]):
            return self.last_speaker
        return named[1] if named else None

    def role(self, noun: str, gender: str, before: int) -> Candidate | None:
        """A role noun names the one person the article gave that title; else the nearest agreeing person."""
        return self.titled(noun) or self.pronoun(gender, before)

    def titled(self, noun: str) -> Candidate | None:
        """The one person the article gave the title `noun` ("канцлер", "зам.-министърът"), None if not one."""
        stem = title_stem(noun.replace("зам.-", "заместник-").replace("зам.", "заместник"))
        titled = [p for p in self.people.values() if p.label == "PER" and proper_name(p.name)
                  and any(same_stem(stem, t) for t in p.titles)]
        return titled[0] if len(titled) == 1 else None

    def described(self, noun: str, before: int) -> Candidate | None:
        """The organisation a definite description names ("превозвачът", "министерството"): of those the article
        described so ("нискотарифният превозвач Ryanair") or named so ("Министерството на здравеопазването"),
        the last one named before `before`; None if none."""
        stem = title_stem(noun)
        organisations = [e for e in self.entities if e.end <= before and e.label == "ORG" and e.id in self.people]
        described = [e for e in organisations if any(same_stem(stem, t) for t in self.people[e.id].titles)]
        return self.people[described[-1].id] if described else None

    def continuing(self, gender: str) -> Candidate | None:
        """The last speaker, when a cue with no subject of its own agrees with them ("И обясни, че …")."""
        return self.last_speaker if self.last_speaker and agrees(self.last_speaker, gender) else None

    def heard(self, speaker: QuoteSpeaker | None, at: int) -> None:
        """A quote of `speaker` ended at `at`: they are the last speaker from there on."""
        if speaker is not None and speaker.id in self.people:
            self.last_speaker = self.people[speaker.id]
            self.last_speaker_at = at
