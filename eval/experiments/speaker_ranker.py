"""Experiment (issue 15): does a learned speaker ranker beat the rules? Not shipped: it did not (README, Quotations).

A conditional logit over the article's entities and "no one", for each predicted quote that matches a gold one;
trained on the training set (eval/quotes/train), or on it and one dev set, scored (speaker accuracy) on a dev set it
did not see, against the rules' own answers. Run from the checkout:

    python eval/experiments/speaker_ranker.py dump d25
    python eval/experiments/speaker_ranker.py dump d40
    python eval/experiments/speaker_ranker.py dump t40
    python eval/experiments/speaker_ranker.py fit

Only the dev sets: the blind set is not for choosing.
"""
import math
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

SETS = {"d25": Path("../shared/gold/quotes-dev"), "d40": Path("eval/quotes/dev"), "t40": Path("eval/quotes/train")}
CACHE = Path(tempfile.gettempdir()) / "vestnik-speaker-ranker"


def dump(name):
    import vestnik.pipeline as P
    from vestnik import evaluation as E
    from vestnik.quotes.evaluate import _pairs, load_gold, speaker_right
    from vestnik.syntax import roles
    from vestnik.quotes.cues import CUE_PATTERN, cue_gender
    docs = []
    orig = P.build_record

    def capture(item, doc):
        docs.append(doc)
        return orig(item, doc)
    P.build_record = capture
    gold_dir = SETS[name]
    gold = load_gold(gold_dir)
    E.score_quotes(gold_dir)
    examples = []
    for (doc_name, gquotes), doc in zip(gold.items(), docs):
        quotes = doc._.quotes
        pred = [q.model_dump() for q in quotes]
        people = doc._.people or {}
        ents = [e for e in doc._.entities if e.label in ("PER", "ORG", "LOC")]
        distinct = {e.id: e for e in doc._.distinct_entities if e.label in ("PER", "ORG", "LOC")}
        counts = {}
        for e in ents:
            counts[e.id] = counts.get(e.id, 0) + 1
        top_person = max((i for i in counts if distinct[i].label == "PER"), key=lambda i: counts[i], default=None)
        sentences = doc._.sentences
        previous_speaker = None
        pairs = dict(_pairs(pred, gquotes))
        for qi, q in enumerate(quotes):
            g = gquotes[pairs[qi]] if qi in pairs else None
            anchor = q.cue.start if q.cue else q.start
            sent = next(((a, b) for a, b in sentences if a <= anchor < b), (anchor, anchor))
            prev_sent = next(((a, b) for a, b in sentences if b <= sent[0] and b > sent[0] - 400), None)
            subj = None
            if q.cue and roles.parsed(doc):
                verb = roles.predicate(doc, q.cue.start, q.cue.end)
                head = roles.subject(verb) if verb is not None else None
                if head is not None:
                    subj = roles.phrase(head)
            m = CUE_PATTERN.search(q.cue.text) if q.cue else None
            gender = cue_gender(m) if m else ""
            rule_id = q.speaker.id if q.speaker else None
            rule_name = q.speaker.name if q.speaker else None
            cands = []
            for cid, de in distinct.items():
                if de.label == "PER" and not de.name[:1].isupper():
                    continue
                mentions = [e for e in ents if e.id == cid]
                outside = [e for e in mentions if not (q.start <= e.start < q.end)]
                inside = len(mentions) - len(outside)
                dist = min((min(abs(e.start - anchor), abs(e.end - anchor)) for e in outside), default=5000)
                pg = people[cid].gender if cid in people else ""
                f = {
                    "rule": float(rule_id == cid), "label_" + de.label: 1.0,
                    "in_sent_before": float(any(sent[0] <= e.start < anchor for e in outside)),
                    "in_sent_after": float(any(anchor <= e.start < sent[1] for e in outside)),
                    "in_content": float(inside > 0),
                    "only_in_content": float(inside > 0 and not outside),
                    "logdist": math.log1p(dist) / 8,
                    "in_prev_sent": float(prev_sent is not None and any(prev_sent[0] <= e.start < prev_sent[1] for e in outside)),
                    "before_quote": float(any(e.end <= q.start for e in mentions)),
                    "logcount": math.log1p(counts.get(cid, 0)) / 3,
                    "top_person": float(cid == top_person),
                    "prev_speaker": float(previous_speaker == cid),
                    "subject": float(subj is not None and any(subj[0] <= e.start < subj[1] for e in mentions)),
                    "gender_agree": float(bool(gender) and gender in ("m", "f") and pg == gender),
                    "gender_clash": float(bool(gender) and gender in ("m", "f") and bool(pg) and pg != gender),
                    "plural_cue_org": float(gender == "pl" and de.label != "PER"),
                }
                f["rule_x_subject"] = f["rule"] * f["subject"]
                right = g is not None and speaker_right(de.name, g["speaker"])
                cands.append((cid, de.name, f, right))
            # the rule's own answer when it names someone the recogniser did not
            if rule_name and rule_id not in distinct:
                cands.append((rule_id, rule_name, {"rule": 1.0, "unlisted": 1.0},
                              g is not None and speaker_right(rule_name, g["speaker"])))
            nf = {"null": 1.0, "rule": float(rule_name is None), "null_x_nocue": float(q.cue is None),
                  "null_x_direct": float(q.type == "direct"),
                  "null_x_rule_mention": float(rule_name is None and q.speaker_mention is not None)}
            cands.append((None, None, nf, g is not None and g["speaker"] is None))
            examples.append({"doc": doc_name, "matched": g is not None, "cands": cands,
                             "rule_right": g is not None and speaker_right(rule_name, g["speaker"])})
            if q.speaker:
                previous_speaker = q.speaker.id
    CACHE.mkdir(exist_ok=True)
    pickle.dump(examples, open(CACHE / f"{name}.pkl", "wb"))
    print(name, len(examples), sum(e["matched"] for e in examples))


def matrix(examples, names):
    return [(np.array([[c[2].get(n, 0.0) for n in names] for c in e["cands"]]), np.array([c[3] for c in e["cands"]]))
            for e in examples if e["matched"]]


def train(examples, names, l2=0.1, steps=400, lr=0.5):
    data = [(X, y) for X, y in matrix(examples, names) if y.any()]
    w = np.zeros(len(names))
    for _ in range(steps):
        grad = l2 * w
        for X, y in data:
            s = X @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y
            q /= q.sum()
            grad += X.T @ (p - q)
        w -= lr * grad / len(data)
    return w


def accuracy(examples, names, w):
    right = total = 0
    for e, (X, y) in zip([e for e in examples if e["matched"]], matrix(examples, names)):
        total += 1
        right += bool(y[int(np.argmax(X @ w))])
    return right, total


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2])
    else:
        sets = {n: pickle.load(open(CACHE / f"{n}.pkl", "rb")) for n in SETS}
        names = sorted({k for ex in sets.values() for e in ex for c in e["cands"] for k in c[2]})
        for a, b in (("d25", "d40"), ("d40", "d25"), ("t40", "d40"), ("t40", "d25"), ("t40+d25", "d40"), ("t40+d40", "d25"), ("d25+d40", "t40")):
            training = [e for part in a.split("+") for e in sets[part]]
            rule = sum(e["rule_right"] for e in sets[b] if e["matched"])
            oracle = sum(any(c[3] for c in e["cands"]) for e in sets[b] if e["matched"])
            for l2, steps, lr in ((0.1, 400, 0.5), (0.1, 2000, 0.5), (0.1, 3000, 1.0)):
                w = train(training, names, l2=l2, steps=steps, lr=lr)
                r, t = accuracy(sets[b], names, w)
                print(f"train {a} test {b} steps={steps}: ranker {r}/{t}  rules {rule}/{t}  oracle {oracle}/{t}")
        w = train(sets["t40"] + sets["d25"] + sets["d40"], names, l2=0.1)
        print({n: round(float(x), 2) for n, x in zip(names, w)})
