"""An entity's display name: the one rule by which the record, quotes, events and the store name it.

A function of how often each base form names the entity, not of a `Doc`: the entity component
applies it to one article's mentions, the store (and its migration 0002) to every mention it holds,
the entity evaluation to gold mentions.
"""

from __future__ import annotations

from collections import Counter


def display_name(names: Counter) -> str:
    """The one name an entity goes by, from how often each base form names it: the most frequent full
    form. A form whose words are all in a longer form ("Рябков" beside "Сергей Рябков") is not full;
    ties go to more words, then more letters. Measured against the form SlavicNER's other Bulgarian
    articles use most for the same entity (`vestnik eval ner`, display name column; on gold mentions
    of entities with several forms 0.722, where the fullest form, "руската държава" over "Русия",
    got 0.538)."""
    words = {name: set(name.lower().split()) for name in names}
    full = [name for name in names if not any(words[name] < words[other] for other in names)]
    return max(full, key=lambda name: (names[name], len(name.split()), len(name)))
