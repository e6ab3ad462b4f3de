"""The knowledge base of entity identities, built from SlavicNER's cross-lingual ids.

id → base forms in each of the six languages, plus the Bulgarian surface forms seen, so that
"Рябков", "Сергей Рябков" (bg) and "Рябков" (ru) reach the same id. Linking is a lookup by
normalised form, restricted to ids whose label is compatible; an entity the KB does not know
gets a stable id made from its label and Latin base form, so the same name always gets the
same id across articles. Names the KB has only in another language or spelling are found by
a Latin "skeleton" and string similarity (Пётр/Петро Порошенко, Миллер/Милер).
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path

from vestnik.entities.corpus import Document
from vestnik.entities.translit import to_latin

ID_PREFIXES = {"PER": ("PER",), "ORG": ("ORG",), "LOC": ("GPE", "LOC"), "EVT": ("EVT",), "PRO": ("PRO",)}
"""SlavicNER id prefixes per label: a LOC can be a GPE (country, city) or another location."""
GROUP_PREFIXES = ("PER", "GPE", "ORG")
"""Nationalities and members (lower-case PER mentions) take the id of their country or organisation."""
NOT_WORD = re.compile(r"[^\w]+")
DOUBLED = re.compile(r"(\w)\1+")
LOCAL_PREFIX = "vn:"
FUZZY_MIN_SIMILARITY = 0.85
"""How alike two Latin skeletons must be to be one name: "Petro Poroshenko" ~ "Petr Poroshenko" (0.97)."""


def normalise(text: str) -> str:
    """Case, quotes, hyphens and spacing do not make a different name: "Северен поток-2" = "северен поток 2"."""
    return NOT_WORD.sub(" ", text.casefold().replace("ё", "е")).strip()


def skeleton(text: str) -> str:
    """A spelling-tolerant key across the six languages: Latin letters, no diacritics, no doubled
    letters ("Миллер" and "Милер" → "miler"; "Baltské moře" → "baltske more")."""
    latin = unicodedata.normalize("NFKD", to_latin(normalise(text)))
    return DOUBLED.sub(r"\1", "".join(ch for ch in latin if not unicodedata.combining(ch)))


def local_id(label: str, base_form: str) -> str:
    """Stable id for an entity the KB does not know: "vn:PER:Sergey-Ryabkov"."""
    return f"{LOCAL_PREFIX}{label}:{'-'.join(to_latin(normalise(base_form)).title().split()) or 'x'}"


class KnowledgeBase:
    def __init__(self, names: dict[str, dict[str, list[str]]], index: dict[str, dict[str, int]]):
        self.names = names  # id → {lang: [base forms, most frequent first]}
        self.index = index  # normalised form → {id: count}
        self.by_skeleton: dict[str, list[tuple[str, str]]] = defaultdict(list)  # first letters → (skeleton, id)
        self.by_surname: dict[str, set[str]] = defaultdict(set)  # skeleton of a person's last name → ids
        for entity, by_lang in names.items():
            for form in {form for forms in by_lang.values() for form in forms}:
                key = skeleton(form)
                self.by_skeleton[key[:3]].append((key, entity))
                if entity.startswith("PER-") and len(key.split()) > 1:
                    self.by_surname[key.split()[-1]].add(entity)

    @classmethod
    def build(cls, documents: Iterable[Document]) -> "KnowledgeBase":
        forms: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        index: dict[str, Counter] = defaultdict(Counter)
        for document in documents:
            for mention in document.mentions:
                if not mention.id:
                    continue
                forms[mention.id][document.lang][mention.lemma] += 1
                index[normalise(mention.lemma)][mention.id] += 1
                if document.lang == "bg":
                    index[normalise(mention.text)][mention.id] += 1
        names = {entity: {lang: [f for f, _ in counts.most_common()] for lang, counts in by_lang.items()}
                 for entity, by_lang in forms.items()}
        return cls(names, {form: dict(ids) for form, ids in index.items() if form})

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self.names

    def link(self, text: str, base_form: str, label: str) -> str | None:
        """The KB id of a mention, by its surface then its base form; None when unknown."""
        prefixes = ID_PREFIXES.get(label, (label,))
        if label == "PER" and text[:1].islower():
            prefixes = GROUP_PREFIXES  # "британците" → GPE-Great-Britain, "евродепутатите" → the parliament
        for form in (text, base_form):
            candidates = {entity: count for entity, count in self.index.get(normalise(form), {}).items()
                          if entity.split("-", 1)[0] in prefixes}
            if candidates:
                return max(candidates.items(), key=lambda item: (item[1], item[0]))[0]
        return self._fuzzy_link(base_form, prefixes)

    def _fuzzy_link(self, base_form: str, prefixes: tuple[str, ...]) -> str | None:
        """The same name spelt in another language or with another transliteration; a lone
        surname when the KB knows exactly one person of that name."""
        key = skeleton(base_form)
        if "PER" in prefixes and " " not in key and len(self.by_surname.get(key, ())) == 1:
            return next(iter(self.by_surname[key]))
        best, best_score = None, FUZZY_MIN_SIMILARITY
        for candidate, entity in self.by_skeleton.get(key[:3], ()):
            if entity.split("-", 1)[0] in prefixes:
                score = SequenceMatcher(None, key, candidate).ratio()
                if score > best_score or (score == best_score and best is not None and entity < best):
                    best, best_score = entity, score
        return best

    def save(self, path: Path) -> None:
        data = json.dumps({"names": self.names, "index": self.index}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as file:
            file.write(data.encode("utf-8"))  # mtime=0: the same KB gives the same bytes

    @classmethod
    def load(cls, path: Path) -> "KnowledgeBase":
        with gzip.open(path, "rt", encoding="utf-8") as file:
            data = json.load(file)
        return cls(data["names"], data["index"])
