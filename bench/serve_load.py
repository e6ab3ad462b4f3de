"""Search latency of `vestnik serve` alone and while clients keep posting articles to analyse.

A store of the Bulgarian nord_stream SlavicNER articles (ingested with the default model) is served
on loopback. One client searches (`GET /api/articles?q=…`, one request after another, the queries
of QUERIES in turn) for `--seconds`; in the second condition `--analysers` clients at the same time
post long articles (several corpus articles joined, about 40,000 characters) to `POST /api/analyze`
one after another, waiting as long as a 503's Retry-After says (at most a second) before the next.
The table gives the medians over `--runs` runs of the search latency percentiles, and what became
of the analyses: answered, refused with 503 (the queue was full), and how long an answered one took.

    python bench/serve_load.py [--runs 3] [--seconds 20] [--analysers 4] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "slavicner"
QUERIES = ["Рябков", "Ryabkov", "преговорите", "НАТО", "Северен поток", "санкции срещу Русия", "газопровод Германия",
           "Путин заяви", "Европейската комисия", "Меркел"]
ANALYSED_CHARS = 40_000


def build_store(data: Path, db: Path) -> list[str]:
    """Ingest the nord_stream articles; returns their texts, for the analysis clients to post."""
    paths = sorted(data.glob("raw/nord_stream/bg/*.txt"))
    subprocess.run([sys.executable, "-m", "vestnik.cli", "ingest", *map(str, paths), "--db", str(db), "--processes", "2"],
                   check=True, capture_output=True)
    return [path.read_text(encoding="utf-8") for path in paths]


def long_articles(texts: list[str], count: int) -> list[str]:
    """`count` different texts of about ANALYSED_CHARS characters each, made of whole corpus articles."""
    found, current, index = [], [], 0
    while len(found) < count:
        current.append(texts[index % len(texts)])
        index += 1
        if sum(map(len, current)) >= ANALYSED_CHARS:
            found.append("\n\n".join(current))
            current = []
    return found


class Server:
    """`vestnik serve` in a child process on a free loopback port."""

    def __init__(self, db: Path, workers: int):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen([sys.executable, "-m", "vestnik.cli", "serve", "--db", str(db), "--port",
                                         str(self.port), "--analysis-workers", str(workers)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/api/stories")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("vestnik serve did not start within 120 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def request(port: int, method: str, path: str, body: dict | None = None,
            connection: http.client.HTTPConnection | None = None) -> tuple[int, dict[str, str]]:
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    payload = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=payload, headers={"content-type": "application/json"} if payload else {})
    response = connection.getresponse()
    response.read()
    if own:
        connection.close()
    return response.status, {name.lower(): value for name, value in response.getheaders()}


def search_latencies(port: int, seconds: float) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    found, number = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        query = urllib.parse.quote(QUERIES[number % len(QUERIES)])
        started = time.perf_counter()
        status, _ = request(port, "GET", f"/api/articles?q={query}&limit=20", connection=connection)
        found.append(time.perf_counter() - started)
        assert status == 200, status
        number += 1
    connection.close()
    return found


def analyse_until(port: int, texts: list[str], stop: threading.Event, outcomes: list) -> None:
    number = 0
    while not stop.is_set():
        started = time.perf_counter()
        status, headers = request(port, "POST", "/api/analyze", {"text": texts[number % len(texts)]})
        outcomes.append((status, time.perf_counter() - started))
        number += 1
        if status == 503:
            stop.wait(min(1.0, float(headers.get("retry-after", 1))))


def one_run(port: int, texts: list[str], seconds: float, analysers: int) -> dict:
    stop, outcomes = threading.Event(), []
    clients = [threading.Thread(target=analyse_until, args=(port, texts[i::analysers], stop, outcomes))
               for i in range(analysers)]
    for client in clients:
        client.start()
    latencies = sorted(search_latencies(port, seconds))
    stop.set()
    for client in clients:
        client.join()
    answered = [took for status, took in outcomes if status == 200]
    return {"searches": len(latencies), "p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95),
            "p99": _percentile(latencies, 99), "answered": len(answered),
            "refused": sum(status == 503 for status, _ in outcomes),
            "other": sum(status not in (200, 503) for status, _ in outcomes),
            "analysis_s": statistics.median(answered) if answered else None}


def _percentile(values: list[float], percent: int) -> float:
    return values[min(len(values) - 1, round(percent / 100 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--analysers", type=int, default=4)
    parser.add_argument("--workers", default="1,2", help="analysis worker counts to measure (serve --analysis-workers)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "store.db"
        texts = long_articles(build_store(args.data, db), 4 * args.analysers)
        rows = []
        for workers in map(int, args.workers.split(",")):
            server = Server(db, workers)
            try:
                request(server.port, "POST", "/api/analyze", {"text": texts[0][:2000]})  # the workers are up
                for analysers in (0, args.analysers):
                    runs = [one_run(server.port, texts, args.seconds, analysers) for _ in range(args.runs)]
                    rows.append((workers, analysers, {key: _median(run[key] for run in runs) for key in runs[0]}))
            finally:
                server.stop()
    print(f"search latency, median of {args.runs} runs of {args.seconds:g} s; analyses of {ANALYSED_CHARS:,}-character "
          f"articles, {args.analysers} clients posting one after another\n")
    print("| analysis workers | analysing clients | searches | p50 ms | p95 ms | p99 ms | analyses answered | 503 | other | s per analysis |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workers, analysers, row in rows:
        seconds = f"{row['analysis_s']:.1f}" if row["analysis_s"] is not None else "–"
        print(f"| {workers} | {analysers} | {row['searches']:.0f} | {row['p50'] * 1000:.1f} | {row['p95'] * 1000:.1f} | "
              f"{row['p99'] * 1000:.1f} | {row['answered']:.0f} | {row['refused']:.0f} | {row['other']:.0f} | {seconds} |")


def _median(values) -> float | None:
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


if __name__ == "__main__":
    main()
