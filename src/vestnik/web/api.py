"""The JSON API (`/api/…`): each route typed by its response model, so the OpenAPI at /docs shows
the shape of every answer and FastAPI checks it."""

from __future__ import annotations

import hmac
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from vestnik.events.plover import plover_lines
from vestnik.record import Article
from vestnik.store.database import Added
from vestnik.store.search import (EntityMatch, EventHit, Hit, Profile, Story, find_events, find_quotes, latest_articles,
                                  list_entities, search, stored_article, stored_records, stories)
from vestnik.web.services import PAGE_SIZE, ArticleIn, Services, services

Offset = Annotated[int, Query(ge=0, le=1_000_000, description="results to skip (at most a million)")]
"""Beyond a million there is nothing to page through, and past 2**63 the database cannot count."""
From = Annotated[date | None, Query(alias="from")]
To = Annotated[date | None, Query(alias="to")]
Server = Annotated[Services, Depends(services)]

router = APIRouter(prefix="/api")


class StoredArticle(BaseModel):
    """An article as stored: its record and what the store knows of it."""

    record: dict = Field(description="the article record (docs/schema.md), as it was stored")
    version: int = Field(description="1, 2, … for a changed page at the same url")
    previous_version: str | None
    latest: bool
    duplicate_of: str | None = Field(description="the original this article repeats, if it is a near-copy")
    duplicate_similarity: float | None
    story_id: str | None


@router.get("/articles", tags=["articles"], summary="Search articles, or list the newest")
def api_articles(server: Server, q: str | None = None, entity: str | None = None, date_from: From = None,
                 date_to: To = None, limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE,
                 offset: Offset = 0) -> list[Hit]:
    return search(server.store, q, "articles", date_from, date_to, entity, limit, offset) if q else \
        latest_articles(server.store, date_from, date_to, entity, limit, offset)


@router.get("/articles/{article_id}", tags=["articles"], summary="One article with all its analysis")
def api_article(server: Server, article_id: str) -> StoredArticle:
    return StoredArticle(**stored_article(server.store, article_id))


@router.post("/articles", tags=["articles"], status_code=201,
             summary="Analyse and store an article (needs the X-API-Key header; off unless a key is configured)")
async def api_store(server: Server, item: ArticleIn, x_api_key: Annotated[str | None, Header()] = None) -> Added:
    key = server.settings.api_key
    if not key:
        raise HTTPException(403, "storing over HTTP is disabled: start the server with --api-key or VESTNIK_API_KEY")
    if not x_api_key or not hmac.compare_digest(x_api_key.encode("latin-1", "replace"), key.encode()):
        raise HTTPException(401, "a valid X-API-Key header is needed to store articles")
    [added] = await run_in_threadpool(server.store.add, [await server.analyse(item)])
    return added


@router.post("/analyze", tags=["analysis"], summary="The record of a posted article, not stored",
             response_model_by_alias=True)
async def api_analyze(server: Server, item: ArticleIn) -> Article:
    return await server.analyse(item)


@router.get("/entities", tags=["entities"], summary="Entities by name, or the most mentioned")
def api_entities(server: Server, q: str | None = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[EntityMatch]:
    return list_entities(server.store, q, limit)


@router.get("/entities/{entity_id}", tags=["entities"],
            summary="One entity: mentions per day, co-mentioned entities, quotes, events")
def api_entity(server: Server, entity_id: str) -> Profile:
    return server.profile(entity_id)


@router.get("/quotes", tags=["quotes"], summary="Quotations by speaker, words and date")
def api_quotes(server: Server, speaker: str | None = None, q: str | None = None, date_from: From = None,
               date_to: To = None, limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Offset = 0) -> list[Hit]:
    return find_quotes(server.store, speaker, q, date_from, date_to, limit, offset)


@router.get("/events", tags=["events"], summary="Events by type, actor (name or code), place and date")
def api_events(server: Server, type: str | None = None, actor: str | None = None, place: str | None = None,
               date_from: From = None, date_to: To = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
               offset: Offset = 0) -> list[EventHit]:
    return find_events(server.store, type, actor, place, date_from, date_to, limit, offset)


@router.get("/events.plover", tags=["events"], summary="All events as PLOVER JSON Lines (a download)",
            response_class=StreamingResponse)
def api_plover(server: Server, date_from: From = None, date_to: To = None) -> StreamingResponse:
    return StreamingResponse(plover_lines(stored_records(server.store, date_from, date_to)),
                             media_type="application/x-ndjson",
                             headers={"Content-Disposition": 'attachment; filename="events.plover.jsonl"'})


@router.get("/stories", tags=["stories"], summary="Stories of a period with their article counts")
def api_stories(server: Server, date_from: From = None, date_to: To = None,
                limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[Story]:
    return stories(server.store, date_from, date_to, limit)
