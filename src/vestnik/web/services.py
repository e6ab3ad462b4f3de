"""What the API and the pages share: the server's settings, its store and analysis pool, and the
operations both offer (analyse a posted article, an entity's profile).

`create_app` puts one `Services` on `app.state`; the routers reach it through `services`, a FastAPI
dependency, so no route is a closure over the application.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from vestnik.config import Settings
from vestnik.record import Article
from vestnik.stages.ingest import InputError, RawArticle
from vestnik.store.database import Store, StoreError
from vestnik.store.search import Profile, entity_profile
from vestnik.web.workers import AnalysisPool, Busy, PoolSettings, TooSlow

DEFAULT_MAX_BODY = 2 * 1024 * 1024
DEFAULT_MAX_PASTED = 100_000
"""Longest text `POST /api/analyze` and the paste form analyse: twice a long feature, a few seconds of
work; longer texts get 422 rather than tying up the server for a minute (ingest them instead)."""
PAGE_SIZE = 20


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


@dataclass
class Services:
    store: Store
    settings: WebSettings
    workers: AnalysisPool
    templates: Jinja2Templates

    @property
    def analysis(self) -> Settings:
        """The pipeline settings of a pasted article: the server's, with the request's character limit, in one process."""
        pipeline = self.settings.pipeline
        return replace(pipeline, max_chars=min(pipeline.max_chars, self.settings.max_chars), processes=1, scheduler=None)

    async def analyse(self, item: ArticleIn) -> Article:
        """The record of a posted article, from the analysis pool: 400 for invalid Unicode, 422 for no text or
        a text refused, 503 (with Retry-After when the queue is full) when the pool cannot take it."""
        content = item.html if item.html else item.text
        if any(isinstance(value, str) and _lone_surrogate(value) for value in item.model_dump().values()):
            raise HTTPException(400, "the request has invalid Unicode (a lone surrogate such as \\ud800)")
        if not content or not content.strip():
            raise HTTPException(422, "give the article as non-empty 'text' or 'html'")
        raw = RawArticle(source="request", content=content, is_html=bool(item.html), url=item.url, title=item.title,
                         published=item.published.isoformat() if item.published else None)
        try:
            result = await self.workers.analyse(raw, self.analysis)
        except Busy as busy:
            raise HTTPException(503, str(busy), headers={"Retry-After": str(busy.retry_after)}) from None
        except TooSlow as slow:
            raise HTTPException(503, str(slow)) from None
        if isinstance(result, InputError):
            raise HTTPException(422, result.reason)
        return result

    def profile(self, entity_id: str) -> Profile:
        """The profile of the entity with this id; a LookupError (404) when the store has none."""
        try:
            profile = entity_profile(self.store, entity_id)
        except StoreError:
            profile = None
        if profile is None or profile.entity.id != entity_id:
            raise LookupError(f"no entity {entity_id!r} in the store")
        return profile


def services(request: Request) -> Services:
    """The FastAPI dependency that gives a route the application's services."""
    return request.app.state.services


def optional_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _lone_surrogate(text: str) -> bool:
    """JSON may escape half a UTF-16 pair ("\\ud800"); such text cannot be stored or printed."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
