"""The store's commands (`ingest`, `search`, `who-said`, `entity`, `stories`): run them, print their results."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from typing import TextIO

from tqdm import tqdm

from vestnik.config import Settings, progress_wanted
from vestnik.stages.ingest import InputError
from vestnik.store.database import Store
from vestnik.store.ingest import IngestReport, ingest as ingest_articles
from vestnik.events.plover import plover_lines
from vestnik.store.search import Hit, Profile, Story, entity_profile, search, stored_records, stories, who_said


def ingest(paths: list[str], store: Store, settings: Settings) -> int:
    """Ingest `paths`, naming each failure on stderr and summing up at the end; returns the number of failures."""
    report = IngestReport()
    show_progress = progress_wanted()
    for result in tqdm(ingest_articles(paths, store, settings, report), unit="article", disable=not show_progress, delay=0.5):
        if isinstance(result, InputError):
            print(f"vestnik: {result}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return report.failed


def export(store: Store, out: TextIO, date_from: str | None, date_to: str | None) -> None:
    """The events of the store's latest article versions as PLOVER JSON Lines, oldest article first."""
    out.writelines(plover_lines(stored_records(store, _date(date_from), _date(date_to))))


def show(args: argparse.Namespace, store: Store) -> str:
    """The output of a query command, as text or JSON."""
    period = {"date_from": _date(getattr(args, "date_from", None)), "date_to": _date(getattr(args, "date_to", None))}
    if args.command == "search":
        hits = search(store, args.query, args.kind, entity=args.entity, limit=args.limit, offset=args.offset, **period)
        return _json([hit.to_dict() for hit in hits]) if args.format == "json" else _hits_text(hits, args.query)
    if args.command == "who-said":
        hits = who_said(store, args.name, **period)
        return _json([hit.to_dict() for hit in hits]) if args.format == "json" else _hits_text(hits, args.name)
    if args.command == "entity":
        profile = entity_profile(store, args.name)
        return _json(asdict(profile)) if args.format == "json" else _profile_text(profile)
    if getattr(args, "rebuild", False):
        counted, grouped = store.rebuild_stories()
        print(f"stories rebuilt: {counted} articles in {grouped} stories", file=sys.stderr)
    found = stories(store, limit=args.limit, **period)
    return _json([asdict(story) for story in found]) if args.format == "json" else _stories_text(found)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def _hits_text(hits: list[Hit], query: str) -> str:
    if not hits:
        return f"nothing found for {query!r}\n"
    lines = []
    for hit in hits:
        where = f"{hit.published or 'undated'} · {hit.title or '(no headline)'} · {hit.article_id}"
        if hit.duplicate_of:
            where += f" (copy of {hit.duplicate_of})"
        if hit.kind == "quote":
            lines.append(f"{hit.published or 'undated'} {hit.speaker or '(unnamed)'}: “{hit.text}”\n    {where}")
        elif hit.kind == "event":
            lines.append(f"{hit.published or 'undated'} {hit.event_type}: {hit.text}\n    {where}")
        else:
            lines.append(f"{where}\n    {hit.text}")
    return "\n".join(lines) + "\n"


def _profile_text(profile: Profile) -> str:
    entity = profile.entity
    lines = [f"# {entity.name} [{entity.latin}] · {entity.label} · {entity.id}",
             f"{entity.mentions} mentions in {profile.articles} articles"]
    if profile.per_day:
        lines.append("mentions per day:")
        peak = max(count for _, count in profile.per_day)
        lines += [f"  {day} {'█' * max(1, round(20 * count / peak))} {count}" for day, count in profile.per_day]
    if profile.co_mentioned:
        lines.append("mentioned with: " + ", ".join(f"{other.name} ({count})" for other, count in profile.co_mentioned))
    _section(lines, "quotes", [f"{hit.published or 'undated'} “{hit.text}”" for hit in profile.quotes])
    _section(lines, "events", [f"{hit.published or 'undated'} {hit.event_type}: {hit.text}" for hit in profile.events])
    if profile.others:
        lines.append("also called so: " + ", ".join(f"{other.name} ({other.label}, {other.id})" for other in profile.others))
    return "\n".join(lines) + "\n"


def _section(lines: list[str], title: str, items: Iterable[str]) -> None:
    items = list(items)
    if items:
        lines.append(f"{title} ({len(items)}):")
        lines += [f"  {item}" for item in items]


def _stories_text(found: list[Story]) -> str:
    if not found:
        return "no stories in this period\n"
    return "\n".join(f"{story.articles:4d} articles · {story.first or '?'} – {story.last or '?'} · {story.headline or '(no headline)'}\n"
                     f"     {', '.join(story.key_entities)} · story {story.id}" for story in found) + "\n"
