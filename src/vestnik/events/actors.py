"""Actor codes: the country (ISO 3166 alpha-3) or international organisation of an entity, and its sector.

Countries come from pycountry: its ISO names (by the entity's cross-lingual id, "GPE-Russia")
and its Bulgarian translations ("Германия"), plus the everyday Bulgarian names that differ
from the official ones ("Русия", "САЩ"). What pycountry lacks is written here: organisation
codes (in the spirit of CAMEO's IGO codes), capitals that stand for their governments
("Москва иска…"), nationality adjectives that give a person's country ("руският министър"),
and the title words that give a person's sector (GOV, MIL, …).
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry

ORGANISATIONS = {
    "NATO": ("НАТО", "Северноатлантическия алианс", "Северноатлантически алианс", "Алианса", "Алиансът"),
    "OSC": ("ОССЕ", "Организация за сигурност и сътрудничество в Европа"),
    "EU": ("ЕС", "Европейски съюз", "Европейският съюз", "Евросъюз", "Европейска комисия", "Еврокомисия",
           "Европейски парламент", "Европейски съвет", "Съвет на ЕС"),
    "UN": ("ООН", "Организация на обединените нации", "Съвет за сигурност на ООН"),
    "WHO": ("СЗО", "Световна здравна организация"),
    "IMF": ("МВФ", "Международен валутен фонд"),
    "WTO": ("СТО", "Световна търговска организация"),
    "COE": ("Съвет на Европа",),
    "CIS": ("ОНД",),
    "OPEC": ("ОПЕК",),
    "ICC": ("Международен наказателен съд",),
}
"""International organisations: our code and the Bulgarian names (base forms) they go by."""

COMPOSITE = {"Съвет Русия-НАТО": ("RUS", "NATO")}
"""Bodies that bring two parties together: both are coded."""

EVERYDAY_NAMES = {
    "русия": "RUS", "сащ": "USA", "америка": "USA", "съединените щати": "USA", "великобритания": "GBR", "англия": "GBR",
    "обединеното кралство": "GBR", "македония": "MKD", "северна македония": "MKD", "чехия": "CZE", "молдова": "MDA",
    "беларус": "BLR", "иран": "IRN", "сирия": "SYR", "южна корея": "KOR", "северна корея": "PRK", "тайван": "TWN",
    "ватикана": "VAT", "холандия": "NLD", "нидерландия": "NLD", "турция": "TUR", "пакистан": "PAK",
}
CAPITALS = {
    "москва": "RUS", "кремъл": "RUS", "вашингтон": "USA", "белия дом": "USA", "бял дом": "USA", "киев": "UKR",
    "лондон": "GBR", "берлин": "DEU", "париж": "FRA", "пекин": "CHN", "анкара": "TUR", "софия": "BGR", "минск": "BLR",
    "варшава": "POL", "рим": "ITA", "мадрид": "ESP", "атина": "GRC", "букурещ": "ROU", "белград": "SRB", "скопие": "MKD",
    "техеран": "IRN", "исламабад": "PAK", "токио": "JPN", "дъблин": "IRL", "прага": "CZE", "будапеща": "HUN",
}
"""Capitals (and seats of government) that stand for their country when they act: "Москва иска гаранции"."""

NATIONALITIES = [
    ("руск", "RUS"), ("американск", "USA"), ("украинск", "UKR"), ("българск", "BGR"), ("германск", "DEU"),
    ("британск", "GBR"), ("английск", "GBR"), ("френск", "FRA"), ("китайск", "CHN"), ("турск", "TUR"),
    ("полск", "POL"), ("беларуск", "BLR"), ("италианск", "ITA"), ("испанск", "ESP"), ("гръцк", "GRC"),
    ("румънск", "ROU"), ("сръбск", "SRB"), ("македонск", "MKD"), ("иранск", "IRN"), ("пакистанск", "PAK"),
    ("ирландск", "IRL"), ("чешк", "CZE"), ("унгарск", "HUN"), ("австрийск", "AUT"), ("датск", "DNK"),
    ("японск", "JPN"), ("израелск", "ISR"), ("сирийск", "SYR"), ("европейск", "EU"),
]
NATIONALITY = re.compile(r"(?<!\w)(" + "|".join(stem for stem, _ in NATIONALITIES) + r")\w*")

SECTORS = [
    ("MIL", r"генерал\w*|военн\w*|армия\w*|командир\w*|командващ\w*|адмирал\w*|войск\w*|министър на отбраната"),
    ("JUD", r"съди\w*|съд(?:ът|а)?|прокурор\w*|прокуратура\w*"),
    ("COP", r"полиц\w*|жандармерия\w*"),
    ("LEG", r"депутат\w*|парламент\w*|сенатор\w*|конгресмен\w*|председател на парламента"),
    ("GOV", r"министър\w*|министерств\w*|премиер\w*|президент\w*|говорител\w*|дипломат\w*|посланик\w*|канцлер\w*|"
            r"държавен секретар\w*|държавния секретар|зам\.-министър\w*|правителств\w*|кмет\w*|вицепрезидент\w*"),
    ("BUS", r"компания\w*|изпълнителен директор\w*|главен изпълнителен\w*|бизнесмен\w*|собственик\w*"),
    ("MED", r"журналист\w*|репортер\w*|медия\w*|вестник\w*"),
    ("HLH", r"лекар\w*|епидемиолог\w*|здравен\w*|вирусолог\w*"),
    ("OPP", r"опозиция\w*|опозиционн\w*"),
    ("CVL", r"активист\w*|граждани\w*|протестиращ\w*|жител\w*"),
]
SECTOR_PATTERNS = [(code, re.compile(rf"(?<!\w)(?:{words})(?!\w)")) for code, words in SECTORS]


@lru_cache(maxsize=1)
def _countries_by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    bulgarian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["bg"]).gettext
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names[name.lower()] = country.alpha_3
                names[bulgarian(name).lower()] = country.alpha_3
    names.update(EVERYDAY_NAMES)
    return names


@lru_cache(maxsize=1)
def _organisations_by_name() -> dict[str, str]:
    return {name.lower(): code for code, names in ORGANISATIONS.items() for name in names}


def country_or_organisation(name: str, entity_id: str | None) -> tuple[str, ...]:
    """Codes for an entity acting as a party: ("RUS",) for Русия or Москва, ("NATO",) for НАТО, () when unknown."""
    key = name.lower()
    if name in COMPOSITE:
        return COMPOSITE[name]
    if key in _organisations_by_name():
        return (_organisations_by_name()[key],)
    if key in _countries_by_name():
        return (_countries_by_name()[key],)
    if key in CAPITALS:
        return (CAPITALS[key],)
    if entity_id and entity_id.startswith("GPE-"):
        english = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entity_id[4:].replace("-", " ")).lower()
        if english in _countries_by_name():
            return (_countries_by_name()[english],)
    return ()


def nationality(words: str) -> str | None:
    """The country of the last nationality adjective in `words`: "руският заместник-министър" → "RUS"."""
    found = NATIONALITY.findall(words.lower())
    if not found:
        return None
    return dict(NATIONALITIES)[found[-1]]


def sector(words: str) -> str | None:
    """The sector of the first title in `words`: "заместник-министър на външните работи" → "GOV"."""
    words = words.lower()
    found = [(match.start(), code) for code, pattern in SECTOR_PATTERNS for match in pattern.finditer(words)]
    return min(found)[1] if found else None
