"""What the quotes and events stages cost alone, on articles already analysed.

`throughput.py` gives a stage's cost as the difference of two whole-pipeline runs, which is noise
for a stage of a few milliseconds beside an encoder of hundreds. Here every article is analysed
once, then each stage runs again over all of them, several times; the table shows the median
milliseconds an article and every run. The quotation tagger reads the encoder's states that the
recogniser left for the article; here they are kept for every article, so that its row is the
tagger's own cost, as in the pipeline, not a second run of the encoder.

    python bench/rule_stages.py [--articles 100] [--runs 5] [--data ../shared/data/slavicner]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "slavicner"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100, help="Bulgarian articles, every tenth in path order")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    from vestnik.analysis import build_nlp
    from vestnik.entities.encoder_ner import spelling, words_of
    from vestnik.events.detect import code_events
    from vestnik.quotes.extract import QuoteExtractor

    paths = sorted((args.data / "raw").glob("*/bg/*"))[::10][:args.articles]
    if not paths:
        raise SystemExit(f"no Bulgarian articles under {args.data / 'raw'}")
    nlp = build_nlp()
    docs = [nlp(path.read_text(encoding="utf-8")) for path in paths]
    quotes = nlp.get_pipe("vestnik_quotes")
    encoder = quotes.tagger.encoder
    encoded = {key: encoder.encode(list(key)) for doc in docs if (key := tuple(spelling(t.text) for t in words_of(doc)))}
    encoder.encode = lambda words: encoded[tuple(words)]
    stages = {"quotes, rules only": lambda doc: QuoteExtractor(doc).extract(),
              "quotes (vestnik_quotes: rules and tagger)": quotes, "events (vestnik_events)": code_events}
    print(f"rule stages on {len(docs)} Bulgarian SlavicNER articles, {args.runs} runs\n")
    print("| stage | ms an article (median) | runs (ms an article) |\n|---|---:|---|")
    for name, stage in stages.items():
        runs = []
        for _ in range(args.runs):
            start = time.perf_counter()
            for doc in docs:
                stage(doc)
            runs.append((time.perf_counter() - start) / len(docs) * 1000)
        print(f"| {name} | {statistics.median(runs):.2f} | {', '.join(f'{run:.2f}' for run in runs)} |")


if __name__ == "__main__":
    main()
