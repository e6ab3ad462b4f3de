"""HTML for what templates cannot express simply: an article's text with its entities and quotes
marked in place, and a bar chart of mentions per day as inline SVG.

Every character of article text passes through `markupsafe.escape`: the text is scraped from
the web and untrusted, so markup in it is shown as text, never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from markupsafe import Markup, escape

LINK_SCHEMES = frozenset({"http", "https"})
"""The only URL schemes rendered as links: an article's url comes from scraped data, and a
`javascript:` or `data:` url in an href runs script when clicked."""


def web_link(url: str | None) -> str | None:
    """`url` when it is an http(s) link with a host, read as a browser reads it (tabs and newlines
    anywhere and leading/trailing control characters or spaces ignored), else None: shown as text."""
    if not url:
        return None
    cleaned = re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$", "", re.sub(r"[\t\n\r]", "", url))
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    return cleaned if parts.scheme.lower() in LINK_SCHEMES and parts.hostname else None


LABEL_NAMES = {"PER": "person", "ORG": "organisation", "LOC": "place", "EVT": "event", "PRO": "product"}


@dataclass
class _Span:
    start: int
    end: int
    opening: str  # the tag that opens it, already escaped
    closing: str
    outer: bool  # quotes hold entities, not the other way round


def highlighted_paragraphs(record: dict) -> list[Markup]:
    """The paragraphs of the record's text, entities as coloured spans, quotations marked with their speaker."""
    text = record["text"]
    spans = []
    for index, quote in enumerate(record.get("quotes", [])):
        speaker = quote["speaker"]["name"] if quote.get("speaker") else "unnamed source"
        spans.append(_Span(quote["start"], quote["end"], Markup(
            '<span class="quote quote-{type}" id="quote-{index}" data-speaker="{speaker}" title="{speaker} ({type})">'
        ).format(type=quote["type"], index=index, speaker=speaker), Markup("</span>"), True))
    for mention in record.get("entities", []):
        spans.append(_Span(mention["start"], mention["end"], Markup(
            '<a class="entity entity-{label}" href="/entities/{id}" title="{name} · {kind}">'
        ).format(label=mention["label"], id=mention["id"], name=mention["lemma"], kind=LABEL_NAMES[mention["label"]]),
            Markup("</a>"), False))
    return [_marked(text, start, end, spans) for start, end in _paragraphs(record)]


def _paragraphs(record: dict) -> list[tuple[int, int]]:
    paragraphs = [(p["start"], p["end"]) for p in record.get("paragraphs", [])]
    return paragraphs or [(0, len(record["text"]))]


def _marked(text: str, start: int, end: int, spans: list[_Span]) -> Markup:
    """Text[start:end] with the spans inside it; a span that would cross an open one is cut at its end."""
    inside = sorted((s for s in spans if s.start < end and s.end > start),
                    key=lambda s: (max(s.start, start), not s.outer, -s.end))
    out: list[str] = []
    position = start
    open_spans: list[tuple[_Span, int]] = []  # the span and where it ends here
    for span in inside:
        span_start = max(span.start, start)
        while open_spans and open_spans[-1][1] <= span_start:
            closing, stop = open_spans.pop()
            out.append(escape(text[position:stop]))
            out.append(closing.closing)
            position = stop
        if span_start < position:
            continue  # overlaps what is already written
        out.append(escape(text[position:span_start]))
        out.append(span.opening)
        position = span_start
        stop = min(span.end, end, *(limit for _, limit in open_spans))
        open_spans.append((span, stop))
    while open_spans:
        closing, stop = open_spans.pop()
        out.append(escape(text[position:stop]))
        out.append(closing.closing)
        position = stop
    out.append(escape(text[position:end]))
    return Markup("".join(out))


def mentions_chart(per_day: list[tuple[str, int]], width: int = 640, height: int = 160) -> Markup:
    """Bars of mentions per day, every day of the period shown (days without mentions as gaps)."""
    if not per_day:
        return Markup('<p class="muted">No dated mentions.</p>')
    counts = {date.fromisoformat(day): count for day, count in per_day}
    first, last = min(counts), max(counts)
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    peak = max(counts.values())
    bar = min(40.0, max(1.0, (width - 40) / len(days)))
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height + 30}" width="100%" '
             f'aria-label="Mentions per day, {first} to {last}, at most {peak} a day">']
    for offset, day in enumerate(days):
        count = counts.get(day, 0)
        if count:
            bar_height = (height - 10) * count / peak
            parts.append(f'<rect class="bar" x="{30 + offset * bar:.1f}" y="{height - bar_height:.1f}" '
                         f'width="{max(bar - 1, 0.5):.1f}" height="{bar_height:.1f}"><title>{day}: {count}</title></rect>')
    parts.append(f'<line x1="30" y1="{height}" x2="{width - 10}" y2="{height}" class="axis"/>')
    parts.append(f'<text x="30" y="{height + 18}" class="label">{first}</text>')
    parts.append(f'<text x="{width - 10}" y="{height + 18}" class="label" text-anchor="end">{last}</text>')
    parts.append(f'<text x="25" y="16" class="label" text-anchor="end">{peak}</text></svg>')
    return Markup("".join(parts))
