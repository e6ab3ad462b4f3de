"""The article record: the one data shape that flows out of the pipeline into stores and APIs.

Defined once here as pydantic models; `article.schema.json` beside this file is
generated from them (`vestnik schema > src/vestnik/article.schema.json`) and a test
keeps the two equal, so the documented schema cannot drift from the code.
All offsets are character offsets into `text`, end exclusive.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "vestnik.article/2"
SCHEMA_FILE = "article.schema.json"

RemovalReason = Literal[
    "teaser_headline", "teaser_standfirst", "read_more", "related_link", "media_credit",
    "share_widget", "follow_prompt", "tags", "copyright", "repeated_title", "repeated_paragraph",
    "paywall", "byline", "dateline", "counter", "breadcrumb", "advert", "cookie_notice", "source_link",
]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, from_attributes=True)


class Offsets(Record):
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class RemovedLine(Record):
    """A line of the input that is not article body, with why it went and how many times it occurred."""

    text: str
    reason: RemovalReason
    count: int = Field(ge=1)


class DateExpression(Offsets):
    text: str
    value: str | None = Field(description="ISO date (day), week (YYYY-Www), month (YYYY-MM) or year; "
                                          "null when it needs a publication date that is unknown")
    granularity: Literal["day", "week", "month", "year"]
    relative: bool = Field(description="true when resolving it needed an anchor (the publication date "
                                       "or an earlier date in the text)")


class Entity(Offsets):
    """One mention of a named entity."""

    text: str
    label: Literal["PER", "ORG", "LOC", "EVT", "PRO"]
    lemma: str = Field(description="base form of the mention: 'Европейския съюз' → 'Европейски съюз'")
    id: str = Field(description="SlavicNER cross-lingual id when the knowledge base knows the entity "
                                "(e.g. 'GPE-USA'), else 'vn:<label>:<Latin base form>'")
    latin: str = Field(description="the base form in Latin letters (official Bulgarian system)")


class DistinctEntity(Record):
    """One entity of the article with all its mentions."""

    id: str
    label: Literal["PER", "ORG", "LOC", "EVT", "PRO"]
    name: str = Field(description="the display name: its most frequent full base form among the mentions: 'Сергей Рябков'")
    latin: str
    mentions: list[int] = Field(description="indices into `entities`")


class TextSpan(Offsets):
    text: str


class QuoteSpeaker(Record):
    name: str = Field(description="the speaker's display name in the article: 'Сергей Рябков'")
    id: str | None = Field(description="the speaker's entity id; null for a source the entity recogniser missed, "
                                       "whose name is then as written ('The Independent')")


class Quotation(Offsets):
    """A quotation: what was said (`content`, offsets of it) and who said it."""

    content: str
    type: Literal["direct", "indirect", "mixed"]
    cue: TextSpan | None = Field(description="the reporting words: 'заяви', 'категоричен бе', 'Според', ':'")
    speaker_mention: TextSpan | None = Field(description="the words naming the source here: 'Рябков', 'той', 'дипломатът'")
    speaker: QuoteSpeaker | None = Field(description="null for unnamed sources and when unresolved")


EventType = Literal["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]


class EventParty(Record):
    """An actor or recipient of an event: an entity of the article, coded."""

    name: str = Field(description="base form: 'Сергей Рябков', 'Русия'")
    id: str | None = Field(description="the entity id; none for a group the article does not name")
    label: Literal["PER", "ORG", "LOC", "GROUP"] = Field(description="GROUP: an unnamed group of a sector "
                                                                     "('полицията', 'протестиращите')")
    code: str | None = Field(description="ISO 3166 alpha-3 country ('RUS') or organisation code ('NATO', 'OSC'); "
                                         "'RUS+NATO' for a body of two parties")
    sector: str | None = Field(description="GOV, MIL, JUD, COP, LEG, BUS, MED, HLH, OPP, CVL")
    text: str = Field(description="the words in the article: 'Москва', 'той'")


class EventPlace(Record):
    text: str
    id: str | None


class EventDate(Record):
    value: str | None = Field(description="ISO date; the publication date when the article gives none, "
                                          "null for a future event of unknown date")
    text: str | None = Field(description="the date expression it was read from; null when none")


class Event(Record):
    """A PLOVER event: who did what to whom, where and when (docs/events.md)."""

    type: EventType
    mode: str | None = Field(description="the first of `modes`: an auxiliary mode (negated, hypothetical, future) "
                                         "if any, else the type's mode (CONSULT: visit, phone, multilateral, third-party)")
    modes: list[str]
    context: list[str] = Field(description="diplomatic, military, economic, energy, election, health, legal, human_rights")
    actor: list[EventParty]
    recipient: list[EventParty]
    where: EventPlace | None
    when: EventDate
    evidence: TextSpan = Field(description="the sentence that tells the event")
    quote_index: int | None = Field(description="index into `quotes` when the event is told in a quotation")


STAGES = ("sentences", "syntax", "dates", "entities", "quotes", "events")
"""The analysis stages, in the order they run."""


class Article(Record):
    """One analysed article."""

    schema_version: str = Field(SCHEMA_VERSION, alias="schema")
    id: str = Field(description="hash of the decoded source text: the same input always gets the same id")
    source: str = Field(description="the input as given: a path, 'path:line' for JSON Lines, '-' for stdin")
    source_id: str | None = Field(None, description="the id the input itself carried (JSON Lines 'id')")
    url: str | None = None
    title: str | None = Field(None, description="the headline; when present it is also the first paragraph of text")
    author: str | None = None
    published: str | None = Field(None, description="publication date, ISO YYYY-MM-DD")
    language: str = Field(description="ISO 639-1 code, or 'und' when undetermined")
    language_confidence: float | None = Field(None, ge=0, le=1, description="the language identifier's confidence in "
                                              "`language` (0–1); null in records made before it was kept")
    stages: list[str] = Field(default_factory=lambda: list(STAGES),
                              description="the analysis stages that ran: syntax, entities, quotes and events only for "
                                          "the languages they are trained or written for; syntax not with --no-syntax")
    text: str = Field(description="the cleaned body: paragraphs separated by a blank line")
    removed: list[RemovedLine]
    paragraphs: list[Offsets]
    tables: list[Offsets] = Field(default_factory=list, description="the paragraphs that are tables of the page, one "
                                  "row a line (`| cell | cell |`), so that analyses can tell them from prose")
    sentences: list[Offsets]
    dates: list[DateExpression]
    entities: list[Entity] = Field(default_factory=list)
    distinct_entities: list[DistinctEntity] = Field(default_factory=list)
    quotes: list[Quotation] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)


def json_schema() -> dict:
    """The JSON Schema of `Article`, as committed in `article.schema.json`."""
    schema = Article.model_json_schema(by_alias=True)
    schema["$id"] = SCHEMA_VERSION
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def committed_json_schema() -> dict:
    return json.loads(resources.files("vestnik").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
