"""`vestnik serve`: a JSON API (OpenAPI at /docs) and server-rendered pages over the store.

FastAPI for the API and Jinja2 templates (autoescaped) for the pages, which run no JavaScript (a
Content-Security-Policy forbids any) and link only http(s) urls. Errors are JSON `{"error": message}` (or an error page for
browsers), never a stack trace; request bodies are limited (`max_body` bytes, 413 beyond);
storing over HTTP (`POST /api/articles`) is off unless an API key is configured.
"""

from __future__ import annotations

import hmac
import json
import logging
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from importlib import resources
from typing import Annotated, Literal

from fastapi import FastAPI, Form, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from vestnik import __version__
from vestnik.config import Settings
from vestnik.events.plover import plover_lines
from vestnik.record import Article
from vestnik.stages.ingest import InputError, RawArticle
from vestnik.store.database import Store, StoreError
from vestnik.store.search import (
    KINDS,
    entity_profile,
    find_events,
    find_quotes,
    latest_articles,
    list_entities,
    search,
    stored_article,
    stored_records,
    stories,
)
from vestnik.web.render import (
    LABEL_NAMES,
    highlighted_paragraphs,
    mentions_chart,
    web_link,
)
from vestnik.web.workers import AnalysisPool, Busy, PoolSettings, TooSlow

DEFAULT_MAX_BODY = 2 * 1024 * 1024
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="results to skip (at most a million)")]
"""Beyond a million there is nothing to page through, and past 2**63 the database cannot count."""
DEFAULT_MAX_PASTED = 100_000
"""Longest text `POST /api/analyze` and the paste form analyse: twice a long feature, a few seconds of
work; longer texts get 422 rather than tying up the server for a minute (ingest them instead)."""
PAGE_SIZE = 20
log = logging.getLogger("vestnik")


@dataclass(frozen=True)
class WebSettings:
    max_body: int = DEFAULT_MAX_BODY  # bytes a request body may have
    max_chars: int = DEFAULT_MAX_PASTED  # characters of text one request may have analysed
    api_key: str | None = None  # POST /api/articles is disabled without one
    pipeline: Settings = field(default_factory=Settings)  # the analysis of pasted articles (entity model, limits)
    analysis: PoolSettings = field(default_factory=PoolSettings)  # how many analyse at once, wait, and for how long


class ArticleIn(BaseModel):
    text: str | None = Field(None, description="plain text of the article (or give `html`)")
    html: str | None = Field(None, description="the article's web page")
    published: date | None = Field(None, description="publication date, for 'утре', '12 януари'")
    url: str | None = None
    title: str | None = None


def create_app(store: Store, settings: WebSettings = WebSettings(), pool: AnalysisPool | None = None) -> FastAPI:
    """The application; analyses go to `pool` (one of its own, stopped with the app, when none is given)."""
    workers = pool or AnalysisPool(settings.pipeline.model, settings.analysis)
    analysis = replace(settings.pipeline, max_chars=min(settings.pipeline.max_chars, settings.max_chars), processes=1)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        if pool is None:
            workers.close()

    app = FastAPIOffline(title="vestnik", version=__version__,  # /docs and /redoc from packaged assets, no CDN
                         description="Who said what, to whom, when and where — from Bulgarian news.", lifespan=lifespan)
    templates = Jinja2Templates(directory=str(resources.files("vestnik.web").joinpath("templates")))
    templates.env.globals.update(label_names=LABEL_NAMES, kinds=KINDS)
    templates.env.filters["web_link"] = web_link
    app.mount("/static", StaticFiles(directory=str(resources.files("vestnik.web").joinpath("static"))), name="static")
    app.add_middleware(BodyLimit, max_body=settings.max_body)
    app.add_middleware(ContentSecurityPolicy)

    async def analyse(item: ArticleIn) -> Article:
        content = item.html if item.html else item.text
        if any(isinstance(value, str) and _lone_surrogate(value) for value in item.model_dump().values()):
            raise HTTPException(400, "the request has invalid Unicode (a lone surrogate such as \\ud800)")
        if not content or not content.strip():
            raise HTTPException(422, "give the article as non-empty 'text' or 'html'")
        raw = RawArticle(source="request", content=content, is_html=bool(item.html), url=item.url, title=item.title,
                         published=item.published.isoformat() if item.published else None)
        try:
            result = await workers.analyse(raw, analysis)
        except Busy as busy:
            raise HTTPException(503, str(busy), headers={"Retry-After": str(busy.retry_after)}) from None
        except TooSlow as slow:
            raise HTTPException(503, str(slow)) from None
        if isinstance(result, InputError):
            raise HTTPException(422, result.reason)
        return result

    def html_wanted(request: Request) -> bool:
        return not request.url.path.startswith(("/api/", "/openapi", "/docs"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        return _error(request, templates, error.status_code, str(error.detail), html_wanted(request), error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:])) or 'body'}: {e['msg']}" for e in error.errors())
        return _error(request, templates, 422, problems or "invalid request", html_wanted(request))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError):
        return _error(request, templates, 400, str(error), html_wanted(request))

    @app.exception_handler(LookupError)
    async def not_found(request: Request, error: LookupError):
        return _error(request, templates, 404, str(error.args[0]) if error.args else "not found", html_wanted(request))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception):
        log.exception("internal error at %s", request.url.path)
        return _error(request, templates, 500, "internal error: the server log has the details", html_wanted(request))

    # ---- JSON API ----

    @app.get("/api/articles", tags=["articles"], summary="Search articles, or list the newest")
    def api_articles(q: str | None = None, entity: str | None = None, date_from: Annotated[date | None, Query(alias="from")] = None,
                     date_to: Annotated[date | None, Query(alias="to")] = None,
                     limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE, offset: Offset = 0) -> list[dict]:
        hits = search(store, q, "articles", date_from, date_to, entity, limit, offset) if q else \
            latest_articles(store, date_from, date_to, entity, limit, offset)
        return [hit.to_dict() for hit in hits]

    @app.get("/api/articles/{article_id}", tags=["articles"], summary="One article with all its analysis")
    def api_article(article_id: str) -> dict:
        return stored_article(store, article_id)

    @app.post("/api/articles", tags=["articles"], status_code=201,
              summary="Analyse and store an article (needs the X-API-Key header; off unless a key is configured)")
    async def api_store(item: ArticleIn, x_api_key: Annotated[str | None, Header()] = None) -> dict:
        if not settings.api_key:
            raise HTTPException(403, "storing over HTTP is disabled: start the server with --api-key or VESTNIK_API_KEY")
        if not x_api_key or not hmac.compare_digest(x_api_key.encode("latin-1", "replace"), settings.api_key.encode()):
            raise HTTPException(401, "a valid X-API-Key header is needed to store articles")
        [added] = await run_in_threadpool(store.add, [await analyse(item)])
        return asdict(added)

    @app.post("/api/analyze", tags=["analysis"], summary="The record of a posted article, not stored")
    async def api_analyze(item: ArticleIn) -> dict:
        return (await analyse(item)).model_dump(by_alias=True)

    @app.get("/api/entities", tags=["entities"], summary="Entities by name, or the most mentioned")
    def api_entities(q: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[dict]:
        return [asdict(match) for match in list_entities(store, q, limit)]

    @app.get("/api/entities/{entity_id}", tags=["entities"],
             summary="One entity: mentions per day, co-mentioned entities, quotes, events")
    def api_entity(entity_id: str) -> dict:
        return asdict(_profile(entity_id))

    @app.get("/api/quotes", tags=["quotes"], summary="Quotations by speaker, words and date")
    def api_quotes(speaker: str | None = None, q: str | None = None,
                   date_from: Annotated[date | None, Query(alias="from")] = None,
                   date_to: Annotated[date | None, Query(alias="to")] = None,
                   limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Offset = 0) -> list[dict]:
        return [hit.to_dict() for hit in find_quotes(store, speaker, q, date_from, date_to, limit, offset)]

    @app.get("/api/events", tags=["events"], summary="Events by type, actor (name or code), place and date")
    def api_events(type: str | None = None, actor: str | None = None, place: str | None = None,
                   date_from: Annotated[date | None, Query(alias="from")] = None,
                   date_to: Annotated[date | None, Query(alias="to")] = None,
                   limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Offset = 0) -> list[dict]:
        return [asdict(hit) for hit in find_events(store, type, actor, place, date_from, date_to, limit, offset)]

    @app.get("/api/events.plover", tags=["events"], summary="All events as PLOVER JSON Lines (a download)",
             response_class=StreamingResponse)
    def api_plover(date_from: Annotated[date | None, Query(alias="from")] = None,
                   date_to: Annotated[date | None, Query(alias="to")] = None) -> StreamingResponse:
        return StreamingResponse(plover_lines(stored_records(store, date_from, date_to)), media_type="application/x-ndjson",
                                 headers={"Content-Disposition": 'attachment; filename="events.plover.jsonl"'})

    @app.get("/api/stories", tags=["stories"], summary="Stories of a period with their article counts")
    def api_stories(date_from: Annotated[date | None, Query(alias="from")] = None,
                    date_to: Annotated[date | None, Query(alias="to")] = None,
                    limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[dict]:
        return [asdict(story) for story in stories(store, date_from, date_to, limit)]

    def _profile(entity_id: str):
        try:
            profile = entity_profile(store, entity_id)
        except StoreError:
            profile = None
        if profile is None or profile.entity.id != entity_id:
            raise LookupError(f"no entity {entity_id!r} in the store")
        return profile

    # ---- pages ----

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page_search(request: Request, q: str = "", kind: Literal["articles", "quotes", "events"] = "articles",
                    entity: str = "", date_from: Annotated[str, Query(alias="from")] = "",
                    date_to: Annotated[str, Query(alias="to")] = "", page: Annotated[int, Query(ge=1, le=1000)] = 1):
        period = (_optional_date(date_from), _optional_date(date_to))
        offset = (page - 1) * PAGE_SIZE
        error = None
        try:
            hits = search(store, q, kind, *period, entity or None, PAGE_SIZE + 1, offset) if q.strip() else \
                latest_articles(store, *period, entity or None, PAGE_SIZE + 1, offset)
        except StoreError as problem:
            hits, error = [], str(problem)
        return templates.TemplateResponse(request, "search.html", {
            "q": q, "kind": kind if q.strip() else "articles", "entity": entity, "date_from": date_from,
            "date_to": date_to, "page": page, "hits": hits[:PAGE_SIZE], "more": len(hits) > PAGE_SIZE, "error": error},
            status_code=400 if error else 200)  # as the API answers the same query

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_article(request: Request, article_id: str):
        stored = stored_article(store, article_id)
        return _article_page(request, stored["record"], stored)

    def _article_page(request: Request, record: dict, stored: dict | None):
        return templates.TemplateResponse(request, "article.html", {
            "record": record, "stored": stored, "paragraphs": highlighted_paragraphs(record)})

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_entity(request: Request, entity_id: str):
        profile = _profile(entity_id)
        return templates.TemplateResponse(request, "entity.html", {
            "profile": profile, "chart": mentions_chart(profile.per_day)})

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def page_events(request: Request, type: str = "", actor: str = "", place: str = "",
                    date_from: Annotated[str, Query(alias="from")] = "", date_to: Annotated[str, Query(alias="to")] = ""):
        found = find_events(store, type or None, actor or None, place or None, _optional_date(date_from),
                            _optional_date(date_to), limit=500)
        return templates.TemplateResponse(request, "events.html", {
            "events": found, "type": type, "actor": actor, "place": place, "date_from": date_from, "date_to": date_to,
            "timeline": _timeline(found)})

    @app.get("/analyze", response_class=HTMLResponse, include_in_schema=False)
    def page_paste(request: Request):
        return templates.TemplateResponse(request, "analyze.html", {})

    @app.post("/analyze", response_class=HTMLResponse, include_in_schema=False)
    async def page_analyze(request: Request, text: Annotated[str, Form()], published: Annotated[str, Form()] = ""):
        record = await analyse(ArticleIn(text=text, published=_optional_date(published)))
        return _article_page(request, record.model_dump(by_alias=True), None)

    return app


def _lone_surrogate(text: str) -> bool:
    """JSON may escape half a UTF-16 pair ("\\ud800"); such text cannot be stored or printed."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _timeline(found) -> list[tuple[str, list]]:
    """Events grouped by their date (or the article's), newest first."""
    days: dict[str, list] = {}
    for event in found:
        days.setdefault(event.date or event.published or "undated", []).append(event)
    return sorted(days.items(), reverse=True)


def _optional_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _error(request: Request, templates: Jinja2Templates, status: int, message: str, html: bool,
           headers: dict[str, str] | None = None) -> Response:
    if html and "text/html" in request.headers.get("accept", ""):
        return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                          status_code=status, headers=headers)
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class BodyLimit:
    """ASGI middleware: a request body over `max_body` bytes gets 413 with a JSON message, whether or not
    it declared its length."""

    def __init__(self, app, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body:
            return await self._refuse(send)
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge(self.max_body)
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send) -> None:
        body = json.dumps({"error": f"request body over the limit of {self.max_body:,} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(HTTPException):
    """Raised while the body is read; an HTTPException, so that FastAPI's body parsing passes it on as it is."""

    def __init__(self, limit: int):
        super().__init__(413, f"request body over the limit of {limit:,} bytes")


class ContentSecurityPolicy:
    """ASGI middleware: vestnik's own pages may run no script at all (they have none) and load
    nothing from elsewhere, so markup that slips through from a scraped page cannot act. The
    API documentation pages (Swagger UI, ReDoc) run their packaged script and keep their own rules."""

    POLICY = (b"default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
              b"form-action 'self'; frame-ancestors 'none'")
    EXEMPT = ("/docs", "/redoc")

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(self.EXEMPT):
            return await self.app(scope, receive, send)

        async def with_policy(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if any(name.lower() == b"content-type" and value.startswith(b"text/html") for name, value in headers):
                    headers.append((b"content-security-policy", self.POLICY))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_policy)


def serve(store: Store, host: str, port: int, settings: WebSettings) -> None:
    import uvicorn

    uvicorn.run(create_app(store, settings), host=host, port=port, log_level="info")

