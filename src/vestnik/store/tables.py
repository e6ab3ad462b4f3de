"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

`articles.record` keeps the whole record as JSON, so a field that a later stage adds is
stored without a schema change; the other tables spread out what analysts query with plain
SQL (docs/schema.md describes them). The database is created and upgraded by the alembic
migrations in `migrations/versions/`, never by `create_all`: they are the schema's history.
"""

from __future__ import annotations

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        MetaData, String, Table, Text)

metadata = MetaData()

articles = Table(
    "articles", metadata,
    Column("id", String(32), primary_key=True),
    Column("url", Text), Column("source", Text, nullable=False), Column("source_id", Text),
    Column("title", Text), Column("author", Text), Column("published", Date), Column("language", String(8)),
    Column("text", Text, nullable=False), Column("text_hash", String(32), nullable=False),
    Column("schema_version", String(40), nullable=False), Column("record", JSON, nullable=False),
    Column("ingested_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False), Column("previous_version", String(32), ForeignKey("articles.id")),
    Column("latest", Boolean, nullable=False),
    Column("duplicate_of", String(32), ForeignKey("articles.id")), Column("duplicate_similarity", Float),
    Column("story_id", String(32)), Column("story_keys", Integer, nullable=False),
)

entities = Table(
    "entities", metadata,
    Column("id", Text, primary_key=True), Column("label", String(3), nullable=False),
    Column("name", Text, nullable=False), Column("latin", Text, nullable=False),
    Column("name_key", Text, nullable=False),  # every lower-case base form and Latin name it has had, tab-separated, for lookups by name
)

entity_names = Table(
    "entity_names", metadata,  # every base form an entity has had in the store, and how many mentions had it
    Column("entity_id", Text, ForeignKey("entities.id"), primary_key=True), Column("name", Text, primary_key=True),
    Column("latin", Text, nullable=False), Column("mentions", Integer, nullable=False),
)

mentions = Table(
    "mentions", metadata,
    Column("article_id", String(32), ForeignKey("articles.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("entity_id", Text, ForeignKey("entities.id"), nullable=False),
    Column("start_char", Integer, nullable=False), Column("end_char", Integer, nullable=False),
    Column("text", Text, nullable=False), Column("lemma", Text, nullable=False), Column("label", String(3), nullable=False),
)

quotes = Table(
    "quotes", metadata,
    Column("article_id", String(32), ForeignKey("articles.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("start_char", Integer, nullable=False), Column("end_char", Integer, nullable=False),
    Column("content", Text, nullable=False), Column("type", String(8), nullable=False), Column("cue", Text),
    Column("speaker_mention", Text), Column("speaker_name", Text), Column("speaker_id", Text),
)

events = Table(
    "events", metadata,
    Column("article_id", String(32), ForeignKey("articles.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("type", String(16), nullable=False), Column("mode", String(24)), Column("context", Text),
    Column("event_date", String(10)), Column("place", Text), Column("place_id", Text),
    Column("evidence", Text), Column("quote_position", Integer), Column("event", JSON, nullable=False),
)

event_participants = Table(
    "event_participants", metadata,
    Column("article_id", String(32), primary_key=True), Column("event_position", Integer, primary_key=True),
    Column("role", String(9), primary_key=True), Column("position", Integer, primary_key=True),
    Column("entity_id", Text), Column("name", Text, nullable=False), Column("code", String(8)),
)

removed = Table(
    "removed", metadata,
    Column("article_id", String(32), ForeignKey("articles.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("text", Text, nullable=False), Column("reason", String(24), nullable=False), Column("count", Integer, nullable=False),
)

search_documents = Table(
    "search_documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),  # article, quote, event
    Column("article_id", String(32), ForeignKey("articles.id"), nullable=False),
    Column("position", Integer, nullable=False),  # of the quote or event; 0 for the article
    Column("terms", Text, nullable=False),
)

minhashes = Table(
    "minhashes", metadata,
    Column("article_id", String(32), ForeignKey("articles.id"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)

lsh_buckets = Table(
    "lsh_buckets", metadata,
    Column("band", Integer, primary_key=True), Column("bucket", String(16), primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id"), primary_key=True),
)

story_keys = Table(
    "story_keys", metadata,
    Column("key", Text, primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id"), primary_key=True),
    Column("published", Date),  # the article's, so that the index reaches only the articles near in time
)

Index("articles_url", articles.c.url)
Index("articles_text_hash", articles.c.text_hash)
Index("articles_published", articles.c.published)
Index("articles_story", articles.c.story_id)
Index("mentions_entity", mentions.c.entity_id)
Index("quotes_speaker", quotes.c.speaker_id)
Index("events_type", events.c.type)
Index("event_participants_entity", event_participants.c.entity_id)
Index("search_documents_article", search_documents.c.article_id)
Index("story_keys_key_published", story_keys.c.key, story_keys.c.published)
