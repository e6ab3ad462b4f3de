"""Analysis, ingest and Parquet output on a Dask cluster (`--scheduler tcp://HOST:PORT` or `local:N`).

The client reads the inputs itself (so workers need no access to its files, only vestnik installed),
cuts them into partitions of `settings.partition_size` articles and submits each partition as one
task. Every worker builds the analysis pipeline once, when it joins (the `AnalysisPipeline` worker
plugin, which a restarted or late worker also runs), never per task. Results come back in input
order with at most two partitions per worker in flight, so memory stays bounded however long the
input. A worker lost mid-task costs only its partitions, which Dask runs again elsewhere; a
partition that kills `distributed.scheduler.allowed-failures` workers in a row is reported as
failed inputs, naming their sources, instead of being retried forever.

Dask does the scheduling, transport, retries and worker lifecycle; what is written here is only
the mapping of vestnik's stream of inputs onto ordered, bounded partitions.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from uuid import uuid4

from distributed import Client, Future, KilledWorker, LocalCluster, WorkerPlugin

from vestnik.config import Settings
from vestnik.parquet import write_part
from vestnik.pipeline import analyze_in_worker, batches, start_worker
from vestnik.record import Article
from vestnik.stages.ingest import InputError, RawArticle

PLUGIN_NAME = "vestnik-analysis"

Partition = list[RawArticle | InputError]


class SchedulerUnreachable(Exception):
    """The scheduler `--scheduler` names does not answer."""


class AnalysisPipeline(WorkerPlugin):
    """Loads the analysis pipeline in a worker process when the worker starts, once; the tasks of that
    worker then run one at a time on it (a spaCy pipeline is not made for concurrent calls)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = threading.Lock()

    def setup(self, worker) -> None:
        start_worker(self.settings.model, self.settings.threads, self.settings.syntax)

    def __getstate__(self) -> dict:
        return {"settings": self.settings}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["settings"])


def worker_plugin() -> AnalysisPipeline:
    """The plugin of the worker this task runs on."""
    from distributed import get_worker

    return get_worker().plugins[PLUGIN_NAME]


def parse_address(address: str) -> tuple[str, int | None]:
    """("local", N) for `local:N`, (address, None) for a scheduler's `tcp://host:port`; anything else is refused."""
    if address.startswith("local:"):
        count = address.removeprefix("local:")
        if count.isdigit() and int(count) > 0:
            return "local", int(count)
    elif address.startswith(("tcp://", "tls://")) and ":" in address.split("://", 1)[1]:
        return address, None
    raise ValueError(f"--scheduler {address!r}: expected tcp://HOST:PORT of a running Dask scheduler or local:N "
                     f"to start N worker processes here")


@contextmanager
def connect(settings: Settings) -> Iterator[Client]:
    """A client of the scheduler `settings.scheduler` names, with the analysis plugin on its workers;
    for `local:N`, a `LocalCluster` of N single-threaded worker processes on loopback, for this run."""
    address, workers = parse_address(settings.scheduler or "")
    logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO lines would bury vestnik's own messages
    if workers is None:
        try:
            client = Client(address, timeout="10s")
        except OSError as error:
            raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {address}: {error}") from None
        with client:
            _start_plugin(client, settings)
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        _start_plugin(client, replace(settings, processes=workers))  # the machine's cores shared among its workers
        yield client


def _start_plugin(client: Client, settings: Settings) -> None:
    client.register_plugin(AnalysisPipeline(settings), name=PLUGIN_NAME)


def map_partitions(settings: Settings, task: Callable, items: Iterable[RawArticle | InputError], *args,
                   lost: Callable[[Partition, KilledWorker], object]) -> Iterator:
    """`task(index, partition, *args)` on the cluster for each partition of `items`, results in input order;
    `lost(partition, error)` stands in for the result of a partition whose tasks kept killing workers."""
    with connect(settings) as client:
        window = 2 * max(1, len(client.scheduler_info()["workers"]))
        run = uuid4().hex[:8]
        in_flight: deque[tuple[Partition, Future]] = deque()
        for index, partition in enumerate(batches(items, settings.partition_size)):
            future = client.submit(task, index, partition, *args, key=f"vestnik-{run}-{index}", pure=False)
            in_flight.append((partition, future))
            if len(in_flight) >= window:
                yield _result(*in_flight.popleft(), lost)
        while in_flight:
            yield _result(*in_flight.popleft(), lost)


def _result(partition: Partition, future: Future, lost: Callable[[Partition, KilledWorker], object]):
    try:
        return future.result()
    except KilledWorker as error:
        return lost(partition, error)


def analyze_partition(index: int, partition: Partition) -> list[Article | InputError]:
    """A task: the partition's records (or errors), in order."""
    plugin = worker_plugin()
    with plugin.lock:
        return analyze_in_worker(partition, plugin.settings)


def parquet_on_cluster(items: Iterable[RawArticle | InputError], settings: Settings,
                       directory: Path) -> Iterator[InputError]:
    """Analyse on the cluster, each worker writing its partitions' Parquet parts into `directory` (which the
    workers must see: this machine's disk for local:N, a shared file system for a cluster); yields the failures."""
    for errors in map_partitions(settings, parquet_partition, items, str(directory), lost=lost_inputs):
        yield from errors


def parquet_partition(index: int, partition: Partition, directory: str) -> list[InputError]:
    """A task: analyse the partition, write its part of every table (part `index`), return its failures."""
    results = analyze_partition(index, partition)
    write_part([result for result in results if isinstance(result, Article)], Path(directory), index)
    return [result for result in results if isinstance(result, InputError)]


def lost_inputs(partition: Partition, error: KilledWorker) -> list[InputError]:
    """The partition's inputs as failures: each worker that analysed them died (out of memory, a crash)."""
    return [item if isinstance(item, InputError) else
            InputError(item.source, f"the workers analysing it kept dying ({error}); not retried again")
            for item in partition]

