"""Language identification with lingua: every language it knows, then a closer look among the Slavic ones.

A detector restricted to a candidate list always answers from it (Spanish came out "ro", Polish
and Serbian Latin "tr"). So the first pass runs over all of lingua's 75 languages, in its
low-accuracy mode (trigrams only: 83 MB and about 4 ms an article, where all its full models
take 1.3 GB). On short texts that pass confuses neighbours (Bulgarian with Macedonian or
Russian, Ukrainian with Kazakh, Czech with Slovak): when it answers one of the Slavic languages
(or a language it takes them for), the second pass decides among the Slavic languages with the
full models. Below `MIN_CONFIDENCE` the answer is "und": the text does not say.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

SAMPLE_CHARS = 1500  # the start of an article decides its language; reading more only costs time
UNDETERMINED = "und"  # ISO 639-2 code for "undetermined"
MIN_CONFIDENCE = 0.3
"""Below this confidence in its first choice (lingua's values over all candidates sum to 1) the detector is
guessing: a line of numbers, names or mixed languages."""
SLAVIC = ("bg", "mk", "ru", "uk", "be", "sr", "bs", "hr", "sl", "cs", "sk", "pl")
"""The languages decided with lingua's full models: vestnik's first language and its neighbours."""
SLAVIC_LOOKALIKES = ("kk", "mn")
"""Languages the trigram pass takes short Slavic texts for: they get the closer look too."""


@dataclass(frozen=True)
class Identified:
    code: str  # ISO 639-1, or "und"
    confidence: float  # lingua's confidence in it, 0–1


@lru_cache(maxsize=1)
def _any_language() -> LanguageDetector:
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


@lru_cache(maxsize=1)
def _slavic() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*(_language(code) for code in SLAVIC)).build()


def _language(code: str) -> Language:
    return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))


def identify_language(text: str) -> Identified:
    """The language `text` is written in, with the detector's confidence; "und" when it cannot tell."""
    sample = text[:SAMPLE_CHARS]
    first = _top(_any_language(), sample)
    if first and first.code in SLAVIC + SLAVIC_LOOKALIKES:
        first = _top(_slavic(), sample)
    if first is None or first.confidence < MIN_CONFIDENCE:
        return Identified(UNDETERMINED, first.confidence if first else 0.0)
    return first


def _top(detector: LanguageDetector, sample: str) -> Identified | None:
    values = detector.compute_language_confidence_values(sample)
    if not values or values[0].value <= 0:
        return None
    return Identified(values[0].language.iso_code_639_1.name.lower(), round(values[0].value, 3))
