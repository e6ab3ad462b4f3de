"""Bulgarian function words and verb inflection that several stages read: one copy, not one in each.

Hand-written: closed classes of a few dozen words, which no installable package lists for
Bulgarian apart from whole-language stop lists (spaCy's mixes them with other words), and the
regular inflection of a verb from its aorist and present, which the cue lexicon (quotes) and the
trigger lexicon (events) both list their verbs by. No installable package generates Bulgarian
forms (BulStem only strips them). `alternation` writes a lexicon's thousands of forms as one
regular expression shaped as a trie: Python's `re` tries every branch of a flat alternation at
every position of a text (the cue lexicon cost 3 ms an article that way).
"""

import re

PREPOSITIONS = ("в", "във", "на", "от", "с", "със", "към", "срещу", "за", "между", "до", "по", "при", "около", "след",
                "преди", "пред", "без", "чрез")
COORDINATORS = ("и", "или")
"""Conjunctions that join two names ("Русия и САЩ") so that they share the preposition before the first."""


def alternation(words) -> str:
    """A regular expression that matches exactly the given words, longest first where one begins another, as a
    trie ("каза|казаха|каже" → "ка(?:же|за(?:ха)?)"): at each position a text is tested one letter at a time."""
    trie: dict = {}
    for word in words:
        node = trie
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}
    return _branches(trie)


def _branches(node: dict) -> str:
    branches = [re.escape(letter) + _branches(child) for letter, child in sorted(node.items()) if letter]
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return "(?:" + group + ")?"
    return group


def verb_forms(aorist: str, present: str) -> dict[str, str]:
    """Inflected form → gender it marks ("m", "f", "n", "pl" or "" when the form marks none)."""
    head_aorist, _, rest_aorist = aorist.partition(" ")
    head_present, _, rest_present = present.partition(" ")
    tail_aorist = f" {rest_aorist}" if rest_aorist else ""
    tail_present = f" {rest_present}" if rest_present else ""
    forms = {head_aorist + tail_aorist: "", head_aorist + "ха" + tail_aorist: "pl", head_present + tail_present: ""}
    if head_present.endswith(("а", "я")):
        plural = head_present + "т"  # казва → казват
    else:  # твърди → твърдят, пише → пишат
        plural = head_present[:-1] + ("ат" if head_present[-2:-1] in "шжч" else "ят")
    forms[plural + tail_present] = "pl"
    for form, gender in _imperfect(head_present).items():  # "казваше", "казваха": a past that goes on
        forms[form + tail_present] = gender
    gerund = head_present[:-1] + ("айки" if head_present[-1] == "а" else "яйки" if head_present[-1] == "я" else "ейки")
    forms[gerund + tail_present] = ""  # "добавяйки, че …": the subject of the sentence speaks
    for stem in {head_aorist, head_present[:-1] + "а" if head_present.endswith(("а", "я")) else None} - {None}:
        for ending, gender in (("л", "m"), ("ла", "f"), ("ло", "n"), ("ли", "pl")):
            forms[stem + ending + (tail_aorist if stem == head_aorist else tail_present)] = gender
    return forms


def _imperfect(present: str) -> dict[str, str]:
    """The imperfect's third persons from the present: казва → казваше, казваха; твърди → твърдеше, твърдяха;
    пише → пишеше, пишеха."""
    if present.endswith(("а", "я")):
        return {present + "ше": "", present + "ха": "pl"}
    stem = present[:-1]
    return {stem + "еше": "", stem + ("еха" if stem[-1:] in "шжч" else "яха"): "pl"}


def passive_participles(aorist: str) -> list[str]:
    """The past passive participle of a one-word verb in its four forms, from the aorist: помоли → помолен,
    помолена, помолено, помолени; каза → казан …; отрече → отречен …; призна → признат …"""
    if " " in aorist:
        return []
    if aorist.endswith("на"):
        base = aorist + "т"
    else:
        base = (aorist[:-1] + "е" if aorist.endswith(("и", "е")) else aorist) + "н"
    return [base + ending for ending in ("", "а", "о", "и")]
