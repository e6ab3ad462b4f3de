"""PLOVER JSON Lines: one object per event, with the fields of the PLOVER manual.

The manual's fields are id, date, actor, recipient, event, mode, context, event_loc,
event_text, text_info and cite_info; vestnik fills them from the record's `events`, keeping
its own detail (entity ids, sectors, the sentence offsets, the quotation) inside them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from vestnik.record import Article, EventParty


def plover_lines(records: Iterable[Article]) -> Iterator[str]:
    """The events of `records` as PLOVER JSON Lines, in order: what every export writes."""
    for record in records:
        for event in plover_events(record):
            yield json.dumps(event, ensure_ascii=False) + "\n"


def plover_events(record: Article) -> Iterator[dict]:
    for index, event in enumerate(record.events):
        yield {
            "id": f"{record.id}-{index}",
            "date": event.when.value,
            "actor": _parties(event.actor),
            "recipient": _parties(event.recipient),
            "event": event.type,
            "mode": event.mode,
            "context": event.context,
            "event_loc": {"name": event.where.text, "entity_id": event.where.id} if event.where else None,
            "event_text": event.evidence.text,
            "text_info": {"article_id": record.id, "language": record.language, "title": record.title,
                          "evidence_start": event.evidence.start, "evidence_end": event.evidence.end,
                          "date_text": event.when.text, "modes": event.modes,
                          "quote": record.quotes[event.quote_index].content if event.quote_index is not None else None},
            "cite_info": {"source": record.source, "url": record.url, "published": record.published,
                          "author": record.author},
        }


def _parties(parties: list[EventParty]) -> list[dict]:
    return [{"code": party.code, "sector": party.sector, "name": party.name, "entity_id": party.id} for party in parties]
