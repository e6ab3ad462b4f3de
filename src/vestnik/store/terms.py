"""Search terms: the one normalisation that both the index and the query go through.

A word becomes a term by (1) Latin words spelled back in Cyrillic ("Ryabkov" → "рябков"),
(2) BulStem, the published Bulgarian inflectional stemmer ("преговорите" → "преговор"),
(3) the official Latin transliteration of the stem, lower-cased ("преговор" → "pregovor").
Because text and query meet as ASCII terms, SQLite FTS5 and PostgreSQL full-text (with
the 'simple' configuration; neither ships a Bulgarian stemmer) index and match the same
things, and a query can never carry FTS or SQL syntax: it is reduced to [a-z0-9] terms.

The reverse transliteration is ours: no package maps the official Bulgarian system back
(it is lossy — ъ and а both become "a" — which does not matter here, since the stem of
either spelling is transliterated forward again).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from bulstem.stem import BulStemmer

from vestnik.entities.translit import to_latin

WORD = re.compile(r"[^\W_]+")
LATIN_WORD = re.compile(r"[a-z]+")
LATIN_TO_CYRILLIC = [("sht", "щ"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ya", "я"),
                     ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"),
                     ("y", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"),
                     ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "к"), ("j", "й"), ("q", "к"),
                     ("w", "в"), ("x", "кс")]
LATIN_SEQUENCE = re.compile("|".join(latin for latin, _ in LATIN_TO_CYRILLIC))
STEM_CONTEXT = 1
"""BulStem's context size: 1 conflates the most forms ("среща", "срещата", "срещи" → "срещ")."""


@lru_cache(maxsize=1)
def _stemmer() -> BulStemmer:
    rules = resources.files("bulstem").joinpath("stemrules", f"stem_rules_context_{STEM_CONTEXT}_utf8.txt")
    return BulStemmer.from_file(str(rules), min_freq=2, left_context=STEM_CONTEXT)


def to_cyrillic(word: str) -> str:
    """"ryabkov" → "рябков", "sofia" → "софия": official Bulgarian transliteration, reversed."""
    table = dict(LATIN_TO_CYRILLIC)
    cyrillic = LATIN_SEQUENCE.sub(lambda match: table[match.group()], word)
    return cyrillic[:-2] + "ия" if word.endswith("ia") else cyrillic


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The index term of one word: stem, in lower-case Latin."""
    word = word.lower()
    if LATIN_WORD.fullmatch(word):
        word = to_cyrillic(word)
    if len(word) > 3:
        word = _stemmer().stem(word)
    return to_latin(word).lower()


def terms(text: str) -> list[str]:
    """Index terms of a text, in order, repeats kept."""
    return [term(word) for word in WORD.findall(text)]


def query_terms(query: str) -> list[str]:
    """Distinct terms of a user's query, in order; any other characters (quotes, operators) are dropped."""
    return list(dict.fromkeys(terms(query)))
