"""Base forms of entity mentions ("Европейския съюз" → "Европейски съюз"), learnt from SlavicNER.

Hand-written because the general lemmatisers (simplemma, spaCy's lookup tables) lemmatise
words, not names: they lower-case "Съвета", singularise "британците" to "британец" where the
corpus convention is "британци", and touch words after a preposition ("Съвет на ЕС" must
keep "ЕС"). The rules here are learnt from the corpus's own (mention, base form) pairs:

* whole mentions seen in training keep their most frequent base form (a memory);
* otherwise each word is rewritten by a suffix rule — strip k letters, append a string,
  maybe capitalise — chosen by the entity label, whether the word is the first of the
  mention, and the longest word ending seen in training (as lemmagen/edit trees do);
* words after the first lower-case function word ("на", "за", "от", "в" …) or a quotation
  mark stay as they are; numbered and quoted names are spelt as the corpus does (`normalise_name`).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from vestnik.entities.corpus import Document

MAX_SUFFIX = 6
MIN_SUPPORT = 2  # a suffix rule seen once is trusted only when no shorter ending knows better


def _rule(word: str, lemma: str) -> str:
    """The edit from word to lemma as "cut|append|capitalise" (e.g. "2||" for Съвета → Съвет)."""
    common = 0
    for a, b in zip(word.lower(), lemma.lower()):
        if a != b:
            break
        common += 1
    capitalise = "C" if word[:1].islower() and lemma[:1].isupper() else ""
    return f"{len(word) - common}|{lemma[common:] if common else lemma.lower()}|{capitalise}"


def _apply(word: str, rule: str) -> str:
    cut, append, capitalise = rule.split("|")
    stem = word[: len(word) - int(cut)]
    if not stem and append:
        append = append if not word[:1].isupper() else append[:1].upper() + append[1:]
    result = stem + append
    return result[:1].upper() + result[1:] if capitalise else result


QUOTES = "\"„“”«»"  # not the apostrophe: it belongs to names such as О'Лири
TRAILING_NUMBER = re.compile(r"\s*[-–—]?\s*[" + QUOTES + r"]*\s*[-–—]?\s*(?<!\d)(\d{1,2})$")


def _is_function_word(word: str) -> bool:
    return word.islower() and len(word) <= 3 and word.isalpha()


def _ends_inflection(word: str) -> bool:
    """Words after a preposition ("Съвет на ЕС") or from a quoted name on ("институт „Сънибрук“") keep their form."""
    return _is_function_word(word) or word[:1] in QUOTES


def normalise_name(text: str) -> str:
    """The corpus spells numbered and quoted names one way: "Северен поток-2", „Северен поток“ 2 and
    “Северен поток-2“ are all "Северен поток 2"; a pair of quotes around the whole name goes."""
    if len(text) > 2 and text[0] in QUOTES and text[-1] in QUOTES:
        text = text[1:-1]
    if " " in text and (match := TRAILING_NUMBER.search(text)) and match.start() > 0:
        text = text[: match.start()].strip(QUOTES + " ") + " " + match.group(1)
        text = "".join(ch for ch in text if ch not in QUOTES)
    if sum(text.count(q) for q in QUOTES) % 2:
        text = "".join(ch for ch in text if ch not in QUOTES)
    return text


class BaseFormRules:
    def __init__(self, memory: dict[str, str], rules: dict[str, dict[str, int]]):
        self.memory = memory
        self.rules = rules

    @classmethod
    def learn(cls, documents: Iterable[Document]) -> "BaseFormRules":
        memory_counts: dict[str, Counter] = defaultdict(Counter)
        rule_counts: dict[str, Counter] = defaultdict(Counter)
        for document in documents:
            for mention in document.mentions:
                memory_counts[f"{mention.label}|{mention.text}"][mention.lemma] += 1
                words, lemmas = mention.text.split(), mention.lemma.split()
                if len(words) != len(lemmas):
                    continue
                for position, (word, lemma) in enumerate(zip(words, lemmas)):
                    if _ends_inflection(word) or any(_is_function_word(w) for w in words[:position]):
                        break
                    rule = _rule(word, lemma)
                    for key in cls._keys(mention.label, position, word):
                        rule_counts[key][rule] += 1
        memory = {key: counts.most_common(1)[0][0] for key, counts in memory_counts.items()}
        return cls(memory, {key: dict(counts) for key, counts in rule_counts.items()})

    @staticmethod
    def _keys(label: str, position: int, word: str) -> list[str]:
        where = "first" if position == 0 else "later"
        lower = word.lower()
        shape = "U" if word.isupper() and len(word) > 1 else "T" if word[:1].isupper() else "l"
        return [f"{label}|{where}|{shape}|{lower[-k:]}" for k in range(min(MAX_SUFFIX, len(lower)), 0, -1)]

    def base_form(self, text: str, label: str) -> str:
        known = self.memory.get(f"{label}|{text}")
        if known is not None:
            return known
        words = normalise_name(text).split()
        result = []
        for position, word in enumerate(words):
            if _ends_inflection(word) or any(_is_function_word(w) for w in words[:position]):
                result.extend(words[position:])
                break
            result.append(_apply(word, self._best_rule(label, position, word)))
        return " ".join(result)

    def _best_rule(self, label: str, position: int, word: str) -> str:
        fallback = None
        for key in self._keys(label, position, word):
            counts = self.rules.get(key)
            if not counts:
                continue
            rule, support = max(counts.items(), key=lambda item: (item[1], item[0] == "0||"))
            if support >= MIN_SUPPORT:
                return rule
            fallback = fallback or rule
        return fallback or "0||"

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"memory": self.memory, "rules": self.rules}, ensure_ascii=False,
                                   separators=(",", ":"), sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "BaseFormRules":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["memory"], data["rules"])
