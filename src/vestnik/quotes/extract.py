"""Find the quotations of an article and resolve their speakers (`vestnik_quotes` component).

Rules first, because no Bulgarian quotation extractor exists and the annotated articles (`eval/quotes`)
are few; then a learnt tagger (`tagger.QuoteTagger`, trained on 65 of them) adds the quotations no rule
found. The rules follow the annotation guidelines (`shared/guidelines/quotes.md`):

* direct quotes: paired quotation marks („“ “” "" «») attributed by a cue before or after
  them (`„…“, каза той`, `заяви: „…“`), the colon form (`Песков: Не, …`), and quoted
  fragments that complete a cue (`определи като "разочароващи"`); names and titles in
  quotation marks are not quotes;
* indirect and mixed quotes: a че/да-clause after a cue, `Според X …`, `По думите на X …`,
  `По негови думи …`, a sentence ended by a postposed cue (`…, категоричен бе той`), and an
  anaphoric cue (`Това заяви X`) covering the sentence before;
* the tagger's content where no rule found a quotation, its speaker the parsed subject of the cue the
  tagger marks, else the mention it marks as the source, else the speaker of the quotation before it;
* the speaker at each cue comes from `speakers.SpeakerFinder` (the cue's subject from the parse, else
  word order) and `resolution.SpeakerResolver` (pronouns and role nouns to the article's people).

The stage is split along its jobs, after citron: `cues` (the lexicon), `content` (quotation
marks and clause ends), `speakers` (the mention at a cue), `resolution` (who it refers to), and
this module, which knows the forms of quotation and puts the four together.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token

from vestnik.quotes.content import (OPENERS, completes_cue, indirect_type, looks_like_name, quoted_spans, text_span,
                                    trim_clause, wholly_quoted)
from vestnik.quotes.cues import (COGNITIVE, CUE_PATTERN, DIRECTIVE, INHERENTLY_REFLEXIVE, PASSIVE_CUE, PASSIVE_FORMS,
                                 POSSESSIVE_WORDS, SPEECH_NOUNS, VERB_FORMS, verb_lemma)
from vestnik.quotes.resolution import SPEAKER_LABELS, Candidate, SpeakerResolver, as_speaker, can_speak, is_person
from vestnik.quotes.speakers import ANONYMOUS, PRONOUNS, ROLE_NOUN, UNATTRIBUTED, Attribution, SpeakerFinder
from vestnik.quotes.tagger import QUOTE_TAGGER, QuoteTagger, WordScores
from vestnik.record import Quotation, QuoteSpeaker
from vestnik.syntax import roles

Doc.set_extension("quotes", default=None, force=True)

POSSESSIVE_GENDER = {"негови": "m", "неговите": "m", "му": "m", "нейни": "f", "нейните": "f", "й": "f", "ѝ": "f",
                     "техни": "pl", "техните": "pl", "им": "pl"}
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
CLAUSE_GOES_ON = re.compile(r"\s*(?:[-–—]\s*)?[а-яa-z]")
"""After a closing mark, words in lower case: the sentence goes on, so the marks held a name, not the quotation."""
ACCORDING_TO = re.compile(r"(?:^|(?<=[\s,(]))(?:[Сс]поред|[Пп]о думите на|[Зз]а)\s+")
REPORTED_CLAUSE = re.compile(r"(?P<middle>[^.!?;„“\"«»]{0,90}?)(?:,\s*|\s+)(?:и\s+)?(?P<link>че|дали|да)\s+")
"""What a cue reports: up to 90 characters (its speaker, an addressee, an adverb), then "че", "дали" or "да"."""
IMPERSONAL = re.compile(r"\s+се\b")
""""се" right after a cue verb makes it impersonal ("Твърди се, че …", "Смята се, че …")."""
CONNECTIVES = re.compile(r"^(?:Но|А|И|Освен това|Също така|Обаче|Все пак|Така|Той|Тя)\s+", re.I)
INTERRUPTING_CUE = re.compile(r"\s[–—-]\s(?P<cue>(?:" + VERB_FORMS + r"))(?P<source>\s[^–—\n]{1,120}?)\s[–—-]\s")
"""A cue between dashes inside one pair of quotation marks."""


@dataclass(frozen=True)
class QuoteSettings:
    """The tunables of `vestnik_quotes` (its factory's config)."""

    max_fragment_gap: int = 80  # characters between a cue and the quoted fragment that completes it
    max_speaker_words: int = 12  # words after a postposed cue that can still name its speaker
    model: str = str(QUOTE_TAGGER)  # the learnt tagger's directory ("": rules only)
    min_tagged_words: int = 5  # words of content the tagger must find before it adds a quotation
    min_tagged_probability: float = 0.98  # their mean probability of being content
    cue_words: int = 15  # words before and after the content in which the tagger must find its cue
    min_tagged_cue_probability: float = 0.97  # the cue's probability
    source_words_before: int = 30  # words before the content in which the tagger's source is looked for
    source_words_after: int = 15  # and after it


class QuoteExtractor:
    """The forms of quotation of one article, each a method that finds its content and cue; `speakers` finds
    who speaks at a cue and `resolver` who a mention refers to."""

    def __init__(self, doc: Doc, settings: QuoteSettings = QuoteSettings(), tagger: QuoteTagger | None = None):
        self.doc = doc
        self.tagger = tagger
        self.text = doc.text
        self.settings = settings
        self.sentences = doc._.sentences
        self.paragraphs = doc._.paragraphs
        self.quoted = quoted_spans(self.text)
        self.resolver = SpeakerResolver(doc)
        self.entities = self.resolver.entities
        self.speakers = SpeakerFinder(doc, self.resolver, self.quoted, settings.max_speaker_words)
        self.used_cues: set[int] = set()  # a cue attributes one quotation

    # -- the passes --------------------------------------------------------------------------------------------

    def extract(self) -> list[Quotation]:
        quotes: list[Quotation] = []
        for sentence_index, (start, end) in enumerate(self.sentences):
            quotes += self._sentence_quotes(sentence_index, start, end, self.quoted)
        quotes += self._colon_quotes()
        quotes = _without_nested(sorted(quotes, key=lambda q: (q.start, -q.end)))
        quotes = sorted(quotes + self._between_same_speaker(quotes), key=lambda q: q.start)
        return sorted(quotes + self._tagged(quotes), key=lambda q: q.start)

    def _tagged(self, quotes: list[Quotation]) -> list[Quotation]:
        """The tagger's quotations where the rules found none (no overlap with any of `quotes`)."""
        if self.tagger is None:
            return []
        scores, settings, found = self.tagger.scores(self.doc), self.settings, []
        for first, last in scores.content_spans(settings.min_tagged_words, settings.min_tagged_probability):
            start, end = scores.words[first].idx, scores.words[last].idx + len(scores.words[last].text)
            if any(q.start < end and start < q.end for q in quotes):
                continue
            cue = scores.best_word(scores.cue, first, last, settings.cue_words, settings.cue_words,
                                   settings.min_tagged_cue_probability)
            if cue is None:
                continue  # content with no cue the tagger is sure of: most are reported facts, not quotations
            around = (first, last, settings.source_words_before, settings.source_words_after)
            speaker, mention = self._tagged_speaker(scores, around, cue, start, quotes)
            direct = self.text[start - 1:start] in OPENERS and wholly_quoted(self.text[start - 1:end + 1])
            cue_span = text_span(cue.idx, cue.idx + len(cue.text), cue.text)
            found.append(Quotation(start=start, end=end, content=self.text[start:end], cue=cue_span, speaker=speaker,
                                   type="direct" if direct else indirect_type(self.text[start:end]),
                                   speaker_mention=mention))
        return found

    def _tagged_speaker(self, scores: WordScores, around: tuple, cue: Token, start: int,
                        quotes: list[Quotation]) -> Attribution:
        """Who speaks a tagged quotation: the subject of the cue the tagger marks, from the parse, else the mention it
        marks as the source, else the speaker of the last quotation before it (a quotation going on)."""
        found = None
        if roles.parsed(self.doc) and (head := roles.subject(cue)) is not None:
            found = self.speakers.at_word(head)
        if found is None and (source := scores.best_word(scores.source, *around)) is not None:
            found = self.speakers.at_word(source)
        if found is not None:
            return found
        before = [q for q in quotes if q.end <= start and q.speaker is not None]
        return (before[-1].speaker, None) if before else UNATTRIBUTED

    def _between_same_speaker(self, quotes: list[Quotation]) -> list[Quotation]:
        """Paragraphs with no cue between two quotes of the same speaker continue that speaker (§3.8); a heading
        (a paragraph with no final stop) does not."""
        found = []
        for a, b in self.paragraphs:
            if self.text[a:b].rstrip()[-1:] not in ".!?…\"“”»":
                continue
            speaker = self._speaker_around(a, b, quotes)
            end = b - 1 if self.text[b - 1] in ".!?" else b
            if speaker and end - a >= 20 and self.text[a] not in OPENERS:
                found.append(self._quote(a, end, indirect_type(self.text[a:end]), None, None, speaker))
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
        others = any(e.label == "PER" and self.resolver.people[e.id].name != speaker.name
                     for e in self.entities if a <= e.start < b and e.id in self.resolver.people)
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
        for pattern, form in ((ACCORDING_TO, self._according_to), (SPEECH_NOUNS, self._speech_noun),
                              (POSSESSIVE_WORDS, self._possessive_words), (PASSIVE_CUE, self._passive)):
            found += [quote for match in pattern.finditer(sentence) if (quote := form(match, start, end))]
        return found

    def _clause_content(self, cue_end: int, clause: re.Match, sentence_end: int) -> tuple[int, int] | None:
        """Offsets of a reported clause's content (a да-clause keeps its "да"); None when it is too short or wholly in
        quotation marks (`заяви, че "…"`: a direct quote, found by `_direct`)."""
        start = cue_end + (clause.start("link") if clause.group("link") == "да" else clause.end())
        end = trim_clause(self.text, start, sentence_end)
        return None if end - start < 8 or wholly_quoted(self.text[start:end]) else (start, end)

    def _passive(self, match: re.Match, sentence_start: int, sentence_end: int) -> Quotation | None:
        """`е била помолена да донесе вода`, `бе обвинена, че …`: a passive cue's clause; the speaker is the agent
        its "от X" names, else no one (guidelines §3.3, §3.5)."""
        cue_end = sentence_start + match.end()
        clause = _reported_clause(PASSIVE_FORMS[match.group("participle")], self.text[cue_end:sentence_end])
        if clause is None:
            return None
        if (content := self._clause_content(cue_end, clause, sentence_end)) is None:
            return None
        content_start, content_end = content
        agent = re.search(r"(?:^|\s)от\s+", clause.group("middle"))
        entity = next((e for e in self.entities if agent and e.start == cue_end + agent.end() and can_speak(e)), None)
        speaker, mention = (self.speakers.named(entity) if entity else (None, None))
        cue = text_span(sentence_start + match.start(), cue_end, match.group())
        return self._quote(content_start, content_end, indirect_type(self.text[content_start:content_end]), cue,
                           mention, speaker)

    def _interrupted(self, open_at: int, close_at: int) -> list[Quotation]:
        """„Чувствам се непълна – разказва момичето – Има много неща…“: one pair of marks around a quote
        that its cue interrupts between dashes is two quotes (guidelines §6.4)."""
        inside = INTERRUPTING_CUE.search(self.text, open_at + 1, close_at)
        if not inside:
            return []
        cue = CUE_PATTERN.match(self.text, inside.start("cue"))
        speaker, mention = self.speakers.after(cue, limit=inside.end("source"))
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
        if cue and (not looks_like_name(content) or (re.search(r"[,–—-]", after[:cue_after.end()]) and opens_clause)):
            speaker, mention = self.speakers.after(cue)
            return self._quote(open_at + 1, close_at, "direct", cue, mention, speaker)
        return None

    def _cue_before_quote(self, cue: re.Match, open_at: int, close_at: int, sentence_start: int,
                          content: str) -> Quotation | None:
        """заяви: „…“ or определи като "разочароващи": the cue before the opening mark, when what stands
        between them lets the quotation complete it."""
        if not completes_cue(cue, self.text[cue.end(): open_at], content):
            return None
        if looks_like_name(content) and CLAUSE_GOES_ON.match(self.text, close_at + 1):
            return None  # `каза, че "Северен поток 2" е търговски проект`: a name the reported clause goes on past
        speaker, mention = self.speakers.before(cue, sentence_start)
        if speaker is None and mention is None:
            speaker, mention = self.speakers.after(cue, limit=open_at)
        return self._quote(open_at + 1, close_at, "direct", cue, mention, speaker)

    def _quote_told_around(self, open_at: int, close_at: int, sentence_start: int, content: str) -> Quotation | None:
        """„…“. Това каза X — attributed by the next sentence; or a whole paragraph in quotation marks, which
        continues the last speaker (guidelines §3.8)."""
        paragraph = next(((a, b) for a, b in self.paragraphs if a <= open_at < b), None)
        if paragraph is None or looks_like_name(content):
            return None
        if open_at == sentence_start:
            anaphor = re.match(r"\W*(?:Това|Тези думи)\s+", self.text[close_at + 1: paragraph[1]])
            if anaphor and (cue := CUE_PATTERN.match(self.text, close_at + 1 + anaphor.end())):
                speaker, mention = self.speakers.after(cue)
                return self._quote(open_at + 1, close_at, "direct", cue, mention, speaker)
        if open_at == paragraph[0] and close_at >= paragraph[1] - 2 and self.resolver.last_speaker:
            return self._quote(open_at + 1, close_at, "direct", None, None, as_speaker(self.resolver.last_speaker))
        return None

    def _clause_after(self, cue: re.Match, cue_start: int, cue_end: int, sentence_end: int) -> Quotation | None:
        """`X заяви, че …`, `заяви X, че …`, `призова да …`."""
        rest = self.text[cue_end:sentence_end]
        verb = verb_lemma(cue)
        clause = _reported_clause(verb, rest)
        impersonal = IMPERSONAL.match(rest) if verb not in INHERENTLY_REFLEXIVE else None
        if clause is None or (impersonal and verb in COGNITIVE):
            return None  # "Предполага се, че …": the narrator's hedge, no one's words (guidelines §3.5)
        if (content := self._clause_content(cue_end, clause, sentence_end)) is None:
            return None
        content_start, content_end = content
        if impersonal:  # "Твърди се, че …": said, by no one named (guidelines §3.5)
            cue_span = text_span(cue_start, cue_end + impersonal.end(), self.text[cue_start:cue_end + impersonal.end()])
            return self._quote(content_start, content_end, indirect_type(self.text[content_start:content_end]), cue_span,
                               None, None)
        sentence_start = self._sentence_start(cue_start)
        speaker, mention = self.speakers.before(cue, sentence_start)
        if speaker is None and mention is None:
            speaker, mention = self.speakers.after(cue, limit=cue_end + clause.start("link"))
        if speaker is None and mention is None:
            speaker, mention = self.speakers.continuing(cue)
        return self._quote(content_start, content_end, indirect_type(self.text[content_start:content_end]), cue, mention, speaker)

    def _postposed(self, cue: re.Match, sentence_start: int, cue_start: int, cue_end: int, sentence_end: int) -> Quotation | None:
        """`Разбира се, че няма да правим …, категоричен бе той.`: the cue and its speaker end the sentence."""
        before = self.text[sentence_start:cue_start]
        if not re.search(r"[,–—-]\s*$", before) or len(before.strip()) < 10:
            return None
        if before.rstrip().rstrip(",–—-").rstrip()[-1:] in "\"“”»":
            return self._lost_opening(sentence_start, cue_start, cue_end, cue)
        if not self.speakers.phrase_follows(cue_end, sentence_end):
            return None
        content_start = sentence_start
        connective = CONNECTIVES.match(self.text[content_start:cue_start])
        if connective and connective.group().strip() in ("Но", "А", "И"):
            content_start += connective.end()
        content_end = sentence_start + len(before.rstrip().rstrip(",–—-").rstrip())
        content = self.text[content_start:content_end]
        if not content or (content.startswith(tuple(OPENERS)) and quoted_spans(content)[0][1] >= len(content) - 1):
            return None  # wholly in quotation marks: a direct quote, found by `_direct`
        speaker, mention = self.speakers.after(cue)
        if speaker is None and mention is None:
            return None
        return self._quote(content_start, content_end, indirect_type(content), cue, mention, speaker)

    def _lost_opening(self, sentence_start: int, cue_start: int, cue_end: int, cue: re.Match) -> Quotation | None:
        """`Хората ще могат … придвижването", добави той.` with no opening mark: the quote starts at the
        paragraph, or after the last sentence that holds a cue or a quotation mark (guidelines §6.1)."""
        close_at = len(self.text[:cue_start].rstrip(" ,–—-")) - 1  # the closing mark
        if any(a < close_at <= b + 1 for a, b in quoted_spans(self.text[:close_at + 1])):
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
        speaker, mention = self.speakers.after(cue)
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
        speaker, mention = self.speakers.after(cue)
        return self._quote(previous_start, content_end, indirect_type(content), cue, mention, speaker)

    def _according_to(self, match: re.Match, sentence_start: int, sentence_end: int) -> Quotation | None:
        """`Според X …`, `По думите на X, …`, `За него …`."""
        source_start = sentence_start + match.end()
        entity = next((e for e in self.entities if e.start == source_start and e.label in SPEAKER_LABELS), None)
        pronoun = re.match(r"(него|нея|тях)\b", self.text[source_start:])
        keyword = match.group().strip()
        if keyword.lower() == "за" and not pronoun:
            return None
        if entity:
            source_end, speaker, mention = entity.end, as_speaker(self.resolver.people.get(entity.id)), text_span(entity.start, entity.end, entity.text)
        elif pronoun:
            source_end = source_start + pronoun.end()
            person = self.resolver.pronoun(PRONOUNS[pronoun.group(1)], source_start)
            speaker, mention = as_speaker(person), text_span(source_start, source_end, pronoun.group(1))
        elif sourced := self._source_phrase(source_start, sentence_end):
            source_end, (speaker, mention) = sourced
        else:
            return None
        skip = re.match(r"[,\s]*", self.text[source_end:])
        content_start = source_end + skip.end()
        content_end = trim_clause(self.text, content_start, sentence_end)
        prefix = self.text[sentence_start:sentence_start + match.start()].strip() if match.start() else ""
        if prefix and not keyword.lower().startswith("според"):
            return None
        if prefix:  # "Важно според него е …": the whole sentence is the content
            content_start = sentence_start
        if content_end - content_start < 8:
            return None
        cue = text_span(sentence_start + match.start(), sentence_start + match.start() + len(keyword), keyword)
        return self._quote(content_start, content_end, indirect_type(self.text[content_start:content_end]), cue,
                           mention, speaker)

    def _source_phrase(self, source_start: int, sentence_end: int) -> tuple[int, Attribution] | None:
        """The source of `Според X`, `По думите на X` when X is a phrase, not a bare name: the parse's noun phrase
        after the preposition, up to a comma that a lower-case word follows ("Според генералния секретар на
        профсъюза Франсис О'Грейди …", "Според депутатите …", "По думите на експерта …"); where it ends and whom it
        names, else the organisation in it ("Според агенция „Блумбърг“"); None when it names no source
        ("Според споразумението …")."""
        first = self.doc.char_span(source_start, source_start + 1, alignment_mode="expand") \
            if roles.parsed(self.doc) else None
        preposition = self.doc[first.start - 1] if first is not None and first.start > 0 else None
        if preposition is None or preposition.dep_ != "case" or preposition.head.i <= preposition.i:
            return None
        head = preposition.head
        start, end = roles.phrase(head)
        apposition_end = re.search(r",\s+(?=[а-я])", self.text[start:end])
        end = min(start + apposition_end.start() if apposition_end else end, sentence_end)
        found = self.speakers.of_phrase(head, start, end, "")
        if found is not None and found[0] is None and not ANONYMOUS.match(head.text):
            found = None  # "Според материалите", "Според новите правила": no one the article names, nor a source
        found = found or self.speakers.named_in(start, end)
        return (end, found) if found else None

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
        content_end = trim_clause(self.text, content_start, sentence_end)
        if content_end - content_start < 8:
            return None
        cue = text_span(sentence_start + match.start(), noun_end, match.group())
        return self._quote(content_start, content_end, indirect_type(self.text[content_start:content_end]), cue,
                           mention, speaker)

    def _speech_noun_source(self, link: re.Match):
        """The speaker and mention a speech noun's "на X"/"от X" names, (None, None) when it names no entity."""
        if not link.group("source"):
            return None, None
        return self.speakers.named_in(link.start("source"), link.end("source")) or (None, None)

    def _possessive_words(self, match: re.Match, sentence_start: int, sentence_end: int) -> Quotation | None:
        """`По негови думи …`, `По думите му …`."""
        gender = next((g for word, g in POSSESSIVE_GENDER.items() if re.search(rf"\b{word}\b", match.group())), "")
        person = self.resolver.pronoun(gender, sentence_start + match.start())
        skip = re.match(r"[,\s]*", self.text[sentence_start + match.end():])
        content_start = sentence_start + match.end() + skip.end()
        content_end = trim_clause(self.text, content_start, sentence_end)
        if content_end - content_start < 8:
            return None
        cue = text_span(sentence_start + match.start(), sentence_start + match.end(), match.group())
        return self._quote(content_start, content_end, indirect_type(self.text[content_start:content_end]), cue, cue,
                           as_speaker(person))

    def _colon_quotes(self) -> list[Quotation]:
        """`Песков: Не, този ден …` — a speaker and a colon opening a paragraph (headlines, leads)."""
        quotes = []
        for start, end in self.paragraphs:
            head = re.match(r"([^:\n]{2,80}?)\s*:\s+(?=\S)", self.text[start:end])
            if not head or len(head.group(1).split()) > 8 or self.text[start + head.end()] in OPENERS:
                continue
            entity = self._colon_entity(start, head)
            if entity is not None:
                person = self.resolver.people.get(entity.id)
            elif (person := self._colon_source(start, end, head.group(1))) is None:
                continue
            cue = text_span(start + head.end(1), start + head.end(1) + 1, ":")
            quotes.append(self._quote(start + head.end(), end, "direct", cue,
                                      text_span(start, start + head.end(1), head.group(1)), as_speaker(person)))
        return quotes

    def _colon_entity(self, start: int, head: re.Match):
        """The entity the words before a paragraph's colon name, a person first."""
        in_head = [e for e in self.entities if start <= e.start and e.end <= start + head.end(1)
                   and can_speak(e)]
        return next((e for e in in_head if e.label == "PER"), in_head[-1] if in_head else None)

    def _colon_source(self, start: int, end: int, words: str) -> Candidate | None:
        """A role noun or a lone capitalised word before the colon, a source the article names later
        ("Испанският външен министър:", "Експерт:", guidelines §7.2); None when the words name no one."""
        role = re.fullmatch(r"[А-Я][а-я.-]+(?: [а-я.-]+){0,3}", words) and \
            any(ROLE_NOUN.fullmatch(word) for word in words.split()[:1])
        if not role and (not re.fullmatch(r"[А-Я][а-я]+", words) or words.lower() in SECTION_LABELS
                         or not self._noun_at(start, start + len(words))):
            return None
        return self.resolver.role(words.split()[-1].lower(), "", start) \
            or next((self.resolver.person_of(e) for e in self.entities if e.start >= end and is_person(e)), None)

    def _noun_at(self, start: int, end: int) -> bool:
        """Whether the parse makes the word at start–end a noun ("Експерт:"), not an adverb or adjective
        ("Окончателно:", "Официално:"); true without a parse."""
        word = roles.predicate(self.doc, start, end)
        return word is None or word.pos_ in ("NOUN", "PROPN")

    def _sentence_start(self, position: int) -> int:
        return next((a for a, b in self.sentences if a <= position < b), position)

    def _quote(self, start, end, kind, cue, mention, speaker) -> Quotation:
        cue_span = text_span(cue.start(), cue.end(), cue.group()) if isinstance(cue, re.Match) else cue
        if speaker is None and mention is None and cue_span is not None and isinstance(cue, re.Match):
            speaker, mention = self.speakers.continuing(cue)
        self.resolver.heard(speaker, max(end, cue_span.end if cue_span else 0))
        return Quotation(start=start, end=end, content=self.text[start:end], type=kind, cue=cue_span,
                         speaker_mention=mention, speaker=speaker)


def _reported_clause(verb: str, rest: str) -> re.Match | None:
    """The че/дали/да-clause the cue's verb takes in `rest`, the sentence after the cue: a да-clause only after a
    directive verb, a че-clause only after a cognitive one; none when a gerund between them takes it."""
    clause = REPORTED_CLAUSE.match(rest)
    if clause is None:
        return None
    link, middle = clause.group("link"), clause.group("middle")
    if (link == "да" and verb not in DIRECTIVE) or (verb in COGNITIVE and link != "че"):
        return None
    if GERUND.search(middle):
        return None  # ", каза той, припомняйки, че …": the clause is the gerund's; the cue's content came before it
    if verb == "поиска" and link == "да" and not middle.strip():
        return None  # "искат да продължат": same-subject volition, not a demand (guidelines §3.3)
    return clause


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


@Language.factory("vestnik_quotes", default_config={**asdict(QuoteSettings()), "threads": 0},
                  requires=["doc._.sentences", "doc._.paragraphs", "doc._.entities", "doc._.distinct_entities",
                            "doc._.people"], assigns=["doc._.quotes"])
def make_quote_extractor(nlp: Language, name: str, max_fragment_gap: int, max_speaker_words: int, model: str,
                         min_tagged_words: int, min_tagged_probability: float, cue_words: int,
                         min_tagged_cue_probability: float, source_words_before: int, source_words_after: int,
                         threads: int):
    """The component with the settings of `QuoteSettings` (spaCy reads a factory's config off its arguments)
    and the tagger's encoder threads."""
    settings = QuoteSettings(max_fragment_gap, max_speaker_words, model, min_tagged_words, min_tagged_probability,
                             cue_words, min_tagged_cue_probability, source_words_before, source_words_after)
    return QuoteStage(settings, QuoteTagger(Path(model), threads) if model else None)


@dataclass
class QuoteStage:
    """The component: the settings and the tagger (loaded once), a `QuoteExtractor` per article."""

    settings: QuoteSettings
    tagger: QuoteTagger | None

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = QuoteExtractor(doc, self.settings, self.tagger).extract()
        return doc
