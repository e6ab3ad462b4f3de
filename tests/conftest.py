"""Shared test helpers: run the real `vestnik` command and validate everything it prints."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import jsonschema
import pytest
from postgres_server import postgres_server
from sqlalchemy import create_engine, func, select, text

from vestnik.record import committed_json_schema
from vestnik.store.database import Store
from vestnik.store.tables import metadata

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "000_58498ae8c00ba573.txt"
DATA = Path(__file__).parent / "data"
VALIDATOR = jsonschema.Draft202012Validator(committed_json_schema())


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def records(self) -> list[dict]:
        """The printed records (one pretty JSON object, or JSON Lines), each checked against the schema."""
        text = self.stdout.strip()
        if not text:
            return []
        records = [json.loads(text)] if text.startswith("{\n") else [json.loads(line) for line in text.splitlines()]
        for record in records:
            VALIDATOR.validate(record)
        return records


def run_vestnik(*args: str, stdin: bytes | None = None, env: dict | None = None, timeout: float = 300) -> Run:
    result = subprocess.run([sys.executable, "-m", "vestnik.cli", *map(str, args)], input=stdin,
                            capture_output=True, env={**os.environ, **(env or {})}, timeout=timeout)
    return Run(result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8"))


def analysed_text(path: Path, text: str) -> dict:
    """Write `text` to `path`, analyse it with the real command and return its one record."""
    path.write_text(text, encoding="utf-8")
    run = run_vestnik("analyze", path)
    assert run.code == 0, run.stderr
    [record] = run.records()
    return record


@pytest.fixture(scope="session")
def example_record() -> dict:
    run = run_vestnik("analyze", EXAMPLE, "--published", "2022-01-09")
    assert run.code == 0, run.stderr
    [record] = run.records()
    return record


@pytest.fixture(scope="session")
def postgres():
    """The URL of a PostgreSQL server started on loopback for this test session."""
    with postgres_server() as url:
        yield url


_databases = count()


def new_postgres_database(server: str) -> str:
    """The URL of a new, empty database on the `postgres` server."""
    name = f"test_{next(_databases)}"
    engine = create_engine("postgresql+psycopg://" + server.split("://", 1)[1], isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


def row_counts(db: str) -> dict[str, int]:
    """The number of rows in each table of the store at `db`."""
    store = Store.open(db)
    with store.engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table)) for table in metadata.sorted_tables}


def on_another_encoder(model: Path, copy: Path) -> Path:
    """A copy (at `copy`) of a model that reads the encoder's states, its training.json naming another encoder."""
    shutil.copytree(model, copy)
    training = json.loads((copy / "training.json").read_text(encoding="utf-8"))
    training |= {"encoder": str((model / training["encoder"]).resolve()), "encoder_sha256": "0" * 64}
    (copy / "training.json").write_text(json.dumps(training), encoding="utf-8")
    return copy
