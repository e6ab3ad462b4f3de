"""Finding things in the store: full-text search, a person's quotes, an entity's profile, stories.

Full text runs on SQLite FTS5 or on PostgreSQL's text search over the same ASCII terms
(`vestnik.store.terms`), so both engines answer a query with the same documents. Only
the latest version of each article is searched. Every value a user gives reaches SQL as a
bound parameter; the query text itself is reduced to terms first, so its quotes, operators
and FTS syntax are ordinary characters, never syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import Select, and_, desc, distinct, exists, func, literal_column, select, text

from vestnik.record import Article
from vestnik.store.database import Store, StoreError
from vestnik.store.tables import articles, entities, event_participants, events, mentions, quotes, search_documents
from vestnik.store.terms import query_terms, term

KINDS = ("articles", "quotes", "events")
SNIPPET_CHARACTERS = 200
LEAD_CHARACTERS = 100  # what stands for the headline of an article that has none
WORD = re.compile(r"[^\W_]+")


@dataclass
class Hit:
    kind: str  # article, quote, event
    article_id: str
    position: int
    title: str | None
    published: str | None
    url: str | None
    text: str  # a snippet of the article, the quote's content, the event's evidence
    speaker: str | None = None
    event_type: str | None = None
    duplicate_of: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class EntityMatch:
    id: str
    label: str
    name: str
    latin: str
    mentions: int


@dataclass
class Profile:
    entity: EntityMatch
    articles: int
    per_day: list[tuple[str, int]]
    co_mentioned: list[tuple[EntityMatch, int]]
    quotes: list[Hit]
    events: list[Hit]
    others: list[EntityMatch] = field(default_factory=list)  # other entities the name could mean


@dataclass
class Story:
    id: str
    articles: int
    first: str | None
    last: str | None
    headline: str | None
    key_entities: list[str]


def search(store: Store, query: str, kind: str = "articles", date_from: date | None = None, date_to: date | None = None,
           entity: str | None = None, limit: int = 20, offset: int = 0) -> list[Hit]:
    """Documents of `kind` that contain every word of `query` (in any inflection), best first."""
    if kind not in KINDS:
        raise StoreError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    words = query_terms(query)
    if not words:
        raise StoreError(f"the query {query!r} has no words to search for")
    matches = _full_text(store, words)
    document_kind = kind[:-1]
    statement = (select(search_documents.c.article_id, search_documents.c.position, matches.c.rank)
                 .join(matches, matches.c.rowid == search_documents.c.id)
                 .join(articles, articles.c.id == search_documents.c.article_id)
                 .where(search_documents.c.kind == document_kind, articles.c.latest))
    statement = _within(statement, date_from, date_to)
    if entity:
        statement = statement.where(_mentioning(store, entity))
    statement = statement.order_by(matches.c.rank, desc(articles.c.published), search_documents.c.article_id,
                                   search_documents.c.position).limit(limit).offset(offset)
    with store.engine.connect() as connection:
        found = [(row.article_id, row.position) for row in connection.execute(statement)]
    return _hits(store, document_kind, found, set(words))


def _full_text(store: Store, words: list[str]):
    """(rowid, rank) of the search documents holding every term; a lower rank is a better match."""
    if store.dialect == "postgresql":
        return (text("SELECT id AS rowid, -ts_rank(terms_vector, plainto_tsquery('simple', :q)) AS rank "
                     "FROM search_documents WHERE terms_vector @@ plainto_tsquery('simple', :q)")
                .bindparams(q=" ".join(words)).columns(literal_column("rowid"), literal_column("rank")).subquery())
    return (text("SELECT rowid, bm25(search_fts) AS rank FROM search_fts WHERE search_fts MATCH :q")
            .bindparams(q=" AND ".join(f'"{word}"' for word in words))
            .columns(literal_column("rowid"), literal_column("rank")).subquery())


def _within(statement: Select, date_from: date | None, date_to: date | None) -> Select:
    if date_from:
        statement = statement.where(articles.c.published >= date_from)
    if date_to:
        statement = statement.where(articles.c.published <= date_to)
    return statement


def _hits(store: Store, kind: str, found: list[tuple[str, int]], words: set[str]) -> list[Hit]:
    if not found:
        return []
    ids = sorted({article_id for article_id, _ in found})
    with store.engine.connect() as connection:
        heads = {row.id: row for row in connection.execute(
            select(articles.c.id, articles.c.title, articles.c.published, articles.c.url, articles.c.duplicate_of,
                   func.substr(articles.c.text, 1, LEAD_CHARACTERS).label("lead"),
                   *([articles.c.text] if kind == "article" else [])).where(articles.c.id.in_(ids)))}
        details = {}
        if kind == "quote":
            details = {(row.article_id, row.position): (row.content, row.speaker_name, None) for row in connection.execute(
                select(quotes).where(quotes.c.article_id.in_(ids)))}
        elif kind == "event":
            details = {(row.article_id, row.position): (row.evidence or "", None, row.type) for row in connection.execute(
                select(events).where(events.c.article_id.in_(ids)))}
    hits = []
    for article_id, position in found:
        head = heads[article_id]
        content, speaker, event_type = details.get((article_id, position)) or (snippet(head.text, words), None, None)
        hits.append(Hit(kind, article_id, position, head.title or _lead(head.lead), _iso(head.published), head.url, content,
                        speaker, event_type, head.duplicate_of))
    return hits


def _lead(text: str) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) < LEAD_CHARACTERS else first[: first.rfind(" ")] + "…"


def snippet(body: str, words: set[str]) -> str:
    """The text around the first word of the query, on word boundaries."""
    for match in WORD.finditer(body):
        if term(match.group()) in words:
            start = max(0, body.rfind(" ", 0, max(0, match.start() - SNIPPET_CHARACTERS // 3)) + 1)
            end = body.find(" ", min(len(body), start + SNIPPET_CHARACTERS))
            end = len(body) if end < 0 else end
            return ("…" if start else "") + body[start:end].replace("\n\n", " ¶ ") + ("…" if end < len(body) else "")
    return body[:SNIPPET_CHARACTERS]


def find_entities(store: Store, name: str) -> list[EntityMatch]:
    """Entities called `name`: by id, full name or Latin name, or by a part of it ("Рябков", "Ryabkov"), most mentioned first."""
    name = "".join(character for character in name if character.isprintable())  # no NULs or controls reach SQL
    key = " ".join(name.lower().split())
    if not key:
        return []
    pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    mention_count = select(func.count()).where(mentions.c.entity_id == entities.c.id).scalar_subquery()
    with store.engine.connect() as connection:
        rows = connection.execute(select(entities, mention_count.label("mentions")).where(
            (entities.c.id == name) | entities.c.name_key.like(pattern, escape="\\")))
        found = [EntityMatch(row.id, row.label, row.name, row.latin, row.mentions) for row in rows
                 if row.id == name or _names_match(key, row.name_key)]
    exact = [match for match in found if match.id == name]
    return exact or sorted(found, key=lambda match: -match.mentions)


def _names_match(key: str, name_key: str) -> bool:
    """The whole name, or whole words of it, in Cyrillic or Latin."""
    query_words = key.split()
    for name in name_key.split("\t"):
        words = name.split()
        if any(words[i:i + len(query_words)] == query_words for i in range(len(words))):
            return True
    return False


def who_said(store: Store, name: str, date_from: date | None = None, date_to: date | None = None,
             limit: int = 200) -> list[Hit]:
    """The quotes of the people called `name`, oldest first."""
    people = [match for match in find_entities(store, name) if match.label == "PER"]
    if not people:
        raise StoreError(f"no person named {name!r} in the store")
    return _quotes_of(store, [person.id for person in people], date_from, date_to, limit)


def _quotes_of(store: Store, ids: list[str], date_from: date | None, date_to: date | None, limit: int) -> list[Hit]:
    statement = (select(quotes.c.article_id, quotes.c.position).join(articles, articles.c.id == quotes.c.article_id)
                 .where(quotes.c.speaker_id.in_(ids), articles.c.latest))
    statement = _within(statement, date_from, date_to).order_by(articles.c.published, quotes.c.article_id,
                                                                quotes.c.position).limit(limit)
    with store.engine.connect() as connection:
        found = [(row.article_id, row.position) for row in connection.execute(statement)]
    return _hits(store, "quote", found, set())


def entity_profile(store: Store, name: str, limit: int = 20) -> Profile:
    """What the store knows of the entity best matching `name`."""
    matches = find_entities(store, name)
    if not matches:
        raise StoreError(f"no entity named {name!r} in the store")
    entity, others = matches[0], matches[1:]
    in_latest = and_(articles.c.id == mentions.c.article_id, articles.c.latest)
    with store.engine.connect() as connection:
        article_count = connection.scalar(select(func.count(distinct(mentions.c.article_id))).join(articles, in_latest)
                                          .where(mentions.c.entity_id == entity.id))
        per_day = [(_iso(row.published), row.count) for row in connection.execute(
            select(articles.c.published, func.count().label("count")).select_from(mentions).join(articles, in_latest)
            .where(mentions.c.entity_id == entity.id, articles.c.published.is_not(None))
            .group_by(articles.c.published).order_by(articles.c.published))]
        other = mentions.alias("other")
        together = func.count(distinct(other.c.article_id)).label("together")
        co_mentioned = [(EntityMatch(row.id, row.label, row.name, row.latin, 0), row.together) for row in connection.execute(
            select(entities.c.id, entities.c.label, entities.c.name, entities.c.latin, together)
            .select_from(mentions).join(articles, in_latest)
            .join(other, and_(other.c.article_id == mentions.c.article_id, other.c.entity_id != entity.id))
            .join(entities, entities.c.id == other.c.entity_id)
            .where(mentions.c.entity_id == entity.id)
            .group_by(entities.c.id, entities.c.label, entities.c.name, entities.c.latin)
            .order_by(together.desc(), entities.c.name).limit(limit))]
        event_rows = [(row.article_id, row.position) for row in connection.execute(
            select(events.c.article_id, events.c.position).distinct()
            .join(event_participants, and_(event_participants.c.article_id == events.c.article_id,
                                           event_participants.c.event_position == events.c.position))
            .join(articles, and_(articles.c.id == events.c.article_id, articles.c.latest))
            .where(event_participants.c.entity_id == entity.id).limit(limit))]
    return Profile(entity, article_count, per_day, co_mentioned, _quotes_of(store, [entity.id], None, None, limit),
                   _hits(store, "event", event_rows, set()), others)


def stories(store: Store, date_from: date | None = None, date_to: date | None = None, limit: int = 20,
            key_entities: int = 5) -> list[Story]:
    """The stories with the most articles in the period, with their headline and key entities."""
    count = func.count().label("count")
    statement = _within(select(articles.c.story_id, count, func.min(articles.c.published).label("first"),
                               func.max(articles.c.published).label("last"))
                        .where(articles.c.latest, articles.c.duplicate_of.is_(None)), date_from, date_to)
    statement = statement.group_by(articles.c.story_id).order_by(count.desc(), articles.c.story_id).limit(limit)
    found = []
    with store.engine.connect() as connection:
        for row in connection.execute(statement).all():
            in_story = _within(select(articles.c.id).where(articles.c.story_id == row.story_id, articles.c.latest),
                               date_from, date_to)
            first = connection.execute(in_story.with_only_columns(articles.c.title, func.substr(
                articles.c.text, 1, LEAD_CHARACTERS).label("lead")).order_by(articles.c.published).limit(1)).first()
            headline = first.title or _lead(first.lead)
            together = func.count(distinct(mentions.c.article_id)).label("together")
            names = connection.scalars(select(entities.c.name).join(mentions, mentions.c.entity_id == entities.c.id)
                                       .where(mentions.c.article_id.in_(in_story))
                                       .group_by(entities.c.id, entities.c.name)
                                       .order_by(together.desc(), func.count().desc(), entities.c.name)
                                       .limit(key_entities)).all()
            found.append(Story(row.story_id, row.count, _iso(row.first), _iso(row.last), headline, list(names)))
    return found


def stored_records(store: Store, date_from: date | None = None, date_to: date | None = None,
                   batch: int = 500) -> Iterator[Article]:
    """The records of the latest article versions, oldest first, read a batch at a time."""
    statement = _within(select(articles.c.id).where(articles.c.latest), date_from, date_to)
    with store.engine.connect() as connection:
        ids = connection.scalars(statement.order_by(articles.c.published, articles.c.id)).all()
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            records = dict(connection.execute(select(articles.c.id, articles.c.record).where(articles.c.id.in_(chunk))).all())
            yield from (Article.model_validate(records[identifier]) for identifier in chunk)


def latest_articles(store: Store, date_from: date | None = None, date_to: date | None = None, entity: str | None = None,
                    limit: int = 20, offset: int = 0) -> list[Hit]:
    """The newest articles (by publication date), optionally those mentioning an entity."""
    statement = _within(select(articles.c.id, literal_column("0").label("position")).where(articles.c.latest),
                        date_from, date_to)
    if entity:
        statement = statement.where(_mentioning(store, entity))
    statement = statement.order_by(desc(articles.c.published), articles.c.id).limit(limit).offset(offset)
    with store.engine.connect() as connection:
        found = [(row.id, 0) for row in connection.execute(statement)]
    return _hits(store, "article", found, set())


def _mentioning(store: Store, name: str):
    """Articles that mention the entity: `id IN (subquery)`, which SQLite runs once, where a correlated
    EXISTS made it walk all of a frequent entity's mentions for every matching article."""
    ids = [match.id for match in find_entities(store, name)]
    if not ids:
        raise StoreError(f"no entity named {name!r} in the store")
    return articles.c.id.in_(select(mentions.c.article_id).where(mentions.c.entity_id.in_(ids)))


@dataclass
class EventHit:
    article_id: str
    position: int
    type: str
    mode: str | None
    date: str | None
    place: str | None
    actors: list[str]
    recipients: list[str]
    evidence: str
    published: str | None
    title: str | None


def find_events(store: Store, type: str | None = None, actor: str | None = None, place: str | None = None,
                date_from: date | None = None, date_to: date | None = None, limit: int = 50, offset: int = 0) -> list[EventHit]:
    """Events of the latest article versions, newest first; `actor` is a name or a code ("RUS"), `place` a name."""
    statement = (select(events.c.article_id, events.c.position, events.c.type, events.c.mode, events.c.event_date,
                        events.c.place, events.c.evidence, articles.c.published, articles.c.title)
                 .join(articles, and_(articles.c.id == events.c.article_id, articles.c.latest)))
    statement = _within(statement, date_from, date_to)
    if type:
        statement = statement.where(events.c.type == type.upper())
    if place:
        statement = statement.where(events.c.place.in_({place, place.lower(), place.capitalize()}))  # SQLite's lower() is ASCII
    if actor:
        ids = [match.id for match in find_entities(store, actor)]
        statement = statement.where(exists().where(
            event_participants.c.article_id == events.c.article_id, event_participants.c.event_position == events.c.position,
            event_participants.c.role == "actor",
            event_participants.c.entity_id.in_(ids) | (event_participants.c.code == actor.upper())))
    statement = statement.order_by(desc(articles.c.published), events.c.article_id, events.c.position)
    with store.engine.connect() as connection:
        rows = connection.execute(statement.limit(limit).offset(offset)).all()
        keys = [(row.article_id, row.position) for row in rows]
        parties: dict[tuple[str, int], dict[str, list[str]]] = {key: {"actor": [], "recipient": []} for key in keys}
        if keys:
            for party in connection.execute(select(event_participants).where(
                    event_participants.c.article_id.in_({key[0] for key in keys})).order_by(event_participants.c.position)):
                key = (party.article_id, party.event_position)
                if key in parties:
                    parties[key][party.role].append(f"{party.name} ({party.code})" if party.code else party.name)
    return [EventHit(row.article_id, row.position, row.type, row.mode, row.event_date, row.place,
                     parties[(row.article_id, row.position)]["actor"], parties[(row.article_id, row.position)]["recipient"],
                     row.evidence or "", _iso(row.published), row.title) for row in rows]


def find_quotes(store: Store, speaker: str | None = None, query: str | None = None, date_from: date | None = None,
                date_to: date | None = None, limit: int = 50, offset: int = 0) -> list[Hit]:
    """Quotations, by speaker and/or words in them, oldest first."""
    statement = select(quotes.c.article_id, quotes.c.position).join(
        articles, and_(articles.c.id == quotes.c.article_id, articles.c.latest))
    statement = _within(statement, date_from, date_to)
    if speaker:
        people = [match.id for match in find_entities(store, speaker) if match.label == "PER"]
        if not people:
            raise StoreError(f"no person named {speaker!r} in the store")
        statement = statement.where(quotes.c.speaker_id.in_(people))
    if query:
        words = query_terms(query)
        if not words:
            raise StoreError(f"the query {query!r} has no words to search for")
        matches = _full_text(store, words)
        statement = statement.where(exists().where(
            search_documents.c.kind == "quote", search_documents.c.article_id == quotes.c.article_id,
            search_documents.c.position == quotes.c.position, search_documents.c.id.in_(select(matches.c.rowid))))
    statement = statement.order_by(articles.c.published, quotes.c.article_id, quotes.c.position).limit(limit).offset(offset)
    with store.engine.connect() as connection:
        found = [(row.article_id, row.position) for row in connection.execute(statement)]
    return _hits(store, "quote", found, set())


def list_entities(store: Store, name: str | None = None, limit: int = 50) -> list[EntityMatch]:
    """Entities called `name`, or the most mentioned ones."""
    if name:
        return find_entities(store, name)[:limit]
    mention_count = func.count(mentions.c.position).label("mentions")
    with store.engine.connect() as connection:
        rows = connection.execute(select(entities.c.id, entities.c.label, entities.c.name, entities.c.latin, mention_count)
                                  .join(mentions, mentions.c.entity_id == entities.c.id)
                                  .group_by(entities.c.id, entities.c.label, entities.c.name, entities.c.latin)
                                  .order_by(mention_count.desc(), entities.c.name).limit(limit))
        return [EntityMatch(row.id, row.label, row.name, row.latin, row.mentions) for row in rows]


def stored_article(store: Store, article_id: str) -> dict:
    """One article: its record and what the store knows of it (versions, duplicates, story)."""
    with store.engine.connect() as connection:
        row = connection.execute(select(articles).where(articles.c.id == article_id)).first()
    if row is None:
        raise LookupError(f"no article {article_id!r} in the store")
    return {"record": row.record, "version": row.version, "previous_version": row.previous_version, "latest": row.latest,
            "duplicate_of": row.duplicate_of, "duplicate_similarity": row.duplicate_similarity, "story_id": row.story_id}


def _iso(value) -> str | None:
    return value.isoformat() if value else None
