"""All tunable settings of a vestnik run, in one place.

Every stage receives what it needs from a `Settings` value instead of reading
globals or the environment itself, so a run is fully described by this object
(the CLI builds it from flags and `VESTNIK_*` environment variables). This module is the only
reader of the environment.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Largest input accepted (10 MiB): a news article is a few KB; bigger files are dumps or junk."""

DEFAULT_MAX_CHARS = 1_000_000
"""Longest cleaned text analysed (spaCy's own default limit): a long feature is 50,000 characters;
a million is a book or a dump, refused with a reason rather than analysed for minutes."""

DEFAULT_DATABASE = "~/.local/share/vestnik/vestnik.db"
"""The embedded store when neither `--db` nor `VESTNIK_DB` names one (under `$XDG_DATA_HOME` when that is set)."""


def default_slavicner() -> Path:
    """SlavicNER, for training and the evaluations: `VESTNIK_DATA`, else ../shared/data/slavicner."""
    return Path(os.environ.get("VESTNIK_DATA", "../shared/data/slavicner"))


def default_treebank() -> Path:
    """UD_Bulgarian-BTB, for the syntax layer: `VESTNIK_TREEBANK`, else ../shared/data/ud-bg-btb."""
    return Path(os.environ.get("VESTNIK_TREEBANK", "../shared/data/ud-bg-btb"))


def default_pages() -> Path:
    """The saved real pages of public test sets, for `vestnik eval pages`: `VESTNIK_PAGES`, else ../shared/pages."""
    return Path(os.environ.get("VESTNIK_PAGES", "../shared/pages"))


def default_api_key() -> str | None:
    """The key that opens `POST /api/articles` when `serve --api-key` gives none: `VESTNIK_API_KEY`."""
    return os.environ.get("VESTNIK_API_KEY") or None


def progress_wanted() -> bool:
    """A progress bar on a terminal, never in CI logs."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def default_database() -> str:
    """Where the store is: `VESTNIK_DB` (a path or a PostgreSQL URL), else the SQLite file in the user's data folder."""
    if os.environ.get("VESTNIK_DB"):
        return os.environ["VESTNIK_DB"]
    if os.environ.get("XDG_DATA_HOME"):
        return os.path.join(os.environ["XDG_DATA_HOME"], "vestnik", "vestnik.db")
    return os.path.expanduser(DEFAULT_DATABASE)


@dataclass(frozen=True)
class Settings:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_chars: int = DEFAULT_MAX_CHARS  # longest cleaned text analysed; a longer one is refused with a reason
    batch_size: int = 32
    processes: int = 1  # worker processes, each with its own pipeline; one per core is the fastest
    published: str | None = None  # ISO date applied to inputs that carry none of their own
    model: str = "default"  # entity model: default (the encoder), fast (the CNN) or a model directory
    syntax: bool = True  # the syntax layer (CC BY-NC-SA, from its treebank); False: `--no-syntax`, VESTNIK_SYNTAX=0
    scheduler: str | None = None  # a Dask scheduler (tcp://host:port) or local:N to start a cluster of N workers here
    partition_size: int = 32  # articles a Dask task takes (and a Parquet part holds): seconds of work, not milliseconds

    @property
    def threads(self) -> int:
        """Threads for each pipeline's encoder: all cores for one process, the cores shared out among several."""
        return 0 if self.processes <= 1 else max(1, (os.cpu_count() or 1) // self.processes)

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Settings from `VESTNIK_MAX_BYTES`, `VESTNIK_MAX_CHARS`, `VESTNIK_PROCESSES`, `VESTNIK_MODEL`, `VESTNIK_SYNTAX` and
        `VESTNIK_SCHEDULER`, then explicit overrides (flags) on top."""
        values: dict = {}
        if os.environ.get("VESTNIK_MAX_BYTES"):
            values["max_bytes"] = int(os.environ["VESTNIK_MAX_BYTES"])
        if os.environ.get("VESTNIK_MAX_CHARS"):
            values["max_chars"] = int(os.environ["VESTNIK_MAX_CHARS"])
        if os.environ.get("VESTNIK_PROCESSES"):
            values["processes"] = int(os.environ["VESTNIK_PROCESSES"])
        if os.environ.get("VESTNIK_MODEL"):
            values["model"] = os.environ["VESTNIK_MODEL"]
        if os.environ.get("VESTNIK_SYNTAX"):
            values["syntax"] = os.environ["VESTNIK_SYNTAX"].lower() not in ("0", "false", "no", "off")
        if os.environ.get("VESTNIK_SCHEDULER"):
            values["scheduler"] = os.environ["VESTNIK_SCHEDULER"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
