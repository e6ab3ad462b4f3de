"""Entity models: the default encoder and the fast CNN both run in the pipeline, a wrong --model is named,
and `vestnik train ner --architecture encoder` writes a directory that `--model DIR` runs."""

import json

import pytest
from conftest import EXAMPLE, ROOT, analysed_text, run_vestnik

from vestnik.analysis import (NAMED_MODELS, PIPELINE_CONFIG, build_nlp, entity_model_path, model_architecture,
                              pipeline_config, pipeline_names)
from vestnik.entities.encoder_ner import spelling

DATA = ROOT.parent / "shared" / "data" / "slavicner"
TEXT = "Президентът Джо Байдън се срещна с Владимир Путин в Женева, съобщи Ройтерс."


@pytest.fixture(scope="module")
def encoder_nlp():
    return build_nlp("default")


def test_the_default_model_is_the_encoder_and_fast_the_cnn(encoder_nlp):
    assert encoder_nlp.pipe_names == pipeline_names("encoder")
    assert "vestnik_encoder_ner" in encoder_nlp.pipe_names and "ner" not in encoder_nlp.pipe_names
    fast = build_nlp("fast")
    assert fast.pipe_names == pipeline_names("cnn")
    for nlp in (encoder_nlp, fast):
        found = {(e.text, e.label) for e in nlp(TEXT)._.entities}
        assert {("Джо Байдън", "PER"), ("Владимир Путин", "PER"), ("Женева", "LOC")} <= found, found
        # every component declares what it requires and assigns; spaCy checks each requirement is met before it
        analysis = nlp.analyze_pipes()
        assert analysis["problems"] == {name: [] for name in nlp.pipe_names}, analysis["problems"]
        assert {"doc._.entities", "doc._.distinct_entities", "doc._.people", "doc._.quotes", "doc._.events"} <= set(
            analysis["attrs"])


def test_latin_look_alikes_inside_cyrillic_words_read_as_cyrillic(encoder_nlp):
    assert spelling("Джo") == "Джо" and spelling("Joe") == "Joe" and spelling("ДЖО") == "ДЖО"
    mixed = TEXT.replace("Джо", "Джo").replace("Путин", "Пyтин")  # Latin o and y
    found = {(e.text, e.label) for e in encoder_nlp(mixed)._.entities}
    assert {("Джo Байдън", "PER"), ("Владимир Пyтин", "PER")} <= found, found
    doc = encoder_nlp(mixed)
    assert all(doc.text[e.start:e.end] == e.text for e in doc._.entities)  # offsets into the unchanged text


def test_an_articles_entities_do_not_depend_on_the_articles_analysed_with_it(encoder_nlp):
    texts = [TEXT, EXAMPLE.read_text(encoding="utf-8"), "Няма имена тук.", ""]
    together = [[(e.start, e.end, e.label) for e in doc._.entities] for doc in encoder_nlp.pipe(texts, batch_size=4)]
    alone = [[(e.start, e.end, e.label) for e in encoder_nlp(text)._.entities] for text in texts]
    assert together == alone and together[1]


def test_a_wrong_model_is_named_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="not an entity model"):
        entity_model_path(tmp_path)
    run = run_vestnik("analyze", EXAMPLE, "--model", tmp_path)
    assert run.code == 2 and f"--model {tmp_path}: not an entity model" in run.stderr and not run.stdout
    run = run_vestnik("analyze", EXAMPLE, env={"VESTNIK_MODEL": "no-such-model"})
    assert run.code == 2 and "no-such-model: not an entity model" in run.stderr


def test_fast_model_by_flag_and_by_environment():
    by_flag = run_vestnik("analyze", EXAMPLE, "--published", "2022-01-09", "--model", "fast")
    by_env = run_vestnik("analyze", EXAMPLE, "--published", "2022-01-09", env={"VESTNIK_MODEL": "fast"})
    assert by_flag.code == 0 and by_env.code == 0, by_flag.stderr + by_env.stderr
    assert by_flag.records() == by_env.records()
    assert {e["text"] for e in by_flag.records()[0]["entities"]} >= {"Сергей Рябков", "Женева", "НАТО"}


@pytest.mark.parametrize("model", sorted(NAMED_MODELS))
def test_each_shipped_model_describes_the_pipeline_it_runs_in(model):
    """`pipeline.cfg` is spaCy's config of the analysis pipeline; a change of components, order or settings
    that it does not record fails here (rewrite it with `analysis.pipeline_config`)."""
    written = (NAMED_MODELS[model] / PIPELINE_CONFIG).read_text(encoding="utf-8")
    assert written == pipeline_config(model)
    assert f"pipeline = {json.dumps(pipeline_names(model_architecture(NAMED_MODELS[model])))}" in written


def test_train_an_encoder_and_analyse_with_it(tmp_path):
    """A real (tiny) fine-tuning run: 1 layer, 1 epoch, 6 documents; the directory runs as --model DIR."""
    model = tmp_path / "tiny"
    run = run_vestnik("train", "ner", "--architecture", "encoder", "--data", DATA, "--split", "topic:ryanair",
                      "--langs", "bg", "--layers", "1", "--epochs", "1", "--limit", "6", "--output", model)
    assert run.code == 0, run.stderr
    summary = json.loads((model / "training.json").read_text(encoding="utf-8"))
    assert summary["architecture"] == "encoder" and summary["documents"] == 6 and summary["layers"] == 1
    assert (model / "encoder" / "tagger.onnx").is_file() and not (model / "recogniser").exists()
    assert 'factory = "vestnik_encoder_ner"' in (model / PIPELINE_CONFIG).read_text(encoding="utf-8")
    analysed = run_vestnik("analyze", EXAMPLE, "--model", model)
    assert analysed.code == 0, analysed.stderr
    [record] = analysed.records()
    assert record["text"] and isinstance(record["entities"], list)


def test_a_russian_article_gets_russian_base_forms(tmp_path):
    record = analysed_text(tmp_path / "ru.txt", "Премьер-министр Польши Матеуш Моравецкий встретился с президентом "
                           "Украины Владимиром Зеленским в Киеве. Встреча прошла в здании администрации президента Украины.")
    assert record["language"] == "ru"
    lemmas = {e["text"]: e["lemma"] for e in record["entities"]}
    assert lemmas.get("Владимиром Зеленским") == "Владимир Зеленский", lemmas
    assert lemmas.get("Киеве") == "Киев", lemmas
