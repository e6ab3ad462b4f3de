"""Sources beyond files: RSS/Atom feeds (a file or a URL) and web pages by URL.

feedparser reads the feed; httpx fetches the page each entry links to, so the article is
the publisher's full page, not the feed's teaser. When a page cannot be fetched (offline,
an error status, too large) the entry's own content stands in for it if it has any, and
otherwise the entry is reported as an `InputError` naming its link and the reason.
Everything else (files, directories, JSON Lines, stdin) is `stages.ingest`'s.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import feedparser
import httpx

from vestnik import __version__
from vestnik.config import Settings
from vestnik.stages.ingest import InputError, RawArticle, decode, guarded, looks_like_html, read_inputs

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
FETCH_TIMEOUT = 20.0
USER_AGENT = f"vestnik/{__version__}"
log = logging.getLogger("vestnik")


def read_sources(paths: Iterable[str], settings: Settings) -> Iterator[RawArticle | InputError]:
    """Every article behind `paths`: URLs (a feed or a page), feed files, and whatever `read_inputs` reads."""
    for given in paths:
        if given.startswith(("http://", "https://")):
            yield from guarded(given, lambda url=given: _from_url(url, settings))
        elif Path(given).suffix.lower() in FEED_SUFFIXES and Path(given).is_file():
            yield from guarded(given, lambda path=given: _from_feed(path, Path(path).read_bytes(), settings))
        else:
            yield from read_inputs([given], settings)


def fetch(url: str, settings: Settings) -> bytes:
    """The body at `url`, or `InputError` (network failure, error status, over the size limit)."""
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=FETCH_TIMEOUT,
                          headers={"User-Agent": USER_AGENT}) as response:
            if response.status_code >= 400:
                raise InputError(url, f"the server answered {response.status_code} {response.reason_phrase}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > settings.max_bytes:
                    raise InputError(url, f"page is over the limit of {settings.max_bytes:,} bytes")
            return bytes(body)
    except httpx.HTTPError as error:
        raise InputError(url, f"cannot fetch: {error}") from None


def _from_url(url: str, settings: Settings) -> Iterator[RawArticle | InputError]:
    body = fetch(url, settings)
    if _is_feed(body):
        yield from _from_feed(url, body, settings)
    else:
        yield RawArticle(source=url, content=decode(body, url), is_html=True, url=url)


def _is_feed(body: bytes) -> bool:
    head = body[:2000].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def _from_feed(source: str, body: bytes, settings: Settings) -> Iterator[RawArticle | InputError]:
    feed = feedparser.parse(body)
    if not feed.version:
        reason = f"not an RSS or Atom feed ({feed.get('bozo_exception', 'unrecognised format')})"
        raise InputError(source, reason)
    if not feed.entries:
        raise InputError(source, "feed has no entries")
    for number, entry in enumerate(feed.entries, start=1):
        yield from guarded(f"{source}#{number}", lambda e=entry, n=number: _from_entry(source, n, e, settings))


def _from_entry(feed: str, number: int, entry, settings: Settings) -> Iterator[RawArticle]:
    link = entry.get("link")
    title = entry.get("title")
    published = time.strftime("%Y-%m-%d", entry.published_parsed) if entry.get("published_parsed") else None
    content = entry.content[0].value if entry.get("content") else entry.get("summary", "")
    if link:
        try:
            yield RawArticle(source=link, content=decode(fetch(link, settings), link), is_html=True,
                             url=link, title=title, published=published)
            return
        except InputError as error:
            if not content.strip():
                raise
            log.warning("%s; using the feed's own content", error)
    elif not content.strip():
        raise InputError(f"{feed}#{number}", "feed entry has neither a link nor content")
    yield RawArticle(source=link or f"{feed}#{number}", content=content, is_html=looks_like_html(content) or "<p" in content,
                     url=link, title=title, published=published)
