"""List candidate reporting cues from raw Bulgarian news: the words that follow a closing
quotation mark and a comma (`", заяви той`) and the words before "че" (`подчерта, че`).

    python -m vestnik.quotes.mine_cues [--data ../shared/data/slavicner] [--top 80]

Prints word counts not yet in the cue lexicon, for a person to review: the lexicon in
`cues.py` is curated, not generated, because many such words are not speech ("смята се",
"е ясно").
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from vestnik.quotes.cues import CUE_FORMS

AFTER_QUOTE = re.compile(r"[\"“”»]\s*[,–-]\s*(\w+)")
BEFORE_CHE = re.compile(r"(\w+)\s*,?\s+че\b")


def mine(data: Path) -> tuple[Counter, Counter]:
    after_quote, before_che = Counter(), Counter()
    for path in sorted(data.glob("raw/*/bg/*.txt")):
        text = path.read_text(encoding="utf-8")
        after_quote.update(word.lower() for word in AFTER_QUOTE.findall(text))
        before_che.update(word.lower() for word in BEFORE_CHE.findall(text))
    return after_quote, before_che


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/slavicner"))
    parser.add_argument("--top", type=int, default=80)
    args = parser.parse_args()
    for title, counts in zip(("after a closing quote", "before че"), mine(args.data)):
        print(f"# {title}: words not in the lexicon")
        new = [f"{word} {count}" for word, count in counts.most_common() if word not in CUE_FORMS]
        print(", ".join(new[: args.top]))
        print()


if __name__ == "__main__":
    main()
