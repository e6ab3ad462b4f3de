"""The syntax layer: the shipped model inside the pipeline, its switch, its treebank split and its evaluation."""

from pathlib import Path

import pytest

from conftest import ROOT, run_vestnik
from vestnik.analysis import build_nlp, stages_for
from vestnik.syntax.component import SYNTAX_MODEL
from vestnik.syntax.treebank import documents, split_of, split_sentences

TREEBANK = ROOT.parent / "shared" / "data" / "ud-bg-btb"


@pytest.fixture(scope="module")
def nlp():
    return build_nlp("fast")


def test_the_parse_gives_each_verb_its_subject_and_object(nlp):
    doc = nlp("Полицията задържа двама протестиращи в София. Министърът на отбраната подписа споразумението.")
    by_text = {token.text: token for token in doc}
    assert by_text["задържа"].pos_ == "VERB" and by_text["Полицията"].dep_ == "nsubj"
    assert by_text["Полицията"].head.text == "задържа"
    assert by_text["Министърът"].dep_ == "nsubj" and by_text["Министърът"].head.text == "подписа"
    assert by_text["споразумението"].dep_ == "obj" and by_text["споразумението"].head.text == "подписа"
    assert by_text["споразумението"].lemma_ == "споразумение" and by_text["Министърът"].lemma_ == "министър"
    assert str(by_text["споразумението"].morph.get("Definite")) == "['Def']"


def test_the_parser_keeps_the_sentences_vestnik_found(nlp):
    text = "Той каза: „Ще дойда.“ После си тръгна.\n\nНов абзац без точка\n\nИ още един."
    doc = nlp(text)
    assert [s.start_char for s in doc.sents if not s.text.isspace()] == [start for start, _ in doc._.sentences] \
        == [0, 22, 40, 61]


def test_no_syntax_leaves_the_layer_out_and_says_so(tmp_path: Path):
    article = tmp_path / "a.txt"
    article.write_text("Министърът подписа споразумението в София.", encoding="utf-8")
    with_syntax = run_vestnik("analyze", article, "--model", "fast").records()[0]
    without = run_vestnik("analyze", article, "--model", "fast", "--no-syntax").records()[0]
    assert "syntax" in with_syntax["stages"] and "syntax" not in without["stages"]
    assert without["stages"] == [stage for stage in with_syntax["stages"] if stage != "syntax"]
    by_env = run_vestnik("analyze", article, "--model", "fast", env={"VESTNIK_SYNTAX": "0"}).records()[0]
    assert by_env["stages"] == without["stages"]
    assert "vestnik_syntax" not in build_nlp("fast", syntax=False).pipe_names


def test_the_layer_runs_on_bulgarian_only(nlp):
    assert "syntax" in stages_for(nlp, "bg") and "syntax" not in stages_for(nlp, "ru")


def test_the_treebank_split_keeps_each_document_on_one_side():
    sides: dict[str, set[str]] = {}
    for document_id, sentences in documents(TREEBANK):
        assert sentences
        sides.setdefault(split_of(document_id), set()).update(_sentence_id(sentence) for sentence in sentences)
    assert set(sides) == {"train", "select", "held"}
    documents_of = {side: {sentence_id.rsplit("-s", 1)[0] for sentence_id in ids} for side, ids in sides.items()}
    assert not documents_of["held"] & (documents_of["train"] | documents_of["select"])
    assert len(split_sentences(TREEBANK, "held")) >= 300


def _sentence_id(sentence: str) -> str:
    return next(line.split("=", 1)[1].strip() for line in sentence.splitlines() if line.startswith("# sent_id"))


def test_a_folder_that_is_not_the_treebank_is_named(tmp_path: Path):
    run = run_vestnik("eval", "syntax", "--treebank", tmp_path)
    assert run.code == 2 and str(tmp_path) in run.stderr and "bg_btb-ud-dev.conllu" in run.stderr


def test_eval_syntax_prints_the_measures_and_the_per_label_tables():
    run = run_vestnik("eval", "syntax", "--treebank", TREEBANK)
    assert run.code == 0, run.stderr
    for measure in ("UPOS", "UFeats", "Lemmas", "UAS", "LAS"):
        assert f"| {measure} | 0." in run.stdout
    assert "| NOUN |" in run.stdout and "| nsubj |" in run.stdout


def test_the_model_folder_carries_the_treebank_licence():
    licence = (SYNTAX_MODEL / "LICENSE.md").read_text(encoding="utf-8")
    assert "CC BY-NC-SA 3.0" in licence and "--no-syntax" in licence


def test_the_speaker_is_the_subject_of_the_cue_not_the_place_before_it(nlp):
    doc = nlp("В Рим вчера заяви Огнян Манолев, че полетът е отменен. "
              "В разговор с Джон Смит британският премиер Тереза Мей каза, че сделката ще бъде подписана.")
    assert [(quote.content, quote.speaker.name) for quote in doc._.quotes] == \
        [("полетът е отменен", "Огнян Манолев"), ("сделката ще бъде подписана", "Тереза Мей")]
