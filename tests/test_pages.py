"""Real pages as they come: furniture, dates, navigation pages, tables, walks and languages.

The public test sets are read from ../shared/pages (never copied here); the Bulgarian pages of
tests/data/pages-bg were written by hand, each modelling a kind of Bulgarian news site, with what must
come out of it in their expected.json (written from the pages, not from vestnik's output)."""

from __future__ import annotations

import json
from pathlib import Path

import htmldate
import pytest
from conftest import DATA, ROOT, analysed_text, run_vestnik

PAGES = ROOT.parent / "shared" / "pages"
BULGARIAN_PAGES = DATA / "pages-bg"
EXPECTED = json.loads((BULGARIAN_PAGES / "expected.json").read_text(encoding="utf-8"))
ARTICLE_TEXT = ("Народното събрание прие на второ четене бюджета за следващата година. „Това е добър бюджет за "
                "хората“, заяви финансовият министър пред депутатите. Опозицията гласува против и обяви, че ще "
                "сезира Конституционния съд.")


@pytest.fixture(scope="module")
def bulgarian_records(tmp_path_factory) -> dict[str, dict | str]:
    """Every hand-written Bulgarian page analysed at once: file name → its record, or the reason it was refused."""
    run = run_vestnik("analyze", BULGARIAN_PAGES, "--format", "jsonl")
    records: dict[str, dict | str] = {Path(record["source"]).name: record for record in run.records()}
    for line in run.stderr.splitlines():
        if line.startswith(f"vestnik: {BULGARIAN_PAGES}/"):
            name, reason = line.removeprefix(f"vestnik: {BULGARIAN_PAGES}/").split(": ", 1)
            records[name] = reason
    return records


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bulgarian_page_comes_out_clean(name, bulgarian_records):
    expected, result = EXPECTED[name], bulgarian_records.get(name)
    assert result is not None, f"{name} was neither analysed nor refused"
    if not expected["article"]:
        assert isinstance(result, str) and result.startswith("no article text"), result
        return
    assert isinstance(result, dict), f"{name} refused: {result}"
    text = result["text"]
    missing = [snippet for snippet in expected["must_contain"] if " ".join(snippet.split()) not in text]
    leaked = [snippet for snippet in expected["must_not_contain"] if snippet in text]
    assert not missing and not leaked, f"{expected['site']}: missing {missing}, leaked {leaked}"
    assert result["title"] == expected["title"]
    assert result["published"] == expected["published"]
    assert result["author"] == expected["author"]
    bylines = {line for line in expected["must_not_contain"] if expected["author"] and expected["author"] in line}
    assert not [quote for quote in result["quotes"] if quote["cue"] and quote["cue"]["text"] == ":" and
                any(quote["content"] in line for line in bylines)], "a byline became a colon quotation"


def test_navigation_pages_are_refused_and_real_pages_are_not(tmp_path):
    menu = "".join(f"<li><a href='/news/{i}'>Заглавие на новина номер {i} от днес</a></li>" for i in range(30))
    page = tmp_path / "home.html"
    page.write_text(f"<html><head><title>Новини</title></head><body><nav><ul>{menu}</ul></nav>"
                    f"<div class='rates'><a href='/eur'>EUR 1.95583</a><a href='/usd'>USD 1.80</a></div></body></html>",
                    encoding="utf-8")
    run = run_vestnik("analyze", page)
    assert run.code == 1 and "no article text: a navigation page" in run.stderr
    article = analysed_text(tmp_path / "article.html", f"<html><body><nav>{menu[:400]}</nav><article>"
                            f"<h1>Бюджетът е приет</h1><p>{ARTICLE_TEXT}</p></article></body></html>")
    assert "Конституционния съд" in article["text"]


def test_an_aggregator_teaser_is_refused(tmp_path):
    run = run_vestnik("analyze", _write(tmp_path / "stub.txt", "Бюджетът е приет\nДепутатите приеха бюджета след "
                                        "дълъг дебат...\nПрочети цялата статия в източника\n1524"))
    assert run.code == 1 and "no article text: a teaser" in run.stderr


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_bylines_datelines_counters_and_prompts_leave_the_text_and_fill_the_record(tmp_path):
    record = analysed_text(tmp_path / "scraped.txt", "Начало » България » Политика\nБюджетът е приет\n"
                           "12.03.2024 14:35\nРедактор: Мария Иванова\nПрочетена 1523 пъти\n" + ARTICLE_TEXT +
                           "\nПродължете да четете с пълен достъп\nКоментари (12)\nРеклама")
    assert record["text"] == "Бюджетът е приет\n\n" + ARTICLE_TEXT
    assert record["author"] == "Мария Иванова" and record["published"] == "2024-03-12"
    assert {line["reason"] for line in record["removed"]} == {"breadcrumb", "dateline", "byline", "counter", "paywall",
                                                              "advert"}
    assert not [quote for quote in record["quotes"] if "Мария Иванова" in (quote["speaker"] or {}).get("name", "")]


def test_no_publication_date_is_invented_from_a_headline_year_or_a_link(tmp_path):
    record = analysed_text(tmp_path / "undated.html", "<html><head><title>Бюджет 2025</title></head><body><nav><a href="
                           "'/news/2023/05/17/old'>Стара новина</a></nav><article><h1>Бюджет 2025</h1>"
                           f"<p>{ARTICLE_TEXT}</p><p>На 3 март 2023 г. беше приет предишният бюджет.</p></article></body></html>")
    assert record["published"] is None
    mediacloud = PAGES / "htmldate-mediacloud"
    expected = json.loads((mediacloud / "expected-dates.json").read_text(encoding="utf-8"))
    undated = sorted(mediacloud / item["file"] for item in expected.values() if not isinstance(item["date"], str))
    assert len(undated) == 5, "the media-cloud set has five pages without a publication date"
    run = run_vestnik("analyze", *undated, "--format", "jsonl")
    invented = {record["source"]: record["published"] for record in run.records() if record["published"]}
    by_htmldate = {str(path): found for path in undated if (found := htmldate.find_date(path.read_bytes()))}
    assert len(invented) < len(by_htmldate) and set(invented) <= set(by_htmldate)
    assert not [date for date in invented.values() if date.endswith("-01-01")]  # htmldate's year-only guesses


def test_tables_are_kept_as_rows_and_marked(tmp_path):
    record = analysed_text(tmp_path / "results.html", f"<html><body><article><h1>Резултатите</h1><p>{ARTICLE_TEXT}</p>"
                           "<table><tr><th>Партия</th><th>Гласове</th></tr><tr><td>ГЕРБ</td><td>670 000</td></tr>"
                           "<tr><td>ПП-ДБ</td><td>78</td></tr></table><p>Това съобщиха от ЦИК.</p></article></body></html>")
    [table] = record["tables"]
    rows = record["text"][table["start"]:table["end"]].splitlines()
    assert rows[0] == "| Партия | Гласове |" and rows[-1] == "| ПП-ДБ | 78 |"  # "78" in a cell is not a counter
    assert record["text"].endswith("Това съобщиха от ЦИК.")


def test_a_walk_sniffs_files_without_a_suffix_and_names_what_it_skips(tmp_path):
    _write(tmp_path / "article.php?id=7", f"<!doctype html><html><body><article><p>{ARTICLE_TEXT}</p></article></body></html>")
    _write(tmp_path / "README", ARTICLE_TEXT)
    _write(tmp_path / "feed.xml", "<?xml version='1.0'?><rss version='2.0'><channel></channel></rss>")
    _write(tmp_path / "style.css", "body { color: red }")
    run = run_vestnik("analyze", tmp_path, "--format", "jsonl")
    assert run.code == 0, run.stderr
    assert sorted(Path(record["source"]).name for record in run.records()) == ["README", "article.php?id=7"]
    assert "skipped 2 files that are not articles (1 of them feeds" in run.stderr and "style.css" in run.stderr


@pytest.mark.parametrize("text, language", [
    ("El presidente del Gobierno anunció hoy nuevas medidas económicas para las familias con hijos.", "es"),
    ("O presidente anunciou hoje novas medidas económicas para as famílias com filhos.", "pt"),
    ("Prezydent podpisał w poniedziałek ustawę budżetową na przyszły rok.", "pl"),
    ("Predsjednik Vlade najavio je danas nove ekonomske mjere za obitelji s djecom.", "hr"),
    (ARTICLE_TEXT, "bg"),
    ("12 345 678 — 90", "und"),
])
def test_the_language_is_any_language_or_undetermined_with_its_confidence(tmp_path, text, language):
    record = analysed_text(tmp_path / "text.txt", text)
    assert record["language"] == language
    assert 0 <= record["language_confidence"] <= 1 and (record["language_confidence"] > 0.5) == (language != "und")
