"""The command's contract: output shapes, exit codes, failures named, the rest still written."""

import json
import os
import re
import shutil

from conftest import EXAMPLE, run_vestnik

from vestnik.record import committed_json_schema, json_schema


def test_one_input_prints_one_json_object_and_several_print_json_lines(tmp_path):
    single = run_vestnik("analyze", EXAMPLE)
    assert single.code == 0 and single.stdout.startswith("{\n")
    (tmp_path / "b.txt").write_text("Вторият текст е кратък, но е на български език.", encoding="utf-8")
    shutil.copy(EXAMPLE, tmp_path / "a.txt")
    several = run_vestnik("analyze", tmp_path)
    assert several.code == 0
    lines = several.stdout.splitlines()
    assert len(lines) == 2 and [json.loads(line)["source"] for line in lines] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    several.records()


def test_directory_with_one_bad_file_analyses_the_rest_and_exits_1(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "good.txt")
    nested = tmp_path / "nested"
    nested.mkdir()
    (nested / "also-good.html").write_text("<html><body><article><p>Парламентът прие бюджета вчера.</p></article></body></html>", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG")
    run = run_vestnik("analyze", tmp_path, "--published", "2022-01-09")
    assert run.code == 1
    assert f"{tmp_path / 'empty.txt'}: empty file" in run.stderr
    assert f"{tmp_path / 'junk.txt'}: binary data" in run.stderr
    assert f"{tmp_path}: skipped 1 file that is not an article: ignored.png" in run.stderr  # named, not silently passed
    sources = [r["source"] for r in run.records()]
    assert sources == [str(tmp_path / "good.txt"), str(nested / "also-good.html")]


def test_a_directory_that_cannot_be_read_is_named_and_the_rest_analysed(tmp_path):
    """Made unreadable by a path longer than PATH_MAX, which stops root too (a chmod 000 would not)."""
    shutil.copy(EXAMPLE, tmp_path / "good.txt")
    descriptor = os.open(tmp_path, os.O_RDONLY)
    for level in range(17):  # 17 names of 250 characters: past 4,096
        name = f"{level:02d}" + "d" * 248
        os.mkdir(name, dir_fd=descriptor)
        deeper = os.open(name, os.O_RDONLY, dir_fd=descriptor)
        os.close(descriptor)
        descriptor = deeper
    os.close(descriptor)
    run = run_vestnik("analyze", tmp_path, "--published", "2022-01-09")
    assert run.code == 1
    assert re.search(r"d{248}: cannot read directory: File name too long", run.stderr), run.stderr
    assert [r["source"] for r in run.records()] == [str(tmp_path / "good.txt")]


def test_a_text_over_the_analysis_limit_is_refused_and_the_rest_analysed(tmp_path):
    (tmp_path / "0-long.txt").write_text("Дълъг текст без край и смисъл. " * 35_000, encoding="utf-8")  # 1,085,000
    shutil.copy(EXAMPLE, tmp_path / "1-example.txt")
    run = run_vestnik("analyze", tmp_path, "--published", "2022-01-09")
    assert run.code == 1
    assert f"{tmp_path / '0-long.txt'}: 1,084,999 characters of text, over the analysis limit of 1,000,000" in run.stderr
    assert [r["source"] for r in run.records()] == [str(tmp_path / "1-example.txt")]


def test_missing_path_is_a_named_failure(tmp_path):
    run = run_vestnik("analyze", EXAMPLE, tmp_path / "missing.txt")
    assert run.code == 1
    assert f"{tmp_path / 'missing.txt'}: no such file or directory" in run.stderr
    assert len(run.records()) == 1


def test_usage_errors_exit_2():
    assert run_vestnik().code == 2
    assert run_vestnik("analyze").code == 2
    bad_date = run_vestnik("analyze", EXAMPLE, "--published", "9.1.2022")
    assert bad_date.code == 2 and "YYYY-MM-DD" in bad_date.stderr
    assert run_vestnik("analyze", EXAMPLE, "--format", "xml").code == 2


def test_text_digest_and_output_file(tmp_path):
    out = tmp_path / "digest.txt"
    run = run_vestnik("analyze", EXAMPLE, "--published", "2022-01-09", "--format", "text", "--output", out)
    assert run.code == 0 and run.stdout == ""
    digest = out.read_text(encoding="utf-8")
    assert "2× [teaser_headline] Срещата в Женева няма да е лесна" in digest
    assert "'13-ти' → 2022-01-13 (day, relative)" in digest


def test_unwritable_output_is_a_usage_error(tmp_path):
    run = run_vestnik("analyze", EXAMPLE, "--output", tmp_path / "no" / "such" / "dir" / "out.json")
    assert run.code == 2 and "cannot write" in run.stderr


def test_committed_json_schema_matches_the_record_models():
    assert committed_json_schema() == json_schema(), "regenerate: vestnik schema > src/vestnik/article.schema.json"


def test_worker_processes_give_the_same_records_in_the_same_order(tmp_path):
    for name in ("a", "b", "c"):
        shutil.copy(EXAMPLE, tmp_path / f"{name}.txt")
    (tmp_path / "b.txt").write_text("Премиерът заяви, че бюджетът ще бъде приет утре.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    one = run_vestnik("analyze", tmp_path, "--published", "2022-01-09", "--format", "jsonl")
    two = run_vestnik("analyze", tmp_path, "--published", "2022-01-09", "--format", "jsonl", "--processes", "2")
    assert one.code == two.code == 1
    assert f"{tmp_path / 'bad.txt'}: empty file" in two.stderr
    assert one.stdout == two.stdout and len(two.records()) == 3


def test_a_language_the_stages_are_not_made_for_gets_no_junk_entities_and_says_so(tmp_path):
    english = ("Deputy Foreign Minister Sergei Ryabkov said on Sunday that Russia would make no concessions "
               "at the talks in Geneva. \"We will not give in to pressure,\" he told reporters.")
    (tmp_path / "en.txt").write_text(english, encoding="utf-8")
    (tmp_path / "ru.txt").write_text("Заместитель министра иностранных дел Сергей Рябков заявил в воскресенье, "
                                     "что Россия не пойдет на уступки на переговорах в Женеве.", encoding="utf-8")
    english_record, russian_record = run_vestnik("analyze", tmp_path).records()
    assert english_record["language"] == "en" and english_record["stages"] == ["sentences", "dates"]
    assert english_record["entities"] == english_record["quotes"] == english_record["events"] == []
    assert russian_record["stages"] == ["sentences", "dates", "entities"]  # the recogniser is trained on Russian too
    assert {entity["text"] for entity in russian_record["entities"]} >= {"Сергей Рябков", "Россия"}
    digest = run_vestnik("analyze", tmp_path / "en.txt", "--format", "text")
    assert "not analysed for language en: syntax, entities, quotes, events" in digest.stdout
