"""Bulgarian date expressions resolved against the publication date (a Sunday, 2022-01-09)."""

from datetime import date

import pytest
from conftest import run_vestnik

from vestnik.stages.dates import find_dates

PUBLISHED = date(2022, 1, 9)


@pytest.mark.parametrize("text, expression, value, granularity", [
    ("Срещата е утре.", "утре", "2022-01-10", "day"),
    ("Вчера той заяви.", "Вчера", "2022-01-08", "day"),
    ("На утрешните преговори", "утрешните", "2022-01-10", "day"),
    ("вчерашното заседание", "вчерашното", "2022-01-08", "day"),
    ("Заседанието е на 12 януари.", "12 януари", "2022-01-12", "day"),
    ("на 12 януари, а на 13-ти във Виена", "13-ти", "2022-01-13", "day"),
    ("Решението от 28 декември", "28 декември", "2021-12-28", "day"),
    ("на 3 фев. 2021 г.", "3 фев. 2021 г.", "2021-02-03", "day"),
    ("На 5.03.2021 г. парламентът", "5.03.2021 г.", "2021-03-05", "day"),
    ("публикувано 2020-12-01", "2020-12-01", "2020-12-01", "day"),
    ("Срещата е в понеделник.", "понеделник", "2022-01-10", "day"),
    ("Те говориха в четвъртък.", "четвъртък", "2022-01-06", "day"),
    ("миналия петък", "миналия петък", "2022-01-07", "day"),
    ("преди 3 дни", "преди 3 дни", "2022-01-06", "day"),
    ("миналата седмица", "миналата седмица", "2021-W52", "week"),
    ("след две седмици", "след две седмици", "2022-W03", "week"),
    ("следващия месец", "следващия месец", "2022-02", "month"),
    ("през май", "май", "2022-05", "month"),
    ("през януари 2021 г.", "януари 2021 г.", "2021-01", "month"),
    ("до края на 2020 г.", "2020 г.", "2020", "year"),
    ("през 2019 се случи", "2019", "2019", "year"),
    ("догодина", "догодина", "2023", "year"),
])
def test_expression_is_found_and_resolved(text, expression, value, granularity):
    [found] = [d for d in find_dates(text, PUBLISHED) if d.text == expression]
    assert (found.text, found.value, found.granularity) == (expression, value, granularity)
    assert text[found.start:found.end] == expression


@pytest.mark.parametrize("text", ["В 21-ви век", "31.13.2020", "Той беше 3-ти на състезанието", "май ще вали", "1500 души"])
def test_numbers_and_words_that_are_not_dates(text):
    assert find_dates(text, PUBLISHED) == []


def test_without_publication_date_relative_values_stay_null():
    found = find_dates("утре, 12 януари, на 13-ти, 5.03.2021 г.", None)
    assert [(d.text, d.value, d.relative) for d in found] == [
        ("утре", None, True), ("12 януари", None, True), ("13-ти", None, True), ("5.03.2021 г.", "2021-03-05", False)]


def test_a_month_without_a_year_told_in_the_past_is_the_last_one_before_publication(tmp_path):
    path = tmp_path / "october.txt"
    path.write_text("През март имаше избори, а от май досега цените растат. През март догодина ще има нови избори. "
                    "Делото ще бъде гледано на 3 март.", encoding="utf-8")
    run = run_vestnik("analyze", path, "--published", "2024-10-15")
    assert run.code == 0, run.stderr
    [record] = run.records()
    assert [(date["text"], date["value"]) for date in record["dates"]] == [
        ("март", "2024-03"), ("май", "2024-05"), ("март", "2025-03"), ("догодина", "2025"), ("3 март", "2025-03-03")]
