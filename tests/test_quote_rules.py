"""The parts of the quotes stage that do not need the entity model: marks, cue forms, scoring."""

from vestnik.bulgarian import verb_forms
from vestnik.quotes.cues import CUE_PATTERN
from vestnik.quotes.evaluate import QuoteScore, speaker_right, word_f1
from vestnik.quotes.content import quoted_spans, trim_clause


def _contents(text):
    return [text[a + 1:b] for a, b in quoted_spans(text)]


def test_quotation_marks_pair_in_every_style_and_nest():
    assert _contents("Той каза „Не“, а тя «Да» и \"Може би\" и “Никога”.") == ["Не", "Да", "Може би", "Никога"]
    nested = "„За последните дни в „Пирогов“ са 61 случая“. Това каза той."
    assert _contents(nested) == ["За последните дни в „Пирогов“ са 61 случая"]
    assert _contents("Той е от О\"Брайън.") == []  # a straight mark inside a word opens nothing


def test_a_lost_closing_mark_ends_before_the_cue():
    text = '"Положителното е, че има легла, обясни медикът. Друго изречение.\n\nНов абзац "с кавички".'
    assert _contents(text)[0] == "Положителното е, че има легла"


def test_straight_quotes_do_not_cross_paragraphs():
    text = 'Първи абзац с "изгубена кавичка.\n\nВтори абзац "с цитат" тук.'
    assert "с цитат" in _contents(text)


def test_cue_forms_carry_the_speakers_gender():
    forms = verb_forms("заяви", "заявява")
    assert forms["заяви"] == "" and forms["заявиха"] == "pl" and forms["заявил"] == "m" and forms["заявила"] == "f"
    assert forms["заявяват"] == "pl" and forms["заявявайки"] == ""
    assert verb_forms("твърди", "твърди")["твърдят"] == "pl"
    assert verb_forms("написа", "пише")["пишат"] == "pl"
    found = [m.group() for m in CUE_PATTERN.finditer("Той е заявил, че…, категоричен бе той, се обяви против, показа")]
    assert found == ["е заявил", "категоричен бе", "се обяви"]  # "показа" is not "каза"


def test_reported_clause_ends_before_relay_tags_and_concessions():
    text = "Той увери, че нищо няма да се промени въпреки претенциите на Мадрид, предаде Франс прес."
    start = text.index("нищо")
    assert text[start:trim_clause(text, start, len(text))] == "нищо няма да се промени"
    text = "Тя каза, че сделката ще бъде готова до края на 2020 г."
    start = text.index("сделката")
    assert text[start:trim_clause(text, start, len(text))] == "сделката ще бъде готова до края на 2020 г."


def test_scoring_follows_the_guidelines():
    assert word_f1("Нищо няма да се промени", "нищо няма да се промени!") == 1.0
    assert speaker_right("Сергей Рябков", "Рябков") and speaker_right("Алфонсо Дастис", "Дастис")
    assert not speaker_right(None, "Рябков") and speaker_right(None, None) and not speaker_right("Рябков", None)
    gold = [{"content": "Русия няма да прави отстъпки", "speaker": "Сергей Рябков", "type": "indirect", "optional": False, "cue": "заяви"},
            {"content": "Не, този ден не може да стане исторически", "speaker": "Песков", "type": "direct", "optional": True, "cue": ":"},
            {"content": "Няма да просим", "speaker": "Сергей Рябков", "type": "direct", "optional": False, "cue": "отсече"}]
    predicted = [{"content": "Русия няма да прави едностранни отстъпки", "speaker": {"name": "Рябков"}, "type": "indirect"},
                 {"content": "Не, този ден не може да стане исторически", "speaker": None, "type": "direct"},
                 {"content": "Нещо съвсем друго", "speaker": None, "type": "direct"}]
    score = QuoteScore()
    score.add("doc", predicted, gold)
    # the optional teaser match is ignored; one right, one missed, one spurious
    assert (score.predicted, score.gold, score.matched, score.speaker_right) == (2, 2, 1, 1)
