"""The evaluation gate: the eval commands' headline figures may not fall below eval/baseline.json."""

from conftest import run_vestnik
from vestnik.evaluation import BASELINE, compare, read_baseline


def test_the_shipped_pipeline_keeps_every_pinned_figure():
    run = run_vestnik("eval", "gate", timeout=900)
    assert run.code == 0, run.stdout + run.stderr
    baseline = read_baseline(BASELINE)
    assert {"entities topic:nord_stream bg", "syntax held-back BTB", "quotes dev", "quotes dev-40", "events dev",
            "pages"} <= set(baseline)
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and "FELL" not in line]
    assert len(rows) - 1 == sum(len(figures) for figures in baseline.values())  # every figure measured


def test_a_figure_below_its_floor_fails_and_a_missing_one_too():
    baseline = {"quotes dev": {"end-to-end F1": 0.700, "detection F1": 0.800}}
    table, fallen = compare({"quotes dev": {"end-to-end F1": 0.690}}, baseline)
    assert fallen == ["quotes dev: end-to-end F1", "quotes dev: detection F1"]
    assert "| quotes dev | end-to-end F1 | 0.700 | 0.690 | FELL |" in table and "MISSING" in table
    _, fallen = compare({"quotes dev": {"end-to-end F1": 0.697, "detection F1": 0.9}}, baseline)
    assert fallen == []  # within the tolerance, and above


def test_a_gold_file_whose_article_is_missing_is_named(tmp_path):
    (tmp_path / "a.json").write_text('{"doc": "brexit/bg/no_such_article.txt", "quotes": []}', encoding="utf-8")
    run = run_vestnik("eval", "quotes", "--gold", tmp_path)
    assert run.code == 2 and str(tmp_path) in run.stderr and "no_such_article.txt" in run.stderr
