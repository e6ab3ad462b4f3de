"""The syntax layer: the shipped model inside the pipeline, its switch, its treebank split and its evaluation."""

import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
from conftest import ROOT, on_another_encoder, run_vestnik
from spacy.vocab import Vocab

from vestnik.analysis import DEFAULT_ENTITY_MODEL, build_nlp, stages_for
from vestnik.entities.encoder_ner import (
    ENCODER_DIR,
    HIDDEN,
    TAGS,
    OnnxTagger,
    spelling,
    windows,
    words_of,
)
from vestnik.syntax.component import SYNTAX_MODEL, SyntaxLayer, best_tree
from vestnik.syntax.treebank import document_words, documents, split_of, split_sentences
from vestnik.syntax.words import apply_lemma_rule, lemma_rule

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


def test_the_recogniser_and_the_syntax_layer_run_the_encoder_once():
    nlp = build_nlp("default")
    tagger = nlp.get_pipe("vestnik_encoder_ner").tagger
    assert nlp.get_pipe("vestnik_syntax").tagger is tagger
    runs = []
    original = tagger.run
    tagger.run = lambda window, hidden=False: runs.append(hidden) or original(window, hidden)
    text = " ".join(["Министърът на отбраната Тодор Тагарев подписа споразумението в София."] * 12)
    doc = nlp(text)
    expected = windows(tagger.tokenizer, [spelling(token.text) for token in words_of(doc)])
    assert len(expected) > 1 and runs == [True] * len(expected)
    assert doc.ents and doc.has_annotation("DEP") and doc[1].lemma_ == "на"


def test_the_tree_has_one_root_and_no_cycle():
    generator = np.random.default_rng(0)
    for size in range(1, 15):
        for _ in range(5):
            heads = best_tree(generator.normal(size=(size, size + 1)) * 3)
            assert [head for head in heads if head == 0] == [0]
            for word in range(1, size + 1):
                seen, node = set(), word
                while node != 0:
                    assert node not in seen
                    seen.add(node)
                    node = heads[node - 1]


def test_lemma_rules_rebuild_every_lemma_of_the_treebank():
    words = [word for _, blocks in documents(TREEBANK) for sentence in document_words(blocks) for word in sentence]
    assert len(words) > 30_000
    assert [word for word in words if apply_lemma_rule(word.form, lemma_rule(word.form, word.lemma)) != word.lemma.lower()] == []
    assert lemma_rule("Министърът", "министър") == "2|" and apply_lemma_rule("Депутатите", "3|") == "депутат"


def test_a_syntax_model_trained_on_another_encoder_is_refused(tmp_path: Path):
    model = on_another_encoder(SYNTAX_MODEL, tmp_path / "syntax")
    with pytest.raises(ValueError, match=f"{model}: trained on another version of the encoder"):
        SyntaxLayer(model, Vocab())


def test_an_encoder_without_hidden_states_is_named(tmp_path: Path):
    encoder = DEFAULT_ENTITY_MODEL / ENCODER_DIR
    graph = onnx.load(str(encoder / "tagger.onnx"))
    graph.graph.output.remove(next(output for output in graph.graph.output if output.name == HIDDEN))
    onnx.save(graph, str(tmp_path / "tagger.onnx"))
    shutil.copy(encoder / "tokenizer.json", tmp_path)
    tagger = OnnxTagger(tmp_path)
    assert tagger.tag_words(["Тодор", "Тагарев"]).shape == (2, len(TAGS))
    with pytest.raises(ValueError, match=f"{tmp_path / 'tagger.onnx'}: the graph has no 'hidden' output"):
        tagger.encode(["Тодор", "Тагарев"])


def test_a_sentence_parses_the_same_alone_and_padded_in_a_batch(nlp):
    doc = nlp.make_doc("Министърът подписа. Вчера в София президентът на републиката обяви, че изборите ще бъдат в "
                       "неделя. Той мълча.")
    layer = nlp.get_pipe("vestnik_syntax")
    _, vectors = layer.tagger.encode([spelling(token.text) for token in words_of(doc)])
    sentences = [list(doc[0:3]), list(doc[3:20]), list(doc[20:])]
    parts = [vectors[0:3], vectors[3:20], vectors[20:]]
    together, heads_together = np.zeros((len(doc), 5), dtype=np.uint64), np.arange(len(doc))
    layer._parse(sentences, parts, together, heads_together)
    for sentence, part in zip(sentences, parts):
        alone, heads_alone = np.zeros((len(doc), 5), dtype=np.uint64), np.arange(len(doc))
        layer._parse([sentence], [part], alone, heads_alone)
        span = slice(sentence[0].i, sentence[-1].i + 1)
        assert (alone[span] == together[span]).all() and (heads_alone[span] == heads_together[span]).all()
