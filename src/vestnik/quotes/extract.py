"""Find the quotations of an article and resolve their speakers (`vestnik_quotes` component).

Rule-based, because no Bulgarian quotation extractor or annotated training corpus exists:
the 25 annotated dev articles are for measuring, not for learning. The rules follow the
annotation guidelines (`shared/guidelines/quotes.md`):

* direct quotes: paired quotation marks („“ “” "" «») attributed by a cue before or after
  them (`„…“, каза той`, `заяви: „…“`), the colon form (`Песков: Не, …`), and quoted
  fragments that complete a cue (`определи като "разочароващи"`); names and titles in
  quotation marks are not quotes;
* indirect and mixed quotes: a че/да-clause after a cue, `Според X …`, `По думите на X …`,
  `По негови думи …`, a sentence ended by a postposed cue (`…, категоричен бе той`), and an
  anaphoric cue (`Това заяви X`) covering the sentence before;
* speakers: the cue's grammatical subject when the parse (`vestnik_syntax`, read through
  `vestnik.syntax.roles`) names a person in it or heads it with a pronoun or role noun; else
  the entity at the cue by word order (subject before it, or after it in inverted order); a
  pronoun or role noun ("той", "дипломатът", "зам.-министърът") is resolved to the person the
  article named, by the titles it gave them, gender agreement and recency.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from vestnik.entities.people import Person
from vestnik.quotes.cues import (ADJECTIVE_GENDER, CHARACTERISING, COGNITIVE, CUE_FORMS, CUE_PATTERN, DIRECTIVE,
                                 POSSESSIVE_WORDS, SPEECH_NOUNS, VERB_FORMS)
from vestnik.record import Quotation, QuoteSpeaker, TextSpan
from vestnik.syntax import roles

Doc.set_extension("quotes", default=None, force=True)

OPENERS = {"„": "“”\"", "«": "»", "“": "”\"“", '"': '"'}
PRONOUNS = {"той": "m", "тя": "f", "те": "pl", "то": "n", "него": "m", "нея": "f", "тях": "pl"}
POSSESSIVE_GENDER = {"негови": "m", "неговите": "m", "му": "m", "нейни": "f", "нейните": "f", "й": "f", "ѝ": "f",
                     "техни": "pl", "техните": "pl", "им": "pl"}
ROLE_NOUN = re.compile(r"(?<![\w-])((?:[а-я]+[.-]{1,2})?[а-я]+(?:-[а-я]+)?(?:ът|ят|ката))(?![\w-])", re.I)
"""A definite noun that can name a person: "дипломатът", "говорителят", "зам.-министърът", "министър-председателката"."""
NOT_PEOPLE = re.compile(r"(?:докумен|проек|закон|доклад|текс|въпрос|процес|съвет|сай|пак|дълг|бюджет|пазар|случа|"
                        r"резулта|вот|ден|живот|свят|път|брой|срок|план|отговор|ефект|риск|град|район|сектор)(?:ът|ят)$", re.I)
ANONYMOUS = re.compile(r"^(?:източни|анализатор|експерт|наблюдател|медии|мнозина|хората|учени|специалисти|запознати)", re.I)
SPEECH_NOUN_LINK = re.compile(r"(?:(?P<source>\s+(?:на|от)\s+[^,.;]{1,60}?)\s*,?\s*|\s*,?\s*(?P<subject>(?:[^\W\d]+\s+){1,2}?)?)"
                              r"(?P<word>че|да)\s")
"""What follows a speech noun up to its clause: an optional source, then, before a да-clause, its subject."""
GERUND = re.compile(r"\b[а-я]+(?:йки|ейки)\b", re.I)
"""The Bulgarian gerund ("припомняйки", "подчертавайки"): a verb of its own, which takes the че-clause after it."""
SECTION_LABELS = frozenset(
    "тема анализ коментар мнение интервю репортаж позиция акцент фокус видео снимка снимки фото галерия обновено "
    "обновена актуално извънредно важно новини спорт политика икономика култура свят общество здраве технологии "
    "бизнес редактор автор източник текст резюме хроника подкаст ексклузивно горещо времето прогноза справка "
    "досие контекст факти цитат въпрос отговор".split())
"""Words that head a page's sections and labelled lines ("Тема:", "Анализ:", "Коментар:", "Справка:"), never a
source: a colon after one of them opens no quotation (guidelines §3.9, topic prefixes)."""
SKIPPED_AFTER_CUE = {"още", "веднъж", "отново", "пак", "и", "пред", "в", "на", "по", "след", "вчера", "днес", "от", "също"}
"""Words between a cue and its speaker that do not name it ("каза още той", "заяви вчера пред журналисти")."""
MEDIA_RELAY = re.compile(r",?\s*(?:предаде|предадоха|предава|съобщи|съобщиха|пише|писа|информира|цитиран[аио]?|"
                         r"цитирайки|позовавайки се на|според)\s+[^,]{0,60}$")
CONNECTIVES = re.compile(r"^(?:Но|А|И|Освен това|Също така|Обаче|Все пак|Така|Той|Тя)\s+", re.I)
LOST_CLOSING_CUE = re.compile(r",(?=\s*(?:" + VERB_FORMS + r")\s)")
"""Where a quote whose closing mark was lost ends: at the comma before its cue ("…пациенти, обясни медикът")."""
RELATIVE_CLAUSE = re.compile(r"(?:който|която|което|които|чийто|чиято|чиито)\b")
POSTPOSED_CUE = re.compile(r",\s*(?:" + VERB_FORMS + r")\s+[^,]{1,60}$")
INTERRUPTING_CUE = re.compile(r"\s[–—-]\s(?P<cue>(?:" + VERB_FORMS + r"))(?P<source>\s[^–—\n]{1,120}?)\s[–—-]\s")
"""A cue between dashes inside one pair of quotation marks."""


@dataclass(frozen=True)
class QuoteSettings:
    """The tunables of `vestnik_quotes` (its factory's config)."""

    max_fragment_gap: int = 80  # characters between a cue and the quoted fragment that completes it
    max_speaker_words: int = 12  # words after a postposed cue that can still name its speaker


def _span(start: int, end: int, text: str) -> TextSpan:
    return TextSpan(start=start, end=end, text=text)


@dataclass
class Candidate:
    """A speaker candidate: a person, organisation or place the article names, with the stems of the
    titles it gave them (from `doc._.people`)."""

    id: str
    name: str
    label: str
    gender: str
    titles: set[str] = field(default_factory=set)


class QuoteExtractor:
    def __init__(self, doc: Doc, settings: QuoteSettings = QuoteSettings()):
        self.doc = doc
        self.text = doc.text
        self.settings = settings
        self.sentences = doc._.sentences
        self.paragraphs = doc._.paragraphs
        self.entities = sorted(doc._.entities or [], key=lambda e: e.start)
        self.quoted = _quoted_spans(self.text)
        people: dict[str, Person] = doc._.people or {}
        self.people: dict[str, Candidate] = {}
        for entity in doc._.distinct_entities or []:
            if entity.label in ("PER", "ORG", "LOC"):
                person = people.get(entity.id)
                self.people[entity.id] = Candidate(entity.id, entity.name, entity.label, person.gender if person else "n",
                                                   _title_stems(person.titles) if person else set())
        self.last_speaker: Candidate | None = None
        self.last_speaker_at = -1
        self.used_cues: set[int] = set()  # a cue attributes one quotation

    # -- the passes --------------------------------------------------------------------------------------------

    def extract(self) -> list[Quotation]:
        quotes: list[Quotation] = []
        for sentence_index, (start, end) in enumerate(self.sentences):
            quotes += self._sentence_quotes(sentence_index, start, end, self.quoted)
        quotes += self._colon_quotes()
        quotes = _without_nested(sorted(quotes, key=lambda q: (q.start, -q.end)))
        return sorted(quotes + self._between_same_speaker(quotes), key=lambda q: q.start)

    def _between_same_speaker(self, quotes: list[Quotation]) -> list[Quotation]:
        """Paragraphs with no cue between two quotes of the same speaker continue that speaker (§3.8)."""
        found = []
        for a, b in self.paragraphs:
            speaker = self._speaker_around(a, b, quotes)
            end = b - 1 if self.text[b - 1] in ".!?" else b
            if speaker and end - a >= 20 and self.text[a] not in OPENERS:
                found.append(self._quote(a, end, _indirect_type(self.text[a:end]), None, None, speaker))
        return found

    def _speaker_around(self, a: int, b: int, quotes: list[Quotation]) -> QuoteSpeaker | None:
        """The speaker of the quotes before and after the paragraph a–b when it is the same, the paragraph has
        neither quote nor cue, the quotes are at most two paragraphs away and no other person is named in it."""
        if any(q.start < b and a < q.end for q in quotes) or CUE_PATTERN.search(self.text, a, b):
            return None
        before = [q for q in quotes if q.end <= a]
        after = [q for q in quotes if q.start >= b]
        if not before or not after or before[-1].speaker is None or before[-1].speaker != after[0].speaker:
            return None
        speaker = before[-1].speaker
        if self.text[before[-1].end:after[0].start].count("\n\n") > 2:
            return None
        others = any(e.label == "PER" and self.people[e.id].name != speaker.name
                     for e in self.entities if a <= e.start < b and e.id in self.people)
        return None if others else speaker

    def _sentence_quotes(self, index: int, start: int, end: int, quoted) -> list[Quotation]:
        sentence = self.text[start:end]
        found: list[Quotation] = []
        inside = [(a, b) for a, b in quoted if start <= a < end]
        for a, b in inside:
            interrupted = self._interrupted(a, b)
            quote = None if interrupted else self._direct(a, b, start, end)
            found += interrupted or ([quote] if quote else [])
        self.used_cues.update(q.cue.start for q in found if q.cue)
        for cue in CUE_PATTERN.finditer(self.text, start, end):
            cue_start, cue_end = cue.start(), cue.end()
            if cue_start in self.used_cues:
                continue
            quote = (self._clause_after(cue, cue_start, cue_end, end) or self._postposed(cue, start, cue_start, cue_end, end)
                     or self._anaphoric(index, cue, start, cue_start, cue_end, end))
            if quote:
                found.append(quote)
                self.used_cues.add(cue_start)
        for match in re.finditer(r"(?:^|(?<=[\s,(]))(?:[Сс]поред|[Пп]о думите на|[Зз]а)\s+", sentence):
            quote = self._according_to(match, start, end)
            if quote:
                found.append(quote)
        for match in SPEECH_NOUNS.finditer(sentence):
            quote = self._speech_noun(match, start, end)
            if quote:
                found.append(quote)
        for match in POSSESSIVE_WORDS.finditer(sentence):
            quote = self._possessive_words(match, start, end)
            if quote:
                found.append(quote)
        return found

    def _interrupted(self, open_at: int, close_at: int) -> list[Quotation]:
        """„Чувствам се непълна – разказва момичето – Има много неща…“: one pair of marks around a quote
        that its cue interrupts between dashes is two quotes (guidelines §6.4)."""
        inside = INTERRUPTING_CUE.search(self.text, open_at + 1, close_at)
        if not inside:
            return []
        cue = CUE_PATTERN.match(self.text, inside.start("cue"))
        speaker, mention = self._speaker_after(cue.end(), cue, limit=inside.end("source"))
        parts = [(open_at + 1, inside.start()), (inside.end(), close_at)]
        return [self._quote(a, b, "direct", cue, mention, speaker) for a, b in parts if b - a >= 8]

    def _direct(self, open_at: int, close_at: int, sentence_start: int, sentence_end: int) -> Quotation | None:
        content = self.text[open_at + 1:close_at]
        if not content.strip():
            return None
        quote = self._cue_after_quote(open_at, close_at, sentence_start, content)
        if quote:
            return quote
        reach = max(sentence_start, open_at - self.settings.max_fragment_gap)
        cues = list(CUE_PATTERN.finditer(self.text, reach, open_at))
        if cues and not re.search(r"[.!?]\s", self.text[reach:open_at]):
            return self._cue_before_quote(cues[-1], open_at, close_at, sentence_start, content)
        return self._quote_told_around(open_at, close_at, sentence_start, content)

    def _cue_after_quote(self, open_at: int, close_at: int, sentence_start: int, content: str) -> Quotation | None:
        """„…“, каза той: the cue right after the closing mark (a name in marks followed by a cue is no quote,
        unless a comma or dash sets it off: „Франкфуртер алгемайне цайтунг“ пише)."""
        after = self.text[close_at + 1: close_at + 1 + 120]
        cue_after = re.match(r"[\s,]*[-–—]?\s*(?:още\s+)?", after)
        cue = CUE_PATTERN.match(self.text, close_at + 1 + cue_after.end())
        opens_clause = not self.text[sentence_start:open_at].strip() or self.text[:open_at].rstrip()[-1:] in ":,"
        if cue and (not _looks_like_name(content) or (re.search(r"[,–—-]", after[:cue_after.end()]) and opens_clause)):
            speaker, mention = self._speaker_after(cue.end(), cue)
            return self._quote(open_at + 1, close_at, "direct", cue, mention, speaker)
        return None

    def _cue_before_quote(self, cue: re.Match, open_at: int, close_at: int, sentence_start: int,
                          content: str) -> Quotation | None:
        """заяви: „…“ or определи като "разочароващи": the cue before the opening mark, when what stands
        between them lets the quotation complete it."""
        if not _cue_admits(cue, self.text[cue.end(): open_at], content):
            return None
        speaker, mention = self._speaker_before(cue.start(), sentence_start, cue)
        if speaker is None and mention is None:
            speaker, mention = self._speaker_after(cue.end(), cue, limit=open_at)
        return self._quote(open_at + 1, close_at, "direct", cue, mention, speaker)

    def _quote_told_around(self, open_at: int, close_at: int, sentence_start: int, content: str) -> Quotation | None:
        """„…“. Това каза X — attributed by the next sentence; or a whole paragraph in quotation marks, which
        continues the last speaker (guidelines §3.8)."""
        paragraph = next(((a, b) for a, b in self.paragraphs if a <= open_at < b), None)
        if paragraph is None or _looks_like_name(content):
            return None
        if open_at == sentence_start:
            anaphor = re.match(r"\W*(?:Това|Тези думи)\s+", self.text[close_at + 1: paragraph[1]])
            if anaphor and (cue := CUE_PATTERN.match(self.text, close_at + 1 + anaphor.end())):
                speaker, mention = self._speaker_after(cue.end(), cue)
                return self._quote(open_at + 1, close_at, "direct", cue, mention, speaker)
        if open_at == paragraph[0] and close_at >= paragraph[1] - 2 and self.last_speaker:
            return self._quote(open_at + 1, close_at, "direct", None, None, self._as_speaker(self.last_speaker))
        return None

    def _clause_after(self, cue: re.Match, cue_start: int, cue_end: int, sentence_end: int) -> Quotation | None:
        """`X заяви, че …`, `заяви X, че …`, `призова да …`."""
        rest = self.text[cue_end:sentence_end]
        verb = _verb(cue)
        clause = re.match(r"(?P<middle>[^.!?;„“\"«»]{0,90}?)(?:,\s*|\s+)(?:и\s+)?(?P<link>че|дали|да)\s+", rest)
        if not clause or (clause.group("link") == "да" and verb not in DIRECTIVE) \
                or (clause.group("link") == "дали" and verb in COGNITIVE):
            return None
        if verb in COGNITIVE and clause.group("link") != "че":
            return None
        if GERUND.search(clause.group("middle")):
            return None  # ", каза той, припомняйки, че …": the clause is the gerund's; the cue's content came before it
        if verb == "поиска" and clause.group("link") == "да" and not clause.group("middle").strip():
            return None  # "искат да продължат": same-subject volition, not a demand (guidelines §3.3)
        content_start = cue_end + (clause.start("link") if clause.group("link") == "да" else clause.end())
        content_end = _trim_clause(self.text, content_start, sentence_end)
        if content_end - content_start < 8 or _wholly_quoted(self.text[content_start:content_end]):
            return None  # `заяви, че "…"`: a direct quote, found by `_direct`
        sentence_start = self._sentence_start(cue_start)
        speaker, mention = self._speaker_before(cue_start, sentence_start, cue)
        if speaker is None and mention is None:
            speaker, mention = self._speaker_after(cue_end, cue, limit=cue_end + clause.start("link"))
        if speaker is None and mention is None:
            speaker, mention = self._continuing(cue)
        return self._quote(content_start, content_end, _indirect_type(self.text[content_start:content_end]), cue, mention, speaker)

    def _postposed(self, cue: re.Match, sentence_start: int, cue_start: int, cue_end: int, sentence_end: int) -> Quotation | None:
        """`Разбира се, че няма да правим …, категоричен бе той.`: the cue and its speaker end the sentence."""
        before = self.text[sentence_start:cue_start]
        if not re.search(r"[,–—-]\s*$", before) or len(before.strip()) < 10:
            return None
        if before.rstrip().rstrip(",–—-").rstrip()[-1:] in "\"“”»":
            return self._lost_opening(sentence_start, cue_start, cue_end, cue)
        if not self._speaker_phrase_after(cue_end, sentence_end):
            return None
        content_start = sentence_start
        connective = CONNECTIVES.match(self.text[content_start:cue_start])
        if connective and connective.group().strip() in ("Но", "А", "И"):
            content_start += connective.end()
        content_end = sentence_start + len(before.rstrip().rstrip(",–—-").rstrip())
        content = self.text[content_start:content_end]
        if not content or (content.startswith(tuple(OPENERS)) and _quoted_spans(content)[0][1] >= len(content) - 1):
            return None  # wholly in quotation marks: a direct quote, found by `_direct`
        speaker, mention = self._speaker_after(cue_end, cue)
        if speaker is None and mention is None:
            return None
        return self._quote(content_start, content_end, _indirect_type(content), cue, mention, speaker)

    def _speaker_phrase_after(self, cue_end: int, sentence_end: int) -> bool:
        """Whether a postposed cue is followed by its speaker: a short phrase up to the sentence's end or to a comma
        that opens what the speaker adds (", каза той, припомняйки, че …", ", обясни адвокатът, който …"): a name,
        a pronoun or a role noun, not a clause of its own."""
        tail = self.text[cue_end:sentence_end].strip().rstrip(".!?")
        head = tail.split(",")[0].strip()
        if len(head.split()) > self.settings.max_speaker_words:
            return False
        if "," not in tail or re.search(r"[А-Я]", tail):
            return len(tail.split()) <= self.settings.max_speaker_words
        last = head.split()[-1].lower() if head else ""
        return last in PRONOUNS or bool(ROLE_NOUN.fullmatch(last))

    def _lost_opening(self, sentence_start: int, cue_start: int, cue_end: int, cue: re.Match) -> Quotation | None:
        """`Хората ще могат … придвижването", добави той.` with no opening mark: the quote starts at the
        paragraph, or after the last sentence that holds a cue or a quotation mark (guidelines §6.1)."""
        close_at = len(self.text[:cue_start].rstrip(" ,–—-")) - 1  # the closing mark
        if any(a < close_at <= b + 1 for a, b in _quoted_spans(self.text[:close_at + 1])):
            return None  # its opening mark is there: `_direct` handles it
        paragraph_start = next((a for a, b in self.paragraphs if a <= cue_start <= b), sentence_start)
        start = sentence_start
        for a, b in reversed(self.sentences):
            if b <= sentence_start and a >= paragraph_start:
                if CUE_PATTERN.search(self.text, a, b) or any(ch in self.text[a:b] for ch in OPENERS):
                    break
                start = a
        content_end = close_at
        if content_end - start < 8:
            return None
        speaker, mention = self._speaker_after(cue_end, cue)
        return self._quote(start, content_end, "direct", cue, mention, speaker)

    def _anaphoric(self, index: int, cue: re.Match, sentence_start: int, cue_start: int, cue_end: int, sentence_end: int) -> Quotation | None:
        """`… Това заяви X.`: the cue attributes the sentence before."""
        if index == 0 or not re.fullmatch(r"(?:Това|Тези думи|Така)\s+(?:\w+\s+){0,3}", self.text[sentence_start:cue_start]):
            return None
        previous_start, previous_end = self.sentences[index - 1]
        content_end = previous_end - 1 if self.text[previous_end - 1] in ".!?" else previous_end
        content = self.text[previous_start:content_end]
        if content[:1] in OPENERS or len(content) < 10:
            return None
        speaker, mention = self._speaker_after(cue_end, cue)
        return self._quote(previous_start, content_end, _indirect_type(content), cue, mention, speaker)

    def _according_to(self, match: re.Match, sentence_start: int, sentence_end: int) -> Quotation | None:
        """`Според X …`, `По думите на X, …`, `За него …`."""
        source_start = sentence_start + match.end()
        entity = next((e for e in self.entities if e.start == source_start and e.label in ("PER", "ORG", "LOC")), None)
        pronoun = re.match(r"(него|нея|тях)\b", self.text[source_start:])
        keyword = match.group().strip()
        if keyword.lower() == "за" and not pronoun:
            return None
        if entity:
            source_end, speaker, mention = entity.end, self._as_speaker(self.people.get(entity.id)), _span(entity.start, entity.end, entity.text)
        elif pronoun:
            source_end = source_start + pronoun.end()
            person = self._resolve_pronoun(PRONOUNS[pronoun.group(1)], source_start)
            speaker, mention = self._as_speaker(person), _span(source_start, source_end, pronoun.group(1))
        else:
            return None
        skip = re.match(r"[,\s]*", self.text[source_end:])
        content_start = source_end + skip.end()
        content_end = _trim_clause(self.text, content_start, sentence_end)
        prefix = self.text[sentence_start:sentence_start + match.start()].strip() if match.start() else ""
        if prefix and not keyword.lower().startswith("според"):
            return None
        if prefix:  # "Важно според него е …": the whole sentence is the content
            content_start = sentence_start
        if content_end - content_start < 8:
            return None
        cue = _span(sentence_start + match.start(), sentence_start + match.start() + len(keyword), keyword)
        return self._quote(content_start, content_end, _indirect_type(self.text[content_start:content_end]), cue,
                           mention, speaker)

    def _speech_noun(self, match: re.Match, sentence_start: int, sentence_end: int) -> Quotation | None:
        """`обвинението, че …`, `предложението на ЕК да …`, `призивите хората да …`: the noun is the cue; its
        "на X" or "от X" the speaker (none for a source the article does not name, guidelines §7.4); a subject
        between the noun and its да-clause stays in the content (§3.3)."""
        noun_end = sentence_start + match.end()
        link = SPEECH_NOUN_LINK.match(self.text, noun_end, sentence_end)
        if not link or (link.group("subject") and link.group("word") == "че"):
            return None
        speaker, mention = self._speech_noun_source(link)
        content_start = link.start("subject") if link.group("subject") else \
            link.start("word") if link.group("word") == "да" else link.end()
        content_end = _trim_clause(self.text, content_start, sentence_end)
        if content_end - content_start < 8:
            return None
        cue = _span(sentence_start + match.start(), noun_end, match.group())
        return self._quote(content_start, content_end, _indirect_type(self.text[content_start:content_end]), cue,
                           mention, speaker)

    def _speech_noun_source(self, link: re.Match):
        """The speaker and mention a speech noun's "на X"/"от X" names, (None, None) when it names no entity."""
        if not link.group("source"):
            return None, None
        entity = next((e for e in self.entities if link.start("source") <= e.start and e.end <= link.end("source")
                       and (_is_person(e) or e.label in ("ORG", "LOC"))), None)
        if entity is None:
            return None, None
        return self._as_speaker(self._person_of(entity)), _span(entity.start, entity.end, entity.text)

    def _possessive_words(self, match: re.Match, sentence_start: int, sentence_end: int) -> Quotation | None:
        """`По негови думи …`, `По думите му …`."""
        gender = next((g for word, g in POSSESSIVE_GENDER.items() if re.search(rf"\b{word}\b", match.group())), "")
        person = self._resolve_pronoun(gender, sentence_start + match.start())
        skip = re.match(r"[,\s]*", self.text[sentence_start + match.end():])
        content_start = sentence_start + match.end() + skip.end()
        content_end = _trim_clause(self.text, content_start, sentence_end)
        if content_end - content_start < 8:
            return None
        cue = _span(sentence_start + match.start(), sentence_start + match.end(), match.group())
        return self._quote(content_start, content_end, _indirect_type(self.text[content_start:content_end]), cue, cue,
                           self._as_speaker(person))

    def _colon_quotes(self) -> list[Quotation]:
        """`Песков: Не, този ден …` — a speaker and a colon opening a paragraph (headlines, leads)."""
        quotes = []
        for start, end in self.paragraphs:
            head = re.match(r"([^:\n]{2,80}?)\s*:\s+(?=\S)", self.text[start:end])
            if not head or len(head.group(1).split()) > 8 or self.text[start + head.end()] in OPENERS:
                continue
            entity = self._colon_entity(start, head)
            if entity is not None:
                person = self.people.get(entity.id)
            elif (person := self._colon_source(start, end, head.group(1))) is None:
                continue
            cue = _span(start + head.end(1), start + head.end(1) + 1, ":")
            quotes.append(self._quote(start + head.end(), end, "direct", cue,
                                      _span(start, start + head.end(1), head.group(1)), self._as_speaker(person)))
        return quotes

    def _colon_entity(self, start: int, head: re.Match):
        """The entity the words before a paragraph's colon name, a person first."""
        in_head = [e for e in self.entities if start <= e.start and e.end <= start + head.end(1)
                   and (_is_person(e) or e.label in ("ORG", "LOC"))]
        return next((e for e in in_head if e.label == "PER"), in_head[-1] if in_head else None)

    def _colon_source(self, start: int, end: int, words: str) -> Candidate | None:
        """A role noun or a lone capitalised word before the colon, a source the article names later
        ("Испанският външен министър:", "Експерт:", guidelines §7.2); None when the words name no one."""
        role = re.fullmatch(r"[А-Я][а-я.-]+(?: [а-я.-]+){0,3}", words) and \
            any(ROLE_NOUN.fullmatch(word) for word in words.split()[:1])
        if not role and (not re.fullmatch(r"[А-Я][а-я]+", words) or words.lower() in SECTION_LABELS):
            return None
        return self._resolve_role(words.split()[-1].lower(), "", start) \
            or next((self._person_of(e) for e in self.entities if e.start >= end and _is_person(e)), None)

    # -- speakers ----------------------------------------------------------------------------------------------

    def _parsed_speaker(self, cue: re.Match):
        """The cue's grammatical subject, from the parse: the person its phrase names, else the pronoun or role
        noun heading it; None when there is no parse or no such subject (the word-order rules decide)."""
        verb = roles.predicate(self.doc, cue.start(), cue.end())
        head = roles.subject(verb) if verb is not None else None
        if head is None or any(a < head.idx < b for a, b in self.quoted):
            return None
        start, end = roles.phrase(head)
        person = next((e for e in self.entities if start <= e.start and e.end <= end and e.id in self.people
                       and _is_person(e)), None)
        if person is not None:
            return self._as_speaker(self._person_of(person)), _span(person.start, person.end, person.text)
        if any(start <= e.start and e.end <= end for e in self.entities):
            return None  # an organisation or a place: the rules know media relays and metonymy
        return self._pronoun_or_role(head.idx, head.idx + len(head.text), cue) or self._unrecognised_name(head)

    def _unrecognised_name(self, head):
        """A proper noun the entity recogniser missed, as the cue's subject ("По-рано Фарадж беше заявил"): the
        person of the article with that surname, else the name as written, with no id."""
        if head.pos_ != "PROPN" or not head.text[:1].isupper():
            return None
        words = [token for token in head.subtree if token.pos_ == "PROPN" and token.text[:1].isupper()
                 and abs(token.i - head.i) <= 2]
        first, last = min(words, key=lambda token: token.i), max(words, key=lambda token: token.i)
        name = head.doc.text[first.idx:last.idx + len(last.text)]
        known = next((p for p in self.people.values() if p.label == "PER" and p.name.split()[-1] == head.text), None)
        speaker = self._as_speaker(known) if known else QuoteSpeaker(name=name, id=None)
        return speaker, _span(first.idx, last.idx + len(last.text), name)

    def _speaker_before(self, cue_start: int, sentence_start: int, cue: re.Match):
        """The subject before the cue, in the same clause: an entity, a pronoun or a role noun, nearest first."""
        if parsed := self._parsed_speaker(cue):
            return parsed
        if cue.group("verb") and cue.group("verb").endswith("йки"):
            # a gerund ("…, твърдейки, че …") shares the subject of the sentence
            subject = next((e for e in self.entities if sentence_start <= e.start < cue_start and _is_person(e)), None)
            if subject:
                return self._as_speaker(self._person_of(subject)), _span(subject.start, subject.end, subject.text)
            return None, None
        clause_start = self._subject_clause(cue_start, sentence_start)
        window = self.text[clause_start:cue_start]
        if re.search(r"(?:^|\s)(?:като|и)\s*$", window) and len(window.split()) <= 1:
            return None, None  # "…, като посочи, че", "… и подчерта, че": the subject goes on
        entity = self._entity_before(clause_start, cue_start)
        role = self._role_before_complement(entity, clause_start) if entity else None
        if role:
            return role
        entity = self._first_named(entity, clause_start)
        if entity:
            return self._as_speaker(self._person_of(entity)), _span(entity.start, entity.end, entity.text)
        for word in reversed(list(re.finditer(r"[\w.-]+", window))[-3:]):
            found = self._pronoun_or_role(clause_start + word.start(), clause_start + word.end(), cue)
            if found:
                return found
        return None, None

    def _subject_clause(self, cue_start: int, sentence_start: int) -> int:
        """Where the cue's subject clause starts: after the last comma, skipping back over an apposition or
        a relative clause ("говорителят …, Мухамад Файсал, потвърди"; "Лиъм Фокс, който е отявлен
        евроскептик, настоя")."""
        starts = [sentence_start] + [sentence_start + b.end() for b in re.finditer(r"[,;:–—]\s", self.text[sentence_start:cue_start])]
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
                     and (_is_person(e) or e.label in ("ORG", "LOC")) and len(self.text[e.end:cue_start].split()) <= 3
                     and not re.search(r"[,;:]\s", self.text[e.end:cue_start])), None)

    def _first_named(self, entity, clause_start: int):
        """Of named people joined by "и" or a comma, the first ("проф. Карен Джамбазов и проф. Илиан Дойков
        уточниха", §7.5)."""
        while entity is not None and entity.label == "PER":
            first = next((e for e in reversed(self.entities) if clause_start <= e.start and e.end <= entity.start
                          and _is_person(e) and re.fullmatch(r"\s*(?:,|и)\s*(?:[\w.-]+\s+){0,2}", self.text[e.end:entity.start])), None)
            if first is None:
                break
            entity = first
        return entity

    def _speaker_after(self, cue_end: int, cue: re.Match, limit: int | None = None):
        """The speaker after the cue: `каза той`, `заяви руският министър Сергей Рябков`."""
        if parsed := self._parsed_speaker(cue):
            return parsed
        end = self._speaker_region_end(cue_end, limit)
        candidates = [e for e in self.entities if cue_end <= e.start and e.end <= end and (_is_person(e) or e.label in ("ORG", "LOC"))]
        # "заяви математикът на Националния оперативен щаб проф. Николай Витанов": the person heads the phrase
        entity = next((e for e in reversed(candidates) if e.label == "PER"), candidates[0] if candidates else None)
        role = self._role_before_complement(entity, cue_end) if entity and entity.label != "PER" else None
        if role:
            return role
        if entity:
            if ANONYMOUS.match(self.text[cue_end:entity.start].strip()):
                return None, _span(cue_end, end, self.text[cue_end:end].strip())
            return self._as_speaker(self._person_of(entity)), _span(entity.start, entity.end, entity.text)
        return self._word_after(cue_end, end, cue)

    def _speaker_region_end(self, cue_end: int, limit: int | None) -> int:
        """Where the words after a cue stop naming its speaker: a clause break, a quotation mark, 160 characters."""
        sentence_end = next((b for a, b in self.sentences if a <= cue_end < b), len(self.text))
        stop = re.search(r"[!?;\n„“\"«]|\.$|,\s|\sче\s|\sда\s", self.text[cue_end:min(sentence_end, cue_end + 160)])
        end = cue_end + (stop.start() if stop else min(sentence_end - cue_end, 160))
        return min(end, limit) if limit is not None else end

    def _word_after(self, cue_end: int, end: int, cue: re.Match):
        """No entity after the cue: the first word that is not an adverb or a preposition, as an anonymous
        source, a pronoun or a role noun."""
        for word in re.finditer(r"[\w.-]+", self.text[cue_end:end]):
            if word.group().lower() in SKIPPED_AFTER_CUE:
                continue
            if ANONYMOUS.match(word.group()):
                return None, _span(cue_end + word.start(), cue_end + word.end(), word.group())
            return self._pronoun_or_role(cue_end + word.start(), cue_end + word.end(), cue) or (None, None)
        return None, None

    def _role_before_complement(self, entity, region_start: int):
        """"началникът на Оперативния щаб": the organisation completes a role noun; the speaker is the person."""
        head = re.search(r"([\w.-]+)\s+(?:на|от|в)\s+(?:[\w.-]+\s+){0,2}$", self.text[region_start:entity.start])
        if head and ROLE_NOUN.fullmatch(head.group(1)) and not NOT_PEOPLE.search(head.group(1).lower()):
            start = region_start + head.start(1)
            noun = head.group(1).lower()
            person = self._resolve_role(noun, "f" if noun.endswith("ката") else "m", start)
            return self._as_speaker(person), _span(start, entity.end, self.text[start:entity.end])
        return None

    def _pronoun_or_role(self, start: int, end: int, cue: re.Match):
        word = self.text[start:end]
        lower = word.lower()
        gender = _cue_gender(cue)
        if lower in PRONOUNS:
            person = self._resolve_pronoun(gender or PRONOUNS[lower], start)
            return self._as_speaker(person), _span(start, end, word)
        if ROLE_NOUN.fullmatch(word) and not NOT_PEOPLE.search(lower):
            noun_gender = "f" if lower.endswith("ката") else "m"
            person = self._resolve_role(lower, gender or noun_gender, start)
            return self._as_speaker(person), _span(start, end, word)
        return None

    def _resolve_pronoun(self, gender: str, before: int) -> Candidate | None:
        """The most recent agreeing person: named in the text, or quoted as a speaker, whichever came later."""
        named = next(((entity.end, self._person_of(entity)) for entity in reversed(self.entities)
                      if entity.end <= before and _is_person(entity) and _agrees(self._person_of(entity), gender)), None)
        if self.last_speaker and _agrees(self.last_speaker, gender) and (named is None or self.last_speaker_at >= named[0]):
            return self.last_speaker
        return named[1] if named else None

    def _resolve_role(self, noun: str, gender: str, before: int) -> Candidate | None:
        """A role noun names the one person the article gave that title; else the nearest agreeing person."""
        stem = _title_stem(noun.replace("зам.-", "заместник-").replace("зам.", "заместник"))
        titled = [p for p in self.people.values() if p.label == "PER" and p.name[:1].isupper()
                  and any(stem in t or t in stem for t in p.titles)]
        if len(titled) == 1:
            return titled[0]
        return self._resolve_pronoun(gender, before)

    def _person_of(self, entity) -> Candidate:
        return self.people[entity.id]

    def _sentence_start(self, position: int) -> int:
        return next((a for a, b in self.sentences if a <= position < b), position)

    def _continuing(self, cue: re.Match):
        """No subject at the cue ("И обясни, че …", "… и подчерта, че …"): the last speaker goes on."""
        if self.last_speaker and _agrees(self.last_speaker, _cue_gender(cue)):
            return self._as_speaker(self.last_speaker), None
        return None, None

    def _as_speaker(self, person: Candidate | None) -> QuoteSpeaker | None:
        return QuoteSpeaker(name=person.name, id=person.id) if person else None

    def _quote(self, start, end, kind, cue, mention, speaker) -> Quotation:
        cue_span = _span(cue.start(), cue.end(), cue.group()) if isinstance(cue, re.Match) else cue
        if speaker is None and mention is None and cue_span is not None and isinstance(cue, re.Match):
            speaker, mention = self._continuing(cue)
        if speaker is not None and speaker.id in self.people:
            self.last_speaker = self.people[speaker.id]
            self.last_speaker_at = max(end, cue_span.end if cue_span else 0)
        return Quotation(start=start, end=end, content=self.text[start:end], type=kind, cue=cue_span,
                         speaker_mention=mention, speaker=speaker)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """(opening mark, closing mark) offsets of every quotation; a lost closing mark ends at the paragraph."""
    spans, i = [], 0
    while i < len(text):
        mark = text[i]
        if mark in OPENERS and (mark not in '"“' or i == 0 or not text[i - 1].isalnum()):
            closers = OPENERS[mark]
            depth, j = 0, i + 1
            # straight quotes cannot nest or cross paragraphs: past the paragraph, the mark was lost
            paragraph_end = text.find("\n\n", i)
            limit = i + 3000 if mark in "„«" else paragraph_end if paragraph_end >= 0 else len(text)
            while j < len(text) and j < limit:
                if text[j] == mark and mark in "„«" :
                    depth += 1
                elif text[j] in closers and (j + 1 == len(text) or not text[j + 1].isalnum()) and not text[j - 1].isspace():
                    if depth == 0:
                        break
                    depth -= 1
                j += 1
            else:
                j = text.find("\n", i)
                j = len(text) if j < 0 else j
                cut = LOST_CLOSING_CUE.search(text, i, j)
                j = cut.start() if cut else j
            spans.append((i, j))
            i = j + 1
        else:
            i += 1
    return spans


def _wholly_quoted(content: str) -> bool:
    spans = _quoted_spans(content)
    return bool(spans) and spans[0][0] == 0 and spans[0][1] >= len(content.rstrip()) - 1


def _looks_like_name(content: str) -> bool:
    words = content.split()
    return len(words) <= 4 and not re.search(r"[.!?,;:]", content) and (content[:1].isupper() or content[:1].isdigit())


def _trim_clause(text: str, start: int, sentence_end: int) -> int:
    """End of a reported clause: before the final stop, a media relay tag or a concessive "въпреки"."""
    clause = text[start:sentence_end].rstrip()
    clause = clause[:-1] if clause.endswith((".", "!", "?", ";")) and not clause.endswith(" г.") else clause
    relay = MEDIA_RELAY.search(clause)
    if relay and relay.start() > 10:
        clause = clause[: relay.start()]
    postposed = POSTPOSED_CUE.search(clause)
    if postposed and postposed.start() > 10:  # "… след Брекзит, обясни тя": another cue closes the sentence
        clause = clause[: postposed.start()]
    concession = re.search(r",?\s+въпреки\s", clause)
    if concession and concession.start() > 10:
        clause = clause[: concession.start()]
    return start + len(clause.rstrip(" ,"))


def _indirect_type(content: str) -> str:
    return "mixed" if re.search(r"[„“\"«»]\w", content) and not _only_names_quoted(content) else "indirect"


def _only_names_quoted(content: str) -> bool:
    return all(_looks_like_name(content[a + 1:b]) for a, b in _quoted_spans(content))


def _without_nested(quotes: list[Quotation]) -> list[Quotation]:
    """One record per quotation: a span inside another quote's span of the same speaker goes."""
    kept: list[Quotation] = []
    for quote in quotes:
        if any(k.start <= quote.start and quote.end <= k.end and (k.speaker == quote.speaker or quote.cue is None
                                                                  or (k.start, k.end) == (quote.start, quote.end))
               for k in kept):
            continue
        kept = [k for k in kept if not (quote.start <= k.start and k.end <= quote.end and k.speaker == quote.speaker)]
        kept.append(quote)
    return sorted(kept, key=lambda q: q.start)


def _cue_admits(cue: re.Match, between: str, content: str) -> bool:
    """Whether a quotation after the cue, with `between` between them, completes it: after a directive
    verb only a да-clause, after a cognitive verb none; otherwise when "че", a colon, a comma or
    "като"/"за"/"против" leads to it, or a characterising verb takes a quoted word; a name in
    quotation marks only after a colon or "че"."""
    verb, is_name = _verb(cue), _looks_like_name(content)
    if verb in DIRECTIVE | COGNITIVE:
        admitted = content.startswith("да ") and verb not in COGNITIVE
    else:
        admitted = bool(re.search(r"(?:^|\s)че\s*$", between)) or between.strip() in (":", ",", "", "като", "за", "против") \
            or (verb in CHARACTERISING and not is_name) or between.rstrip().endswith(":")
    return admitted and not (is_name and not between.rstrip().endswith((":", "че")))


def _verb(cue: re.Match) -> str:
    verb = cue.group("verb")
    return CUE_FORMS[verb][0] if verb else ""


def _cue_gender(cue: re.Match) -> str:
    if cue.group("verb"):
        return CUE_FORMS[cue.group("verb")][1]
    return ADJECTIVE_GENDER.get(cue.group("adjective"), "")


def _is_person(entity) -> bool:
    """A named person; not a group tagged PER such as "европейците", "британците"."""
    return entity.label == "PER" and entity.lemma[:1].isupper()


def _agrees(person: Candidate | None, gender: str) -> bool:
    if person is None:
        return False
    if gender == "pl":
        return person.label != "PER"
    return not gender or not person.gender or person.gender == gender


def _title_stems(titles: tuple[str, ...]) -> set[str]:
    """The role words of a person's titles, as stems: "руският заместник-министър" → {"руск", "заместник-министър"}."""
    return {_title_stem(word) for title in titles for word in re.findall(r"[а-я][а-я.-]+", title) if len(word) > 3}


def _title_stem(word: str) -> str:
    word = word.lower().strip(".-")
    for ending in ("ката", "ят", "ът", "ия", "ата", "та", "а"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@Language.factory("vestnik_quotes", default_config=asdict(QuoteSettings()),
                  requires=["doc._.sentences", "doc._.paragraphs", "doc._.entities", "doc._.distinct_entities",
                            "doc._.people"], assigns=["doc._.quotes"])
def make_quote_extractor(nlp: Language, name: str, max_fragment_gap: int, max_speaker_words: int):
    settings = QuoteSettings(max_fragment_gap, max_speaker_words)

    def attach_quotes(doc: Doc) -> Doc:
        doc._.quotes = QuoteExtractor(doc, settings).extract()
        return doc

    return attach_quotes
