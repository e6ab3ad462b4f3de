"""Regression: the twelve quotations of the example article, all Ryabkov's, through "той", "дипломатът", "зам.-министърът"."""

EXPECTED = [
    # (type, start of the content, cue)
    ("indirect", "Русия няма да прави едностранни отстъпки на САЩ на предстоящите утре в Женева преговори", "заяви"),
    ("direct", "разочароващи", "определи"),
    ("mixed", 'Москва иска "юридически, правни гаранции, че НАТО няма да се разширява в бъдеще"', "подчерта"),
    ("indirect", "е много вероятно Москва да се сблъска с нежелание", "Според"),
    ("indirect", "Разбира се, че няма да правим никакви отстъпки под натиск и заплахи", "категоричен бе"),
    ("mixed", 'това е "напълно изключено", защото правенето на отстъпки', "подчерта"),
    ("indirect", "следващите преговори относно гаранциите за сигурност със САЩ може да се ограничат до една-единствена среща", "предупреди"),
    ("indirect", "това е възможен сценарий", "По негови думи"),
    ("direct", "да не си правят илюзии", "посъветва"),
    ("direct", "Няма да просим, имаме ясно формулирана цел", "отсече"),
    ("direct", "вървенето в кръг и повтарянето на едни и същи неща", "се обяви"),
    ("direct", "Ако отсрещната страна не покаже готовност", "коментира"),
]


def test_every_quotation_is_found_with_its_type_and_cue(example_record):
    found = [(q["type"], q["content"], q["cue"]["text"]) for q in example_record["quotes"]]
    assert len(found) == len(EXPECTED)
    for (kind, content, cue), (expected_kind, expected_start, expected_cue) in zip(found, EXPECTED):
        assert (kind, cue) == (expected_kind, expected_cue) and content.startswith(expected_start), content


def test_every_speaker_is_ryabkov_whatever_names_him(example_record):
    ryabkov = next(d["id"] for d in example_record["distinct_entities"] if d["name"] == "Сергей Рябков")
    assert all(q["speaker"] == {"name": "Сергей Рябков", "id": ryabkov} for q in example_record["quotes"])
    mentions = {q["speaker_mention"]["text"] for q in example_record["quotes"] if q["speaker_mention"]}
    assert {"той", "дипломатът", "Зам.-министърът", "Дипломатът", "Рябков", "Сергей Рябков"} <= mentions


def test_spans_are_exact_and_exclude_marks_cues_and_final_stops(example_record):
    text = example_record["text"]
    for quote in example_record["quotes"]:
        assert text[quote["start"]:quote["end"]] == quote["content"]
        assert text[quote["cue"]["start"]:quote["cue"]["end"]] == quote["cue"]["text"]
        assert not quote["content"].endswith((".", " "))
    direct = [q for q in example_record["quotes"] if q["type"] == "direct"]
    assert all(text[q["start"] - 1] == '"' and text[q["end"]] == '"' for q in direct)


def test_names_in_quotation_marks_are_not_quotes(example_record):
    assert not any(q["content"] in ("Спутник", "Северен поток 2") for q in example_record["quotes"])
