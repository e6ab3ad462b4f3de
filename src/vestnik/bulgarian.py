"""Bulgarian function words that several stages read: one list, not a copy in each.

Hand-written: closed classes of a few dozen words, which no installable package lists for
Bulgarian apart from whole-language stop lists (spaCy's mixes them with other words).
"""

PREPOSITIONS = ("в", "във", "на", "от", "с", "със", "към", "срещу", "за", "между", "до", "по", "при", "около", "след",
                "преди", "пред", "без", "чрез")
COORDINATORS = ("и", "или")
"""Conjunctions that join two names ("Русия и САЩ") so that they share the preposition before the first."""
