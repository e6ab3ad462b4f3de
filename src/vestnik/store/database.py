"""The article store: records in, rows out, on SQLite or PostgreSQL through one SQLAlchemy schema.

`Store.add` writes a batch of records in one transaction: the article (with its whole record
as JSON), its entities, mentions, quotes, events, removed boilerplate, search documents,
MinHash buckets and story keys. It decides, per article, whether it is already stored (same
id), a new version of a stored URL, a near-duplicate of a stored article, and which story it
belongs to. Opening a store upgrades its schema to the newest migration.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from vestnik.entities.names import display_name
from vestnik.pipeline import content_hash
from vestnik.record import Article, Event
from vestnik.store import similarity
from vestnik.store.tables import (articles, entities, entity_names, event_participants, events, lsh_buckets, mentions,
                                  minhashes, quotes, removed, search_documents, story_keys)
from vestnik.store.terms import terms


WRITER_LOCK = 0x76657374  # "vest": the PostgreSQL advisory lock every writing transaction holds


class StoreError(Exception):
    """A store that cannot be opened or a request it cannot answer, said plainly."""


def database_url(location: str) -> str:
    """A SQLAlchemy URL from what a user gives: a URL as it is (PostgreSQL through psycopg 3), or a file path."""
    if location.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + location.split("://", 1)[1]
    if "://" in location:
        return location
    path = Path(location).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


@dataclass
class Added:
    """What `Store.add` did with one record."""

    id: str
    status: str  # stored, known
    duplicate_of: str | None = None
    similarity: float | None = None
    previous_version: str | None = None
    story_id: str | None = None


@dataclass
class Store:
    engine: Engine
    dialect: str = field(init=False)

    def __post_init__(self) -> None:
        self.dialect = self.engine.dialect.name

    @classmethod
    def open(cls, location: str) -> "Store":
        url = database_url(location)
        engine = create_engine(url, future=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        store = cls(engine)
        try:
            store.upgrade()
        except Exception as error:  # a driver's own exception types differ; the message is what helps
            raise StoreError(f"cannot open the store {_without_password(location)}: {error}") from None
        return store

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (creates it in an empty database). One process at a
        time: the others wait for the lock, then find the schema at the newest migration."""
        config = Config()
        config.set_main_option("script_location", str(resources.files("vestnik.store").joinpath("migrations")))
        with self._writing() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A transaction that writes, one at a time: SQLite takes its write lock at the start (BEGIN
        IMMEDIATE), PostgreSQL an advisory lock. Writers queue instead of failing on each other's rows
        (or deadlocking on entities); what an article is a duplicate of, or which story it joins, is
        decided against everything committed before. Analysis, the slow part, still runs in parallel."""
        with self.engine.execution_options(sqlite_immediate=True).begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
            yield connection

    def known(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        if not ids:
            return set()
        with self.engine.connect() as connection:
            return set(connection.scalars(select(articles.c.id).where(articles.c.id.in_(ids))))

    def record_with_text(self, text_hash: str) -> Article | None:
        """The record of a stored article with this cleaned text and publication date, if any."""
        with self.engine.connect() as connection:
            row = connection.execute(select(articles.c.record).where(articles.c.text_hash == text_hash).limit(1)).first()
        return Article.model_validate(row.record) if row else None

    def add(self, records: list[Article]) -> list[Added]:
        """Store a batch in one transaction: all of it or, on a crash, none of it. An article another
        writer stored first (the same id) counts as known."""
        with self._writing() as connection:
            return [self._add(connection, record) for record in records]

    def _add(self, connection: Connection, record: Article) -> Added:
        if connection.execute(select(articles.c.id).where(articles.c.id == record.id)).first():
            return Added(record.id, "known")
        text_hash = content_hash(record.published, record.text)
        previous = None
        if record.url:
            previous = connection.execute(select(articles.c.id, articles.c.version).where(
                articles.c.url == record.url, articles.c.latest)).first()
        signature = similarity.signature(record.text)
        duplicate_of, duplicate_similarity = self._near_duplicate(connection, signature, text_hash, record.url)
        keys = similarity.story_keys(record)
        story_id = self._story(connection, record.id, _date(record.published), keys, duplicate_of)
        if previous:
            connection.execute(update(articles).where(articles.c.id == previous.id).values(latest=False))
        connection.execute(articles.insert().values(
            id=record.id, url=record.url, source=record.source, source_id=record.source_id, title=record.title,
            author=record.author, published=_date(record.published), language=record.language, text=record.text,
            text_hash=text_hash, schema_version=record.schema_version, record=record.model_dump(mode="json", by_alias=True),
            ingested_at=datetime.now(timezone.utc).replace(tzinfo=None), version=previous.version + 1 if previous else 1,
            previous_version=previous.id if previous else None, latest=True, duplicate_of=duplicate_of,
            duplicate_similarity=duplicate_similarity, story_id=story_id, story_keys=len(keys)))
        self._add_analysis(connection, record)
        connection.execute(minhashes.insert().values(article_id=record.id, signature=similarity.signature_bytes(signature)))
        connection.execute(lsh_buckets.insert(), [{"band": band, "bucket": bucket, "article_id": record.id}
                                                  for band, bucket in similarity.buckets(signature)])
        if keys:
            connection.execute(story_keys.insert(), [{"key": key, "article_id": record.id, "published": _date(record.published)}
                                                     for key in sorted(keys)])
        return Added(record.id, "stored", duplicate_of, duplicate_similarity, previous.id if previous else None, story_id)

    def _add_analysis(self, connection: Connection, record: Article) -> None:
        if record.distinct_entities:
            known = dict(connection.execute(select(entities.c.id, entities.c.name_key).where(
                entities.c.id.in_([e.id for e in record.distinct_entities]))).all())
            connection.execute(self._entity_upsert, [
                {"id": e.id, "label": e.label, "name": e.name, "latin": e.latin,
                 "name_key": _name_key(known.get(e.id, ""), [e.name, e.latin, *(
                     name for i in e.mentions for name in (record.entities[i].lemma, record.entities[i].latin))])}
                for e in record.distinct_entities])
            self._count_names(connection, record)
        for table, table_rows in _analysis_rows(record).items():
            if table_rows:
                connection.execute(table.insert(), table_rows)

    @cached_property
    def _entity_upsert(self):
        """One row per entity id; the names to find it by gather every base form it has had ("Русия"
        beside "руската държава"). Its name is set by `_count_names`."""
        insert = self._insert(entities)
        return insert.on_conflict_do_update(index_elements=[entities.c.id], set_={"name_key": insert.excluded.name_key})

    def _insert(self, table):
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    def _count_names(self, connection: Connection, record: Article) -> None:
        """Count the article's base forms of each entity into `entity_names`, and name each entity as an
        article does (`display_name`), over every mention the store has of it."""
        counts = Counter((m.id, m.lemma) for m in record.entities)
        latin = {(m.id, m.lemma): m.latin for m in record.entities}
        insert = self._insert(entity_names)
        connection.execute(insert.on_conflict_do_update(
            index_elements=[entity_names.c.entity_id, entity_names.c.name],
            set_={"mentions": entity_names.c.mentions + insert.excluded.mentions}),
            [{"entity_id": key[0], "name": key[1], "latin": latin[key], "mentions": count} for key, count in counts.items()])
        rename_entities(connection, {m.id for m in record.entities})

    def _near_duplicate(self, connection: Connection, signature, text_hash: str,
                        url: str | None) -> tuple[str | None, float | None]:
        """The stored article this one repeats (the original, when that was a copy itself), and how closely."""
        exact = connection.execute(select(articles.c.id, articles.c.duplicate_of).where(
            articles.c.text_hash == text_hash).limit(1)).first()
        if exact:
            return exact.duplicate_of or exact.id, 1.0
        pairs = similarity.buckets(signature)
        candidates = set(connection.scalars(select(lsh_buckets.c.article_id).where(  # an OR of pairs: SQLite's index
            or_(*[(lsh_buckets.c.band == band) & (lsh_buckets.c.bucket == bucket) for band, bucket in pairs]))))
        best, best_similarity = None, 0.0
        if candidates:
            rows = connection.execute(
                select(minhashes.c.article_id, minhashes.c.signature, articles.c.duplicate_of, articles.c.url)
                .join(articles, articles.c.id == minhashes.c.article_id)
                .where(minhashes.c.article_id.in_(candidates)))
            for row in rows:
                if url and row.url == url:
                    continue  # an earlier version of the same page: linked as a version, not a duplicate
                score = similarity.similarity(signature, similarity.from_bytes(row.signature))
                if score > best_similarity:
                    best, best_similarity = row.duplicate_of or row.article_id, score
        if best_similarity >= similarity.DUPLICATE_SIMILARITY:
            return best, round(best_similarity, 3)
        return None, None

    def _story(self, connection: Connection, article_id: str, published: date | None, keys: set[str],
               duplicate_of: str | None) -> str:
        """The story of the most similar article within `STORY_DAYS` sharing enough story keys, or a new story."""
        if duplicate_of:
            return connection.scalar(select(articles.c.story_id).where(articles.c.id == duplicate_of))
        if not keys:
            return article_id
        shared = func.count().label("shared")
        near = story_keys.c.key.in_(sorted(keys)) & (story_keys.c.article_id != article_id)
        if published:
            low, high = date.fromordinal(published.toordinal() - similarity.STORY_DAYS), \
                date.fromordinal(published.toordinal() + similarity.STORY_DAYS)
            near = near & story_keys.c.published.between(low, high)
        else:  # undated articles are compared with undated articles only
            near = near & story_keys.c.published.is_(None)
        candidates = (select(story_keys.c.article_id, shared).where(near)
                      .group_by(story_keys.c.article_id).having(func.count() >= 2).subquery())
        query = (select(articles.c.story_id, articles.c.story_keys, candidates.c.shared)
                 .join(candidates, candidates.c.article_id == articles.c.id).where(articles.c.story_id.is_not(None)))
        best, best_score = None, 0.0
        for row in connection.execute(query.order_by(candidates.c.shared.desc()).limit(50)):
            score = row.shared / (len(keys) + row.story_keys - row.shared)
            if score > best_score:
                best, best_score = row.story_id, score
        return best if best and best_score >= similarity.STORY_SIMILARITY else article_id

    def rebuild_stories(self) -> tuple[int, int]:
        """Assign every article its story again, in a canonical order (originals before their copies, then by
        publication date and id), so the stories of a store do not depend on the order its articles arrived
        in (split inputs ingested at once, or in another order). Returns (articles, stories)."""
        with self._writing() as connection:
            order = connection.execute(select(articles.c.id, articles.c.published, articles.c.duplicate_of).order_by(
                articles.c.duplicate_of.is_not(None), articles.c.published.asc().nulls_first(), articles.c.id)).all()
            keys: dict[str, set[str]] = {}
            for key, article_id in connection.execute(select(story_keys.c.key, story_keys.c.article_id)):
                keys.setdefault(article_id, set()).add(key)
            connection.execute(update(articles).values(story_id=None))
            assigned: dict[str, str] = {}
            for row in order:
                assigned[row.id] = self._story(connection, row.id, row.published, keys.get(row.id, set()), row.duplicate_of)
                connection.execute(update(articles).where(articles.c.id == row.id).values(story_id=assigned[row.id]))
            named: dict[str, str] = {}  # a story is named after its earliest article, whichever copy was the original
            for row in sorted(order, key=lambda row: (row.published is not None, row.published or date.min, row.id)):
                named.setdefault(assigned[row.id], row.id)
            for story_id, name in named.items():
                if story_id != name:
                    connection.execute(update(articles).where(articles.c.story_id == story_id).values(story_id=name))
            return len(order), len(named)


def _sqlite_pragmas(connection, _record) -> None:
    connection.isolation_level = None  # SQLAlchemy, not the driver, begins transactions (_sqlite_begin)
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the ingest, a crash never corrupts
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """SQLAlchemy's recipe for pysqlite: emit BEGIN ourselves, so DDL is transactional too and a
    writing transaction can ask for the write lock up front."""
    immediate = connection.get_execution_options().get("sqlite_immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _event_row(article_id: str, position: int, event_: Event) -> dict:
    return {"article_id": article_id, "position": position, "type": event_.type, "mode": event_.mode,
            "context": ",".join(event_.context) or None, "event_date": event_.when.value,
            "place": event_.where.text if event_.where else None, "place_id": event_.where.id if event_.where else None,
            "evidence": event_.evidence.text, "quote_position": event_.quote_index,
            "event": event_.model_dump(mode="json")}


def _analysis_rows(record: Article) -> dict:
    """The rows of each table that spreads out the record's analysis."""
    return {
        mentions: [{"article_id": record.id, "position": i, "entity_id": m.id, "start_char": m.start, "end_char": m.end,
                    "text": m.text, "lemma": m.lemma, "label": m.label} for i, m in enumerate(record.entities)],
        quotes: [_quote_row(record.id, i, q) for i, q in enumerate(record.quotes)],
        events: [_event_row(record.id, i, e) for i, e in enumerate(record.events)],
        event_participants: [{"article_id": record.id, "event_position": i, "role": role, "position": j,
                              "entity_id": p.id, "name": p.name, "code": p.code}
                             for i, e in enumerate(record.events) for role in ("actor", "recipient")
                             for j, p in enumerate(getattr(e, role))],
        removed: [{"article_id": record.id, "position": i, "text": r.text, "reason": r.reason, "count": r.count}
                  for i, r in enumerate(record.removed)],
        search_documents: _search_rows(record),
    }


def _quote_row(article_id: str, position: int, quote) -> dict:
    return {"article_id": article_id, "position": position, "start_char": quote.start, "end_char": quote.end,
            "content": quote.content, "type": quote.type, "cue": quote.cue.text if quote.cue else None,
            "speaker_mention": quote.speaker_mention.text if quote.speaker_mention else None,
            "speaker_name": quote.speaker.name if quote.speaker else None,
            "speaker_id": quote.speaker.id if quote.speaker else None}


def _search_rows(record: Article) -> list[dict]:
    return ([{"kind": "article", "article_id": record.id, "position": 0, "terms": _terms(record.text)}]
            + [{"kind": "quote", "article_id": record.id, "position": i,
                "terms": _terms(" ".join([q.content, q.speaker.name if q.speaker else ""]))} for i, q in enumerate(record.quotes)]
            + [{"kind": "event", "article_id": record.id, "position": i, "terms": _terms(_event_text(e))}
               for i, e in enumerate(record.events)])


def _event_text(event_: Event) -> str:
    names = [party.name for party in event_.actor + event_.recipient]
    return " ".join([event_.evidence.text, event_.where.text if event_.where else "", *names])


def _terms(text: str) -> str:
    return " ".join(terms(text))


def rename_entities(connection: Connection, ids: set[str]) -> None:
    """Set the name (and its Latin spelling) of the entities `ids` from their counted base forms."""
    forms: dict[str, dict[str, tuple[int, str]]] = {}
    ordered = sorted(ids)
    for chunk in (ordered[at:at + 500] for at in range(0, len(ordered), 500)):  # bound the query's parameters
        rows = connection.execute(select(entity_names.c.entity_id, entity_names.c.name, entity_names.c.mentions,
                                         entity_names.c.latin).where(entity_names.c.entity_id.in_(chunk)))
        for entity_id, name, count, latin in rows:
            forms.setdefault(entity_id, {})[name] = (count, latin)
    for entity_id, names in forms.items():
        name = display_name(Counter({form: count for form, (count, _) in names.items()}))
        connection.execute(update(entities).where(entities.c.id == entity_id, entities.c.name != name)
                           .values(name=name, latin=names[name][1]))


def _name_key(known: str, names: list[str]) -> str:
    """The lower-case names to find an entity by, tab-separated: those already known, then the new ones."""
    keys = known.split("\t") if known else []
    keys += [key for key in dict.fromkeys(name.lower() for name in names) if key not in keys]
    return "\t".join(keys)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _without_password(location: str) -> str:
    if "://" in location and "@" in location:
        scheme, rest = location.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return location

