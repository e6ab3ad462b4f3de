"""The web server's analyses, in a bounded pool of worker processes.

Why not FastAPI's thread pool: an analysis is seconds of CPU and hundreds of MB, and threads share
the interpreter's lock and memory with the searches, so four pasted articles once made search p95
twenty times slower. In worker processes (pebble's pool, because it can kill a worker that runs
past its time limit, which `concurrent.futures` cannot), a fixed number analyse at once, a few
more wait their turn, and the rest are told at once when to come back (503 with Retry-After)
instead of waiting minutes for an answer that may never come.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from pebble import ProcessPool

from vestnik.config import Settings
from vestnik.pipeline import analyze_in_worker, start_worker
from vestnik.record import Article
from vestnik.stages.ingest import InputError, RawArticle


@dataclass(frozen=True)
class PoolSettings:
    workers: int = 1  # analyses at once; on 2 cores one leaves a core to the searches
    queue: int = 4  # analyses that may wait for a worker; beyond, 503 at once
    timeout: float = 60.0  # seconds one analysis may run before its worker is killed (and replaced)
    threads: int = 1  # encoder threads in each worker


class Busy(Exception):
    """Every worker is analysing and the queue is full."""

    def __init__(self, retry_after: int):
        super().__init__(f"the server is analysing other articles; try again in {retry_after} s")
        self.retry_after = retry_after


class TooSlow(Exception):
    """An analysis ran past the time limit; its worker was stopped."""

    def __init__(self, timeout: float):
        super().__init__(f"the analysis did not finish within {timeout:g} s; for long texts use `vestnik ingest`")


class AnalysisPool:
    """Worker processes, started at the first analysis (each loads the model once), stopped by `close`."""

    def __init__(self, model: str, limits: PoolSettings = PoolSettings(), syntax: bool = True):
        self.model, self.limits, self.syntax = model, limits, syntax
        self.pending = 0  # running and waiting; read and changed only on the event loop
        self.seconds = 5.0  # running average of one analysis, for Retry-After
        self._pool: ProcessPool | None = None

    async def analyse(self, raw: RawArticle, settings: Settings) -> Article | InputError:
        if self.pending >= self.limits.workers + self.limits.queue:
            raise Busy(max(1, math.ceil(self.seconds * self.pending / self.limits.workers)))
        self.pending += 1
        started = time.monotonic()
        try:
            future = self._started().schedule(analyze_in_worker, args=([raw], settings), timeout=self.limits.timeout)
            [result] = await asyncio.wrap_future(future)
        except FutureTimeout as error:
            raise TooSlow(self.limits.timeout) from error
        finally:
            self.pending -= 1
        self.seconds = 0.8 * self.seconds + 0.2 * (time.monotonic() - started)
        return result

    def _started(self) -> ProcessPool:
        if self._pool is None:
            # spawn, not fork: the server has threads, and a forked copy of a lock held by one of them never opens
            self._pool = ProcessPool(self.limits.workers, initializer=start_worker,
                                     initargs=(self.model, self.limits.threads, self.syntax),
                                     context=multiprocessing.get_context("spawn"))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None
