"""The quotation gold sets of `eval/quotes`: each file in the guidelines' format, each quotation's words in its
article as written, so that a scoring run can never be against a mistyped or misplaced gold."""

import json
from pathlib import Path

from vestnik.config import default_slavicner

GOLD = Path(__file__).resolve().parents[1] / "eval" / "quotes"
FIELDS = {"content", "speaker", "speaker_mention", "cue", "type", "optional"}


def test_every_gold_quotation_is_in_its_article_in_the_guidelines_format():
    files = sorted(GOLD.glob("*/*.json"))
    assert {path.parent.name for path in files} == {"dev", "blind", "train"}
    raw = Path(__file__).resolve().parents[1] / default_slavicner() / "raw"
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert path.name == gold["doc"].replace("/", "__") + ".json", path
        text = (raw / gold["doc"]).read_text(encoding="utf-8")
        for quote in gold["quotes"]:
            assert set(quote) == FIELDS and quote["type"] in ("direct", "indirect", "mixed"), (path, quote)
            assert quote["content"] in text, (path, quote["content"][:60])


def test_no_article_is_in_two_gold_sets():
    docs = [json.loads(path.read_text(encoding="utf-8"))["doc"] for path in GOLD.glob("*/*.json")]
    assert len(docs) == len(set(docs)) == 120
