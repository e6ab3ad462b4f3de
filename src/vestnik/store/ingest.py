"""`vestnik ingest`: read, skip what is stored, analyse, store in committed batches.

Idempotent and resumable by construction: an input whose id (hash of its text) is stored is
skipped before any work; an input whose cleaned text and date equal a stored article's is not
analysed again (its record is copied under its own id and source); everything else is
analysed and stored `settings.batch_size` records per transaction, so an interrupted run
loses at most the batch in flight and the rerun picks up where it stopped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language

from vestnik.config import Settings
from vestnik.pipeline import Prepared, analyze_prepared, article_id, prepare, worker_nlp
from vestnik.record import Article
from vestnik.stages.feeds import read_sources
from vestnik.stages.ingest import InputError, RawArticle
from vestnik.store.database import Added, Store, StoreError


@dataclass
class IngestReport:
    stored: int = 0
    known: int = 0  # already in the store: skipped
    repeated: int = 0  # the same input given again in this run: skipped
    copies: int = 0  # same text as a stored article: stored without analysing again
    duplicates: int = 0  # near-duplicates linked to their original
    versions: int = 0  # new versions of a stored URL
    failed: int = 0

    def count(self, added: Added) -> None:
        if added.status == "known":
            self.known += 1
            return
        self.stored += 1
        self.duplicates += added.duplicate_of is not None
        self.versions += added.previous_version is not None

    def summary(self) -> str:
        return (f"stored {self.stored} articles ({self.duplicates} near-duplicates or copies, {self.versions} new versions, "
                f"{self.copies} copies not analysed again); {self.known} already stored; "
                f"{self.repeated} repeated in this run; {self.failed} failed")


def ingest(paths: Iterable[str], store: Store, settings: Settings, report: IngestReport,
           nlp: Language | None = None) -> Iterator[Added | InputError]:
    """Store every article behind `paths`; yields what happened to each, errors included, as batches commit.
    With `settings.scheduler`, the cluster's workers analyse and commit (PostgreSQL stores only)."""
    if settings.scheduler and store.dialect != "postgresql":
        raise StoreError("--scheduler needs a PostgreSQL store (--db postgresql://…): workers on several machines "
                         "cannot write into one SQLite file")
    fresh = _not_stored(read_sources(paths, settings), store, settings.batch_size, report)
    results = _stored_on_cluster(fresh, store, settings, report) if settings.scheduler and nlp is None else \
        store_articles(fresh, store, settings, nlp, report)
    for result in results:
        if isinstance(result, InputError):
            report.failed += 1
        else:
            report.count(result)
        yield result


def store_articles(items: Iterable[RawArticle | InputError], store: Store, settings: Settings, nlp: Language | None,
                   report: IngestReport) -> Iterator[Added | InputError]:
    """Prepare, analyse (or copy) and commit `settings.batch_size` records at a time."""
    batch: list[Article] = []
    for result in _analysed_or_copied(prepare(items, settings), store, settings, nlp, report):
        if isinstance(result, InputError):
            yield result
            continue
        batch.append(result)
        if len(batch) >= settings.batch_size:
            yield from store.add(batch)
            batch = []
    if batch:
        yield from store.add(batch)


def _stored_on_cluster(items: Iterable[RawArticle | InputError], store: Store, settings: Settings,
                       report: IngestReport) -> Iterator[Added | InputError]:
    from vestnik.cluster import lost_inputs, map_partitions

    def lost(partition, error) -> tuple[list[InputError], int]:
        return lost_inputs(partition, error), 0

    location = store.engine.url.render_as_string(hide_password=False)
    for results, copies in map_partitions(settings, store_partition, items, location, lost=lost):
        report.copies += copies
        yield from results


_worker_stores: dict[str, Store] = {}


def store_partition(index: int, partition: list[RawArticle | InputError],
                    location: str) -> tuple[list[Added | InputError], int]:
    """A task on a cluster worker: analyse the partition and commit it into the store at `location` (opened
    once per worker); returns what happened to each input and how many were copies not analysed again."""
    from vestnik.cluster import worker_plugin

    plugin = worker_plugin()
    store = _worker_stores.get(location) or _worker_stores.setdefault(location, Store.open(location))
    report = IngestReport()
    with plugin.lock:
        results = list(store_articles(partition, store, plugin.settings, worker_nlp(), report))
    return results, report.copies


def _not_stored(items: Iterable[RawArticle | InputError], store: Store, size: int,
                report: IngestReport) -> Iterator[RawArticle | InputError]:
    """The inputs whose id is neither stored nor seen earlier in this run, checked a batch at a time."""
    seen: set[str] = set()
    pending: list[RawArticle | InputError] = []

    def flush() -> Iterator[RawArticle | InputError]:
        stored = store.known(article_id(item) for item in pending if isinstance(item, RawArticle))
        for item in pending:
            if isinstance(item, RawArticle):
                identifier = article_id(item)
                if identifier in stored or identifier in seen:
                    report.known += identifier in stored
                    report.repeated += identifier not in stored
                    continue
                seen.add(identifier)
            yield item
        pending.clear()

    for item in items:
        pending.append(item)
        if len(pending) >= size:
            yield from flush()
    yield from flush()


def _analysed_or_copied(items: Iterable[Prepared | InputError], store: Store, settings: Settings,
                        nlp: Language | None, report: IngestReport) -> Iterator[Article | InputError]:
    """Records for the prepared inputs: copied from the store when it holds the same text, else analysed."""
    copies: deque[Article] = deque()

    def needing_analysis() -> Iterator[Prepared | InputError]:
        for item in items:
            stored = store.record_with_text(item.text_hash) if isinstance(item, Prepared) else None
            if stored is None:
                yield item
                continue
            report.copies += 1
            copies.append(stored.model_copy(update={"id": article_id(item.raw), "source": item.raw.source,
                                                    "source_id": item.raw.id, "url": item.url, "author": item.author}))

    for result in analyze_prepared(needing_analysis(), settings, nlp):
        while copies:
            yield copies.popleft()
        yield result
    yield from copies
