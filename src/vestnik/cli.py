"""The `vestnik` command: argument parsing and output formatting only; the work is in `pipeline`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from datetime import date
from typing import TextIO

from tqdm import tqdm

from vestnik import __version__
from vestnik.config import Settings
from vestnik.pipeline import analyze_paths
from vestnik.record import Article, json_schema
from vestnik.stages.ingest import InputError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "analyze":
        return _analyze(args, parser)
    if args.command == "schema":
        print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
        return EXIT_OK
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vestnik", description="Who said what, to whom, when and where — from news articles.")
    parser.add_argument("--version", action="version", version=f"vestnik {__version__}")
    commands = parser.add_subparsers(dest="command")
    analyze = commands.add_parser("analyze", help="analyse articles and print their records")
    analyze.add_argument("paths", nargs="+", metavar="PATH",
                         help=".txt, .html/.htm, .jsonl (one article a line), a directory, or - for stdin")
    analyze.add_argument("--published", type=_iso_date, metavar="YYYY-MM-DD",
                         help="publication date for inputs that carry none (resolves 'утре', '12 януари')")
    analyze.add_argument("--format", choices=["json", "jsonl", "text"], default="json",
                         help="json: one object for one input, JSON Lines for several (default); "
                              "jsonl: always JSON Lines; text: a digest to read")
    analyze.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    analyze.add_argument("--max-bytes", type=int, metavar="N", help="refuse inputs larger than this (default 10 MiB)")
    commands.add_parser("schema", help="print the JSON Schema of the article record")
    return parser


def _iso_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _analyze(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    settings = Settings.from_env(published=args.published, max_bytes=args.max_bytes)
    show_progress = sys.stderr.isatty() and not os.environ.get("CI")
    results = analyze_paths(args.paths, settings)
    failures = FailureReport()
    try:
        with (open(args.output, "w", encoding="utf-8") if args.output else nullcontext(sys.stdout)) as out:
            _write(failures.records(tqdm(results, unit="article", disable=not show_progress, delay=0.5)), args.format, out)
    except OSError as error:
        parser.exit(EXIT_USAGE, f"vestnik: cannot write {args.output}: {error.strerror}\n")
    return EXIT_SOME_FAILED if failures.count else EXIT_OK


class FailureReport:
    """Names each failed input on stderr as it comes, and counts them for the exit code."""

    def __init__(self) -> None:
        self.count = 0

    def records(self, results: Iterable[Article | InputError]) -> Iterator[Article]:
        for result in results:
            if isinstance(result, InputError):
                self.count += 1
                print(f"vestnik: {result}", file=sys.stderr)
            else:
                yield result


def _write(records: Iterable[Article], fmt: str, out: TextIO) -> None:
    if fmt == "text":
        for record in records:
            out.write(digest(record) + "\n")
        return
    first: Article | None = None
    for count, record in enumerate(records):
        if fmt == "json" and count == 0:
            first = record  # held back: one record is printed as one JSON object, several as JSON Lines
            continue
        if first is not None:
            out.write(_json_line(first))
            first = None
        out.write(_json_line(record))
    if first is not None:
        out.write(json.dumps(first.model_dump(by_alias=True), ensure_ascii=False, indent=2) + "\n")


def _json_line(record: Article) -> str:
    return json.dumps(record.model_dump(by_alias=True), ensure_ascii=False) + "\n"


def digest(record: Article) -> str:
    """A short human-readable summary of a record, for the terminal."""
    heading = record.title or f"{_short(record.text.split(chr(10))[0], 80)} (lead; no headline)"
    lines = [f"# {heading}",
             f"source {record.source} · language {record.language} · published {record.published or 'unknown'} · id {record.id}",
             f"{len(record.paragraphs)} paragraphs, {len(record.sentences)} sentences, {len(record.text.split())} words"]
    if record.removed:
        lines.append(f"removed {sum(r.count for r in record.removed)} boilerplate lines ({len(record.removed)} distinct):")
        lines += [f"  {r.count}× [{r.reason}] {_short(r.text)}" for r in record.removed]
    if record.dates:
        lines.append("dates:")
        lines += [f"  {d.text!r} → {d.value or '?'} ({d.granularity}{', relative' if d.relative else ''})" for d in record.dates]
    for name in ("entities", "quotes", "events"):
        items = getattr(record, name)
        if items:
            lines.append(f"{name}: {len(items)}")
    return "\n".join(lines) + "\n"


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
