"""Shared test helpers: run the real `vestnik` command and validate everything it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from vestnik.record import committed_json_schema

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


def run_vestnik(*args: str, stdin: bytes | None = None, env: dict | None = None) -> Run:
    result = subprocess.run([sys.executable, "-m", "vestnik.cli", *map(str, args)], input=stdin,
                            capture_output=True, env={**os.environ, **(env or {})}, timeout=300)
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
