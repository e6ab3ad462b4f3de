"""The evaluations behind `vestnik eval`, and the evaluation gate that pins their figures.

Each `score_*` function analyses its gold articles with one entity model and returns the
stage's score object (its `table()` is what `vestnik eval` prints, its `figures()` what the
gate compares). The gate follows trafilatura's `eval_gate.py`: the headline figures of the
three evaluations are pinned in `eval/baseline.json` with a tolerance, and `vestnik eval gate`
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

from vestnik.config import Settings
from vestnik.entities.evaluate import Report
from vestnik.events.evaluate import EventScore
from vestnik.pipeline import analyze_paths
from vestnik.quotes.evaluate import QuoteScore
from vestnik.record import Article
from vestnik.stages.ingest import InputError

CHECKOUT = Path(__file__).resolve().parents[2]
BASELINE = CHECKOUT / "eval" / "baseline.json"
EVENTS_GOLD = CHECKOUT / "eval" / "events-dev.jsonl"
TOLERANCE = 0.005
"""How far a figure may fall below its baseline before the gate fails: room for float noise and
int8 arithmetic across CPUs, well under any change worth a commit (one quote of the dev gold
moves end-to-end F1 by about 0.004)."""


def _records(paths: list[str], model: str) -> list[Article]:
    """The records of `paths` in order; an input that fails to analyse raises its InputError."""
    records = list(analyze_paths(paths, Settings(model=model)))
    for record in records:
        if isinstance(record, InputError):
            raise record
    return records


def score_quotes(gold_dir: Path, model: str = "default") -> QuoteScore:
    """Quotations of the gold articles in `gold_dir` (files `*.json` and `raw/`) against their gold."""
    from vestnik.quotes.evaluate import load_gold

    gold = load_gold(gold_dir)
    if not gold:
        raise ValueError(f"no gold quote files (*.json) in {gold_dir}; give the directory with --gold")
    score = QuoteScore()
    for record in _records([str(gold_dir / "raw" / name) for name in gold], model):
        name = Path(record.source).name
        score.add(name, [quote.model_dump() for quote in record.quotes], gold[name])
    return score


def score_events(gold: Path, data: Path, model: str = "default") -> EventScore:
    """Events of the annotated SlavicNER articles in `gold` (JSON Lines) against their annotations."""
    from vestnik.events.evaluate import load_annotations, score

    if not gold.is_file() or not (data / "raw").is_dir():
        raise ValueError(f"need the annotations ({gold}) and SlavicNER ({data}/raw); give them with --gold and --data")
    annotations = load_annotations(gold)
    records = _records([str(data / "raw" / document) for document in annotations], model)
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


def gate_figures(data: Path, quotes_gold: Path, events_gold: Path = EVENTS_GOLD) -> dict[str, dict[str, float]]:
    """The figures the gate pins, measured now with the default model."""
    return {"entities topic:nord_stream bg": score_entities(data, "topic:nord_stream").report.figures(),
            "quotes dev": score_quotes(quotes_gold).figures(),
            "events dev": score_events(events_gold, data).figures()}


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
