"""The training data reader and the `vestnik eval ner` command, on the real SlavicNER data beside the repo."""

from conftest import ROOT, run_vestnik
from vestnik.entities.corpus import read_split, select

DATA = ROOT.parent / "shared" / "data" / "slavicner"


def test_splits_are_disjoint_and_offsets_align():
    train, dev = set(select(DATA, "train")), set(select(DATA, "dev"))
    assert len(train) == 977 and len(dev) == 92 and not train & dev
    held_out_train, held_out_test = set(select(DATA, "no-topic:nord_stream")), set(select(DATA, "topic:nord_stream"))
    assert len(held_out_test) == 130 and not held_out_train & held_out_test
    assert all(path.split("/")[0] == "nord_stream" for path in held_out_test)
    two_out = set(select(DATA, "no-topic:nord_stream,covid-19"))  # the held-out condition for both test topics
    assert len(two_out) == 1069 - 130 - 151 and not two_out & set(select(DATA, "topic:nord_stream,covid-19"))
    for document in read_split(DATA, "topic:ryanair"):  # read_document raises on any misaligned offset
        assert all(document.text[m.start:m.end] == m.text for m in document.mentions)


def test_eval_ner_prints_the_table_and_warns_when_the_model_saw_the_documents():
    run = run_vestnik("eval", "ner", "--data", DATA, "--split", "topic:ryanair", "--lang", "bg")
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "scored on topic:ryanair bg: 87 documents" in lines[0]
    assert "warning: the model was trained on 87 of these documents" in run.stdout  # the shipped model saw every topic
    header = next(line for line in lines if line.startswith("| label"))
    assert "mention F1" in header and "doc F1 (strict)" in header and "base form acc" in header and "linking acc" in header
    overall = next(line for line in lines if line.startswith("| **all**"))
    mention_f1 = float(overall.split("|")[4])
    assert 0.8 < mention_f1 <= 1.0


def test_eval_ner_names_a_wrong_data_directory(tmp_path):
    run = run_vestnik("eval", "ner", "--data", tmp_path)
    assert run.code == 2 and f"{tmp_path} is not a SlavicNER directory" in run.stderr
    run = run_vestnik("eval", "ner", "--data", DATA, "--split", "topic:no_such_topic")
    assert run.code == 2 and "no bg documents in split 'topic:no_such_topic'" in run.stderr
