"""Events: the example article's events pinned, and the coder's rules on short texts through the real pipeline."""

from __future__ import annotations

import json
from typing import get_args

import pytest

from conftest import EXAMPLE, ROOT, run_vestnik
from vestnik.analysis import build_nlp
from vestnik.bulgarian import verb_forms
from vestnik.config import Settings
from vestnik.events.lexicon import TRIGGER_PATTERNS, TRIGGERS, TYPE_MODES, TYPES
from vestnik.pipeline import analyze_raw
from vestnik.record import EventType
from vestnik.stages.ingest import RawArticle


def _summary(event: dict) -> tuple:
    return (event["type"], event["mode"], {party["code"] for party in event["actor"]},
            {party["code"] for party in event["recipient"]}, (event["where"] or {}).get("text"), event["when"]["value"])


def test_example_events(example_record):
    events = [_summary(event) for event in example_record["events"]]
    assert ("CONSULT", "future", {"RUS"}, {"USA"}, "Женева", "2022-01-10") in events
    assert ("CONSULT", "future", {"RUS+NATO"}, set(), "Брюксел", "2022-01-12") in events
    assert ("CONSULT", "future", {"OSC"}, set(), "Виена", "2022-01-13") in events
    assert ("REQUEST", None, {"RUS"}, {"NATO"}, None, "2022-01-09") in events
    assert ("CONCEDE", "negated", {"RUS"}, {"USA"}, "Женева", "2022-01-10") in events
    geneva = next(event for event in example_record["events"] if event["where"] and event["where"]["text"] == "Женева"
                  and event["type"] == "CONSULT")
    assert "Уенди Шерман" in [party["name"] for party in geneva["recipient"]]  # the US delegation's head
    assert len([e for e in example_record["events"] if e["type"] == "CONSULT" and e["where"]
                and e["where"]["text"] == "Женева"]) == 1  # told four times, one event
    refusal = next(event for event in example_record["events"] if event["type"] == "CONCEDE" and event["actor"][0]["id"]
                   == "GPE-Russia")
    assert example_record["quotes"][refusal["quote_index"]]["content"].startswith("Русия няма да прави")
    ryabkov = [party for event in example_record["events"] for party in event["actor"] if party["name"] == "Сергей Рябков"]
    assert ryabkov and all((party["code"], party["sector"]) == ("RUS", "GOV") for party in ryabkov)


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _events(nlp, text: str, published: str | None = "2021-03-01") -> list[tuple]:
    [record] = analyze_raw([RawArticle(source="t", content=text, is_html=False)], Settings(published=published), nlp)
    return [_summary(event.model_dump()) for event in record.events]


@pytest.mark.parametrize("text, expected", [
    ("Германия подкрепи искането на Ирландия за удължаване на срока.", ("SUPPORT", None, {"DEU"}, {"IRL"}, None, "2021-03-01")),
    ("Полша обвини Германия, че подкрепя газопровода.", ("ACCUSE", None, {"POL"}, {"DEU"}, None, "2021-03-01")),
    ("Вашингтон заплаши Берлин със санкции.", ("THREATEN", None, {"USA"}, {"DEU"}, None, "2021-03-01")),
    ("Русия няма да отстъпи пред натиска на САЩ.", ("CONCEDE", "negated", {"RUS"}, {"USA"}, None, "2021-03-01")),
    ("Президентът Байдън ще посети Варшава на 5 март.", ("CONSULT", "future", {None}, {"POL"}, "Варшава", "2021-03-05")),
    ("Франция може да наложи санкции на Русия.", ("SANCTION", "hypothetical", {"FRA"}, {"RUS"}, None, "2021-03-01")),
])
def test_rules(nlp, text, expected):
    assert expected in _events(nlp, text)


def test_a_nationality_is_read_only_from_the_title_before_a_name(nlp):
    """"руските олигарси, … след като Тереза Мей" does not make Theresa May Russian; "руският министър" does."""
    [request] = _events(nlp, "Марина Литвиненко призова да се върнат парите на руските олигарси, получени, "
                             "след като Тереза Мей стана премиер.")
    assert request[0] == "REQUEST" and request[3] == {None}
    assert ("REQUEST", None, {"RUS"}, {None}, None, "2021-03-01") in _events(
        nlp, "Руският външен министър Сергей Лавров призова Тереза Мей да върне парите.")


def test_a_group_the_recogniser_does_not_name_acts_as_its_sector_of_the_articles_country(nlp):
    [record] = analyze_raw([RawArticle(source="t", content="Протестът в София продължи и вчера. Полицията задържа двама "
                                                           "протестиращи пред парламента в София.", is_html=False)],
                           Settings(), nlp)
    [coerce] = [event for event in record.events if event.type == "COERCE"]
    assert [(party.name, party.label, party.code, party.sector) for party in coerce.actor] == \
        [("полиция", "GROUP", "BGR", "COP")]


def test_imperfect_forms_are_triggers_and_cues_too():
    forms = verb_forms("каза", "казва")
    assert forms["казваше"] == "" and forms["казваха"] == "pl" and verb_forms("твърди", "твърди")["твърдяха"] == "pl"
    assert any(pattern.fullmatch("подписваха") for trigger, pattern in TRIGGER_PATTERNS if trigger.type == "AGREE")


def test_the_lexicon_covers_exactly_the_plover_types():
    assert {trigger.type for trigger in TRIGGERS} == set(TYPES) == set(get_args(EventType))
    assert all(trigger.mode in TYPE_MODES.get(trigger.type, ()) for trigger in TRIGGERS if trigger.mode)


def test_a_meeting_in_a_place_is_not_a_party(nlp):
    [consult] = _events(nlp, "Путин и Байдън се срещнаха в Женева на 16 юни.")
    assert consult[0] == "CONSULT" and consult[4] == "Женева"
    assert consult[5] == "2020-06-16"  # told in the past in an article of 2021-03-01: the June before, not the next one
    [consult] = _events(nlp, "Путин и Байдън ще се срещнат в Женева на 16 юни.")
    assert consult[5] == "2021-06-16"


def test_words_that_only_look_like_triggers(nlp):
    assert _events(nlp, "Такива случаи се среща рядко. С помощта на съседите България се справи.") == []
    assert _events(nlp, "Евродепутатите и самите британци очакват решение.") == []


def test_plover_export_of_the_example():
    run = run_vestnik("export", "--format", "plover", EXAMPLE, "--published", "2022-01-09")
    assert run.code == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.splitlines()]
    for event in events:
        assert set(event) == {"id", "date", "actor", "recipient", "event", "mode", "context", "event_loc", "event_text",
                              "text_info", "cite_info"}
    assert ("CONSULT", "2022-01-12", "Брюксел") in {(e["event"], e["date"], (e["event_loc"] or {}).get("name")) for e in events}


def test_eval_events_prints_its_table():
    run = run_vestnik("eval", "events", "--data", ROOT.parent / "shared" / "data" / "slavicner")
    assert run.code == 0, run.stderr
    assert "| all | 139 |" in run.stdout and "F1 type only" in run.stdout
