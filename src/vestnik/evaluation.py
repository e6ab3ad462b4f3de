"""The evaluations behind `vestnik eval`, and the evaluation gate that pins their figures.

Each `score_*` function analyses its gold articles with one pipeline (`Settings`) and returns the
stage's score object (its `table()` is what `vestnik eval` prints, its `figures()` what the
gate compares). The gate follows trafilatura's `eval_gate.py`: the headline figures of the
evaluations are pinned in `eval/baseline.json` with a tolerance, and `vestnik eval gate`
(run by the tests, so by CI) fails when one falls below its floor. A change that improves a
figure raises the floor in the same commit (`vestnik eval gate --update`).

The entity figures of the gate are on SlavicNER's nord_stream topic, which the shipped model
was trained on: they guard the run-time path (tokens, decoding, rules) against regressions;
they are not a test of accuracy on new stories (README, "Entities", has those).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vestnik.config import Settings, default_slavicner
from vestnik.entities.evaluate import Report
from vestnik.events.evaluate import EventScore
from vestnik.pipeline import analyze_paths
from vestnik.quotes.evaluate import QuoteScore
from vestnik.record import Article
from vestnik.stages.ingest import InputError

CHECKOUT = Path(__file__).resolve().parents[2]
BASELINE = CHECKOUT / "eval" / "baseline.json"
EVENTS_GOLD = CHECKOUT / "eval" / "events-dev.jsonl"
QUOTES_GOLD = {"dev": (Path("../shared/gold/quotes-dev"), CHECKOUT / "eval" / "quotes" / "dev"),
               "blind": (CHECKOUT / "eval" / "quotes" / "blind",)}
"""The quotation gold sets: dev (the 25 articles the rules were written against, and 40 annotated later from
the guidelines alone), and blind (40 more, scored only when a change is finished)."""
QUOTES_TRAINING = (CHECKOUT / "eval" / "quotes" / "train", Path("../shared/gold/quotes-dev"))
"""What the quotation tagger learns from (`vestnik train quotes`): the 40 training articles and the rules' 25; the
dev-40 articles chose its settings and the blind ones test it."""
EVENTS_GOLD_SETS = {"dev": EVENTS_GOLD, "blind": CHECKOUT / "eval" / "events-blind.jsonl"}
TOLERANCE = 0.005
"""How far a figure may fall below its baseline before the gate fails: room for float noise and
int8 arithmetic across CPUs, well under any change worth a commit (one quote of the dev gold
moves end-to-end F1 by about 0.004)."""


def _records(paths: list[str], settings: Settings) -> list[Article]:
    """The records of `paths` in order; an input that fails to analyse raises its InputError."""
    records = list(analyze_paths(paths, settings))
    for record in records:
        if isinstance(record, InputError):
            raise record
    return records


def score_quotes(gold_dir: Path, settings: Settings = Settings(), data: Path | None = None) -> QuoteScore:
    """Quotations of the gold articles in `gold_dir` against their gold: `*.json` files whose `doc` is a file
    of `gold_dir/raw` or a path under SlavicNER's `data/raw`."""
    from vestnik.quotes.evaluate import gold_sources, load_gold

    gold = load_gold(gold_dir)
    sources = gold_sources(gold_dir, gold, data or default_slavicner())
    score = QuoteScore()
    for name, record in zip(gold, _records([str(path) for path in sources], settings), strict=True):
        score.add(name, [quote.model_dump() for quote in record.quotes], gold[name])
    return score


def score_events(gold: Path, data: Path, settings: Settings = Settings()) -> EventScore:
    """Events of the annotated SlavicNER articles in `gold` (JSON Lines) against their annotations."""
    from vestnik.events.evaluate import load_annotations, score

    if not gold.is_file() or not (data / "raw").is_dir():
        raise ValueError(f"need the annotations ({gold}) and SlavicNER ({data}/raw); give them with --gold and --data")
    annotations = load_annotations(gold)
    records = _records([str(data / "raw" / document) for document in annotations], settings)
    return score(dict(zip(annotations, records, strict=True)), annotations)


@dataclass
class EntityRun:
    """An entity evaluation: the report, and how many of its documents the model was trained on."""

    report: Report
    trained_on: dict
    seen: int


def score_entities(data: Path, split: str, lang: str = "bg", model: str = "default", without: str = "") -> EntityRun:
    """Entities of SlavicNER's `split` in `lang` against its gold; `without` drops entity components."""
    from vestnik.analysis import build_nlp, entity_model_path
    from vestnik.entities.corpus import read_split, select
    from vestnik.entities.evaluate import evaluate

    if not (data / "raw").is_dir():
        raise ValueError(f"{data} is not a SlavicNER directory (no raw/ in it); give it with --data")
    documents = list(read_split(data, split, (lang,)))
    if not documents:
        raise ValueError(f"no {lang} documents in split {split!r} of {data}")
    path = entity_model_path(model)
    trained_on = json.loads((path / "training.json").read_text(encoding="utf-8"))
    seen = set(select(data, trained_on["split"], tuple(trained_on["langs"]))) & {d.path for d in documents}
    report = evaluate(build_nlp(path), documents, [name for name in without.split(",") if name])
    return EntityRun(report, trained_on, len(seen))


def gate_figures(data: Path, treebank: Path, pages: Path) -> dict[str, dict[str, float]]:
    """The figures the gate pins, measured now with the default models on the dev sets (never the blind ones)."""
    from vestnik.stages.page_evaluation import evaluate_pages
    from vestnik.syntax.component import SYNTAX_MODEL
    from vestnik.syntax.evaluate import evaluate_syntax

    rules_dev, annotated_dev = QUOTES_GOLD["dev"]
    return {"entities topic:nord_stream bg": score_entities(data, "topic:nord_stream").report.figures(),
            "syntax held-back BTB": evaluate_syntax(SYNTAX_MODEL, treebank).figures(),
            "quotes dev": score_quotes(rules_dev, data=data).figures(),
            "quotes dev-40": score_quotes(annotated_dev, data=data).figures(),
            "events dev": score_events(EVENTS_GOLD, data).figures(),
            "pages": evaluate_pages(pages).figures()}


def compare(measured: dict[str, dict[str, float]], baseline: dict[str, dict[str, float]],
            tolerance: float = TOLERANCE) -> tuple[str, list[str]]:
    """A table of every pinned figure (baseline, measured, verdict) and the figures that fell."""
    rows = ["| evaluation | figure | baseline | measured | verdict |", "|---|---|---|---|---|"]
    fallen = []
    for evaluation, figures in baseline.items():
        for name, floor in figures.items():
            value = measured.get(evaluation, {}).get(name)
            if value is None or value < floor - tolerance:
                fallen.append(f"{evaluation}: {name}")
                verdict = "FELL" if value is not None else "MISSING"
            else:
                verdict = "raise the floor" if value > floor + tolerance else "ok"
            rows.append(f"| {evaluation} | {name} | {floor:.3f} | {'—' if value is None else f'{value:.3f}'} | {verdict} |")
    return "\n".join(rows), fallen


def read_baseline(path: Path = BASELINE) -> dict[str, dict[str, float]]:
    return json.loads(path.read_text(encoding="utf-8"))


def write_baseline(measured: dict[str, dict[str, float]], path: Path = BASELINE) -> None:
    rounded = {evaluation: {name: round(value, 3) for name, value in figures.items()}
               for evaluation, figures in measured.items()}
    path.write_text(json.dumps(rounded, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
