"""Latin spelling of Bulgarian names by the official system (Transliteration Act, 2009).

Hand-written because the transliteration packages on PyPI either use another system
(scholarly ă for ъ, ISO 9 diacritics) or capitalise digraphs letter by letter
("SHerman"). The official rules: щ → sht, ъ → a, ь → y, ю → yu, я → ya, and "ия" at the
end of a word → "ia" (София → Sofia, България → Bulgaria). A digraph is capitalised as a
word is: "Sh" in "Sherman", "SH" in an all-capital word ("САЩ" → "SASHT"). Russian and
Ukrainian letters that occur in foreign names (ы, э, ё, і, ї, є, ґ) get their usual values.
"""

from __future__ import annotations

import re

LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
    "ы": "y", "э": "e", "ё": "yo", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}
WORD = re.compile(r"\w+")
EXCEPTIONS = {"българия": "Bulgaria"}  # names the Act itself spells otherwise


def to_latin(text: str) -> str:
    """"Сергей Рябков" → "Sergey Ryabkov"; Latin letters, digits and punctuation pass unchanged."""
    return WORD.sub(lambda match: _word(match.group()), text)


def _word(word: str) -> str:
    if word.lower() in EXCEPTIONS:
        latin = EXCEPTIONS[word.lower()]
        return latin.upper() if word.isupper() else latin
    all_caps = len(word) > 1 and word.isupper()
    out = []
    for i, letter in enumerate(word):
        lower = letter.lower()
        # "ия" at the end of a word: и is already "i", so я adds only "a"
        latin = "a" if lower == "я" and i == len(word) - 1 and i > 0 and word[i - 1].lower() == "и" else LETTERS.get(lower)
        if latin is None:
            out.append(letter)
        elif all_caps:
            out.append(latin.upper())
        elif letter.isupper():
            out.append(latin[:1].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)
