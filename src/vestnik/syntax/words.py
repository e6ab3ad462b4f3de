"""What the syntax network reads of a word besides the encoder's vectors, and how its lemma is written.

Shared by training (`vestnik.syntax.train`) and the pipeline (`vestnik.syntax.component`), so that both see a
word the same way: its lower-case form's id in the training vocabulary, ids of its last one to four letters
(hashed: Bulgarian inflection and the definite article are suffixes), and its lemma as an edit of the
lower-case form (strip so many letters, add these), the class the network predicts. The treebank writes
every lemma in lower case, proper nouns too.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable

SUFFIX_LENGTHS = 4
SUFFIX_BUCKETS = 8192
UNKNOWN_WORD = 0
WHOLE = "="
"""The prefix of a lemma rule that gives the lemma whole (a form and lemma with no common beginning: "е" → "съм")."""


def suffix_ids(word: str) -> list[int]:
    """Hashed ids of the word's last 1…SUFFIX_LENGTHS letters (lower case)."""
    lower = word.lower()
    return [zlib.crc32(f"{length}:{lower[-length:]}".encode()) % SUFFIX_BUCKETS for length in range(1, SUFFIX_LENGTHS + 1)]


def lemma_rule(form: str, lemma: str) -> str:
    """The edit from the lower-case form to the lemma: "3|ър" strips three letters and adds "ър"."""
    lower, lemma = form.lower(), lemma.lower()
    common = 0
    while common < min(len(lower), len(lemma)) and lower[common] == lemma[common]:
        common += 1
    if common == 0 and lower:
        return WHOLE + lemma
    return f"{len(lower) - common}|{lemma[common:]}"


def apply_lemma_rule(form: str, rule: str) -> str:
    """The lemma that `rule` makes of `form`; the lower-case form itself if the rule cannot apply to it."""
    lower = form.lower()
    if rule.startswith(WHOLE):
        return rule[len(WHOLE):]
    strip, _, add = rule.partition("|")
    if int(strip) >= len(lower):
        return lower
    return lower[:len(lower) - int(strip)] + add


def frequent(items: Iterable[str], minimum: int = 2) -> list[str]:
    """The items seen at least `minimum` times, sorted: a vocabulary of classes worth learning."""
    return sorted(item for item, count in Counter(items).items() if count >= minimum)


class WordIds:
    """Lower-case words seen at least twice in training, each with its id (0: any other word)."""

    def __init__(self, words: list[str]):
        self.words = words
        self.ids = {word: index + 1 for index, word in enumerate(words)}

    def __call__(self, word: str) -> int:
        return self.ids.get(word.lower(), UNKNOWN_WORD)
