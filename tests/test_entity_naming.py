"""Base forms, Latin spellings and identities: the parts of the entity stage that are rules."""

import pytest

from collections import Counter

from vestnik.entities.component import _share_person_ids, distinct_entities
from vestnik.entities.names import display_name
from vestnik.record import Entity
from vestnik.entities.corpus import Document, Mention
from vestnik.entities.kb import KnowledgeBase, local_id, skeleton
from vestnik.entities.lemma import BaseFormRules, normalise_name
from vestnik.entities.translit import to_latin


@pytest.mark.parametrize("cyrillic, latin", [
    ("Рябков", "Ryabkov"), ("Шерман", "Sherman"), ("Женева", "Zheneva"), ("Щерев", "Shterev"),
    ("София", "Sofia"), ("Организация за сигурност", "Organizatsia za sigurnost"), ("САЩ", "SASHT"),
    ("Юнкер", "Yunker"), ("Съвет Русия-НАТО", "Savet Rusia-NATO"), ("България", "Bulgaria"),
    ("Уенди Шерман", "Uendi Sherman"), ("Nord Stream 2", "Nord Stream 2"),
])
def test_official_bulgarian_transliteration(cyrillic, latin):
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize("written, normal", [
    ("Северен поток-2", "Северен поток 2"), ('"Северен поток" 2', "Северен поток 2"),
    ("“Северен поток-2“", "Северен поток 2"), ("Северен поток – 2", "Северен поток 2"),
    ("Ковид-19", "Ковид-19"), ("Боинг 737-MAX-200", "Боинг 737-MAX-200"), ("Газпром“", "Газпром"),
    ("О'Лири", "О'Лири"), ("институт „Сънибрук“", "институт „Сънибрук“"),
])
def test_names_are_spelt_as_the_corpus_spells_them(written, normal):
    assert normalise_name(written) == normal


def _document(*mentions):
    text = " ".join(m[0] for m in mentions)
    found, offset = [], 0
    for surface, lemma, label, identity in mentions:
        found.append(Mention(offset, offset + len(surface), surface, lemma, label, identity))
        offset += len(surface) + 1
    return Document("t/bg/x.txt", "t", "bg", text, tuple(found))


def test_base_form_rules_generalise_suffixes_and_stop_at_prepositions():
    training = _document(
        ("Европейския парламент", "Европейски парламент", "ORG", "ORG-EP"),
        ("Националния съвет", "Национален съвет", "ORG", "ORG-NS"),
        ("Върховния съд", "Върховен съд", "ORG", "ORG-VS"),
        ("Българската академия", "Българска академия", "ORG", "ORG-BA"),
        ("Руската академия", "Руска академия", "ORG", "ORG-RA"),
        ("Съвета на ЕС", "Съвет на ЕС", "ORG", "ORG-CEU"),
        ("Съвета на Европа", "Съвет на Европа", "ORG", "ORG-CE"),
        ("британците", "британци", "PER", "GPE-UK"),
        ("българите", "българи", "PER", "GPE-BG"),
    )
    rules = BaseFormRules.learn([training])
    assert rules.base_form("Европейския парламент", "ORG") == "Европейски парламент"  # remembered
    assert rules.base_form("Световния съвет", "ORG") == "Световен съвет"
    assert rules.base_form("Сръбската академия", "ORG") == "Сръбска академия"
    assert rules.base_form("Съвета на министрите", "ORG") == "Съвет на министрите"
    assert rules.base_form("румънците", "PER") == "румънци"
    assert rules.base_form("Рябков", "PER") == "Рябков"


def test_knowledge_base_links_across_languages_and_spellings():
    bulgarian = _document(("САЩ", "САЩ", "LOC", "GPE-USA"), ("Европейския съюз", "Европейски съюз", "ORG", "ORG-EU"))
    russian = Document("t/ru/y.txt", "t", "ru", "Пётр Порошенко Алексей Миллер", (
        Mention(0, 14, "Пётр Порошенко", "Пётр Порошенко", "PER", "PER-Petro-Poroshenko"),
        Mention(15, 29, "Алексей Миллер", "Алексей Миллер", "PER", "PER-Aleksey-Miller")))
    groups = _document(("британците", "британци", "PER", "GPE-Great-Britain"), ("Великобритания", "Великобритания", "LOC", "GPE-Great-Britain"))
    kb = KnowledgeBase.build([bulgarian, russian, groups])
    assert kb.link("британците", "британци", "PER") == "GPE-Great-Britain"  # a nationality links to its country
    assert kb.link("Великобритания", "Великобритания", "PER") is None  # a capitalised name keeps to its label
    assert kb.link("Европейския съюз", "Европейски съюз", "ORG") == "ORG-EU"
    assert kb.link("САЩ", "САЩ", "LOC") == "GPE-USA"
    assert kb.link("САЩ", "САЩ", "PER") is None  # a label the id does not allow
    assert kb.link("Петро Порошенко", "Петро Порошенко", "PER") == "PER-Petro-Poroshenko"
    assert kb.link("Алексей Милер", "Алексей Милер", "PER") == "PER-Aleksey-Miller"
    assert kb.link("Милер", "Милер", "PER") == "PER-Aleksey-Miller"
    assert kb.link("Рябков", "Рябков", "PER") is None
    assert skeleton("Миллер") == skeleton("Милер") == "miler"


def test_unknown_entities_get_a_stable_readable_id():
    assert local_id("PER", "Сергей Рябков") == local_id("PER", "сергей  рябков") == "vn:PER:Sergey-Ryabkov"


def test_a_surname_shares_the_id_of_the_one_full_name_it_shortens():
    def mention(text, label="PER", entity_id=None):
        return Entity(start=0, end=0, text=text, label=label, lemma=text, id=entity_id or local_id(label, text),
                      latin=to_latin(text))
    mentions = [mention("Сергей Рябков"), mention("Рябков"), mention("Русия", "LOC", "GPE-Russia"), mention("Шерман")]
    shared = _share_person_ids(mentions)
    assert shared[1].id == shared[0].id == "vn:PER:Sergey-Ryabkov"
    assert shared[3].id == "vn:PER:Sherman"
    two_ivanovs = _share_person_ids([mention("Петър Иванов"), mention("Мария Иванов"), mention("Иванов")])
    assert two_ivanovs[2].id == "vn:PER:Ivanov"


def test_an_entity_goes_by_its_most_frequent_full_form():
    assert display_name(Counter({"Рябков": 5, "Сергей Рябков": 1})) == "Сергей Рябков"  # a shortening is not full
    assert display_name(Counter({"Русия": 3, "руската държава": 1})) == "Русия"  # the longest is not the name
    assert display_name(Counter({"САЩ": 1, "Съединени щати": 1})) == "Съединени щати"  # a tie: more words
    mentions = [Entity(start=i, end=i + 1, text=lemma, label="LOC", lemma=lemma, id="GPE-Russia", latin=to_latin(lemma))
                for i, lemma in enumerate(["Русия", "руската държава", "Русия"])]
    [russia] = distinct_entities(mentions)
    assert (russia.name, russia.latin, russia.mentions) == ("Русия", "Rusia", [0, 1, 2])


def test_quoted_names_the_recogniser_missed_become_products_or_organisations():
    from vestnik.analysis import blank_nlp

    nlp = blank_nlp()  # no recogniser: the rule alone
    nlp.add_pipe("vestnik_quoted_names")
    text = ('Строителството на газопровода "Тракийски поток" 3 приключва, съобщи "Пловдивска инженерна група" АД. '
            'Партия "Зелено бъдеще" поиска проверка. "Няма да спрем проекта", каза кметът. '
            'Вестник „Труд“ писа за това.')
    found = {span.text: span.label_ for span in nlp(text).ents}
    assert found.get('"Тракийски поток" 3') == "PRO"
    assert found.get("Пловдивска инженерна група") == "ORG"
    assert found.get("Зелено бъдеще") == "ORG"
    assert found.get("Труд") == "PRO"
    assert not any("Няма да спрем" in name for name in found)  # a sentence in quotation marks is a quote


def test_a_name_is_cut_at_a_bracket_it_does_not_close():
    from spacy.tokens import Span

    from vestnik.analysis import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("vestnik_entity_boundaries")
    doc = nlp.make_doc("Според Организацията на обединените нации (ООН) и Европейския съюз ( ЕС ) войната (ужасна) е факт.")
    words = [token.text for token in doc]
    un, eu = words.index("Организацията"), words.index("Европейския")
    doc.ents = [Span(doc, un, words.index("ООН") + 1, label="ORG"),  # runs into "(" and stops before ")"
                Span(doc, eu, words.index("ЕС"), label="ORG")]  # ends on "("
    names = [(span.text, span.label_) for span in nlp.get_pipe("vestnik_entity_boundaries")(doc).ents]
    assert names == [("Организацията на обединените нации", "ORG"), ("ООН", "ORG"), ("Европейския съюз", "ORG")]
