"""`vestnik serve`: a JSON API (OpenAPI at /docs) and server-rendered pages over the store.

FastAPI for the API and Jinja2 templates (autoescaped) for the pages, which run no JavaScript (a
Content-Security-Policy forbids any) and link only http(s) urls. Errors are JSON `{"error": message}` (or an error page for
browsers), never a stack trace; request bodies are limited (`max_body` bytes, 413 beyond);
storing over HTTP (`POST /api/articles`) is off unless an API key is configured.
"""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from vestnik import __version__
from vestnik.store.database import Store, StoreError
from vestnik.store.search import KINDS
from vestnik.web import api, pages
from vestnik.web.render import LABEL_NAMES, web_link
from vestnik.web.services import DEFAULT_MAX_BODY, Services, WebSettings
from vestnik.web.workers import AnalysisPool

__all__ = ["DEFAULT_MAX_BODY", "WebSettings", "create_app", "serve"]
log = logging.getLogger("vestnik")


def create_app(store: Store, settings: WebSettings = WebSettings(), pool: AnalysisPool | None = None) -> FastAPI:
    """The application: the API and page routers over one `Services` (analyses go to `pool`, or to one of
    its own, stopped with the app, when none is given)."""
    workers = pool or AnalysisPool(settings.pipeline.model, settings.analysis, settings.pipeline.syntax)

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
    app.state.services = Services(store, settings, workers, templates)
    app.mount("/static", StaticFiles(directory=str(resources.files("vestnik.web").joinpath("static"))), name="static")
    app.add_middleware(BodyLimit, max_body=settings.max_body)
    app.add_middleware(ContentSecurityPolicy)
    _handle_errors(app, templates)
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def _handle_errors(app: FastAPI, templates: Jinja2Templates) -> None:
    """Every error is a JSON `{"error": message}`, or an error page for a browser; never a stack trace."""
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

