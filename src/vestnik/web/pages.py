"""The server-rendered pages: search, an article, an entity, the events, paste an article.

Jinja2 templates (autoescaped) that run no JavaScript; each page reads the same store queries as
the API.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse

from vestnik.store.database import StoreError
from vestnik.store.search import find_events, latest_articles, search, stored_article
from vestnik.web.render import highlighted_paragraphs, mentions_chart
from vestnik.web.services import PAGE_SIZE, ArticleIn, Services, optional_date, services

Server = Annotated[Services, Depends(services)]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/")
def page_search(request: Request, server: Server, q: str = "", kind: Literal["articles", "quotes", "events"] = "articles",
                entity: str = "", date_from: Annotated[str, Query(alias="from")] = "",
                date_to: Annotated[str, Query(alias="to")] = "", page: Annotated[int, Query(ge=1, le=1000)] = 1):
    period = (optional_date(date_from), optional_date(date_to))
    offset = (page - 1) * PAGE_SIZE
    error = None
    try:
        hits = search(server.store, q, kind, *period, entity or None, PAGE_SIZE + 1, offset) if q.strip() else \
            latest_articles(server.store, *period, entity or None, PAGE_SIZE + 1, offset)
    except StoreError as problem:
        hits, error = [], str(problem)
    return server.templates.TemplateResponse(request, "search.html", {
        "q": q, "kind": kind if q.strip() else "articles", "entity": entity, "date_from": date_from,
        "date_to": date_to, "page": page, "hits": hits[:PAGE_SIZE], "more": len(hits) > PAGE_SIZE, "error": error},
        status_code=400 if error else 200)  # as the API answers the same query


@router.get("/articles/{article_id}")
def page_article(request: Request, server: Server, article_id: str):
    stored = stored_article(server.store, article_id)
    return _article_page(request, server, stored["record"], stored)


@router.get("/entities/{entity_id}")
def page_entity(request: Request, server: Server, entity_id: str):
    profile = server.profile(entity_id)
    return server.templates.TemplateResponse(request, "entity.html", {
        "profile": profile, "chart": mentions_chart(profile.per_day)})


@router.get("/events")
def page_events(request: Request, server: Server, type: str = "", actor: str = "", place: str = "",
                date_from: Annotated[str, Query(alias="from")] = "", date_to: Annotated[str, Query(alias="to")] = ""):
    found = find_events(server.store, type or None, actor or None, place or None, optional_date(date_from),
                        optional_date(date_to), limit=500)
    return server.templates.TemplateResponse(request, "events.html", {
        "events": found, "type": type, "actor": actor, "place": place, "date_from": date_from, "date_to": date_to,
        "timeline": _timeline(found)})


@router.get("/analyze")
def page_paste(request: Request, server: Server):
    return server.templates.TemplateResponse(request, "analyze.html", {})


@router.post("/analyze")
async def page_analyze(request: Request, server: Server, text: Annotated[str, Form()],
                       published: Annotated[str, Form()] = ""):
    record = await server.analyse(ArticleIn(text=text, published=optional_date(published)))
    return _article_page(request, server, record.model_dump(by_alias=True), None)


def _article_page(request: Request, server: Services, record: dict, stored: dict | None):
    return server.templates.TemplateResponse(request, "article.html", {
        "record": record, "stored": stored, "paragraphs": highlighted_paragraphs(record)})


def _timeline(found) -> list[tuple[str, list]]:
    """Events grouped by their date (or the article's), newest first."""
    days: dict[str, list] = {}
    for event in found:
        days.setdefault(event.date or event.published or "undated", []).append(event)
    return sorted(days.items(), reverse=True)
