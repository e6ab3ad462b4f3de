"""The article pipeline: ingest → clean → analyse → record, for a stream of inputs.

Each stage is a plain function in `vestnik.stages` (or a spaCy component in
`vestnik.analysis`); this module only composes them, batching articles through
spaCy's `nlp.pipe` so that models are loaded once per run (once per worker process), never per
article.
Failures are values (`InputError`), yielded in input order next to the records,
so one bad file never stops the run.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

from dateutil.parser import isoparse
from spacy.language import Language
from spacy.tokens import Doc

from vestnik.analysis import analyse_docs, build_nlp
from vestnik.config import Settings
from vestnik.record import Article, Offsets
from vestnik.stages.clean import CleanText, article_problem, clean
from vestnik.stages.feeds import read_sources
from vestnik.stages.ingest import InputError, RawArticle
from vestnik.stages.language import identify_language
from vestnik.stages.webpage import extract_page


@dataclass
class Prepared:
    """An article after ingest and clean, waiting for the analysis pipeline."""

    raw: RawArticle
    cleaned: CleanText
    published: date | None
    url: str | None
    author: str | None
    language: str
    language_confidence: float

    @property
    def text_hash(self) -> str:
        return content_hash(self.published.isoformat() if self.published else None, self.cleaned.text)


def analyze_paths(paths: Iterable[str], settings: Settings, nlp: Language | None = None) -> Iterator[Article | InputError]:
    """Records (or errors) for every article behind `paths` (files, directories, feeds, URLs), in input order."""
    return analyze_raw(read_sources(paths, settings), settings, nlp)


def prepare(items: Iterable[RawArticle | InputError], settings: Settings) -> Iterator[Prepared | InputError]:
    """Web page extraction, cleaning and language identification: everything before spaCy."""
    for item in items:
        yield _prepare(item, settings) if isinstance(item, RawArticle) else item


def analyze_prepared(items: Iterable[Prepared | InputError], settings: Settings,
                     nlp: Language | None = None) -> Iterator[Article | InputError]:
    """Records for prepared articles, in order; in `settings.processes` worker processes (each with its
    own pipeline) when that is more than one and no `nlp` is given."""
    if settings.processes > 1 and nlp is None:
        yield from _analyze_in_processes(items, settings)
        return
    nlp = nlp or build_nlp(settings.model, settings.threads, settings.syntax)
    for batch in batches(items, settings.batch_size):
        yield from _analyze_batch(batch, nlp)


def analyze_raw(items: Iterable[RawArticle | InputError], settings: Settings,
                nlp: Language | None = None) -> Iterator[Article | InputError]:
    """Records for raw articles, in order; on the Dask cluster of `settings.scheduler` when one is named
    and no `nlp` is given (the workers then prepare the articles too)."""
    if settings.scheduler and nlp is None:
        from vestnik.cluster import analyze_partition, lost_inputs, map_partitions

        for records in map_partitions(settings, analyze_partition, items, lost=lost_inputs):
            yield from records
        return
    yield from analyze_prepared(prepare(items, settings), settings, nlp)


def _analyze_in_processes(items: Iterable[Prepared | InputError], settings: Settings) -> Iterator[Article | InputError]:
    """Batches go to the workers as they are read, at most two per worker in flight, and come back in order."""
    with ProcessPoolExecutor(settings.processes, initializer=start_worker,
                             initargs=(settings.model, settings.threads, settings.syntax)) as pool:
        in_flight: deque[Future] = deque()
        for batch in batches(items, settings.batch_size):
            in_flight.append(pool.submit(_worker_analyze, batch))
            if len(in_flight) >= 2 * settings.processes:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


_worker_nlp: Language | None = None


WARM_UP = "София, 10 януари. Министърът на външните работи Иван Петров заяви, че срещата ще е утре."


def start_worker(model: str, threads: int, syntax: bool = True) -> None:
    """A worker process's initializer: its own pipeline, loaded once and run on one short article, so
    that the first real one is not charged the lazy loading (a second) against its time limit."""
    global _worker_nlp
    _worker_nlp = build_nlp(model, threads, syntax)
    analyze_in_worker([RawArticle(source="warm-up", content=WARM_UP, is_html=False)], Settings())


def _worker_analyze(batch: list[Prepared | InputError]) -> list[Article | InputError]:
    return list(_analyze_batch(batch, _worker_nlp))


def analyze_in_worker(items: list[RawArticle | InputError], settings: Settings) -> list[Article | InputError]:
    """In a worker process started by `start_worker`: everything from the raw article to its record."""
    return _worker_analyze(list(prepare(items, settings)))


def worker_nlp() -> Language:
    """The pipeline `start_worker` loaded in this worker process."""
    if _worker_nlp is None:
        raise RuntimeError("no analysis pipeline in this process: start_worker was not run")
    return _worker_nlp


def batches(items: Iterable, size: int) -> Iterator[list]:
    """`items` in lists of `size` (the last one shorter), read lazily."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def article_id(raw: RawArticle) -> str:
    """The record id: a hash of the decoded source text, so the same input always gets the same id."""
    return _hash(raw.content)


def content_hash(published: str | None, text: str) -> str:
    """Equal for articles whose cleaned text and publication date are equal: their analyses are equal too."""
    return _hash(f"{published}\n{text}")


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _prepare(raw: RawArticle, settings: Settings) -> Prepared | InputError:
    try:
        title, url, author, published = raw.title, raw.url, None, raw.published
        text = raw.content
        if raw.is_html:
            page = extract_page(raw.content, raw.source)
            text, title = page.text, title or page.title
            url, author, published = url or page.url, page.author, published or page.published
        cleaned = clean(text, title)
        author, published = author or cleaned.author, published or cleaned.published
        if problem := article_problem(cleaned):
            raise InputError(raw.source, problem)
        if len(cleaned.text) > settings.max_chars:
            raise InputError(raw.source, f"{len(cleaned.text):,} characters of text, over the analysis limit of "
                                         f"{settings.max_chars:,} (VESTNIK_MAX_CHARS); split it into its articles")
        language = identify_language(cleaned.text)
        return Prepared(raw=raw, cleaned=cleaned, published=_parse_published(published or settings.published, raw.source),
                        url=url, author=author, language=language.code, language_confidence=language.confidence)
    except InputError as error:
        return error


def _parse_published(value: str | None, source: str) -> date | None:
    if not value:
        return None
    try:
        return isoparse(value.strip()).date()
    except ValueError:
        raise InputError(source, f"publication date {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _analyze_batch(batch: list[Prepared | InputError], nlp: Language) -> Iterator[Article | InputError]:
    prepared = [item for item in batch if isinstance(item, Prepared)]
    docs = []
    for item in prepared:
        doc = nlp.tokenizer(item.cleaned.text)  # not make_doc: the length limit is settings.max_chars, checked before
        doc._.published = item.published
        doc._.language = item.language
        doc._.paragraphs = item.cleaned.paragraphs
        docs.append(doc)
    analysed = iter(analyse_docs(nlp, docs))
    for item in batch:
        yield item if isinstance(item, InputError) else build_record(item, next(analysed))


def build_record(item: Prepared, doc: Doc) -> Article:
    cleaned = item.cleaned
    return Article(
        id=article_id(item.raw),
        source=item.raw.source,
        source_id=item.raw.id,
        url=item.url,
        title=cleaned.title,
        author=item.author,
        published=item.published.isoformat() if item.published else None,
        language=item.language,
        language_confidence=item.language_confidence,
        stages=list(doc._.stages),
        text=cleaned.text,
        removed=cleaned.removed,
        paragraphs=[Offsets(start=start, end=end) for start, end in doc._.paragraphs],
        tables=[Offsets(start=start, end=end) for start, end in cleaned.tables],
        sentences=[Offsets(start=start, end=end) for start, end in doc._.sentences],
        dates=doc._.dates,
        entities=doc._.entities or [],
        distinct_entities=doc._.distinct_entities or [],
        quotes=list(doc._.quotes or ()),
        events=list(doc._.events or ()),
    )
