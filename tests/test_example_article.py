"""The article that started vestnik, end to end through the real command."""

from conftest import EXAMPLE

TEASERS = [
    ("САЩ може да изтеглят войски от Източна Европа и да се договорят с Русия", "teaser_headline", 2),
    ("Но трябват реципрочни действия за намаляване напрежението по границата Русия-съюзниците от НАТО", "teaser_standfirst", 1),
    ("САЩ и Германия виждат заплаха за мира в Европа с действията на Русия срещу Украйна", "teaser_headline", 2),
    ('Блинкън: При нахлуване е трудно да си представим пускане на "Северен поток 2"', "teaser_standfirst", 1),
    ("Срещата в Женева няма да е лесна", "teaser_headline", 2),
    ("Песков: Не, този ден не може да стане исторически и не бива да очакваме пробиви", "teaser_standfirst", 1),
]


def test_the_six_teaser_lines_are_removed_and_reported(example_record):
    removed = [(r["text"], r["reason"], r["count"]) for r in example_record["removed"]]
    assert removed == TEASERS
    for text, _, _ in TEASERS:
        assert text not in example_record["text"]


def test_every_body_paragraph_stays_intact(example_record):
    teaser_lines = {text for text, _, _ in TEASERS}
    body = [p for p in EXAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip() and p.strip() not in teaser_lines]
    assert len(body) == 12
    paragraphs = [example_record["text"][p["start"]:p["end"]] for p in example_record["paragraphs"]]
    assert paragraphs == [p.strip() for p in body]


def test_dates_resolve_against_the_publication_date(example_record):
    dates = [(d["text"], d["value"]) for d in example_record["dates"]]
    assert dates == [("утре", "2022-01-10"), ("утре", "2022-01-10"), ("утрешните", "2022-01-10"),
                     ("12 януари", "2022-01-12"), ("13-ти", "2022-01-13")]
    text = example_record["text"]
    assert all(text[d["start"]:d["end"]] == d["text"] for d in example_record["dates"])


def test_record_fields(example_record):
    assert example_record["schema"] == "vestnik.article/2"
    assert example_record["language"] == "bg"
    assert example_record["published"] == "2022-01-09"
    assert example_record["title"] is None  # the first line is a lead paragraph of two sentences, not a headline
    assert example_record["events"]  # their content: tests/test_events.py
    assert len(example_record["id"]) == 32


def test_sentences_respect_abbreviations_and_quotes(example_record):
    text = example_record["text"]
    sentences = [text[s["start"]:s["end"]] for s in example_record["sentences"]]
    assert 'Зам.-министърът се обяви против "вървенето в кръг и повтарянето на едни и същи неща".' in sentences
    assert "Толкова е просто\", отсече той." in sentences
    assert "По негови думи това е възможен сценарий." in sentences
    assert all(s == s.strip() and s for s in sentences)
