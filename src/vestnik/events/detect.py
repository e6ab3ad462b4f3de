"""`vestnik_events`: PLOVER events from the triggers, entities, dates and quotes of an article.

Hand-written because no event coder reads Bulgarian (PETRARCH, the NGEC/POLECAT coder and
GDELT's TABARI work on English or machine translation). The rules, per sentence:
a trigger word (`lexicon.TRIGGERS`) gives the type; the clause around it (cut at ";", ", а",
", но", ", докато", ", че") gives the parties, the place and the date; the words before the
trigger give the auxiliary mode (negated, hypothetical, future; a resolved date after the
publication date is future too).
- An event needs an actor. The actor is the party (a person, an organisation, or a place that stands for a state)
  before the trigger without a preposition; failing that, the speaker of the quotation the
  trigger is in; failing that, an unnamed group that the parse makes the verb's subject, coded
  by its sector ("полицията" → COP) and the article's country. The recipient is the first party after the trigger (in the clause, else in
  the sentence). For CONSULT every party of the clause takes part: the first is the actor.
- The place is a location after "в"/"във"; the date is the nearest date expression of the
  clause (else of the sentence), else the publication date (the convention of event data),
  except for future events, whose date stays unknown.
- Events of one article that agree in type, date and place and share a party (CONSULT, AGREE)
  or have the same actor and recipients (any type) are one event told several times
  ("преговорите утре в Женева" … "срещата утре в Женева", a headline and its lead): merged.
- A sentence about a "делегация" adds its people to the CONSULT event before it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from vestnik.bulgarian import COORDINATORS, PREPOSITIONS
from vestnik.entities.people import Person
from vestnik.events import actors
from vestnik.events.lexicon import (AUXILIARY_MODES, CONTEXT_PATTERNS, DIPLOMATIC_TYPES, FUTURE, HYPOTHETICAL,
                                    NEGATION, TRIGGER_PATTERNS, TYPE_MODES)
from vestnik.record import Event, EventDate, EventParty, EventPlace, TextSpan
from vestnik.syntax import roles

Doc.set_extension("events", default=None, force=True)

CLAUSE_BREAK = re.compile(r";|,\s+(?=(?:а|но|докато|че|защото|тъй като)\s)")
PREPOSITION = re.compile(r"(?:^|[\s\"„“(])(" + "|".join(PREPOSITIONS + COORDINATORS) + r")\s+[\"„“]?$", re.IGNORECASE)
PLACE_PREPOSITIONS = {"в", "във"}
CONSULT_PREPOSITIONS = {None, "с", "със", "между", "на"}
"""Who takes part in talks: "Русия и САЩ", "със САЩ", "между Русия и САЩ", "заседание на Съвета Русия-НАТО";
not what they are about ("около Украйна", "за НАТО")."""
DELEGATION = re.compile(r"делегаци\w*", re.IGNORECASE)
MAX_PARTICIPANTS = 6  # the default of the factory's max_participants


@dataclass
class _Span:
    """A party, place or date found in the text, with the preposition in front of it."""

    start: int
    end: int
    preposition: str | None
    party: EventParty | None = None
    place: EventPlace | None = None


@dataclass
class ArticleContext:
    text: str
    lower: str  # `text` in lower case, for the trigger patterns (the same length: Cyrillic and Latin case pairs)
    published: date | None
    entities: list
    dates: list
    quotes: list
    names: dict[str, list[str]]  # entity id → its base forms in the article, the display name first
    people: dict[str, Person]  # `doc._.people`
    doc: Doc  # for its parse (`vestnik.syntax.roles`), when the syntax layer ran
    max_participants: int = MAX_PARTICIPANTS

    def name(self, mention) -> str:
        return self.names[mention.id][0] if mention.id in self.names else mention.lemma

    @cached_property
    def country(self) -> str | None:
        """The country the article is about: the one its places name most often (a capital counts for its state)."""
        codes = Counter(code for mention in self.entities if mention.label == "LOC"
                        for code in self.codes(mention.id, self.name(mention)) if len(code) == 3 and code.isalpha())
        return codes.most_common(1)[0][0] if codes else None

    def codes(self, entity_id: str | None, name: str) -> tuple[str, ...]:
        """The entity's country or organisation codes, read from any name the article gives it: the display
        name may be an abbreviation the code tables lack ("ОК" where "Обединеното кралство" is known)."""
        for form in dict.fromkeys([name, *self.names.get(entity_id, ())]):
            if codes := actors.country_or_organisation(form, entity_id):
                return codes
        return ()


@Language.factory("vestnik_events", default_config={"max_participants": MAX_PARTICIPANTS},
                  requires=["doc._.sentences", "doc._.dates", "doc._.entities", "doc._.distinct_entities",
                            "doc._.people", "doc._.quotes"], assigns=["doc._.events"])
def make_event_coder(nlp: Language, name: str, max_participants: int):
    """`max_participants`: more parties than this in one meeting are a list of names, not its parties."""
    def attach_events(doc: Doc) -> Doc:
        doc._.events = code_events(doc, max_participants)
        return doc

    return attach_events


def code_events(doc: Doc, max_participants: int = MAX_PARTICIPANTS) -> list[Event]:
    text = doc.text
    entities = doc._.entities or []
    names = {entity.id: list(dict.fromkeys([entity.name, *(entities[i].lemma for i in entity.mentions)]))
             for entity in doc._.distinct_entities or ()}
    context = ArticleContext(text, _lower(text), doc._.published, entities, doc._.dates or [], doc._.quotes or [],
                             names, doc._.people or {}, doc, max_participants)
    events: list[Event] = []
    for start, end in doc._.sentences:
        if DELEGATION.search(text, start, end):
            _join_delegation(context, events, start, end)
        events.extend(_sentence_events(context, start, end))
    events = _merged(events)
    for event in events:
        event.mode = event.modes[0] if event.modes else None  # once the merged events have all their modes
    return events


def _lower(text: str) -> str:
    lower = text.lower()
    return lower if len(lower) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _party(context: ArticleContext, mention) -> EventParty | None:
    name = context.name(mention)
    if mention.label == "PER":
        person = context.people.get(mention.id)
        return EventParty(name=name, id=mention.id, label="PER", code=person and person.country,
                          sector=person and person.sector, text=mention.text)
    if mention.label not in ("ORG", "LOC"):
        return None
    codes = context.codes(mention.id, name)
    if mention.label == "LOC" and not codes:
        return None  # a town or a region does not act
    sector = "GOV" if mention.label == "LOC" else None
    return EventParty(name=name, id=mention.id, label=mention.label, code="+".join(codes) or None, sector=sector,
                      text=mention.text)


def _spans(context: ArticleContext, start: int, end: int) -> list[_Span]:
    """The parties and places between `start` and `end`, with their prepositions ("Русия и САЩ" share one)."""
    spans: list[_Span] = []
    for mention in context.entities:
        if mention.start < start or mention.end > end:
            continue
        match = PREPOSITION.search(context.text, max(start, mention.start - 12), mention.start)
        preposition = match.group(1).lower() if match else None
        if preposition in ("и", "или"):
            preposition = spans[-1].preposition if spans and mention.start - spans[-1].end < 12 else None
        span = _Span(mention.start, mention.end, preposition)
        if preposition in PLACE_PREPOSITIONS and mention.label == "LOC":
            span.place = EventPlace(text=context.name(mention), id=mention.id)
        else:
            span.party = _party(context, mention)
        if span.place or span.party:
            spans.append(span)
    return spans


def _sentence_events(context: ArticleContext, start: int, end: int) -> list[Event]:
    text = context.text
    found: dict[tuple[str, tuple[int, int]], Event] = {}  # one event per type and clause
    for trigger, pattern in TRIGGER_PATTERNS:
        for match in pattern.finditer(context.lower, start, end):
            before = context.lower[max(start, match.start() - 40):match.start()]
            if trigger.guard and re.search(trigger.guard, before):
                continue
            event = _event(context, trigger, match.start(), match.end(), start, end)
            if event is None:
                continue
            key = (event.type, _clause(text, match.start(), start, end))
            kept = found.get(key)
            if kept is None:
                found[key] = event
            elif trigger.mode and not any(mode in kept.modes for mode in TYPE_MODES.get(trigger.type, ())):
                kept.modes.append(trigger.mode)
    return list(found.values())


def _clause(text: str, position: int, start: int, end: int) -> tuple[int, int]:
    clause_start, clause_end = start, end
    for match in CLAUSE_BREAK.finditer(text, start, end):
        if match.end() <= position:
            clause_start = match.end()
        elif match.start() >= position:
            clause_end = match.start()
            break
    return clause_start, clause_end


def _event(context: ArticleContext, trigger, trigger_start: int, trigger_end: int,
           sentence_start: int, sentence_end: int) -> Event | None:
    clause_start, clause_end = _clause(context.text, trigger_start, sentence_start, sentence_end)
    spans = _spans(context, clause_start, clause_end)
    quote_index = next((i for i, quote in enumerate(context.quotes) if quote.start <= trigger_start < quote.end), None)
    speaker = _speaker_party(context, quote_index, sentence_start, sentence_end)
    if trigger.type == "CONSULT":
        sides = _consult_parties(spans, speaker, context.max_participants)
    else:
        sides = _directed_parties(context, spans, speaker, trigger_start, trigger_end, sentence_end)
        if not sides[0]:
            sides = (_group_actor(context, trigger_start, trigger_end), sides[1])
    if sides is None or not sides[0]:
        return None  # an event nobody does is no record for an analyst
    actor, recipient = sides
    when, later = _when(context, trigger_start, clause_start, clause_end, sentence_start, sentence_end)
    modes = _modes(context, clause_start, trigger_start, trigger_end, later)
    if "future" in modes and not when.text:
        when = EventDate(value=None, text=None)
    if trigger.mode:
        modes.append(trigger.mode)
    return Event(type=trigger.type, mode=None, modes=modes,
                 context=_contexts(context, trigger, sentence_start, sentence_end, actor + recipient),
                 actor=actor, recipient=recipient, where=_where(spans, trigger, trigger_start, recipient), when=when,
                 evidence=TextSpan(start=sentence_start, end=sentence_end, text=context.text[sentence_start:sentence_end]),
                 quote_index=quote_index)


def _consult_parties(spans: list[_Span], speaker: EventParty | None,
                     max_participants: int) -> tuple[list[EventParty], list[EventParty]] | None:
    """A meeting's parties are those after its prepositions ("с", "между"), or the speaker telling of it;
    a long list of names is a press release's speakers, not the parties of one meeting (None)."""
    people = _distinct([span.party for span in spans if span.party and span.preposition in CONSULT_PREPOSITIONS])
    if not people and speaker:
        people = [speaker]
    if len(people) > max_participants:
        return None
    return people[:1], people[1:]


def _directed_parties(context: ArticleContext, spans: list[_Span], speaker: EventParty | None, trigger_start: int,
                      trigger_end: int, sentence_end: int) -> tuple[list[EventParty], list[EventParty]]:
    """The actor is the last party before the trigger with no preposition (else the speaker), the
    recipient the first party after it in the clause (else in the rest of the sentence)."""
    parties = [span for span in spans if span.party]
    subject = [span for span in parties if span.end <= trigger_start and span.preposition is None]
    actor = [subject[-1].party] if subject else ([speaker] if speaker else [])
    after = [span.party for span in parties if span.start >= trigger_end]
    if not after:
        after = [span.party for span in _spans(context, trigger_end, sentence_end) if span.party]
    return actor, [party for party in after[:1] if not actor or party.id != actor[0].id]


def _group_actor(context: ArticleContext, trigger_start: int, trigger_end: int) -> list[EventParty]:
    """An actor the recogniser does not name ("Полицията задържа…", "Протестиращите блокираха…"): the subject
    of a verb trigger in the parse, coded by the sector its noun names (`actors.SECTORS`) and the country the
    article is about, as POLECAT codes unnamed groups. None without a parse or such a subject."""
    verb = roles.predicate(context.doc, trigger_start, trigger_end)
    subject = roles.subject(verb) if verb is not None and verb.pos_ in ("VERB", "AUX") else None
    if subject is None or subject.pos_ not in ("NOUN", "ADJ") or any(
            mention.start <= subject.idx < mention.end for mention in context.entities):
        return []
    sector = actors.sector(subject.text)
    if sector is None:
        return []
    return [EventParty(name=subject.lemma_, id=None, label="GROUP", code=context.country, sector=sector,
                       text=subject.text)]


def _where(spans: list[_Span], trigger, trigger_start: int, recipient: list[EventParty]) -> EventPlace | None:
    places = [span for span in spans if span.place]
    if places:
        return min(places, key=lambda span: abs(span.start - trigger_start)).place
    if trigger.mode == "visit":  # "посети Варшава": the host is also the place
        return next((EventPlace(text=party.name, id=party.id) for party in recipient if party.label == "LOC"), None)
    return None


def _modes(context: ArticleContext, clause_start: int, trigger_start: int, trigger_end: int, later: bool) -> list[str]:
    """The auxiliary modes the words before the trigger (and a date after publication) give it."""
    before = context.lower[clause_start:trigger_start]
    future = later or FUTURE.search(before) or FUTURE.search(context.lower[trigger_start:trigger_end + 20])
    present = {"negated": NEGATION.search(before), "hypothetical": HYPOTHETICAL.search(before), "future": future}
    return [mode for mode, found in present.items() if found]


def _contexts(context: ArticleContext, trigger, sentence_start: int, sentence_end: int, parties: list[EventParty]) -> list[str]:
    sentence = context.lower[sentence_start:sentence_end]
    contexts = [name for name, pattern in CONTEXT_PATTERNS.items() if pattern.search(sentence)]
    if trigger.type in DIPLOMATIC_TYPES and any(party.code for party in parties):
        contexts.insert(0, "diplomatic")
    return contexts


def _speaker_party(context: ArticleContext, quote_index: int | None, start: int, end: int) -> EventParty | None:
    """The speaker of the quotation the trigger is in, or of one whose cue is in the sentence."""
    candidates = [context.quotes[quote_index]] if quote_index is not None else \
        [quote for quote in context.quotes if quote.cue and start <= quote.cue.start < end]
    for quote in candidates:
        if quote.speaker and quote.speaker.id:
            person = context.people.get(quote.speaker.id)
            country, sector = (person.country, person.sector) if person else (None, None)
            if not country:
                codes = context.codes(quote.speaker.id, quote.speaker.name)
                country = "+".join(codes) or None
            return EventParty(name=quote.speaker.name, id=quote.speaker.id, label="PER", code=country, sector=sector,
                              text=quote.speaker_mention.text if quote.speaker_mention else quote.speaker.name)
    return None


def _when(context: ArticleContext, position: int, clause_start: int, clause_end: int,
          sentence_start: int, sentence_end: int) -> tuple[EventDate, bool]:
    """The event's date and whether it lies after the publication date."""
    for low, high in ((clause_start, clause_end), (sentence_start, sentence_end)):
        near = [d for d in context.dates if low <= d.start < high and d.value and d.granularity == "day"]
        if near:
            nearest = min(near, key=lambda d: abs(d.start - position))
            later = bool(context.published and nearest.value > context.published.isoformat())
            return EventDate(value=nearest.value, text=nearest.text), later
    return EventDate(value=context.published.isoformat() if context.published else None, text=None), False


def _distinct(parties: list[EventParty]) -> list[EventParty]:
    seen, kept = set(), []
    for party in parties:
        if party.id not in seen:
            seen.add(party.id)
            kept.append(party)
    return kept


def _join_delegation(context: ArticleContext, events: list[Event], start: int, end: int) -> None:
    consult = next((event for event in reversed(events) if event.type == "CONSULT"), None)
    if consult is None:
        return
    delegation = DELEGATION.search(context.text, start, end)
    country = actors.nationality(context.text[max(start, delegation.start() - 30):delegation.start()])
    for span in _spans(context, start, end):
        if span.party and span.party.id in context.people:
            span.party.code = span.party.code or country
            side = consult.actor if any(party.code == country for party in consult.actor) else consult.recipient
            if all(party.id != span.party.id for party in consult.actor + consult.recipient):
                side.append(span.party)


def _merged(events: list[Event]) -> list[Event]:
    kept: list[Event] = []
    for event in events:
        same = next((other for other in kept if _same_event(other, event)), None)
        if same is None:
            kept.append(event)
            continue
        for role in ("actor", "recipient"):  # a state told twice ("Русия", "Москва") once; every person
            parties = same.actor + same.recipient
            known_ids, known_codes = {party.id for party in parties}, {party.code for party in parties}
            getattr(same, role).extend(party for party in getattr(event, role) if party.id not in known_ids
                                       and (party.label == "PER" or party.code not in known_codes))
        same.where = same.where or event.where
        if not same.when.text and event.when.text:
            same.when = event.when
        same.modes = list(dict.fromkeys(same.modes + [mode for mode in event.modes if mode not in AUXILIARY_MODES]))
    return kept


def _same_event(a: Event, b: Event) -> bool:
    """Told twice: the same type, no conflict of date or place, and a shared party (talks, agreements)
    or the very same actor and recipients (any type, e.g. a headline and its lead)."""
    if a.type != b.type:
        return False
    if a.when.value and b.when.value and a.when.value != b.when.value:
        return False
    if a.where and b.where and a.where.id != b.where.id:
        return False
    if a.type in ("CONSULT", "AGREE"):
        return bool(_codes(a.actor + a.recipient) & _codes(b.actor + b.recipient))
    return _codes(a.actor) == _codes(b.actor) and _codes(a.recipient) == _codes(b.recipient)


def _codes(parties: list[EventParty]) -> set[str]:
    return {party.code or party.id for party in parties}
