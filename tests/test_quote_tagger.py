"""The learnt quotation tagger: its decoding on hand-made scores, the shipped model in the pipeline, and training."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, on_another_encoder, run_vestnik

from vestnik.analysis import build_nlp
from vestnik.quotes.tagger import QUOTE_TAGGER, QuoteTagger, WordScores

O, B, I = [0.98, 0.01, 0.01], [0.01, 0.98, 0.01], [0.01, 0.01, 0.98]


def scores(content: list[list[float]], cue=None, source=None) -> WordScores:
    words = list(range(len(content)))
    zeros = np.zeros(len(content), dtype=np.float32)
    return WordScores(words, np.array(content, dtype=np.float32), np.array(cue if cue is not None else zeros),
                      np.array(source if source is not None else zeros))


def test_content_runs_start_at_b_and_end_at_the_first_word_outside():
    tagged = scores([O, B, I, I, O, I, I, I, B, I, I])
    assert tagged.content_spans(min_words=3, min_probability=0.9) == [(1, 3), (5, 7), (8, 10)]
    assert tagged.content_spans(min_words=4, min_probability=0.9) == []


def test_an_unsure_run_is_no_quotation():
    unsure = [0.45, 0.05, 0.5]
    tagged = scores([O, B, I, unsure, I, O])
    assert tagged.content_spans(min_words=4, min_probability=0.9) == []
    assert tagged.content_spans(min_words=4, min_probability=0.8) == [(1, 4)]


def test_the_source_and_cue_are_looked_for_around_the_content_only():
    source = [0.0, 0.9, 0.0, 0.95, 0.99, 0.0, 0.7]
    tagged = scores([O, O, O, B, I, O, O], source=source)
    assert tagged.best_word(tagged.source, 3, 4, before=2, after=2) == 1  # 3 and 4 are the content itself
    assert tagged.best_word(tagged.source, 3, 4, before=1, after=2) == 6
    assert tagged.best_word(tagged.source, 3, 4, before=1, after=2, threshold=0.8) is None


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


SIGNAL = "Кметът на Пловдив Здравко Димитров даде сигнал, че общината ще намали данъците за малкия бизнес от догодина."


def test_the_tagger_finds_a_reported_clause_whose_cue_the_rules_do_not_list(nlp):
    """"даде сигнал, че …" is in no cue lexicon; its speaker is the cue's subject, the mayor, not the city."""
    [quote] = nlp(SIGNAL)._.quotes
    assert quote.content == "общината ще намали данъците за малкия бизнес от догодина"
    assert (quote.type, quote.cue.text, quote.speaker.name) == ("indirect", "даде", "Здравко Димитров")


def test_without_the_tagger_the_rules_alone_run(nlp):
    rules_only = build_nlp()
    stage = rules_only.get_pipe("vestnik_quotes")
    stage.tagger = None
    assert rules_only(SIGNAL)._.quotes == []
    assert nlp.get_pipe("vestnik_quotes").settings.model == str(QUOTE_TAGGER)


def test_a_tagger_trained_on_another_encoder_is_refused(tmp_path: Path):
    model = on_another_encoder(QUOTE_TAGGER, tmp_path / "quotes")
    with pytest.raises(ValueError, match=f"{model}: trained on another version of the encoder"):
        QuoteTagger(model)
    with pytest.raises(ValueError, match=f"{tmp_path}: not a quotation tagger"):
        QuoteTagger(tmp_path)


def test_train_quotes_writes_a_tagger_the_pipeline_reads(tmp_path: Path):
    gold = tmp_path / "gold"
    gold.mkdir()
    for path in sorted((ROOT / "eval" / "quotes" / "train").glob("*.json"))[:2]:
        shutil.copy(path, gold)
    output = tmp_path / "model"
    run = run_vestnik("train", "quotes", "--gold", str(gold), "--output", str(output), "--epochs", "1")
    assert run.code == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["articles"] == 2 and summary["quotation_words"] > 20 and summary["epochs"] == 1
    assert json.loads((output / "training.json").read_text(encoding="utf-8"))["encoder_sha256"] == summary["encoder_sha256"]
    tagged = QuoteTagger(output).scores(build_nlp()(SIGNAL))
    assert tagged.content.shape == (len(tagged.words), 3) and tagged.cue.shape == tagged.source.shape == (len(tagged.words),)
    assert np.allclose(tagged.content.sum(1), 1, atol=1e-4)
