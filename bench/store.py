"""The store's speed: ingest rate and search latency, on SQLite and PostgreSQL.

1. Ingest: `vestnik ingest` of the Bulgarian SlavicNER articles (as one JSON Lines file) into
   an empty store, analysis included, with 2 worker processes; and the store alone
   (`Store.add` of the already analysed records). Median of `--runs` runs.
2. Search: a store of `--articles` articles (default 100,000) made from the analysed corpus
   by perturbing it: each copy gets a random publication date in 2019–2022 and a third of its
   words outside names, quotes and dates replaced by corpus words of the same length (so
   every offset in the record stays true and the copies are neither duplicates nor one
   story). Then every query of QUERIES is run `--runs` times per kind; the table gives the
   median and 95th percentile latency of each kind of request.

    python bench/store.py [--articles 100000] [--runs 5] [--backends sqlite,postgresql]

`--articles 0` measures the ingest rates only.

PostgreSQL: a throwaway server is started on loopback (as the tests do) unless
`--postgresql URL` names one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
DEFAULT_DATA = REPO.parent / "shared" / "data" / "slavicner"
QUERIES = ["Рябков", "Ryabkov", "преговорите", "НАТО", "Северен поток", "санкции срещу Русия", "Борис Джонсън",
           "ваксина", "Ryanair", "Брюксел споразумение", "протест", "Меркел", "газопровод Германия", "Брекзит",
           "коронавирус България", "Азия Биби", "Путин заяви", "пилот самолет", "Лукашенко", "Европейската комисия"]
ENTITY_FILTERS = [("заяви", "Владимир Путин"), ("газ", "Германия"), ("мерки", "България")]
PERIOD = (date(2021, 1, 1), date(2021, 3, 31))
WORD_SHARE = 1 / 3


def analysed_corpus(data: Path, work: Path) -> tuple[Path, list[dict]]:
    corpus = work / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for path in sorted(data.glob("raw/*/bg/*.txt")):
            out.write(json.dumps({"id": path.name, "text": path.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n")
    analysed = subprocess.run([sys.executable, "-m", "vestnik.cli", "analyze", str(corpus), "--format", "jsonl",
                               "--processes", "2"], capture_output=True, text=True, check=True)
    return corpus, [json.loads(line) for line in analysed.stdout.splitlines()]


def ingest_rate(corpus: Path, count: int, db: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "vestnik.cli", "ingest", str(corpus), "--db", db, "--processes", "2"],
                   capture_output=True, check=True)
    return count / (time.perf_counter() - started)


def store_rate(records: list[dict], db: str) -> float:
    from vestnik.record import Article
    from vestnik.store.database import Store

    store = Store.open(db)
    articles = [Article.model_validate(record) for record in records]
    started = time.perf_counter()
    for start in range(0, len(articles), 32):
        store.add(articles[start:start + 32])
    return len(articles) / (time.perf_counter() - started)


def perturbed(records: list[dict], total: int, seed: int = 0):
    """`total` records, each a copy of a corpus record with another date and a third of its plain words swapped."""
    import re

    rng = random.Random(seed)
    words_by_length: dict[int, list[str]] = {}
    for record in records:
        for word in re.findall(r"[а-яА-Я]+", record["text"]):
            words_by_length.setdefault(len(word), []).append(word)
    for number in range(total):
        record = json.loads(json.dumps(records[number % len(records)]))
        protected = set()
        for span in record["entities"] + record["quotes"] + record["dates"]:
            protected.update(range(span["start"], span["end"]))
        text = list(record["text"])
        for match in re.finditer(r"[а-яА-Я]+", record["text"]):
            if match.start() not in protected and rng.random() < WORD_SHARE:
                text[match.start():match.end()] = rng.choice(words_by_length[len(match.group())])
        record["text"] = "".join(text)
        record["published"] = (date(2019, 1, 1) + timedelta(days=rng.randrange(4 * 365))).isoformat()
        record["id"] = hashlib.blake2b(f"{number}\n{record['text']}".encode(), digest_size=16).hexdigest()
        record["url"] = f"https://bench.example/{number}"
        yield record


def fill(records: list[dict], total: int, db: str) -> float:
    from vestnik.record import Article
    from vestnik.store.database import Store

    store = Store.open(db)
    started, batch = time.perf_counter(), []
    for number, record in enumerate(perturbed(records, total), start=1):
        batch.append(Article.model_validate(record))
        if len(batch) == 500:
            store.add(batch)
            batch = []
            print(f"\r  {db.split(':')[0]}: {number:,} stored, {number / (time.perf_counter() - started):.0f}/s",
                  end="", file=sys.stderr)
    if batch:
        store.add(batch)
    print(file=sys.stderr)
    return total / (time.perf_counter() - started)


def latencies(db: str, runs: int) -> dict[str, list[float]]:
    from vestnik.store.database import Store
    from vestnik.store.search import find_events, search, who_said

    store = Store.open(db)
    requests = {
        "articles": [lambda q=q: search(store, q) for q in QUERIES],
        "quotes": [lambda q=q: search(store, q, kind="quotes") for q in QUERIES],
        "articles, period": [lambda q=q: search(store, q, date_from=PERIOD[0], date_to=PERIOD[1]) for q in QUERIES],
        "articles, entity": [lambda q=q, e=e: search(store, q, entity=e) for q, e in ENTITY_FILTERS],
        "who-said": [lambda n=n: who_said(store, n, limit=50) for n in ("Путин", "Джонсън", "Меркел")],
        "events, actor": [lambda a=a: find_events(store, actor=a) for a in ("Русия", "USA", "Владимир Путин", "Борис Джонсън")],
    }
    timings: dict[str, list[float]] = {}
    for name, calls in requests.items():
        for call in calls:
            call()  # warm the caches once, as a running server has them
            for _ in range(runs):
                started = time.perf_counter()
                call()
                timings.setdefault(name, []).append(1000 * (time.perf_counter() - started))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgresql", metavar="URL", help="a server to use instead of a throwaway one")
    args = parser.parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="vestnik-bench-")))
        server = args.postgresql
        if "postgresql" in args.backends and not server:
            from postgres_server import postgres_server
            server = stack.enter_context(postgres_server())
        corpus, records = analysed_corpus(args.data, work)
        rows = []
        for backend in args.backends.split(","):
            databases = iter(_databases(backend, work, server))
            ingest = statistics.median(ingest_rate(corpus, len(records), next(databases)) for _ in range(min(args.runs, 3)))
            alone = statistics.median(store_rate(records, next(databases)) for _ in range(min(args.runs, 3)))
            if args.articles:
                big = next(databases)
                filled = fill(records, args.articles, big)
                rows.append((backend, ingest, alone, filled, latencies(big, args.runs)))
            else:
                rows.append((backend, ingest, alone, None, {}))
    print(f"store benchmark: {len(records)} SlavicNER bg articles; search store of {args.articles:,} articles; "
          f"median of {args.runs} runs")
    print()
    print("| backend | ingest (analysis + store), articles/s | store alone, articles/s | filling the big store, articles/s |")
    print("|---|---:|---:|---:|")
    for backend, ingest, alone, filled, _ in rows:
        print(f"| {backend} | {ingest:.1f} | {alone:.0f} | {f'{filled:.0f}' if filled else '–'} |")
    print()
    print("| backend | request | n | median ms | p95 ms |")
    print("|---|---|---:|---:|---:|")
    for backend, *_, timings in rows:
        for name, values in timings.items():
            values = sorted(values)
            p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
            print(f"| {backend} | {name} | {len(values)} | {statistics.median(values):.1f} | {p95:.1f} |")


def _databases(backend: str, work: Path, server: str | None):
    from sqlalchemy import text

    from vestnik.store.database import Store

    for number in range(100):
        if backend == "sqlite":
            yield str(work / f"store-{number}.db")
            continue
        name = f"bench_{number}_{int(time.time())}"
        with Store.open(server).engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        yield server.rsplit("/", 1)[0] + "/" + name


if __name__ == "__main__":
    main()
