"""`vestnik eval ner`: score the entity stage against SlavicNER gold.

Four measures, each printed per label and overall:
- mention level: exact span and label (precision, recall, F1);
- document level, BSNLP "strict": per document, the set of distinct (surface form, label)
  pairs, counts summed over documents;
- base forms: share of correctly found mentions whose predicted base form equals the gold one;
- linking: share of correctly found mentions, whose gold id the knowledge base knows, that
  get that id;
- display name: share of the article's entities (those whose found mentions carry a gold id
  that other evaluated articles also name) whose display name is the base form those other
  articles use most for it: how the press usually names the entity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language

from vestnik.analysis import entity_components
from vestnik.entities.corpus import LABELS, Document
from vestnik.entities.names import display_name


@dataclass
class Counts:
    true_positive: Counter = field(default_factory=Counter)
    predicted: Counter = field(default_factory=Counter)
    gold: Counter = field(default_factory=Counter)

    def add(self, gold: set, predicted: set) -> None:
        for label in LABELS:
            g = {item for item in gold if item[-1] == label}
            p = {item for item in predicted if item[-1] == label}
            self.true_positive[label] += len(g & p)
            self.gold[label] += len(g)
            self.predicted[label] += len(p)

    def prf(self, label: str | None = None) -> tuple[float, float, float]:
        pick = (lambda c: c[label]) if label else (lambda c: sum(c.values()))
        tp, p, g = pick(self.true_positive), pick(self.predicted), pick(self.gold)
        precision = tp / p if p else 0.0
        recall = tp / g if g else 0.0
        return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass
class Report:
    documents: int = 0
    mentions: Counts = field(default_factory=Counts)
    document_forms: Counts = field(default_factory=Counts)
    base_form_right: Counter = field(default_factory=Counter)
    base_form_total: Counter = field(default_factory=Counter)
    link_right: Counter = field(default_factory=Counter)
    link_total: Counter = field(default_factory=Counter)
    name_right: Counter = field(default_factory=Counter)
    name_total: Counter = field(default_factory=Counter)
    gold_naming: Counter = field(default_factory=Counter)  # the naming rule on gold mentions: right/total, several forms

    def figures(self) -> dict[str, float]:
        """The headline figures the evaluation gate pins: mention and document F1 over all labels."""
        return {"mention F1": self.mentions.prf()[2], "doc F1": self.document_forms.prf()[2]}

    def table(self) -> str:
        rows = ["| label | mention P | mention R | mention F1 | doc F1 (strict) | base form acc | linking acc "
                "| display name acc | gold mentions |", "|---|---|---|---|---|---|---|---|---|"]
        for label in (*LABELS, None):
            mp, mr, mf = self.mentions.prf(label)
            _, _, df = self.document_forms.prf(label)
            pick = (lambda c: c[label]) if label else (lambda c: sum(c.values()))
            base = _share(pick(self.base_form_right), pick(self.base_form_total))
            link = _share(pick(self.link_right), pick(self.link_total))
            name = _share(pick(self.name_right), pick(self.name_total))
            gold = pick(self.mentions.gold)
            rows.append(f"| {label or '**all**'} | {mp:.3f} | {mr:.3f} | {mf:.3f} | {df:.3f} | {base} | {link} | {name} "
                        f"| {gold} |")
        naming = self.gold_naming
        if naming["total"]:
            rows.append(f"\ndisplay name rule on gold mentions: {naming['right'] / naming['total']:.3f} of "
                        f"{naming['total']} entities; {_share(naming['several right'], naming['several'])} of the "
                        f"{naming['several']} named by several forms")
        return "\n".join(rows)


def _share(right: int, total: int) -> str:
    return f"{right / total:.3f}" if total else "–"


def evaluate(nlp: Language, documents: Iterable[Document], without: Iterable[str] = ()) -> Report:
    """Run the entity components of `nlp` (all but `without`) over `documents` and count."""
    documents = list(documents)
    report = Report(documents=len(documents))
    kb = nlp.get_pipe("vestnik_entities").kb
    unknown = set(without) - set(entity_components(nlp))
    if unknown:
        raise ValueError(f"not entity components of this pipeline: {', '.join(sorted(unknown))}")
    forms = [_forms(document) for document in documents]
    naming = _names_by_documents(forms)
    for document, own in zip(documents, forms):
        _count_gold_naming(report, document, own, naming)
    with nlp.select_pipes(enable=[name for name in entity_components(nlp) if name not in set(without)]):
        docs = nlp.pipe(_doc(nlp, document) for document in documents)
        for document, own, doc in zip(documents, forms, docs):
            _count_display_names(report, document, own, doc, naming)
            predicted = {(m.start, m.end, m.label): m for m in doc._.entities}
            gold = {(m.start, m.end, m.label): m for m in document.mentions}
            report.mentions.add(set(gold), set(predicted))
            report.document_forms.add({(m.text, m.label) for m in document.mentions},
                                      {(m.text, m.label) for m in doc._.entities})
            for key in set(gold) & set(predicted):
                label = key[2]
                report.base_form_total[label] += 1
                report.base_form_right[label] += predicted[key].lemma == gold[key].lemma
                if gold[key].id in kb:
                    report.link_total[label] += 1
                    report.link_right[label] += predicted[key].id == gold[key].id
    return report


def _forms(document: Document) -> dict[str, set[str]]:
    """The base forms by which a document's gold mentions name each gold id."""
    forms: dict[str, set[str]] = {}
    for mention in document.mentions:
        forms.setdefault(mention.id, set()).add(mention.lemma)
    return forms


def _names_by_documents(forms_of_documents: list[dict[str, set[str]]]) -> dict[str, Counter]:
    """For each gold id, how many of the documents name it by each base form."""
    naming: dict[str, Counter] = {}
    for forms in forms_of_documents:
        for entity_id, names in forms.items():
            naming.setdefault(entity_id, Counter()).update(names)
    return naming


def _usual_name(naming: dict[str, Counter], entity_id: str, own: dict[str, set[str]]) -> str | None:
    """The base form the other documents use most for `entity_id`, or None when no other names it."""
    others = naming[entity_id] - Counter(own.get(entity_id, ()))
    return max(others, key=lambda form: (others[form], form)) if others else None


def _count_gold_naming(report: Report, document: Document, own: dict[str, set[str]],
                       naming: dict[str, Counter]) -> None:
    """`display_name` on the gold base forms of each entity, against the name the other documents use most:
    the rule alone, apart from recognition and base forms."""
    counts: dict[str, Counter] = {}
    for mention in document.mentions:
        counts.setdefault(mention.id, Counter())[mention.lemma] += 1
    for entity_id, names in counts.items():
        usual = _usual_name(naming, entity_id, own)
        if usual is None:
            continue
        right = display_name(names) == usual
        report.gold_naming.update({"total": 1, "right": right, "several": len(names) > 1,
                                   "several right": right and len(names) > 1})


def _count_display_names(report: Report, document: Document, own: dict[str, set[str]], doc,
                         naming: dict[str, Counter]) -> None:
    """Each found entity against the name the other documents use most for its gold id."""
    gold_id = {(m.start, m.end): m.id for m in document.mentions}
    for entity in doc._.distinct_entities or ():
        ids = Counter(gold_id[key] for key in ((doc._.entities[i].start, doc._.entities[i].end) for i in entity.mentions)
                      if key in gold_id)
        if not ids:
            continue
        usual = _usual_name(naming, ids.most_common(1)[0][0], own)
        if usual is None:
            continue
        report.name_total[entity.label] += 1
        report.name_right[entity.label] += entity.name == usual


def _doc(nlp: Language, document: Document):
    doc = nlp.make_doc(document.text)
    doc._.language = document.lang
    return doc
