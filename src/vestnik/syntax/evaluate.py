"""`vestnik eval syntax`: the syntax model scored on the treebank's held-back documents.

The text of each held sentence goes through vestnik's own tokenizer (as articles do) and spaCy's
scorer aligns it with the treebank's words: UPOS, UFeats (all features right) and lemma
accuracy, UAS and LAS, with precision, recall and F1 per UPOS tag and per relation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spacy.scorer import Scorer

from vestnik.analysis import blank_nlp
from vestnik.syntax.component import SyntaxLayer
from vestnik.syntax.treebank import examples

MEASURES = {"pos_acc": "UPOS", "morph_acc": "UFeats", "lemma_acc": "Lemmas", "dep_uas": "UAS", "dep_las": "LAS"}
REPORTED_RELATIONS = 14
"""The relations printed in the per-relation table, the most frequent first."""


@dataclass
class SyntaxReport:
    sentences: int
    tokens: int
    scores: dict[str, float]
    upos: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)  # tag: P, R, F1, gold count
    relations: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)

    def figures(self) -> dict[str, float]:
        return {MEASURES[key]: round(self.scores[key], 4) for key in MEASURES}

    def table(self) -> str:
        lines = [f"held-back documents: {self.sentences} sentences, {self.tokens} words", "",
                 "| measure | score |", "|---|---:|"]
        lines += [f"| {name} | {value:.3f} |" for name, value in self.figures().items()]
        for title, rows in (("UPOS", self.upos), ("relation (LAS)", self.relations)):
            lines += ["", f"| {title} | gold | P | R | F1 |", "|---|---:|---:|---:|---:|"]
            lines += [f"| {label} | {count} | {p:.3f} | {r:.3f} | {f:.3f} |" for label, (p, r, f, count) in rows.items()]
        return "\n".join(lines)


def evaluate_syntax(model: Path, treebank: Path) -> SyntaxReport:
    """The layer as the pipeline runs it (`SyntaxLayer`) on the held-back sentences; dependencies scored as spaCy
    scores them (punctuation left out)."""
    nlp = blank_nlp()
    layer = SyntaxLayer(model, nlp.vocab)
    scored = examples(nlp, treebank, "held")
    for example, doc in zip(scored, layer.pipe(example.predicted for example in scored)):
        example.predicted = doc
    scores = {**Scorer.score_token_attr(scored, "pos", getter=lambda token, attr: token.pos_),
              **Scorer.score_token_attr(scored, "morph", getter=lambda token, attr: token.morph.key),
              **Scorer.score_token_attr(scored, "lemma", getter=lambda token, attr: token.lemma_),
              **Scorer.score_deps(scored, "dep", getter=lambda token, attr: token.dep_, ignore_labels=("p", "punct"))}
    gold_relations = Counter(token.dep_ for example in scored for token in example.reference)
    relations = {label: (values["p"], values["r"], values["f"], gold_relations[label])
                 for label, values in scores["dep_las_per_type"].items() if label in gold_relations}
    top = sorted(relations, key=lambda label: -relations[label][3])[:REPORTED_RELATIONS]
    return SyntaxReport(sentences=len(scored), tokens=sum(len(example.reference) for example in scored),
                        scores=scores, upos=_upos_scores(scored), relations={label: relations[label] for label in top})


def _upos_scores(scored) -> dict[str, tuple[float, float, float, int]]:
    """P/R/F1 of each UPOS tag over the words where vestnik's tokens and the treebank's align."""
    gold, predicted, right = Counter(), Counter(), Counter()
    for example in scored:
        for reference, guess in zip(example.reference, example.get_aligned("POS", as_string=True)):
            gold[reference.pos_] += 1
            if guess:
                predicted[guess] += 1
                right[guess] += guess == reference.pos_
    rows = {}
    for tag in sorted(gold, key=lambda tag: -gold[tag]):
        p = right[tag] / predicted[tag] if predicted[tag] else 0.0
        r = right[tag] / gold[tag]
        rows[tag] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, gold[tag])
    return rows
