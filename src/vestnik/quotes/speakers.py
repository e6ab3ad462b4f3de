"""Which words at a cue name its speaker: the mention, then the resolver says who it is.

The cue's grammatical subject comes first, when the parse (`vestnik_syntax`, read through
`vestnik.syntax.roles`) names a person in it or heads it with a pronoun or role noun, and never
a word inside a quotation. Without a parse, or when its subject names no person, word order
decides: the subject before the cue in the same clause (nearest first, the first of names joined
by "и", past appositions and relative clauses), or after it in inverted order ("заяви руският
министър Сергей Рябков"); a role noun completed by an organisation ("началникът на щаба") is the
person, not the organisation; an anonymous source ("източници", "експерти") is a mention with no
speaker. Every answer is an `Attribution`: (speaker, mention), either of which may be None.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from vestnik.bulgarian import PREPOSITIONS
from vestnik.quotes.content import looks_like_name, text_span
from vestnik.quotes.cues import cue_gender
from vestnik.quotes.resolution import SpeakerResolver, as_speaker, can_speak, is_person
from vestnik.record import QuoteSpeaker, TextSpan
from vestnik.syntax import roles

Attribution = tuple[QuoteSpeaker | None, TextSpan | None]
UNATTRIBUTED: Attribution = (None, None)

PRONOUNS = {"той": "m", "тя": "f", "те": "pl", "то": "n", "него": "m", "нея": "f", "тях": "pl"}
ROLE_NOUN = re.compile(r"(?<![\w-])((?:[а-я]+[.-]{1,2})?[а-я]+(?:-[а-я]+)?(?:ът|ят|ката))(?![\w-])", re.I)
"""A definite noun that can name a person: "дипломатът", "говорителят", "зам.-министърът", "министър-председателката"."""
NOT_PEOPLE = re.compile(r"(?:докумен|проек|закон|доклад|текс|въпрос|процес|съвет|сай|пак|дълг|бюджет|пазар|случа|"
                        r"резулта|вот|ден|живот|свят|път|брой|срок|план|отговор|ефект|риск|град|район|сектор)(?:ът|ят)$", re.I)
ANONYMOUS = re.compile(r"^(?:източни|анализатор|експерт|наблюдател|медии|мнозина|хората|учени|специалисти|запознати)", re.I)
SKIPPED_AFTER_CUE = {"още", "веднъж", "отново", "пак", "и", "пред", "в", "на", "по", "след", "вчера", "днес", "от", "също"}
"""Words between a cue and its speaker that do not name it ("каза още той", "заяви вчера пред журналисти")."""
JOINED_NAMES = re.compile(r"\s*(?:,|и)\s*(?:[\w.-]+\s+){0,2}")
"""What stands between two names of one coordination: a comma or "и", then up to two title words ("проф.")."""
NAME_AFTER_WORDS = 6
"""Words after a cue in which an unrecognised name is looked for: two descriptive words, then the name."""
QUOTED_NAME = re.compile(r"[„“\"«]([^„“”\"«»\n]{1,60})[“”\"»]")
RELATIVE_CLAUSE = re.compile(r"(?:който|която|което|които|чийто|чиято|чиито)\b")


def role_noun(word: str) -> bool:
    """Whether a word is a definite noun that can name a person ("дипломатът"), not a thing ("документът")."""
    return bool(ROLE_NOUN.fullmatch(word)) and not NOT_PEOPLE.search(word.lower())


class SpeakerFinder:
    """The speaker mention at a cue, for one article: `before` and `after` the cue, `continuing` without one."""

    def __init__(self, doc: Doc, resolver: SpeakerResolver, quoted: list[tuple[int, int]], max_speaker_words: int):
        self.doc = doc
        self.text = doc.text
        self.sentences = doc._.sentences
        self.resolver = resolver
        self.entities = resolver.entities
        self.quoted = quoted
        self.max_speaker_words = max_speaker_words

    def named(self, entity) -> Attribution:
        """The entity's candidate as the speaker and the entity's words as the mention."""
        return as_speaker(self.resolver.person_of(entity)), text_span(entity.start, entity.end, entity.text)

    def named_in(self, start: int, end: int) -> Attribution | None:
        """The first person, organisation or place within start–end as the speaker; None if there is none."""
        entity = next((e for e in self.entities if start <= e.start and e.end <= end and can_speak(e)), None)
        return self.named(entity) if entity is not None else None

    def at_word(self, word) -> Attribution | None:
        """Who the word `word` (a token the tagger marks as a source, or a cue's subject) names: the speaker entity
        it is part of, a pronoun or role noun, else what its phrase names (`of_phrase`, then the first speaker
        entity in it); None when it names no source."""
        start, end = word.idx, word.idx + len(word.text)
        entity = next((e for e in self.entities if e.start <= start and end <= e.end and can_speak(e)), None)
        if entity is not None:
            return self.named(entity)
        if (role := self.pronoun_or_role(start, end, "")) is not None:
            return role
        if not roles.parsed(self.doc):
            return None
        phrase = roles.phrase(word)
        return self.of_phrase(word, *phrase, "") or self.named_in(*phrase)

    def _sentence_end(self, position: int) -> int:
        return next((b for a, b in self.sentences if a <= position < b), len(self.text))

    def continuing(self, cue: re.Match) -> Attribution:
        """No subject at the cue ("И обясни, че …", "… и подчерта, че …"): the last speaker goes on."""
        return as_speaker(self.resolver.continuing(cue_gender(cue))), None

    def parsed(self, cue: re.Match) -> Attribution | None:
        """The cue's grammatical subject, from the parse: the person its phrase names, else the pronoun or role
        noun heading it; None when there is no parse or no such subject (the word-order rules decide)."""
        verb = roles.predicate(self.doc, cue.start(), cue.end())
        head = roles.subject(verb) if verb is not None else None
        if head is None or any(a < head.idx < b for a, b in self.quoted):
            return None
        if (noun := roles.antecedent(head)) is not None:
            return self._antecedent(noun, cue)
        return self.of_phrase(head, *roles.phrase(head), cue_gender(cue))

    def _antecedent(self, noun, cue: re.Match) -> Attribution | None:
        """A relative pronoun's antecedent speaks ("Джейкъб Рийс-Мог, който заяви", guidelines §8): who its phrase
        names, else the first organisation or place in it, which no word order could put in doubt."""
        start, end = roles.phrase(noun)
        return self.of_phrase(noun, start, end, cue_gender(cue)) or self.named_in(start, end)

    def of_phrase(self, head, start: int, end: int, gender: str) -> Attribution | None:
        """Who the source phrase headed by `head` (start–end) names: a person in it, a group, a pronoun or role noun
        (agreeing with `gender`, "" when nothing says), a name the recogniser missed, a definite description; None
        for an organisation or a place (the callers' rules decide) or a phrase that names no source."""
        person = next((e for e in self.entities if start <= e.start and e.end <= end and e.id in self.resolver.people
                       and is_person(e)), None)
        if person is not None:
            return self.named(person)
        if group := self._group(head, start, end):
            return group
        if any(start <= e.start and e.end <= end for e in self.entities):
            return None  # an organisation or a place: the rules know media relays and metonymy
        role = self.pronoun_or_role(head.idx, head.idx + len(head.text), gender)
        if role is not None and role[0] is not None:
            return role
        return self._description(head, start, end) or role or self._unrecognised_name(head)

    def _description(self, head, start: int, end: int) -> Attribution | None:
        """A definite description as the cue's subject ("германският канцлер", "бившият външен министър"): the one
        person the article gave that title, else the organisation it describes ("компанията"); None when it
        names neither (word order decides)."""
        if head.pos_ != "NOUN" or head.morph.get("Number") != ["Sing"] or "Def" not in self._definiteness(head):
            return None
        person = self.resolver.titled(head.text) or self.resolver.described(head.text, head.idx)
        sentence_end = self._sentence_end(head.idx)
        if person is None or any(e.id == person.id and head.idx < e.start < sentence_end for e in self.entities):
            return None  # named later in the sentence: its "title" was read off this very sentence
        return as_speaker(person), text_span(start, end, self.text[start:end])

    @staticmethod
    def _definiteness(head) -> list[str]:
        """The phrase's definiteness, which Bulgarian marks on its first word ("германският канцлер")."""
        first = min([head, *(child for child in head.children if child.dep_ in ("amod", "det"))], key=lambda t: t.i)
        return first.morph.get("Definite")

    def _group(self, head, start: int, end: int) -> Attribution | None:
        """A plural common noun as the cue's subject names a group: its members speak for the organisation of its
        "от/на X" ("депутатите от ГЕРБ", §7.3), else for no one named ("повечето страни в Източна Европа",
        "трима министри", §7.4)."""
        if head.pos_ != "NOUN" or head.morph.get("Number") != ["Plur"]:
            return None
        if ANONYMOUS.match(head.text):  # "източници от кабинета": an anonymous source names no one (§7.4)
            return None, text_span(start, end, self.text[start:end])
        organisation = next((e for e in self.entities if start <= e.start and e.end <= end and e.label == "ORG"
                             and e.id in self.resolver.people
                             and re.search(r"(?:от|на)\s+$", self.text[max(start, e.start - 4):e.start])), None)
        if organisation is not None:
            return self.named(organisation)
        return None, text_span(start, end, self.text[start:end])

    def _unrecognised_name(self, head) -> Attribution | None:
        """A proper noun the entity recogniser missed, as the cue's subject ("По-рано Фарадж беше заявил"): the
        person of the article with that surname, else the name as written, with no id."""
        if head.pos_ != "PROPN" or not head.text[:1].isupper():
            return None
        words = [token for token in head.subtree if token.pos_ == "PROPN" and token.text[:1].isupper()
                 and abs(token.i - head.i) <= 2]
        first, last = min(words, key=lambda token: token.i), max(words, key=lambda token: token.i)
        name = head.doc.text[first.idx:last.idx + len(last.text)]
        known = next((p for p in self.resolver.people.values() if p.label == "PER" and p.name.split()[-1] == head.text), None)
        speaker = as_speaker(known) if known else QuoteSpeaker(name=name, id=None)
        return speaker, text_span(first.idx, last.idx + len(last.text), name)

    def before(self, cue: re.Match, sentence_start: int) -> Attribution:
        """The subject before the cue, in the same clause: an entity, a pronoun or a role noun, nearest first."""
        if parsed := self.parsed(cue):
            return parsed
        cue_start = cue.start()
        if cue.group("verb") and cue.group("verb").endswith("йки"):
            # a gerund ("…, твърдейки, че …") shares the subject of the sentence
            subject = next((e for e in self.entities if sentence_start <= e.start < cue_start and is_person(e)), None)
            return self.named(subject) if subject else UNATTRIBUTED
        clause_start = self._subject_clause(cue_start, sentence_start)
        window = self.text[clause_start:cue_start]
        if re.search(r"(?:^|\s)(?:като|и)\s*$", window) and len(window.split()) <= 1:
            return UNATTRIBUTED  # "…, като посочи, че", "… и подчерта, че": the subject goes on
        entity = self._entity_before(clause_start, cue_start)
        role = self._role_before_complement(entity, clause_start) if entity else None
        if role:
            return role
        entity = self._first_named(entity, clause_start)
        if entity:
            return self.named(entity)
        for word in reversed(list(re.finditer(r"[\w.-]+", window))[-3:]):
            found = self.pronoun_or_role(clause_start + word.start(), clause_start + word.end(), cue_gender(cue))
            if found:
                return found
        return UNATTRIBUTED

    def _subject_clause(self, cue_start: int, sentence_start: int) -> int:
        """Where the cue's subject clause starts: after the last comma, skipping back over an apposition or
        a relative clause ("говорителят …, Мухамад Файсал, потвърди"; "Лиъм Фокс, който е отявлен
        евроскептик, настоя")."""
        breaks = re.finditer(r"[,;:–—]\s", self.text[sentence_start:cue_start])
        starts = [sentence_start] + [sentence_start + b.end() for b in breaks]
        index = len(starts) - 1
        while index > 0:
            segment = self.text[starts[index]:starts[index + 1] if index + 1 < len(starts) else cue_start].strip(" ,;:–—")
            if segment and not RELATIVE_CLAUSE.match(segment):
                break
            index -= 1
        return starts[index]

    def _entity_before(self, clause_start: int, cue_start: int):
        """The nearest person, organisation or place before the cue in its clause, at most three words before it."""
        return next((e for e in reversed(self.entities) if clause_start <= e.start and e.end <= cue_start
                     and can_speak(e) and len(self.text[e.end:cue_start].split()) <= 3
                     and not re.search(r"[,;:]\s", self.text[e.end:cue_start])), None)

    def _first_named(self, entity, clause_start: int):
        """Of named speakers of one kind joined by "и" or a comma, the first ("проф. Карен Джамбазов и проф. Илиан
        Дойков уточниха", "Полша и Балтийските страни се опасяват", §7.5)."""
        while entity is not None and can_speak(entity):
            first = next((e for e in reversed(self.entities) if clause_start <= e.start and e.end <= entity.start
                          and e.label == entity.label and can_speak(e)
                          and JOINED_NAMES.fullmatch(self.text[e.end:entity.start])), None)
            if first is None:
                break
            entity = first
        return entity

    def after(self, cue: re.Match, limit: int | None = None) -> Attribution:
        """The speaker after the cue: `каза той`, `заяви руският министър Сергей Рябков`."""
        if parsed := self.parsed(cue):
            return parsed
        cue_end = cue.end()
        end = self._region_end(cue_end, limit)
        candidates = [e for e in self.entities if cue_end <= e.start and e.end <= end and can_speak(e)]
        # "заяви математикът на Националния оперативен щаб проф. Николай Витанов": the person heads the phrase
        entity = next((e for e in reversed(candidates) if e.label == "PER"), candidates[0] if candidates else None)
        role = self._role_before_complement(entity, cue_end) if entity and entity.label != "PER" else None
        if role:
            return role
        if entity:
            if ANONYMOUS.match(self.text[cue_end:entity.start].strip()):
                return None, text_span(cue_end, end, self.text[cue_end:end].strip())
            return self.named(entity)
        return self._word_after(cue_end, end, cue)

    def _region_end(self, cue_end: int, limit: int | None) -> int:
        """Where the words after a cue stop naming its speaker: a clause break, a quotation mark, 160 characters;
        a name in quotation marks goes on ("пише вестник „Гардиън“")."""
        sentence_end = self._sentence_end(cue_end)
        region = QUOTED_NAME.sub(lambda name: " " * len(name.group()) if looks_like_name(name.group(1)) else name.group(),
                                 self.text[cue_end:min(sentence_end, cue_end + 160)])
        stop = re.search(r"[!?;\n„“\"«]|\.$|,\s|\sче\s|\sда\s", region)
        end = cue_end + (stop.start() if stop else min(sentence_end - cue_end, 160))
        return min(end, limit) if limit is not None else end

    def _word_after(self, cue_end: int, end: int, cue: re.Match) -> Attribution:
        """No entity after the cue: the first word that is not an adverb or a preposition, as an anonymous
        source, a pronoun or a role noun; else, unless a preposition stands before it, the name the recogniser
        missed that the words start with ("пише The Independent", "пише вестник “Джумхуриет“")."""
        words = list(re.finditer(r"[\w.’'-]+", self.text[cue_end:end]))
        after_preposition = False
        for index, word in enumerate(words):
            if word.group().lower() in SKIPPED_AFTER_CUE:
                after_preposition = word.group().lower() in PREPOSITIONS
                continue
            if ANONYMOUS.match(word.group()):
                return None, text_span(cue_end + word.start(), cue_end + word.end(), word.group())
            found = self.pronoun_or_role(cue_end + word.start(), cue_end + word.end(), cue_gender(cue))
            if found is None and not after_preposition:
                found = self._name_as_written(cue_end, words[index:index + NAME_AFTER_WORDS])
            return found or UNATTRIBUTED
        return UNATTRIBUTED

    def _name_as_written(self, offset: int, words: list[re.Match]) -> Attribution | None:
        """The capitalised words after at most two lower-case ones ("онлайн изданието Politico.eu"), as a speaker
        with no id; None when no capitalised word comes."""
        first = next((i for i, word in enumerate(words[:3]) if word.group()[:1].isupper()), None)
        if first is None or any(word.group()[:1].isupper() or word.group().lower() in PREPOSITIONS
                                for word in words[:first]):
            return None
        last = first
        while last + 1 < len(words) and words[last + 1].group()[:1].isupper() \
                and words[last + 1].start() - words[last].end() <= 2:
            last += 1
        start, end = offset + words[first].start(), offset + words[last].end()
        name = self.text[start:end].rstrip(".")  # the sentence's full stop, not a dot of the name ("Politico.eu")
        end = start + len(name)
        return QuoteSpeaker(name=name, id=None), text_span(start, end, name)

    def _role_before_complement(self, entity, region_start: int) -> Attribution | None:
        """"началникът на Оперативния щаб": the organisation completes a role noun; the speaker is the person."""
        head = re.search(r"([\w.-]+)\s+(?:на|от|в)\s+(?:[\w.-]+\s+){0,2}$", self.text[region_start:entity.start])
        if head and role_noun(head.group(1)):
            start = region_start + head.start(1)
            noun = head.group(1).lower()
            person = self.resolver.role(noun, "f" if noun.endswith("ката") else "m", start)
            return as_speaker(person), text_span(start, entity.end, self.text[start:entity.end])
        return None

    def pronoun_or_role(self, start: int, end: int, gender: str) -> Attribution | None:
        """The pronoun or role noun at start–end, resolved, agreeing with `gender` (the cue's form, "" when it does
        not tell); None for another word."""
        word = self.text[start:end]
        lower = word.lower()
        if lower in PRONOUNS:
            person = self.resolver.pronoun(gender or PRONOUNS[lower], start)
            return as_speaker(person), text_span(start, end, word)
        if role_noun(word):
            noun_gender = "f" if lower.endswith("ката") else "m"
            person = self.resolver.role(lower, gender or noun_gender, start)
            return as_speaker(person), text_span(start, end, word)
        return None

    def phrase_follows(self, cue_end: int, sentence_end: int) -> bool:
        """Whether a postposed cue is followed by its speaker: a short phrase up to the sentence's end or to a comma
        that opens what the speaker adds (", каза той, припомняйки, че …", ", обясни адвокатът, който …"): a name,
        a pronoun or a role noun, not a clause of its own."""
        tail = self.text[cue_end:sentence_end].strip().rstrip(".!?")
        head = tail.split(",")[0].strip()
        if len(head.split()) > self.max_speaker_words:
            return False
        if "," not in tail or re.search(r"[А-Я]", tail):
            return len(tail.split()) <= self.max_speaker_words
        last = head.split()[-1].lower() if head else ""
        return last in PRONOUNS or bool(ROLE_NOUN.fullmatch(last))
