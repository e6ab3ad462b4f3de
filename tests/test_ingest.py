"""Inputs as they come: encodings, HTML pages, JSON Lines, stdin, and inputs that must be refused."""

import json

import pytest
from conftest import DATA, EXAMPLE, analysed_text, run_vestnik

from vestnik.stages.ingest import InputError, decode

BULGARIAN = 'Русия няма да прави едностранни отстъпки на САЩ, заяви Сергей Рябков в Женева "днес".\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251", "koi8_r"])
def test_decodes_the_encodings_bulgarian_sites_serve(encoding):
    data = (BULGARIAN * 3).encode(encoding)
    assert decode(data, "x.txt") == BULGARIAN * 3


@pytest.mark.parametrize("text, encoding, declaration", [
    ("Prezydent Andrzej Duda powiedział w środę, że rząd przygotował nową ustawę.", "windows-1250",
     '<meta charset="windows-1250">'),
    ("Předseda vlády řekl, že se ministři sejdou příští týden v Praze.", "iso-8859-2",
     '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-2">'),
    ("中国外交部发言人周三表示，双方将在日内瓦举行会谈。", "gb2312", "<meta charset=gb2312>"),  # read as GB18030
    ("Рябков заявил, что Россия не пойдет на уступки.", "koi8-r", '<?xml version="1.0" encoding="KOI8-R"?>'),
    ("Рябков заяви, че Русия няма да прави отстъпки.", "cp1251", '<META CHARSET="windows-1251">'),
])
def test_a_page_is_read_in_the_charset_it_declares(text, encoding, declaration):
    page = f"<html><head>{declaration}<title>t</title></head><body><p>{text}</p></body></html>"
    assert text in decode(page.encode(encoding), "page.html")


@pytest.mark.parametrize("text, encoding", [
    ("Prezydent Andrzej Duda powiedział w środę, że rząd przygotował nową ustawę o żłobkach. Źródło: PAP.", "cp1250"),
    ("Předseda vlády řekl, že se ministři sejdou příští týden v Praze. Žádné další podrobnosti neuvedl.", "iso8859_2"),
    ("Олександр сказав, що Україна готова до переговорів у Женеві наступного тижня. Її позиція не змінилася.", "koi8_u"),
    ("東京都は本日、新しい経済対策を発表しました。知事は記者会見で説明した。", "shift_jis"),
    ("台北市政府今天宣布新的經濟措施，市長在記者會上說明。", "big5"),
    ("北京市政府今天宣布了新的经济措施，市长在记者会上作了说明。", "gb18030"),
    ("서울시는 오늘 새로운 경제 대책을 발표했다. 시장은 기자회견에서 설명했다.", "euc_kr"),
])
def test_undeclared_european_and_east_asian_text_is_detected(text, encoding):
    assert decode(text.encode(encoding), "article.txt") == text


def test_mixed_utf8_and_cp1251_lines_are_each_decoded():
    lines = ["Заглавие на статията в UTF-8\n", "Тялото е останало в Windows-1251 от стария сайт.\n", "И пак UTF-8 накрая.\n"]
    data = lines[0].encode("utf-8") + lines[1].encode("cp1251") + lines[2].encode("utf-8")
    assert decode(data, "mixed.txt") == "".join(lines)


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"   \n\n\t ", "empty file"),
    (bytes(range(256)) * 20, "binary data"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(7, 200)) * 5, "binary data"),
])
def test_refuses_empty_and_binary_input(data, reason):
    with pytest.raises(InputError) as error:
        decode(data, "bad.bin")
    assert error.value.source == "bad.bin" and reason in error.value.reason


def test_cp1251_file_end_to_end(tmp_path):
    path = tmp_path / "cp1251.txt"
    path.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("cp1251"))
    run = run_vestnik("analyze", path, "--published", "2022-01-09")
    assert run.code == 0, run.stderr
    [record] = run.records()
    assert "Сергей Рябков" in record["text"] and record["language"] == "bg"
    assert len(record["removed"]) == 6


def test_html_page_keeps_the_article_and_drops_navigation(tmp_path):
    run = run_vestnik("analyze", DATA / "page_with_navigation.html")
    assert run.code == 0, run.stderr
    [record] = run.records()
    assert record["title"] == "Рябков: Няма да правим отстъпки"
    assert record["author"] == "Иван Петров"
    assert record["url"] == "https://example.bg/news/ryabkov"
    assert record["published"] == "2022-01-09"
    text = record["text"]
    assert text.startswith("Рябков: Няма да правим отстъпки\n\nРусия няма да прави")
    assert "„разочароващи“" in text  # quotation marks untouched
    for furniture in ("Начало", "Политика", "бисквитки", "Свързани новини", "Срещата в Женева", "Всички права", "Поверителност"):
        assert furniture not in text
    assert [d["value"] for d in record["dates"]] == ["2022-01-10"]  # "утре" against the page's own date


def test_malformed_html_still_yields_its_text(tmp_path):
    record = analysed_text(tmp_path / "broken.html", "<html><body><div><p>Премиерът заяви, че бюджетът ще бъде приет до "
                           "края на месеца.<p>Опозицията поиска оставка на кабинета<div><b>незатворен таг")
    assert "Опозицията поиска оставка" in record["text"]


def test_html_page_without_an_article_is_named(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title></head><body><nav><a href='/'>Начало</a></nav></body></html>", encoding="utf-8")
    run = run_vestnik("analyze", path)
    assert run.code == 1
    assert f"{path}: HTML page with no article text" in run.stderr


def test_jsonl_articles_with_their_own_metadata(tmp_path):
    path = tmp_path / "feed.jsonl"
    rows = [
        {"id": "a1", "url": "https://example.bg/1", "title": "Среща в Женева", "published": "2022-01-09",
         "text": "Преговорите ще бъдат утре в Женева.\nРусия и САЩ ще обсъдят сигурността."},
        {"id": "a2", "published": "2022-01-11", "html": "<html><body><article><p>Заседанието на Съвета Русия-НАТО е утре в Брюксел.</p></article></body></html>"},
        "not an object",
        {"id": "a4"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{broken\n", encoding="utf-8")
    run = run_vestnik("analyze", path)
    assert run.code == 1
    first, second = run.records()
    assert first["source"] == f"{path}:1" and first["source_id"] == "a1" and first["url"] == "https://example.bg/1"
    assert first["title"] == "Среща в Женева" and first["text"].startswith("Среща в Женева\n\nПреговорите")
    assert first["dates"][0]["value"] == "2022-01-10"
    assert second["dates"][0]["value"] == "2022-01-12"
    assert f"{path}:3: a line must be a JSON object" in run.stderr
    assert f"{path}:4: has neither a non-empty 'text' nor 'html' field" in run.stderr
    assert f"{path}:5: not valid JSON" in run.stderr


def test_stdin(tmp_path):
    run = run_vestnik("analyze", "-", "--published", "2022-01-09", stdin=EXAMPLE.read_bytes())
    assert run.code == 0, run.stderr
    [record] = run.records()
    assert record["source"] == "-" and record["dates"][0]["value"] == "2022-01-10"


def test_file_over_the_size_limit_is_refused_with_the_limit_named(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("Дълъг текст на български. " * 2000, encoding="utf-8")
    run = run_vestnik("analyze", path, "--max-bytes", "10000")
    assert run.code == 1
    assert f"{path}: file is {path.stat().st_size:,} bytes, over the limit of 10,000" in run.stderr
    run = run_vestnik("analyze", path, env={"VESTNIK_MAX_BYTES": "10000"})
    assert run.code == 1 and "over the limit of 10,000" in run.stderr
    assert run_vestnik("analyze", path).code == 0


def test_other_languages_are_recorded_with_their_language(tmp_path):
    samples = {
        "ru": "Россия не пойдет на односторонние уступки США на переговорах в Женеве, заявил замминистра иностранных дел Сергей Рябков.",
        "en": "Russia will not make unilateral concessions to the United States at the talks in Geneva, said deputy foreign minister Sergei Ryabkov.",
        "mk": "Русија нема да прави еднострани отстапки на САД на утрешните преговори во Женева, изјави рускиот заменик-министер Сергеј Рјабков.",
    }
    for code, text in samples.items():
        (tmp_path / f"{code}.txt").write_text(text, encoding="utf-8")
    run = run_vestnik("analyze", tmp_path, "--format", "jsonl")
    assert run.code == 0, run.stderr
    assert {r["source"].rsplit("/", 1)[1]: r["language"] for r in run.records()} == {f"{c}.txt": c for c in samples}
