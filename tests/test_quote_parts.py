"""Each part of the quotes stage on a small hand-made Doc: no models, the entities and people set by hand."""

import re

import spacy
from spacy.tokens import Doc

from vestnik.bulgarian import alternation, passive_participles
from vestnik.entities.people import Person, organisations
from vestnik.quotes.content import completes_cue, indirect_type
from vestnik.quotes.cues import CUE_PATTERN, cue_gender, verb_lemma
from vestnik.quotes.extract import QuoteExtractor
from vestnik.quotes.resolution import SpeakerResolver
from vestnik.quotes.speakers import SpeakerFinder
from vestnik.record import DistinctEntity, Entity
from vestnik.stages import sentences as _sentences  # noqa: F401  (registers doc._.sentences, doc._.paragraphs)

NLP = spacy.blank("bg")


def hand_made_doc(text: str, entities: dict[str, tuple[str, str, str, tuple[str, ...]]], parse=None) -> Doc:
    """A Doc of `text` with every occurrence of each `entities` key as a mention: key → (label, name, gender, titles).
    `parse`, if given, is (heads, deps, pos) per word of the text split on spaces."""
    if parse:
        words = text.split(" ")
        heads, deps, pos = parse
        doc = Doc(NLP.vocab, words=words, heads=heads, deps=deps, pos=pos)
    else:
        doc = NLP.make_doc(text)
    doc._.sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]?\s*", text)]
    doc._.paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    mentions, distinct, people = [], [], {}
    taken: set[int] = set()
    for surface, (label, name, gender, titles) in sorted(entities.items(), key=lambda item: -len(item[0])):
        entity_id = f"vn:{label}:{name}"
        for found in re.finditer(re.escape(surface), text):
            if taken & set(range(found.start(), found.end())):
                continue  # inside a longer mention
            taken |= set(range(found.start(), found.end()))
            mentions.append(Entity(start=found.start(), end=found.end(), text=surface, label=label, lemma=name,
                                   id=entity_id, latin=name))
        distinct.append(DistinctEntity(id=entity_id, label=label, name=name, latin=name, mentions=[]))
        if label == "PER":
            people[entity_id] = Person(gender, titles, None, None)
    doc._.entities = sorted(mentions, key=lambda e: e.start)
    doc._.distinct_entities = distinct
    doc._.people = people
    doc._.organisations = organisations(text, doc._.entities)
    return doc


PETROV = {"Иван Петров": ("PER", "Иван Петров", "m", ("министърът на финансите",)),
          "Мария Колева": ("PER", "Мария Колева", "f", ("говорителката",))}


def quotes(doc):
    return [(q.type, q.content, q.speaker.name if q.speaker else None) for q in QuoteExtractor(doc).extract()]


def test_cues_carry_their_verb_and_the_speakers_gender():
    cue = CUE_PATTERN.search("тя е заявила пред медиите")
    assert (verb_lemma(cue), cue_gender(cue)) == ("заяви", "f")
    cue = CUE_PATTERN.search("категорични бяха те")
    assert (verb_lemma(cue), cue_gender(cue)) == ("", "pl")


def test_content_completes_a_cue_by_what_stands_between():
    призова = CUE_PATTERN.search("призова")
    assert completes_cue(призова, " ", "да спрат") and not completes_cue(призова, ", че ", "спират")
    каза = CUE_PATTERN.search("каза")
    assert completes_cue(каза, ": ", "Няма да има избори.") and not completes_cue(каза, " на ", "Лукойл")
    assert indirect_type('бюджетът е "непоправим"') == "mixed" and indirect_type('партията "Възраждане" е против') == "indirect"


def test_resolver_gives_a_role_noun_the_titled_person_and_a_pronoun_the_latest_agreeing_one():
    doc = hand_made_doc("Иван Петров и Мария Колева говориха. Говорителката добави.", PETROV)
    resolver = SpeakerResolver(doc)
    end = len(doc.text)
    assert resolver.role("говорителката", "f", end).name == "Мария Колева"
    assert resolver.role("министърът", "m", end).name == "Иван Петров"
    assert resolver.pronoun("m", end).name == "Иван Петров" and resolver.pronoun("f", end).name == "Мария Колева"
    assert resolver.pronoun("pl", end) is None  # a plural is an organisation or place, not one person
    petrov = next(p for p in resolver.people.values() if p.name == "Иван Петров")
    resolver.heard(type("Speaker", (), {"id": petrov.id})(), end)
    assert resolver.continuing("") is petrov and resolver.continuing("f") is None


def test_finder_reads_the_subject_before_or_after_the_cue_by_word_order():
    doc = hand_made_doc("Иван Петров заяви пред медиите, че няма криза. Същото заяви и говорителката Мария Колева.", PETROV)
    resolver = SpeakerResolver(doc)
    finder = SpeakerFinder(doc, resolver, [], max_speaker_words=12)
    first = CUE_PATTERN.search(doc.text)
    speaker, mention = finder.before(first, 0)
    assert speaker.name == "Иван Петров" and mention.text == "Иван Петров"
    second = CUE_PATTERN.search(doc.text, first.end())
    assert finder.after(second)[0].name == "Мария Колева"
    anonymous = hand_made_doc("Това твърдят източници от кабинета.", {})
    speaker, mention = SpeakerFinder(anonymous, SpeakerResolver(anonymous), [], 12).after(CUE_PATTERN.search(anonymous.text))
    assert speaker is None and mention.text.startswith("източници")


def test_finder_takes_the_parse_subject_across_a_participle_clause():
    text = "Иван Петров , срещнал Мария Колева , заяви ."
    # "Иван" heads the subject of "заяви"; word order alone stops at the comma before the cue
    heads = [7, 0, 3, 0, 3, 4, 3, 7, 7]
    deps = ["nsubj", "flat", "punct", "acl", "obj", "flat", "punct", "ROOT", "punct"]
    pos = ["PROPN", "PROPN", "PUNCT", "VERB", "PROPN", "PROPN", "PUNCT", "VERB", "PUNCT"]
    doc = hand_made_doc(text, PETROV, parse=(heads, deps, pos))
    finder = SpeakerFinder(doc, SpeakerResolver(doc), [], 12)
    assert finder.before(CUE_PATTERN.search(doc.text), 0)[0].name == "Иван Петров"
    unparsed = hand_made_doc(text, PETROV)
    assert SpeakerFinder(unparsed, SpeakerResolver(unparsed), [], 12).before(CUE_PATTERN.search(text), 0)[0] is None


def test_extractor_on_a_hand_made_article():
    text = ("Иван Петров заяви, че бюджетът ще бъде приет до края на месеца. "
            "Той добави, че дефицитът остава под 3 процента.\n"
            "Снимка: Мария Колева\n"
            "Колева: Няма да подавам оставка.")
    assert quotes(hand_made_doc(text, PETROV | {"Колева": ("PER", "Мария Колева", "f", ())})) == [
        ("indirect", "бюджетът ще бъде приет до края на месеца", "Иван Петров"),
        ("indirect", "дефицитът остава под 3 процента", "Иван Петров"),
        ("direct", "Няма да подавам оставка.", "Мария Колева")]


def test_impersonal_and_sentence_opening_cues():
    text = ("Твърди се, че преговорите ще продължат до пролетта. Предполага се, че срещата ще бъде в Женева. "
            "Обясниха ни, че полетът е отменен заради бурята.")
    found = quotes(hand_made_doc(text, {}))
    assert found == [("indirect", "преговорите ще продължат до пролетта", None),
                     ("indirect", "полетът е отменен заради бурята", None)]  # a narrator's hedge is no quote


def test_a_name_in_quotation_marks_that_the_clause_goes_on_past_is_no_direct_quote():
    text = 'Иван Петров каза, че "Северен поток 2" е търговски проект, който ще продължи.'
    assert quotes(hand_made_doc(text, PETROV)) == [
        ("indirect", '"Северен поток 2" е търговски проект, който ще продължи', "Иван Петров")]


def test_of_places_joined_by_and_the_first_speaks():
    text = "Полша и Балтийските страни се опасяват, че газопроводът ще засили влиянието на Русия."
    places = {"Полша": ("LOC", "Полша", "", ()), "Балтийските страни": ("LOC", "Балтийски страни", "", ())}
    assert quotes(hand_made_doc(text, places))[0][2] == "Полша"


def test_a_plural_common_noun_subject_is_a_group_with_no_named_speaker():
    text = "Повечето страни в Източна Европа се опасяват , че газопроводът ще засили зависимостта ."
    heads = [1, 6, 3, 1, 3, 6, 6, 11, 11, 11, 11, 6, 11, 6]
    deps = ["det", "nsubj", "case", "nmod", "flat", "expl", "ROOT", "punct", "mark", "nsubj", "aux", "ccomp", "obj", "punct"]
    pos = ["DET", "NOUN", "ADP", "PROPN", "PROPN", "PRON", "VERB", "PUNCT", "SCONJ", "NOUN", "AUX", "VERB", "NOUN", "PUNCT"]
    places = {"Източна Европа": ("LOC", "Източна Европа", "", ())}
    doc = hand_made_doc(text, places, parse=(heads, deps, pos))
    doc[1].set_morph("Number=Plur")
    assert quotes(doc) == [("indirect", "газопроводът ще засили зависимостта", None)]  # not the place in its phrase
    doc[1].set_morph("Number=Sing")
    assert quotes(doc)[0][2] == "Източна Европа"  # a singular noun: word order decides, as without a parse


def test_a_postposed_relay_names_the_outlet_in_quotation_marks():
    text = "Британският преговарящ и европейският му колега размениха остри думи заради преговорите, пише вестник „Гардиън“."
    outlet = {"Гардиън": ("ORG", "Гардиън", "", ())}
    assert quotes(hand_made_doc(text, outlet)) == [
        ("indirect", "Британският преговарящ и европейският му колега размениха остри думи заради преговорите", "Гардиън")]


def test_a_definite_description_as_the_subject_is_the_person_with_that_title():
    text = "Мария Колева дойде . Новата министърка заяви , че ще подаде оставка ."
    heads = [2, 0, 2, 2, 5, 6, 6, 10, 10, 10, 6, 10, 6]
    deps = ["nsubj", "flat", "ROOT", "punct", "amod", "nsubj", "ROOT", "punct", "mark", "aux", "ccomp", "obj", "punct"]
    pos = ["PROPN", "PROPN", "VERB", "PUNCT", "ADJ", "NOUN", "VERB", "PUNCT", "SCONJ", "AUX", "VERB", "NOUN", "PUNCT"]
    people = {"Мария Колева": ("PER", "Мария Колева", "f", ("министърката на труда",))}
    doc = hand_made_doc(text, people, parse=(heads, deps, pos))
    doc[4].set_morph("Definite=Def")
    doc[5].set_morph("Number=Sing")
    assert quotes(doc) == [("indirect", "ще подаде оставка", "Мария Колева")]
    doc[4].set_morph("Definite=Ind")  # "нова министърка": someone not named
    assert quotes(doc) == [("indirect", "ще подаде оставка", None)]


def test_a_passive_cue_reports_with_its_agent_or_no_one():
    assert passive_participles("помоли") == ["помолен", "помолена", "помолено", "помолени"]
    assert passive_participles("каза")[1] == "казана" and passive_participles("призна")[0] == "признат"
    text = ("Тя е била помолена да донесе вода от кладенеца. "
            "Компанията бе обвинена от Иван Петров, че е използвала личните данни на милиони потребители.")
    assert quotes(hand_made_doc(text, PETROV)) == [
        ("indirect", "да донесе вода от кладенеца", None),
        ("indirect", "е използвала личните данни на милиони потребители", "Иван Петров")]


def test_neither_an_adverb_before_a_colon_nor_a_heading_is_a_quote():
    text = "Окончателно : Германия разреши газопровода \n Иван Петров дойде ."
    heads = [3, 3, 3, 3, 3, 3, 8, 6, 8, 8]
    deps = ["advmod", "punct", "nsubj", "ROOT", "obj", "dep", "nsubj", "flat", "ROOT", "punct"]
    pos = ["ADV", "PUNCT", "PROPN", "VERB", "NOUN", "SPACE", "PROPN", "PROPN", "VERB", "PUNCT"]
    doc = hand_made_doc(text, {"Иван Петров": PETROV["Иван Петров"]}, parse=(heads, deps, pos))
    assert quotes(doc) == []
    doc[0].pos_ = "NOUN"  # "Експерт : …": a source the article names later
    assert quotes(doc) == [("direct", "Германия разреши газопровода ", "Иван Петров")]
    text = ("Иван Петров заяви, че реформата ще продължи.\n"
            "Заявление на министъра на финансите\n"
            "Той добави, че дефицитът ще намалее.")
    assert [content for _, content, _ in quotes(hand_made_doc(text, PETROV))] == [
        "реформата ще продължи", "дефицитът ще намалее"]


def test_according_to_a_phrase_names_the_person_in_it_an_anonymous_source_or_no_quote():
    text = ("Според генералния секретар на профсъюза Иван Петров предложението ще даде защита . "
            "Според новите правила пътниците имат право на чанта . "
            "Според източници пътниците имат право .")
    heads = [2, 2, 9, 4, 2, 4, 5, 9, 9, 9, 9, 9,
             14, 14, 16, 16, 16, 16, 19, 17, 16,
             22, 24, 24, 24, 24, 24]
    deps = ["case", "amod", "obl", "case", "nmod", "nmod", "flat", "nsubj", "aux", "ROOT", "obj", "punct",
            "case", "amod", "obl", "nsubj", "ROOT", "obj", "case", "nmod", "punct",
            "case", "obl", "nsubj", "ROOT", "obj", "punct"]
    pos = ["ADP", "ADJ", "NOUN", "ADP", "NOUN", "PROPN", "PROPN", "NOUN", "AUX", "VERB", "NOUN", "PUNCT",
           "ADP", "ADJ", "NOUN", "NOUN", "VERB", "NOUN", "ADP", "NOUN", "PUNCT",
           "ADP", "NOUN", "NOUN", "VERB", "NOUN", "PUNCT"]
    doc = hand_made_doc(text, {"Иван Петров": PETROV["Иван Петров"]}, parse=(heads, deps, pos))
    doc[14].set_morph("Number=Plur")
    doc[22].set_morph("Number=Plur")
    assert quotes(doc) == [("indirect", "предложението ще даде защита", "Иван Петров"),
                           ("indirect", "пътниците имат право", None)]  # rules are no source; sources are anonymous


def test_a_description_of_an_organisation_names_it():
    text = "Нискотарифният превозвач Ryanair отмени полета . Превозвачът заяви , че ще възстанови парите ."
    heads = [1, 3, 1, 3, 3, 3, 7, 7, 11, 11, 11, 7, 11, 7]
    deps = ["amod", "nsubj", "nmod", "ROOT", "obj", "punct", "nsubj", "ROOT", "punct", "mark", "aux", "ccomp", "obj",
            "punct"]
    pos = ["ADJ", "NOUN", "PROPN", "VERB", "NOUN", "PUNCT", "NOUN", "VERB", "PUNCT", "SCONJ", "AUX", "VERB", "NOUN",
           "PUNCT"]
    doc = hand_made_doc(text, {"Ryanair": ("ORG", "Ryanair", "", ())}, parse=(heads, deps, pos))
    assert doc._.organisations == {"vn:ORG:Ryanair": ("нискотарифният превозвач", "ryanair")}
    doc[6].set_morph("Definite=Def|Number=Sing")
    assert quotes(doc) == [("indirect", "ще възстанови парите", "Ryanair")]


def test_a_relay_names_an_outlet_the_recogniser_missed_but_not_one_after_a_preposition():
    text = ("Лидерите ще се съберат в Адис Абеба в неделя, пише The Independent. "
            "Първата ваксина може да бъде приложена още утре, пише онлайн изданието Politico в свой анализ. "
            "Срещата ще бъде утре в Женева, каза пред Би Би Си.")
    assert quotes(hand_made_doc(text, {})) == [
        ("indirect", "Лидерите ще се съберат в Адис Абеба в неделя", "The Independent"),
        ("indirect", "Първата ваксина може да бъде приложена още утре", "Politico")]


def test_a_relative_pronoun_speaks_for_its_antecedent_and_a_subject_before_the_verb_is_its_own():
    text = "Това е Иван Петров , който заяви , че ще гласува против ."
    heads = [2, 2, 2, 2, 6, 6, 2, 10, 10, 10, 6, 10, 2]
    deps = ["nsubj", "cop", "ROOT", "flat", "punct", "nsubj", "acl:relcl", "punct", "mark", "aux", "ccomp", "obl",
            "punct"]
    pos = ["PRON", "AUX", "PROPN", "PROPN", "PUNCT", "PRON", "VERB", "PUNCT", "SCONJ", "AUX", "VERB", "ADV", "PUNCT"]
    doc = hand_made_doc(text, {"Иван Петров": PETROV["Иван Петров"]}, parse=(heads, deps, pos))
    assert quotes(doc) == [("indirect", "ще гласува против", "Иван Петров")]
    text = "Преди да отпътува Петров заяви , че срещата е полезна ."
    # the parser hangs "Петров" on the first verb; it stands right before the cue, whose subject it is
    heads = [2, 2, 4, 2, 4, 9, 9, 9, 9, 4, 4]
    deps = ["case", "aux", "advcl", "nsubj", "ROOT", "punct", "mark", "nsubj", "cop", "ccomp", "punct"]
    pos = ["ADP", "AUX", "VERB", "PROPN", "VERB", "PUNCT", "SCONJ", "NOUN", "AUX", "ADJ", "PUNCT"]
    doc = hand_made_doc(text, {}, parse=(heads, deps, pos))
    assert quotes(doc) == [("indirect", "срещата е полезна", "Петров")]


def test_a_name_with_a_lower_case_particle_is_a_person_and_a_group_noun_is_not():
    text = "Европейците чакат. фон дер Лайен пристигна. Тя заяви, че ваксините са безопасни."
    found = quotes(hand_made_doc(text, {"фон дер Лайен": ("PER", "фон дер Лайен", "f", ()),
                                        "Европейците": ("PER", "европейци", "", ())}))
    assert found == [("indirect", "ваксините са безопасни", "фон дер Лайен")]


def test_the_lexicon_alternation_matches_its_words_exactly_longest_first():
    words = ["каза", "казаха", "каже", "кажа", "е заявил", "заяви"]
    pattern = re.compile(rf"(?<!\w)(?:{alternation(words)})(?!\w)")
    assert [m.group() for m in pattern.finditer("казаха, каза, каже, е заявил, заявиха, казах, ка")] == \
        ["казаха", "каза", "каже", "е заявил"]
    assert re.fullmatch(alternation(words), "казаха") and not re.fullmatch(alternation(words), "каз")
    assert re.match(alternation(words), "казаха").group() == "казаха"  # the longer word, not its prefix
