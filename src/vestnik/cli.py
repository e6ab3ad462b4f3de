"""The `vestnik` command: argument parsing and output formatting only; the work is in `pipeline`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from vestnik import __version__
from vestnik.analysis import entity_model_path, model_architecture
from vestnik.config import (DEFAULT_DATABASE, Settings, default_api_key, default_database, default_pages,
                            default_slavicner, default_treebank, progress_wanted)
from vestnik.pipeline import analyze_paths
from vestnik.record import STAGES, Article, json_schema
from vestnik.stages.ingest import InputError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(format="vestnik: %(message)s", level=logging.WARNING)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if hasattr(args, "model"):
        args.model = args.model or Settings.from_env().model
        try:
            entity_model_path(args.model)
        except ValueError as error:
            parser.exit(EXIT_USAGE, f"vestnik: --model {error}\n")
    scheduler = getattr(args, "scheduler", None) or (Settings.from_env().scheduler if hasattr(args, "scheduler") else None)
    return _on_cluster(parser, args) if scheduler else args.handler(args)


def _on_cluster(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """A command run on a Dask cluster: the address checked first, a scheduler that does not answer said plainly."""
    from vestnik.cluster import SchedulerUnreachable, parse_address

    if args.processes:
        parser.exit(EXIT_USAGE, "vestnik: --scheduler and --processes are two ways to run in parallel: give one\n")
    try:
        parse_address(_settings(args).scheduler)
    except ValueError as error:
        parser.exit(EXIT_USAGE, f"vestnik: {error}\n")
    try:
        return args.handler(args)
    except SchedulerUnreachable as error:
        print(f"vestnik: {error}", file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    """The command line: one sub-parser per command, each with its handler (`set_defaults(handler=…)`);
    options that several commands share come from the parent parsers of `_shared_options`."""
    parser = argparse.ArgumentParser(prog="vestnik", description="Who said what, to whom, when and where — from news articles.")
    parser.add_argument("--version", action="version", version=f"vestnik {__version__}")
    commands = parser.add_subparsers(dest="command")
    shared = _shared_options()
    _analysis_commands(commands, shared)
    _store_commands(commands, shared)
    _train_commands(commands)
    _eval_commands(commands)
    return parser


def _shared_options() -> dict[str, argparse.ArgumentParser]:
    analysis, store, period, formats, output = (argparse.ArgumentParser(add_help=False) for _ in range(5))
    analysis.add_argument("--published", type=_iso_date, metavar="YYYY-MM-DD",
                          help="publication date for inputs that carry none (resolves 'утре', '12 януари')")
    analysis.add_argument("--max-bytes", type=int, metavar="N", help="refuse inputs larger than this (default 10 MiB)")
    analysis.add_argument("--processes", type=int, metavar="N",
                          help="analyse in N worker processes, e.g. one per core (default 1, or VESTNIK_PROCESSES)")
    analysis.add_argument("--scheduler", metavar="ADDRESS",
                          help="analyse on a Dask cluster: tcp://HOST:PORT of its scheduler, or local:N to start N "
                               "workers on this machine (default: VESTNIK_SCHEDULER; see the README, On a cluster)")
    analysis.add_argument("--partition-size", type=int, metavar="N",
                          help="with --scheduler: articles per task; with --format parquet: per part (default 32)")
    _model_argument(analysis)
    store.add_argument("--db", metavar="URL", help=f"a SQLite file or a postgresql:// URL (default: VESTNIK_DB, else "
                                                   f"{DEFAULT_DATABASE})")
    period.add_argument("--from", dest="date_from", type=_iso_date, metavar="YYYY-MM-DD")
    period.add_argument("--to", dest="date_to", type=_iso_date, metavar="YYYY-MM-DD")
    formats.add_argument("--format", choices=["text", "json"], default="text")
    output.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    return {"analysis": analysis, "store": store, "period": period, "formats": formats, "output": output}


def _analysis_commands(commands, shared: dict[str, argparse.ArgumentParser]) -> None:
    analyze = commands.add_parser("analyze", help="analyse articles and print their records",
                                  parents=[shared["analysis"], shared["output"]])
    analyze.add_argument("paths", nargs="+", metavar="PATH",
                         help=".txt, .html/.htm, .jsonl (one article a line), a directory, or - for stdin")
    analyze.add_argument("--format", choices=["json", "jsonl", "text", "parquet"], default="json",
                         help="json: one object for one input, JSON Lines for several (default); "
                              "jsonl: always JSON Lines; text: a digest to read; parquet: tables of articles, "
                              "mentions, entities, quotes and events in the directory --output names")
    analyze.set_defaults(handler=_analyze)
    commands.add_parser("schema", help="print the JSON Schema of the article record").set_defaults(handler=_schema)
    export = commands.add_parser("export", help="events as PLOVER JSON Lines, or every record as Parquet tables, from "
                                                "the store or from articles given",
                                 parents=[shared["analysis"], shared["output"], shared["period"], shared["store"]])
    export.add_argument("paths", nargs="*", metavar="PATH", help="articles to analyse and export (default: the store's)")
    export.add_argument("--format", choices=["plover", "parquet"], default="plover",
                        help="plover: the events as PLOVER JSON Lines; parquet: the records as tables in the "
                             "directory --output names")
    export.set_defaults(handler=_export)


def _store_commands(commands, shared: dict[str, argparse.ArgumentParser]) -> None:
    store, queried = [shared["store"]], [shared["store"], shared["formats"]]
    ingest = commands.add_parser("ingest", help="analyse articles and keep them in the store (skips what is stored)",
                                 parents=[shared["analysis"], *store])
    ingest.add_argument("paths", nargs="+", metavar="PATH",
                        help="as for analyze, plus RSS/Atom feeds (.rss, .atom, .xml) and http(s) URLs of feeds or pages")
    ingest.add_argument("--batch-size", type=int, metavar="N", help="articles per committed batch (default 32)")
    ingest.set_defaults(handler=_with_store(_ingest))
    search = commands.add_parser("search", help="full-text search over stored articles, quotes or events",
                                 parents=[shared["period"], *queried])
    search.add_argument("query", help="words to find in any inflection, in Cyrillic or Latin letters")
    search.add_argument("--kind", choices=["articles", "quotes", "events"], default="articles")
    search.add_argument("--entity", metavar="NAME", help="only articles that mention this entity")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--offset", type=int, default=0)
    who_said = commands.add_parser("who-said", help="a person's quotes over time", parents=[shared["period"], *queried])
    who_said.add_argument("name", help="the person's name, surname or Latin name")
    entity = commands.add_parser("entity", help="an entity's profile: mentions per day, co-mentions, quotes, events",
                                 parents=queried)
    entity.add_argument("name")
    stories = commands.add_parser("stories", help="stories (articles about the same event) with their article counts",
                                  parents=[shared["period"], *queried])
    stories.add_argument("--limit", type=int, default=20)
    stories.add_argument("--rebuild", action="store_true", help="first assign every article its story again in a "
                         "canonical order, so stories do not depend on the order the articles were ingested in")
    for query in (search, who_said, entity, stories):
        query.set_defaults(handler=_with_store(_show))
    serve = commands.add_parser("serve", help="the web pages and the JSON API over the store", parents=store)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--api-key", help="enables POST /api/articles for requests with this X-API-Key "
                                         "(default: VESTNIK_API_KEY; without one, storing over HTTP is off)")
    serve.add_argument("--max-body", type=int, metavar="BYTES", help="largest request body (default 2 MiB)")
    serve.add_argument("--analysis-workers", type=int, default=1, metavar="N",
                       help="articles analysed at once for POST /api/analyze and the paste form (default 1; "
                            "up to 4 more wait, the rest get 503 with Retry-After)")
    _model_argument(serve)
    serve.set_defaults(handler=_with_store(_serve))


def _train_commands(commands) -> None:
    train = commands.add_parser("train", help="train a model from ../shared/data").add_subparsers(dest="what", required=True)
    train_ner = train.add_parser("ner", help="entity recogniser, base-form rules and knowledge base from SlavicNER")
    _data_arguments(train_ner, default_split="all")
    train_ner.add_argument("--langs", default="bg,ru,uk", help="languages to train the recogniser on (default bg,ru,uk)")
    train_ner.add_argument("--output", required=True, type=Path, help="model directory to write")
    train_ner.add_argument("--seed", type=int, default=0)
    train_ner.add_argument("--architecture", choices=["encoder", "cnn"], default="encoder",
                           help="encoder: fine-tuned multilingual-e5, int8 ONNX (the default model; needs the train "
                                "extra); cnn: spaCy's tok2vec+ner (the fast model)")
    train_ner.add_argument("--max-epochs", type=int, help="cnn: override the epoch budget of ner.cfg")
    train_ner.add_argument("--epochs", type=int, default=2, help="encoder: passes over the training windows (default 2)")
    train_ner.add_argument("--learning-rate", type=float, default=1e-4, help="encoder: peak learning rate (default 1e-4)")
    train_ner.add_argument("--layers", type=int, help="encoder: keep only the first N of its 12 layers (faster)")
    train_ner.add_argument("--train-embeddings", action="store_true", help="encoder: fine-tune the word embeddings too")
    train_ner.add_argument("--limit", type=int, help="train on the first N documents of the split only (a quick check)")
    train_ner.set_defaults(handler=_reporting_failures(_train))
    train_syntax = train.add_parser("syntax", help="the Bulgarian syntax layer (UPOS, features, lemmas, dependencies) "
                                                   "from UD_Bulgarian-BTB; the model inherits its CC BY-NC-SA licence")
    _treebank_argument(train_syntax)
    train_syntax.add_argument("--output", required=True, type=Path, help="model directory to write")
    train_syntax.add_argument("--seed", type=int, default=0)
    train_syntax.add_argument("--max-epochs", type=int, help="override the epoch budget (60)")
    train_syntax.add_argument("--encoder", type=Path, help="the entity encoder whose states it reads (default: the "
                                                            "default entity model's, src/vestnik/models/ner-encoder/encoder)")
    train_syntax.set_defaults(handler=_reporting_failures(_train_syntax))
    train_quotes = train.add_parser("quotes", help="the quotation tagger (content, cue, source words) from the "
                                                   "annotated quotation gold, on the entity encoder's states")
    train_quotes.add_argument("--gold", type=Path, action="append",
                              help="gold directory to learn from, repeatable (default: eval/quotes/train and "
                                   "../shared/gold/quotes-dev; dev-40 and blind are left out)")
    _slavicner_argument(train_quotes)
    train_quotes.add_argument("--output", required=True, type=Path, help="model directory to write")
    train_quotes.add_argument("--seed", type=int, default=0)
    train_quotes.add_argument("--epochs", type=int, default=25, help="passes over the articles (default 25)")
    train_quotes.set_defaults(handler=_reporting_failures(_train_quotes))


def _eval_commands(commands) -> None:
    evaluate = commands.add_parser("eval", help="score a stage against gold data").add_subparsers(dest="what", required=True)
    eval_ner = evaluate.add_parser("ner", help="entities against SlavicNER: mentions, documents, base forms, linking")
    _data_arguments(eval_ner, default_split="dev")
    eval_ner.add_argument("--lang", default="bg")
    _model_argument(eval_ner)
    eval_ner.add_argument("--without", default="", metavar="COMPONENT,...",
                          help="score without these entity components, e.g. vestnik_quoted_names (what a rule adds)")
    eval_events = evaluate.add_parser("events", help="events against the hand-annotated SlavicNER articles (dev)")
    eval_events.add_argument("--gold", type=Path, help="annotation file (default: eval/events-dev.jsonl of the checkout)")
    _blind_argument(eval_events)
    _slavicner_argument(eval_events)
    eval_events.add_argument("--errors", action="store_true", help="also list every missed and spurious event")
    _model_argument(eval_events)
    eval_quotes = evaluate.add_parser("quotes", help="quotations against the annotated articles (dev)")
    eval_quotes.add_argument("--gold", type=Path, action="append",
                             help="a directory of gold JSON files, repeatable (default: ../shared/gold/quotes-dev, "
                                  "with its articles in raw/, and eval/quotes/dev, on SlavicNER's articles)")
    _blind_argument(eval_quotes)
    _slavicner_argument(eval_quotes)
    _model_argument(eval_quotes)
    eval_quotes.add_argument("--errors", action="store_true", help="also list every miss, spurious quote and wrong speaker")
    eval_syntax = evaluate.add_parser("syntax", help="the syntax layer on the treebank's held-back documents")
    _treebank_argument(eval_syntax)
    eval_syntax.add_argument("--syntax-model", type=Path, help="a directory `vestnik train syntax` wrote (default: the "
                                                                "shipped one)")
    eval_pages = evaluate.add_parser("pages", help="text and publication date of real saved pages, beside trafilatura "
                                                   "and htmldate (trafilatura's evaluation set, htmldate's media-cloud set)")
    _pages_argument(eval_pages)
    eval_pages.add_argument("--limit", type=int, help="only the first N pages of each public set (a quick look)")
    _blind_argument(eval_pages)
    eval_pages.add_argument("--errors", action="store_true", help="also list the pages refused and the dates got wrong")
    eval_gate = evaluate.add_parser("gate", help="the evaluations against the pinned floors of eval/baseline.json")
    _slavicner_argument(eval_gate)
    _treebank_argument(eval_gate)
    _pages_argument(eval_gate)
    eval_gate.add_argument("--baseline", type=Path, default=Path(__file__).resolve().parents[2] / "eval" / "baseline.json",
                           help="the pinned figures (default: eval/baseline.json of the checkout)")
    eval_gate.add_argument("--update", action="store_true",
                           help="when nothing fell, write the measured figures as the new floors")
    for command, handler in ((eval_ner, _eval_ner), (eval_events, _eval_events), (eval_quotes, _eval_quotes),
                             (eval_syntax, _eval_syntax), (eval_pages, _eval_pages), (eval_gate, _eval_gate)):
        command.set_defaults(handler=_reporting_failures(handler))


def _model_argument(parser: argparse.ArgumentParser) -> None:
    """The options that choose the analysis pipeline's models, read by `_settings`."""
    parser.add_argument("--model", metavar="NAME|DIR",
                        help="entity model: default (the fine-tuned encoder, most accurate on a new story), fast (the "
                             "CNN, several times faster, for back-fills) or a directory `vestnik train ner` wrote "
                             "(default: VESTNIK_MODEL, else default)")
    parser.add_argument("--no-syntax", action="store_true",
                        help="leave out the syntax layer, whose licence (CC BY-NC-SA, from its treebank) is not "
                             "vestnik's (also VESTNIK_SYNTAX=0)")


def _settings(args: argparse.Namespace) -> Settings:
    """The run's settings: the environment, then the flags this command has."""
    names = ("published", "max_bytes", "processes", "batch_size", "model", "scheduler", "partition_size")
    flags = {name: getattr(args, name, None) for name in names}
    return Settings.from_env(**flags, syntax=False if getattr(args, "no_syntax", False) else None)


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def _with_store(handler):
    """A store command: `handler(args, store)` on the store `--db` names; a store error is a usage error."""
    def run(args: argparse.Namespace) -> int:
        from vestnik.store.database import Store, StoreError

        try:
            return handler(args, Store.open(args.db or default_database()))
        except StoreError as error:
            print(f"vestnik: {error}", file=sys.stderr)
            return EXIT_USAGE
    return run


def _ingest(args: argparse.Namespace, store) -> int:
    from vestnik.store import commands

    return EXIT_SOME_FAILED if commands.ingest(args.paths, store, _settings(args)) else EXIT_OK


def _serve(args: argparse.Namespace, store) -> int:
    from vestnik.web.app import DEFAULT_MAX_BODY, WebSettings, serve
    from vestnik.web.workers import PoolSettings

    serve(store, args.host, args.port, WebSettings(max_body=args.max_body or DEFAULT_MAX_BODY,
                                                   api_key=args.api_key or default_api_key(),
                                                   pipeline=_settings(args),
                                                   analysis=PoolSettings(workers=args.analysis_workers)))
    return EXIT_OK


def _show(args: argparse.Namespace, store) -> int:
    from vestnik.store import commands

    print(commands.show(args, store), end="")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    """PLOVER lines or Parquet tables of the articles given, analysed now, or of the store's articles when none is given."""
    if args.format == "parquet":
        return _write_parquet(args) if args.paths else _with_store(_export_stored_parquet)(args)
    return _export_analysed(args) if args.paths else _with_store(_export_stored)(args)


def _export_stored_parquet(args: argparse.Namespace, store) -> int:
    from vestnik.store.search import stored_records

    period = (date.fromisoformat(value) if value else None for value in (args.date_from, args.date_to))
    return _write_parquet(args, stored_records(store, *period))


def _write_parquet(args: argparse.Namespace, stored: Iterable[Article] | None = None) -> int:
    """Records as Parquet tables in the directory --output names: the `stored` ones, or those of the paths
    analysed now (on a cluster, each worker writes the parts of its partitions)."""
    from vestnik import parquet

    if not args.output:
        print("vestnik: --format parquet writes a directory of tables: name it with --output DIR", file=sys.stderr)
        return EXIT_USAGE
    directory, settings, failures = Path(args.output), _settings(args), FailureReport()
    try:
        parquet.prepare_directory(directory)
    except OSError as error:
        print(f"vestnik: cannot write {directory}: {error}", file=sys.stderr)
        return EXIT_USAGE
    if stored is None and settings.scheduler:
        from vestnik.cluster import parquet_on_cluster
        from vestnik.stages.feeds import read_sources

        for error in parquet_on_cluster(read_sources(args.paths, settings), settings, directory):
            failures.report(error)
    else:
        records = stored if stored is not None else failures.records(analyze_paths(args.paths, settings))
        parquet.write_parquet(records, directory, settings.partition_size)
    return EXIT_SOME_FAILED if failures.count else EXIT_OK


def _export_stored(args: argparse.Namespace, store) -> int:
    from vestnik.store import commands

    with (open(args.output, "w", encoding="utf-8") if args.output else nullcontext(sys.stdout)) as out:
        commands.export(store, out, args.date_from, args.date_to)
    return EXIT_OK


def _reporting_failures(handler):
    """A training or an evaluation: a bad argument is a usage error, an unreadable gold file a failure."""
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except ValueError as error:
            print(f"vestnik: {error}", file=sys.stderr)
            return EXIT_USAGE
        except InputError as error:
            print(f"vestnik: {error}", file=sys.stderr)
            return EXIT_SOME_FAILED
    return run


def _export_analysed(args: argparse.Namespace) -> int:
    from vestnik.events.plover import plover_lines

    failures = FailureReport()
    with (open(args.output, "w", encoding="utf-8") if args.output else nullcontext(sys.stdout)) as out:
        out.writelines(plover_lines(failures.records(analyze_paths(args.paths, _settings(args)))))
    return EXIT_SOME_FAILED if failures.count else EXIT_OK


def _slavicner_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=default_slavicner(),
                        help="SlavicNER directory (default: VESTNIK_DATA, else ../shared/data/slavicner)")


def _blind_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--blind", action="store_true",
                        help="score the blind set instead (eval/…-blind): only when a change is finished, never to "
                             "choose between variants")


def _pages_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pages", type=Path, default=default_pages(),
                        help="the public test sets of saved pages (default: VESTNIK_PAGES, else ../shared/pages)")


def _treebank_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--treebank", type=Path, default=default_treebank(),
                        help="UD_Bulgarian-BTB directory (default: VESTNIK_TREEBANK, else ../shared/data/ud-bg-btb)")


def _data_arguments(parser: argparse.ArgumentParser, default_split: str) -> None:
    _slavicner_argument(parser)
    parser.add_argument("--split", default=default_split,
                        help="train, dev, all, topic:NAME or no-topic:NAME (held-out topic: train on "
                             "no-topic:nord_stream, score on topic:nord_stream)")


def _train(args: argparse.Namespace) -> int:
    from vestnik.entities.train import EncoderSettings, train_ner

    encoder = EncoderSettings(epochs=args.epochs, learning_rate=args.learning_rate, layers=args.layers,
                              train_embeddings=args.train_embeddings)
    summary = train_ner(args.data, args.split, tuple(args.langs.split(",")), args.output, args.seed,
                        args.architecture, args.max_epochs, encoder, args.limit)
    print(json.dumps(summary, indent=2))
    return EXIT_OK


def _train_syntax(args: argparse.Namespace) -> int:
    from vestnik.analysis import DEFAULT_ENTITY_MODEL
    from vestnik.entities.encoder_ner import ENCODER_DIR
    from vestnik.syntax.train import train_syntax

    encoder = args.encoder or DEFAULT_ENTITY_MODEL / ENCODER_DIR
    print(json.dumps(train_syntax(args.treebank, args.output, encoder, args.seed, args.max_epochs), indent=2))
    return EXIT_OK


def _train_quotes(args: argparse.Namespace) -> int:
    from vestnik.analysis import DEFAULT_ENTITY_MODEL
    from vestnik.entities.encoder_ner import ENCODER_DIR
    from vestnik.evaluation import QUOTES_TRAINING
    from vestnik.quotes.train import train_quotes

    summary = train_quotes(args.gold or list(QUOTES_TRAINING), args.data, args.output, DEFAULT_ENTITY_MODEL / ENCODER_DIR,
                           args.seed, args.epochs)
    print(json.dumps(summary, indent=2))
    return EXIT_OK


def _eval_syntax(args: argparse.Namespace) -> int:
    from vestnik.syntax.component import SYNTAX_MODEL
    from vestnik.syntax.evaluate import evaluate_syntax

    model = args.syntax_model or SYNTAX_MODEL
    report = evaluate_syntax(model, args.treebank)
    _report(f"syntax: model {model}, scored on the held-back documents of {args.treebank} (vestnik's tokens "
            f"aligned to the treebank's words)", report.table(), None)
    return EXIT_OK


def _eval_pages(args: argparse.Namespace) -> int:
    from vestnik.stages.page_evaluation import evaluate_pages

    report = evaluate_pages(args.pages, _settings(args), args.limit, args.blind)
    errors = None
    if args.errors:
        errors = [("refused", *refused) for refused in report.refused] + [
            ("wrong date", test_set, *wrong) for test_set, scores in report.dates.items()
            for wrong in scores["vestnik"].wrong_examples] + [("Bulgarian page", *error) for error in report.layouts[1].errors]
    _report(f"pages: {args.pages}", report.table(), errors)
    return EXIT_OK


def _eval_events(args: argparse.Namespace) -> int:
    from vestnik.evaluation import EVENTS_GOLD_SETS, score_events

    gold = args.gold or EVENTS_GOLD_SETS["blind" if args.blind else "dev"]
    result = score_events(gold, args.data, _settings(args))
    _report(f"events: scored on {result.documents} articles of {gold.name} ({sum(result.gold.values())} gold events, "
            f"{sum(result.predicted.values())} predicted); a match needs type, actor and date",
            result.table(), result.errors if args.errors else None)
    return EXIT_OK


def _report(heading: str, table: str, errors: list[tuple] | None) -> None:
    """An evaluation's heading and table, then its errors one a line when asked for."""
    print(heading)
    print()
    print(table)
    if errors is not None:
        print()
        for error in errors:
            print(" | ".join(map(str, error)))


def _eval_quotes(args: argparse.Namespace) -> int:
    from vestnik.evaluation import QUOTES_GOLD, score_quotes

    for gold in args.gold or QUOTES_GOLD["blind" if args.blind else "dev"]:
        score = score_quotes(gold, _settings(args), args.data)
        _report(f"quotes: scored on {score.documents} articles of {gold} ({score.gold} gold quotes, {score.predicted} "
                f"predicted)", score.table(), score.errors if args.errors else None)
        print()
    return EXIT_OK


def _eval_ner(args: argparse.Namespace) -> int:
    from vestnik.evaluation import score_entities

    run = score_entities(args.data, args.split, args.lang, args.model, args.without)
    trained_on = run.trained_on
    print(f"entities: model {args.model} ({model_architecture(entity_model_path(args.model))}, trained on "
          f"{trained_on['split']} {','.join(trained_on['langs'])}), "
          f"{'without ' + args.without + ', ' if args.without else ''}scored on {args.split} {args.lang}: "
          f"{run.report.documents} documents")
    if run.seen:
        print(f"warning: the model was trained on {run.seen} of these documents; the figures are not a test")
    print()
    print(run.report.table())
    return EXIT_OK


def _eval_gate(args: argparse.Namespace) -> int:
    from vestnik.evaluation import compare, gate_figures, read_baseline, write_baseline

    measured = gate_figures(args.data, args.treebank, args.pages)
    table, fallen = compare(measured, read_baseline(args.baseline))
    print(f"evaluation gate: the default model's figures against {args.baseline}")
    print()
    print(table)
    if fallen:
        print(f"\nvestnik: below the floor: {'; '.join(fallen)}", file=sys.stderr)
        return EXIT_SOME_FAILED
    if args.update:
        write_baseline(measured, args.baseline)
        print(f"\nwrote the measured figures to {args.baseline}")
    return EXIT_OK


def _iso_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _analyze(args: argparse.Namespace) -> int:
    if args.format == "parquet":
        return _write_parquet(args)
    show_progress = progress_wanted()
    results = analyze_paths(args.paths, _settings(args))
    failures = FailureReport()
    try:
        with (open(args.output, "w", encoding="utf-8") if args.output else nullcontext(sys.stdout)) as out:
            _write(failures.records(tqdm(results, unit="article", disable=not show_progress, delay=0.5)), args.format, out)
    except OSError as error:
        print(f"vestnik: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_SOME_FAILED if failures.count else EXIT_OK


class FailureReport:
    """Names each failed input on stderr as it comes, and counts them for the exit code."""

    def __init__(self) -> None:
        self.count = 0

    def records(self, results: Iterable[Article | InputError]) -> Iterator[Article]:
        for result in results:
            if isinstance(result, InputError):
                self.report(result)
            else:
                yield result

    def report(self, error: InputError) -> None:
        self.count += 1
        print(f"vestnik: {error}", file=sys.stderr)


def _write(records: Iterable[Article], fmt: str, out: TextIO) -> None:
    if fmt == "text":
        out.writelines(digest(record) + "\n" for record in records)
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
    if skipped := [stage for stage in STAGES if stage not in record.stages]:
        lines.append(f"not analysed for language {record.language}: {', '.join(skipped)}")
    for section in (_removed_lines, _date_lines, _entity_lines, _quote_lines, _event_lines):
        lines += section(record)
    return "\n".join(lines) + "\n"


def _removed_lines(record: Article) -> list[str]:
    if not record.removed:
        return []
    return [f"removed {sum(r.count for r in record.removed)} boilerplate lines ({len(record.removed)} distinct):",
            *(f"  {r.count}× [{r.reason}] {_short(r.text)}" for r in record.removed)]


def _date_lines(record: Article) -> list[str]:
    if not record.dates:
        return []
    return ["dates:", *(f"  {d.text!r} → {d.value or '?'} ({d.granularity}{', relative' if d.relative else ''})"
                        for d in record.dates)]


def _entity_lines(record: Article) -> list[str]:
    if not record.distinct_entities:
        return []
    return [f"entities ({len(record.entities)} mentions of {len(record.distinct_entities)}):",
            *(f"  {e.label} {e.name} [{e.latin}] ×{len(e.mentions)} · {e.id}" for e in record.distinct_entities)]


def _quote_lines(record: Article) -> list[str]:
    lines = [f"quotes ({len(record.quotes)}):"] if record.quotes else []
    for quote in record.quotes:
        who = quote.speaker.name if quote.speaker else "(unnamed)"
        via = f" via “{quote.speaker_mention.text}”" if quote.speaker_mention and quote.speaker and \
            quote.speaker_mention.text != quote.speaker.name else ""
        cue = quote.cue.text if quote.cue else "—"
        lines.append(f"  {who}{via} [{quote.type}, {cue}]: {_short(quote.content, 80)}")
    return lines


def _event_lines(record: Article) -> list[str]:
    lines = [f"events ({len(record.events)}):"] if record.events else []
    for event in record.events:
        where = f" in {event.where.text}" if event.where else ""
        when = f" on {event.when.value}" if event.when.value else ""
        mode = f" [{', '.join(event.modes)}]" if event.modes else ""
        to = f" → {_parties(event.recipient)}" if event.recipient else ""
        lines.append(f"  {event.type}{mode}: {_parties(event.actor)}{to}{where}{when}")
    return lines


def _parties(parties) -> str:
    return ", ".join(f"{party.name} ({party.code})" if party.code else party.name for party in parties)


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
