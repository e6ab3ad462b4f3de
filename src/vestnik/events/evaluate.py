"""Scoring events against hand annotations (docs/events.md, "Annotation guidelines"; eval/events-dev.jsonl).

A predicted event matches a gold event of the same article when the type is the same, an
actor overlaps (a predicted party's code or name is in the gold actor list) and the dates are
equal (both unknown counts as equal); matching is one-to-one and greedy. Two looser levels
show where the coder loses: type only, and type + actor.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from vestnik.record import Article, Event

LEVELS = ("type", "type+actor", "type+actor+date")


@dataclass
class EventScore:
    true_positives: dict[str, Counter] = field(default_factory=lambda: {level: Counter() for level in LEVELS})
    gold: Counter = field(default_factory=Counter)
    predicted: Counter = field(default_factory=Counter)
    documents: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # document, missed|spurious, description

    def add(self, document: str, predicted: list[Event], gold: list[dict]) -> None:
        predicted = [event for event in predicted if "hypothetical" not in event.modes]  # not annotated (guidelines)
        self.documents += 1
        self.gold.update(event["type"] for event in gold)
        self.predicted.update(event.type for event in predicted)
        for level in LEVELS:
            matched = _match(predicted, gold, level)
            self.true_positives[level].update(gold[g]["type"] for _, g in matched)
            if level == LEVELS[-1]:
                found_gold = {g for _, g in matched}
                found_predicted = {p for p, _ in matched}
                self.errors += [(document, "missed", _describe_gold(event)) for i, event in enumerate(gold) if i not in found_gold]
                self.errors += [(document, "spurious", _describe(event)) for i, event in enumerate(predicted)
                                if i not in found_predicted]

    def figures(self) -> dict[str, float]:
        """The headline figures the evaluation gate pins: F1 at each matching level, over all types."""
        total_gold, total_predicted = sum(self.gold.values()), sum(self.predicted.values())
        return {f"F1 {level}": _prf(sum(self.true_positives[level].values()), total_gold, total_predicted)[2]
                for level in LEVELS}

    def table(self) -> str:
        lines = ["| type | gold | predicted | P | R | F1 | F1 type only | F1 type+actor |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
        types = sorted(set(self.gold) | set(self.predicted))
        for name in types + ["all"]:
            gold = sum(self.gold.values()) if name == "all" else self.gold[name]
            predicted = sum(self.predicted.values()) if name == "all" else self.predicted[name]
            scores = [_prf(sum(tp.values()) if name == "all" else tp[name], gold, predicted)
                      for tp in (self.true_positives[level] for level in reversed(LEVELS))]
            (p, r, f), (_, _, f_actor), (_, _, f_type) = scores
            lines.append(f"| {name} | {gold} | {predicted} | {p:.3f} | {r:.3f} | {f:.3f} | {f_type:.3f} | {f_actor:.3f} |")
        return "\n".join(lines)


def _prf(tp: int, gold: int, predicted: int) -> tuple[float, float, float]:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _match(predicted: list[Event], gold: list[dict], level: str) -> list[tuple[int, int]]:
    used: set[int] = set()
    pairs = []
    for p, event in enumerate(predicted):
        for g, wanted in enumerate(gold):
            if g not in used and _matches(event, wanted, level):
                used.add(g)
                pairs.append((p, g))
                break
    return pairs


def _matches(event: Event, gold: dict, level: str) -> bool:
    if event.type != gold["type"]:
        return False
    if level != "type":
        wanted = {name.lower() for name in gold["actor"]}
        names = {value.lower() for party in event.actor for value in (party.name, *(party.code or "").split("+")) if value}
        if not names & wanted:
            return False
    if level == "type+actor+date":
        return _explicit_date(event) == gold["date"]
    return True


def _explicit_date(event: Event) -> str | None:
    """The date the text gives for the event (not the publication date standing in for it)."""
    return event.when.value if event.when.text else None


def _describe(event: Event) -> str:
    actors = ", ".join(f"{party.name}/{party.code}" for party in event.actor)
    recipients = ", ".join(f"{party.name}/{party.code}" for party in event.recipient)
    return f"{event.type} {event.mode or ''} [{actors}] → [{recipients}] {_explicit_date(event) or ''} | {event.evidence.text[:90]}"


def _describe_gold(event: dict) -> str:
    return f"{event['type']} {event.get('mode') or ''} {event['actor']} → {event['recipient']} {event['date'] or ''} | {event['evidence'][:90]}"


def load_annotations(path: Path) -> dict[str, list[dict]]:
    """Document path (relative to SlavicNER's raw/) → its gold events."""
    annotations = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            annotations[item["document"]] = item["events"]
    return annotations


def score(records: dict[str, Article], annotations: dict[str, list[dict]]) -> EventScore:
    result = EventScore()
    for document, gold in annotations.items():
        result.add(document, records[document].events, gold)
    return result
