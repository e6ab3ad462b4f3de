"""Analysis, ingest and Parquet on real Dask clusters on loopback: a `LocalCluster` that `--scheduler local:2`
starts, and a scheduler with two workers started here as their own processes (`dask scheduler`,
`dask worker`), one of which the test kills mid-run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, new_postgres_database, row_counts, run_vestnik
from distributed import Client

from vestnik.events.plover import plover_lines
from vestnik.parquet import RECORD_LISTS
from vestnik.record import Article

RYANAIR_BG = sorted((ROOT.parent / "shared" / "data" / "slavicner" / "raw" / "ryanair" / "bg").glob("*.txt"))
PARTITION = ("--partition-size", "8")


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> Path:
    """SlavicNER's Bulgarian ryanair articles, an exact copy of one under another name (same text, another
    id: the store links it), and an empty file that fails."""
    assert len(RYANAIR_BG) > 50, "SlavicNER's raw Bulgarian articles are missing"
    folder = tmp_path_factory.mktemp("ryanair")
    for path in RYANAIR_BG:
        shutil.copy(path, folder / path.name)
    (folder / "zz-copy.txt").write_text(RYANAIR_BG[0].read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    (folder / "zz-empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def single_process(articles) -> str:
    run = run_vestnik("analyze", articles, "--format", "jsonl")
    assert run.code == 1 and "zz-empty.txt: empty file" in run.stderr
    assert len(run.records()) == len(RYANAIR_BG) + 1
    return run.stdout


def test_a_local_cluster_gives_the_same_records_and_plover_lines_in_the_same_order(articles, single_process):
    run = run_vestnik("analyze", articles, "--format", "jsonl", "--scheduler", "local:2", *PARTITION)
    assert run.code == 1 and "zz-empty.txt: empty file" in run.stderr
    assert run.stdout == single_process
    plover = run_vestnik("export", articles, "--format", "plover", "--scheduler", "local:2", *PARTITION)
    assert plover.code == 1 and plover.stdout
    assert plover.stdout == "".join(plover_lines(Article.model_validate_json(line) for line in single_process.splitlines()))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dask(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_" + args[0], *args[1:]],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _busy_worker(client: Client, name: str, deadline: float) -> bool:
    """Waits until the worker called `name` has a task of vestnik's; False if none comes before the deadline."""
    while time.monotonic() < deadline:
        names = {address: info["name"] for address, info in client.scheduler_info()["workers"].items()}
        if any(names.get(address) == name and tasks for address, tasks in client.processing().items()):
            return True
        time.sleep(0.2)
    return False


def test_a_worker_killed_mid_run_loses_nothing_and_repeats_nothing(articles, single_process, tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    servers = [_dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")]
    try:
        time.sleep(2)
        servers += [_dask("worker", address, "--name", name, "--nthreads", "1", "--no-nanny", "--no-dashboard")
                    for name in ("doomed", "survivor")]
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=60)
            output = tmp_path / "records.jsonl"
            run = subprocess.Popen([sys.executable, "-m", "vestnik.cli", "analyze", str(articles), "--format", "jsonl",
                                    "--scheduler", address, *PARTITION, "--output", str(output)],
                                   stderr=subprocess.PIPE, env=os.environ.copy())
            assert _busy_worker(client, "doomed", time.monotonic() + 240), "the worker never got a partition"
            os.killpg(servers[1].pid, signal.SIGKILL)
            _, stderr = run.communicate(timeout=600)
        assert run.returncode == 1, stderr.decode()
        assert output.read_text(encoding="utf-8") == single_process
    finally:
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)


def _records(directory: Path) -> list[dict]:
    """The records put back together from the Parquet tables, read with pyarrow as an analyst would."""
    tables = {table: pq.read_table(directory / table).to_pylist() for table in ("articles", *RECORD_LISTS)}
    records = {}
    for row in tables["articles"]:
        row["published"] = row["published"].isoformat() if row["published"] else None
        records[row["id"]] = {**row, **{field: [] for field in RECORD_LISTS.values()}}
    for table, field in RECORD_LISTS.items():
        for row in sorted(tables[table], key=lambda row: (row["article_id"], row["index"])):
            records[row.pop("article_id")][field].append(row)
            del row["index"]
    return list(records.values())


def _by_id(records: list[dict]) -> dict[str, dict]:
    return {record["id"]: record for record in records}


def test_parquet_written_by_each_worker_reads_back_as_the_records(articles, single_process, tmp_path):
    expected = _by_id([json.loads(line) for line in single_process.splitlines()])
    for name, cluster in (("single", ()), ("cluster", ("--scheduler", "local:2"))):
        run = run_vestnik("analyze", articles, "--format", "parquet", "--output", tmp_path / name, *PARTITION, *cluster)
        assert run.code == 1 and "zz-empty.txt: empty file" in run.stderr
        assert len(list((tmp_path / name / "quotes").glob("part-*.parquet"))) > 1  # a part per partition
        assert _by_id(_records(tmp_path / name)) == expected
    again = run_vestnik("analyze", articles, "--format", "parquet", "--output", tmp_path / "single")
    assert again.code == 2 and "already holds Parquet parts" in again.stderr


def test_ingest_through_the_cluster_matches_a_single_process_and_adds_nothing_the_second_time(
        articles, postgres, tmp_path):
    single, clustered = new_postgres_database(postgres), new_postgres_database(postgres)
    assert run_vestnik("ingest", articles, "--db", single).code == 1
    for attempt in range(2):
        run = run_vestnik("ingest", articles, "--db", clustered, "--scheduler", "local:2", *PARTITION)
        assert run.code == 1 and "zz-empty.txt: empty file" in run.stderr
        stored = 0 if attempt else len(RYANAIR_BG) + 1
        assert f"stored {stored} articles" in run.stderr, run.stderr
    assert row_counts(clustered) == row_counts(single)
    assert row_counts(clustered)["articles"] == len(RYANAIR_BG) + 1
    export = run_vestnik("export", "--db", clustered, "--format", "parquet", "--output", tmp_path / "stored")
    assert export.code == 0, export.stderr
    assert len(_records(tmp_path / "stored")) == len(RYANAIR_BG) + 1


def test_a_sqlite_store_is_refused_with_a_scheduler_and_a_bad_address_is_a_usage_error(articles, tmp_path):
    run = run_vestnik("ingest", articles, "--db", tmp_path / "store.db", "--scheduler", "local:2")
    assert run.code == 2 and "--scheduler needs a PostgreSQL store" in run.stderr
    assert not (tmp_path / "store.db").exists() or row_counts(str(tmp_path / "store.db"))["articles"] == 0
    run = run_vestnik("analyze", articles, "--scheduler", "localhost:8786")
    assert run.code == 2 and "expected tcp://HOST:PORT" in run.stderr
    run = run_vestnik("analyze", articles, "--scheduler", "local:2", "--processes", "2")
    assert run.code == 2 and "give one" in run.stderr
    run = run_vestnik("analyze", articles, "--format", "parquet")
    assert run.code == 2 and "name it with --output DIR" in run.stderr
