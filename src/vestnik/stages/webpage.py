"""Web pages: the main text and metadata of an HTML article, via trafilatura.

trafilatura drops navigation, cookie banners, footers and related-link boxes and
finds title, date, author and canonical url; this module only adapts its result
to vestnik's `Page` and names the failure when a page has no article in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura

from vestnik.stages.ingest import InputError

MIN_ARTICLE_WORDS = 3  # what trafilatura falls back to on a page without an article is a stray link or two


@dataclass(frozen=True)
class Page:
    text: str  # the main text, one paragraph a line, starting with the headline when the page has one
    title: str | None
    published: str | None
    author: str | None
    url: str | None


def extract_page(html: str, source: str) -> Page:
    """The article inside `html`; `InputError` when trafilatura finds none (malformed or empty page)."""
    try:
        document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False)
    except Exception as error:  # trafilatura raises lxml's and its own errors on broken markup
        raise InputError(source, f"malformed HTML ({type(error).__name__}: {error})") from error
    title = (document.title or "").strip() or None if document else None
    text = (document.text or "").strip() if document else ""
    if len(text.removeprefix(title or "").split()) < MIN_ARTICLE_WORDS:
        raise InputError(source, "HTML page with no article text in it")
    if title and text.splitlines()[0].strip() != title:
        text = f"{title}\n{text}"
    return Page(text=text, title=title, published=document.date, author=document.author, url=document.url)
