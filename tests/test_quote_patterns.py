"""Quotation patterns through the real pipeline (shipped entity model), one short text each."""

import pytest

from vestnik.analysis import build_nlp
from vestnik.config import Settings
from vestnik.pipeline import analyze_raw
from vestnik.stages.ingest import RawArticle


@pytest.fixture(scope="module")
def quotes_of():
    nlp = build_nlp()

    def run(text):
        [record] = analyze_raw([RawArticle(source="t", content=text, is_html=False)], Settings(), nlp)
        return [(q.type, q.content, q.speaker.name if q.speaker else None) for q in record.quotes]

    return run


def test_a_cue_between_dashes_splits_one_pair_of_marks_into_two_quotes(quotes_of):
    text = "„Чувствам се непълна без майка ми – разказва Мария Иванова пред журналисти – Има много неща, които искам да споделя.“"
    assert quotes_of(text) == [("direct", "Чувствам се непълна без майка ми", "Мария Иванова"),
                               ("direct", "Има много неща, които искам да споделя.", "Мария Иванова")]


def test_a_quote_interrupted_by_its_cue_between_two_pairs_of_marks(quotes_of):
    text = "„Няма да има нови данъци“, каза финансовият министър Асен Василев. „Бюджетът ще бъде приет навреме.“"
    found = quotes_of(text)
    assert found[0] == ("direct", "Няма да има нови данъци", "Асен Василев")


def test_indirect_clause_pronoun_and_unnamed_sources(quotes_of):
    text = ("Министърът на финансите Асен Василев заяви, че бюджетът ще бъде приет до края на месеца. "
            "Той подчерта, че дефицитът ще остане под 3 процента. "
            "Източници от кабинета твърдят, че оставка няма да има.")
    assert quotes_of(text) == [
        ("indirect", "бюджетът ще бъде приет до края на месеца", "Асен Василев"),
        ("indirect", "дефицитът ще остане под 3 процента", "Асен Василев"),
        ("indirect", "оставка няма да има", None),
    ]


def test_names_and_titles_in_quotation_marks_are_not_quotes(quotes_of):
    assert quotes_of("Германският вестник „Франкфуртер алгемайне цайтунг“ пише за газопровода „Северен поток 2“.") == []


def test_colon_headlines_name_the_speaker_the_article_identifies_later(quotes_of):
    text = "Песков: Не, този ден не може да стане исторически\n\nГоворителят на Кремъл Дмитрий Песков коментира срещата в Женева."
    assert quotes_of(text) == [("direct", "Не, този ден не може да стане исторически", "Дмитрий Песков")]
    text = ("Испанският външен министър: Брекзит няма да промени живота в Гибралтар\n\n"
            "Испанският външен министър Алфонсо Дастис увери, че границата няма да бъде затворена.")
    assert quotes_of(text) == [("direct", "Брекзит няма да промени живота в Гибралтар", "Алфонсо Дастис"),
                               ("indirect", "границата няма да бъде затворена", "Алфонсо Дастис")]


def test_section_labels_and_bylines_before_a_colon_open_no_quotation(quotes_of):
    text = ("Тема: Бюджетът за 2025 година\n\nАнализ: Какво означава новият бюджет за пенсионерите\n\n"
            "Редактор: Мария Иванова\n\nПесков: Не, този ден не може да стане исторически\n\n"
            "Говорителят на Кремъл Дмитрий Песков коментира срещата в Женева.")
    assert quotes_of(text) == [("direct", "Не, този ден не може да стане исторически", "Дмитрий Песков")]


def test_a_postposed_cue_keeps_its_content_when_the_speaker_goes_on_in_a_gerund_or_a_relative_clause(quotes_of):
    text = ("Германия няма да спре проекта, заяви правителственият говорител Щефен Зайберт. Принципната позиция не "
            "се е променила, каза той, припомняйки, че проектът е икономически. Трябва да продължим преговорите, "
            "обясни говорителят, който отговаря и за енергетиката.")
    assert quotes_of(text) == [("indirect", "Германия няма да спре проекта", "Щефен Зайберт"),
                               ("indirect", "Принципната позиция не се е променила", "Щефен Зайберт"),
                               ("indirect", "проектът е икономически", "Щефен Зайберт"),
                               ("indirect", "Трябва да продължим преговорите", "Щефен Зайберт")]


def test_speech_nouns_take_their_source_and_the_subject_of_their_clause(quotes_of):
    text = ("Ася Биби отвърнала на предложение от други жени да приеме исляма. Марк Зукърбърг отхвърли призивите "
            "хората да напускат социалната мрежа. Приветствано бе потвърждението на Европейската комисия, че "
            "правата на гражданите ще бъдат запазени.")
    assert quotes_of(text) == [
        ("indirect", "да приеме исляма", None),  # "други жени": a source the article does not name
        ("indirect", "хората да напускат социалната мрежа", None),  # whose calls, the sentence does not say
        ("indirect", "правата на гражданите ще бъдат запазени", "Европейска комисия")]


def test_a_name_the_recogniser_missed_is_still_the_cue_subjects(quotes_of):
    found = quotes_of("По-рано Фарадж беше заявил, че революцията от 2016 година продължава.")
    assert [(kind, speaker) for kind, _, speaker in found] == [("indirect", "Фарадж")]
