"""The store, the same assertions on SQLite and on a real PostgreSQL server started on loopback."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, new_postgres_database, row_counts, run_vestnik
from sqlalchemy import func, select, text

from vestnik.record import Article
from vestnik.store.database import Store, StoreError
from vestnik.store.search import (
    entity_profile,
    find_entities,
    search,
    stories,
    who_said,
)
from vestnik.store.tables import articles, mentions, quotes

SLAVICNER_BG = sorted((ROOT.parent / "shared" / "data" / "slavicner" / "raw" / "nord_stream" / "bg").glob("*.txt"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> str:
    """A new, empty store of each kind."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return new_postgres_database(request.getfixturevalue("postgres"))


def ingest(db: str, *paths, expect: int = 0, **env):
    run = run_vestnik("ingest", *paths, "--db", db, env=env)
    assert run.code == expect, run.stderr
    return run


def test_example_round_trip(db):
    ingest(db, EXAMPLE, "--published", "2022-01-09")
    analysed = run_vestnik("analyze", EXAMPLE, "--published", "2022-01-09").records()[0]
    store = Store.open(db)
    with store.engine.connect() as connection:
        [row] = connection.execute(select(articles)).all()
        assert row.record == analysed
        assert (row.id, row.published.isoformat(), row.version, row.latest) == (analysed["id"], "2022-01-09", 1, True)
        assert connection.scalar(select(func.count()).select_from(mentions)) == len(analysed["entities"])
        speakers = connection.scalars(select(quotes.c.speaker_name)).all()
    assert speakers == ["Сергей Рябков"] * 12
    found = run_vestnik("search", "Рябков", "--db", db)
    assert found.code == 0 and analysed["id"] in found.stdout
    said = run_vestnik("who-said", "Рябков", "--db", db, "--format", "json")
    assert said.code == 0
    assert [hit["text"] for hit in json.loads(said.stdout)] == [quote["content"] for quote in analysed["quotes"]]


def test_reingest_is_idempotent(db):
    first = ingest(db, EXAMPLE, EXAMPLE, "--published", "2022-01-09")
    assert "stored 1 articles" in first.stderr and "0 already stored; 1 repeated in this run" in first.stderr
    before = row_counts(db)
    again = ingest(db, EXAMPLE, "--published", "2022-01-09")
    assert "stored 0 articles" in again.stderr and "1 already stored; 0 repeated" in again.stderr
    assert row_counts(db) == before


def test_inflected_and_latin_queries_find_the_same_article(db):
    ingest(db, EXAMPLE, "--published", "2022-01-09")
    store = Store.open(db)
    example_id = Store.open(db).engine.connect().scalar(select(articles.c.id))
    for query in ("преговорите", "преговори", "Рябков", "Ryabkov", "ryabkov", "НАТО", "NATO", "Женева", "Zheneva"):
        assert [hit.article_id for hit in search(store, query)] == [example_id], query
    assert search(store, "преговорите Рябков Виена")  # every word, anywhere
    assert search(store, "преговорите Лондон") == []
    assert [hit.speaker for hit in search(store, "отстъпки", kind="quotes")] == ["Сергей Рябков"] * 3
    assert search(store, "Рябков", date_from=__import__("datetime").date(2022, 1, 10)) == []
    assert search(store, "заплахи", entity="НАТО") and search(store, "заплахи", entity="Сергей Рябков")
    with pytest.raises(StoreError, match="no entity named"):
        search(store, "заплахи", entity="Никой Никакъв")


HOSTILE = ['"', "'", '";--', "'; DROP TABLE articles; --", "Рябков OR 1=1", "NEAR(Рябков НАТО)", "Рябков*", "^НАТО",
           "{articles} : Рябков", "Рябков AND NOT", "a\x00b", "%", "_", "\\", "(((", "-- ", "title:Рябков", "🙂",
           "Рябков" * 500, "SELECT * FROM search_fts", "search_fts MATCH 'x'"]


def test_hostile_queries_answer_or_refuse_never_crash(db):
    ingest(db, EXAMPLE, "--published", "2022-01-09")
    store = Store.open(db)
    for query in HOSTILE:
        for kind in ("articles", "quotes", "events"):
            try:
                assert isinstance(search(store, query, kind=kind), list)
            except StoreError as error:
                assert "no words to search for" in str(error)
        for lookup in (find_entities, ):
            assert isinstance(lookup(store, query), list)
    assert search(store, "Рябков OR 1=1") == []  # OR and 1 are words here, not syntax
    assert run_vestnik("search", '"; DROP TABLE articles; --', "--db", db).code == 0
    assert row_counts(db)["articles"] == 1


def test_an_entity_is_found_by_every_base_form_it_has_had(db, tmp_path):
    """The store names an entity as an article does, by its most frequent full form over every mention it
    has stored (not by its longest), and every earlier name still finds it."""
    (tmp_path / "short.txt").write_text("Русия\n\nРусия обяви нови мерки срещу санкциите на Европейския съюз, "
                                        "съобщи министърът.\n", encoding="utf-8")
    (tmp_path / "long.txt").write_text("Москва\n\nРуската федерация обяви нови мерки срещу санкциите на Европейския "
                                       "съюз, съобщи министърът.\n", encoding="utf-8")
    ingest(db, tmp_path / "short.txt", "--published", "2022-01-09")
    ingest(db, tmp_path / "long.txt", "--published", "2022-01-10")
    store = Store.open(db)
    for name in ("Русия", "Rusia", "Руска федерация", "федерация"):
        found = find_entities(store, name)
        assert [match.id for match in found] == ["GPE-Russia"], (name, found)
        assert found[0].name == "Русия"  # two mentions against one
    (tmp_path / "more.txt").write_text("Руската федерация и Европа\n\nРуската федерация отговори. Руската федерация "
                                       "няма да отстъпи, заяви говорителят.\n", encoding="utf-8")
    ingest(db, tmp_path / "more.txt", "--published", "2022-01-11")
    assert find_entities(Store.open(db), "Русия")[0].name == "Руска федерация"  # now four against two


def test_a_store_made_before_entity_names_upgrades_and_renames_its_entities(db, tmp_path):
    """Migration 0002 counts the stored mentions' base forms and renames every entity by the rule."""
    (tmp_path / "a.txt").write_text("Русия\n\nРусия обяви нови мерки, съобщи Руската федерация.\n", encoding="utf-8")
    ingest(db, tmp_path / "a.txt", "--published", "2022-01-09")
    store = Store.open(db)
    with store.engine.begin() as connection:  # back to the schema of 0001, with the name 0001 gave (the longest)
        connection.execute(text("DROP TABLE entity_names"))
        connection.execute(text("UPDATE entities SET name = 'Руска федерация' WHERE id = 'GPE-Russia'"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    store = Store.open(db)
    with store.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0002"
        assert connection.scalar(text("SELECT mentions FROM entity_names WHERE name = 'Русия'")) == 2
    assert find_entities(store, "Русия")[0].name == "Русия"


def test_near_duplicate_and_exact_copy(db, tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    republished = text.replace("заяви руският", "каза руският").replace("разочароващи", "много разочароващи")
    (tmp_path / "republished.txt").write_text(republished, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(text + "\n\n\n", encoding="utf-8")  # another file, the same article
    ingest(db, EXAMPLE, "--published", "2022-01-09")
    run = ingest(db, tmp_path / "republished.txt", tmp_path / "copy.txt", "--published", "2022-01-09")
    assert "1 copies not analysed again" in run.stderr
    store = Store.open(db)
    with store.engine.connect() as connection:
        rows = {Path(row.source).name: row for row in connection.execute(select(articles))}
    original = rows[EXAMPLE.name]
    assert rows["republished.txt"].duplicate_of == original.id and 0.8 <= rows["republished.txt"].duplicate_similarity < 1
    assert rows["copy.txt"].duplicate_of == original.id and rows["copy.txt"].duplicate_similarity == 1.0
    assert len({row.story_id for row in rows.values()}) == 1


def test_changed_page_is_a_new_version(db, tmp_path):
    page = {"url": "https://example.bg/ryabkov", "published": "2022-01-09", "title": "Рябков: няма да има отстъпки"}
    first = {**page, "text": EXAMPLE.read_text(encoding="utf-8")}
    second = {**page, "text": first["text"].replace("Женева", "Женева (Швейцария)")}
    for number, item in enumerate((first, second)):
        (tmp_path / f"v{number}.jsonl").write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
        ingest(db, tmp_path / f"v{number}.jsonl")
    store = Store.open(db)
    with store.engine.connect() as connection:
        old, new = connection.execute(select(articles).order_by(articles.c.version)).all()
    assert (old.version, old.latest, new.version, new.latest, new.previous_version) == (1, False, 2, True, old.id)
    assert new.duplicate_of is None
    assert [hit.article_id for hit in search(store, "Рябков")] == [new.id]


def _corpus_file(path: Path, documents: list[Path]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number, document in enumerate(documents):
            out.write(json.dumps({"id": document.name, "text": document.read_text(encoding="utf-8"),
                                  "published": f"2021-02-{1 + number % 28:02d}"}, ensure_ascii=False) + "\n")
    return path


def test_killed_ingest_resumes_without_duplicates(db, tmp_path):
    documents = SLAVICNER_BG[:60]
    assert len(documents) == 60, "the SlavicNER corpus is expected beside the checkout (../shared/data)"
    corpus = _corpus_file(tmp_path / "corpus.jsonl", documents)
    process = subprocess.Popen([sys.executable, "-m", "vestnik.cli", "ingest", str(corpus), "--db", db, "--batch-size", "5"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    store = Store.open(db)
    deadline = time.monotonic() + 240
    while _stored(store) < 10 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    interrupted = _stored(store)
    assert 10 <= interrupted < 60 and interrupted % 5 == 0  # whole batches only
    run = ingest(db, corpus)
    assert f"{interrupted} already stored" in run.stderr
    counts = row_counts(db)
    assert counts["articles"] == 60
    records = [Store.open(db).engine.connect().execute(select(articles.c.record)).scalars().all()]
    assert counts["mentions"] == sum(len(record["entities"]) for record in records[0])
    assert counts["quotes"] == sum(len(record["quotes"]) for record in records[0])


def test_two_ingests_at_once_into_a_new_store_both_finish(db, tmp_path):
    corpus = _corpus_file(tmp_path / "corpus.jsonl", SLAVICNER_BG[:16])
    command = [sys.executable, "-m", "vestnik.cli", "ingest", str(corpus), "--db", db, "--batch-size", "2"]
    processes = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    errors = [process.communicate(timeout=300)[1].decode() for process in processes]
    assert [process.returncode for process in processes] == [0, 0], errors
    assert not any("Traceback" in error or "Error" in error for error in errors), errors
    summaries = [re.search(r"stored (\d+) articles .*; (\d+) already stored", error) for error in errors]
    assert all(summaries), errors
    assert sum(int(found[1]) for found in summaries) == 16 and all(int(found[1]) + int(found[2]) == 16 for found in summaries)
    counts = row_counts(db)
    assert counts["articles"] == 16 and counts["search_documents"] == sum(
        1 + len(record["quotes"]) + len(record["events"]) for record in _records(db))


def test_rebuilt_stories_do_not_depend_on_arrival_order(db, tmp_path):
    """Stories are assigned greedily as articles arrive; `stories --rebuild` makes them canonical."""
    corpus = _corpus_file(tmp_path / "corpus.jsonl", SLAVICNER_BG[:30])
    analysed = run_vestnik("analyze", corpus, "--format", "jsonl")
    assert analysed.code == 0, analysed.stderr
    records = [Article.model_validate(record) for record in analysed.records()]
    backward_db = str(tmp_path / "backward.db")
    forward, backward = Store.open(db), Store.open(backward_db)
    forward.add(records)
    for record in reversed(records):
        backward.add([record])
    rebuilt = run_vestnik("stories", "--rebuild", "--db", db, "--format", "json")
    assert rebuilt.code == 0 and "stories rebuilt: 30 articles in" in rebuilt.stderr, rebuilt.stderr
    backward.rebuild_stories()
    assignments = [_story_ids(store) for store in (forward, backward)]
    assert assignments[0] == assignments[1]
    assert 1 < len(set(assignments[0].values())) < len(records)  # stories formed, not one of everything
    assert json.loads(rebuilt.stdout)[0]["articles"] > 1


def _story_ids(store: Store) -> dict[str, str]:
    with store.engine.connect() as connection:
        return dict(connection.execute(select(articles.c.id, articles.c.story_id)).all())


def _records(db: str) -> list[dict]:
    with Store.open(db).engine.connect() as connection:
        return connection.execute(select(articles.c.record)).scalars().all()


def _stored(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(articles))


def test_bad_inputs_are_reported_and_skipped(db, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 8)
    run = ingest(db, tmp_path / "empty.txt", EXAMPLE, tmp_path / "junk.txt", tmp_path / "missing.txt", expect=1)
    assert "empty.txt: empty file" in run.stderr and "junk.txt: binary data" in run.stderr
    assert "missing.txt: no such file" in run.stderr and "3 failed" in run.stderr
    assert row_counts(db)["articles"] == 1


def test_profiles_and_stories(db, tmp_path):
    ingest(db, EXAMPLE, "--published", "2022-01-09")
    ingest(db, _corpus_file(tmp_path / "corpus.jsonl", SLAVICNER_BG[:12]))
    store = Store.open(db)
    said = who_said(store, "Ryabkov")
    assert len(said) == 12 and {hit.speaker for hit in said} == {"Сергей Рябков"}
    profile = entity_profile(store, "Северен поток 2")
    assert profile.articles >= 5 and sum(count for _, count in profile.per_day) >= profile.articles
    assert all(day.startswith("2021-02") for day, _ in profile.per_day)
    found = stories(store)
    with store.engine.connect() as connection:  # a near-duplicate counts with its original, not again
        originals = connection.scalar(select(func.count()).select_from(articles).where(articles.c.duplicate_of.is_(None)))
    assert sum(story.articles for story in found) == originals >= 11
    assert any("Северен поток 2" in story.key_entities for story in found)
    with pytest.raises(StoreError, match="no person named"):
        who_said(store, "Северен поток")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_rss_feed_pages_are_fetched_and_stored(db, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    body = "".join(f"<p>{paragraph}</p>" for paragraph in EXAMPLE.read_text(encoding="utf-8").split("\n\n")[3:])
    (site / "ryabkov.html").write_text(f"<html><head><title>Рябков</title></head><body><article>{body}</article></body></html>",
                                       encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    teaser = SLAVICNER_BG[0].read_text(encoding="utf-8")
    (site / "feed.rss").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Новини</title><link>{base}</link><description>test</description>
<item><title>Рябков преди Женева</title><link>{base}/ryabkov.html</link><pubDate>Sun, 09 Jan 2022 10:00:00 +0200</pubDate></item>
<item><title>Северен поток 2</title><link>{base}/gone.html</link><description><![CDATA[{teaser}]]></description>
<pubDate>Mon, 01 Feb 2021 08:00:00 +0200</pubDate></item>
<item><title>Празно</title><link>{base}/nothing.html</link></item>
</channel></rss>""", encoding="utf-8")
    try:
        run = ingest(db, f"{base}/feed.rss", expect=1)
    finally:
        server.shutdown()
    assert "gone.html: the server answered 404" in run.stderr and "using the feed's own content" in run.stderr
    assert "nothing.html: the server answered 404" in run.stderr
    store = Store.open(db)
    with store.engine.connect() as connection:
        rows = {row.url: row for row in connection.execute(select(articles))}
    assert set(rows) == {f"{base}/ryabkov.html", f"{base}/gone.html"}
    assert rows[f"{base}/ryabkov.html"].published.isoformat() == "2022-01-09"
    quotes = rows[f"{base}/ryabkov.html"].record["quotes"]
    # the page's last lines (related headlines, Peskov's among them) are boilerplate to the extractor
    assert len(quotes) >= 9
    assert sum((quote["speaker"] or {}).get("name") == "Рябков" for quote in quotes) >= 7
    assert who_said(store, "Рябков")


def test_schema_is_at_the_newest_migration(db):
    store = Store.open(db)
    Store.open(db)  # opening again upgrades nothing and breaks nothing
    with store.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0002"
