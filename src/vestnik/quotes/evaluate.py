"""`vestnik eval quotes`: score quotations against the gold of `shared/gold/quotes-dev`.

As the guidelines (§2) define it: a predicted quote matches a gold one when the word-level F1
of their contents (lower-cased word tokens) is at least 0.5, one to one, greedy by overlap;
gold records marked optional (teaser lines) are neither required nor penalised. A speaker is
right when the normalised names are equal, one contains the other, or the surnames agree; a
null gold speaker is right only when the prediction has none.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MATCH_F1 = 0.5


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def word_f1(a: str, b: str) -> float:
    x, y = words(a), words(b)
    common = sum((x & y).values())
    if not common:
        return 0.0
    precision, recall = common / sum(x.values()), common / sum(y.values())
    return 2 * precision * recall / (precision + recall)


def _name(text: str | None) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def speaker_right(predicted: str | None, gold: str | None) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    p, g = _name(predicted), _name(gold)
    return p == g or (p and g and (p in g or g in p)) or (p.split() and g.split() and p.split()[-1] == g.split()[-1])


def _pairs(predicted: list[dict], gold: list[dict]) -> list[tuple[int, int]]:
    """(predicted index, gold index) pairs of quotes whose contents match (word F1 >= MATCH_F1), each quote in one
    pair at most, the closest pairs taken first."""
    scored = sorted(((word_f1(p["content"], g["content"]), i, j) for i, p in enumerate(predicted)
                     for j, g in enumerate(gold)), reverse=True)
    used_p, used_g, matches = set(), set(), []
    for score, i, j in scored:
        if score >= MATCH_F1 and i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            matches.append((i, j))
    return matches


@dataclass
class QuoteScore:
    documents: int = 0
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    speaker_right: int = 0
    gold_by_type: Counter = field(default_factory=Counter)
    matched_by_type: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)

    def add(self, doc: str, predicted: list[dict], gold: list[dict]) -> None:
        """Count one document: quotes paired by word F1 (best pairs first), optional gold quotes neither
        rewarded nor punished."""
        self.documents += 1
        matches = _pairs(predicted, gold)
        ignored = {i for i, j in matches if gold[j].get("optional")}
        self.predicted += len(predicted) - len(ignored)
        required = [g for g in gold if not g.get("optional")]
        self.gold += len(required)
        self.gold_by_type.update(g["type"] for g in required)
        for i, j in matches:
            if not gold[j].get("optional"):
                self._count_match(doc, predicted[i], gold[j])
        used_p, used_g = {i for i, _ in matches}, {j for _, j in matches}
        self.errors += [(doc, "missed", g["type"], g["content"][:80], g["cue"])
                        for j, g in enumerate(gold) if j not in used_g and not g.get("optional")]
        self.errors += [(doc, "spurious", p["type"], p["content"][:80], (p.get("cue") or {}).get("text"))
                        for i, p in enumerate(predicted) if i not in used_p]

    def _count_match(self, doc: str, predicted: dict, gold: dict) -> None:
        self.matched += 1
        self.matched_by_type[gold["type"]] += 1
        right = speaker_right((predicted.get("speaker") or {}).get("name"), gold["speaker"])
        self.speaker_right += right
        if not right:
            self.errors.append((doc, "speaker", gold["content"][:60], gold["speaker"], predicted.get("speaker")))

    def rates(self) -> dict[str, float]:
        """Detection and end-to-end precision, recall and F1, and speaker accuracy on matched quotes."""
        def prf(right: int) -> tuple[float, float, float]:
            precision = right / self.predicted if self.predicted else 0.0
            recall = right / self.gold if self.gold else 0.0
            return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0

        (precision, recall, f1), (e2e_p, e2e_r, e2e_f) = prf(self.matched), prf(self.speaker_right)
        return {"detection P": precision, "detection R": recall, "detection F1": f1,
                "end-to-end P": e2e_p, "end-to-end R": e2e_r, "end-to-end F1": e2e_f,
                "speaker accuracy": self.speaker_right / self.matched if self.matched else 0.0}

    def figures(self) -> dict[str, float]:
        """The headline figures the evaluation gate pins."""
        rates = self.rates()
        return {name: rates[name] for name in ("detection F1", "end-to-end F1", "speaker accuracy")}

    def table(self) -> str:
        r = self.rates()
        precision, recall, f1 = r["detection P"], r["detection R"], r["detection F1"]
        e2e_p, e2e_r, e2e_f = r["end-to-end P"], r["end-to-end R"], r["end-to-end F1"]
        speaker_accuracy = r["speaker accuracy"]
        rows = ["| measure | precision | recall | F1 |", "|---|---|---|---|",
                f"| detection | {precision:.3f} | {recall:.3f} | {f1:.3f} |",
                f"| end to end (matched and speaker right) | {e2e_p:.3f} | {e2e_r:.3f} | {e2e_f:.3f} |",
                "", f"speaker accuracy on matched quotes: {speaker_accuracy:.3f} ({self.speaker_right}/{self.matched})", "",
                "| gold type | gold | found | recall |", "|---|---|---|---|"]
        for kind in ("direct", "indirect", "mixed"):
            gold = self.gold_by_type[kind]
            rows.append(f"| {kind} | {gold} | {self.matched_by_type[kind]} | "
                        f"{self.matched_by_type[kind] / gold if gold else 0:.3f} |")
        return "\n".join(rows)


def gold_sources(gold_dir: Path, gold: dict[str, list[dict]], data: Path) -> list[Path]:
    """The article of each gold file of `gold_dir`: a file of `gold_dir/raw`, or a path under SlavicNER's
    `data/raw`; refused when there are none or one is missing."""
    if not gold:
        raise ValueError(f"no gold quote files (*.json) in {gold_dir}; give the directory with --gold")
    sources = [gold_dir / "raw" / name if "/" not in name else data / "raw" / name for name in gold]
    if missing := [str(path) for path in sources if not path.is_file()]:
        raise ValueError(f"{gold_dir}: the articles of {len(missing)} gold files are missing, e.g. {missing[0]}")
    return sources


def load_gold(gold_dir: Path) -> dict[str, list[dict]]:
    """Raw file name → gold quotes."""
    documents = {}
    for path in sorted(gold_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        documents[data["doc"]] = data["quotes"]
    return documents
