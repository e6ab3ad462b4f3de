"""Bulgarian reporting cues: the verbs, adjectives and phrases that attribute speech.

Each verb is listed once, as its aorist and present third-person singular ("заяви",
"заявява"); `bulgarian.verb_forms` expands that to the forms news uses (aorist plural "заявиха",
present plural "заявяват", the participles of the perfect and renarrative "заявил", "заявила",
"заявили", "заявявал", the gerund "заявявайки"). The participle's ending carries the speaker's gender, which the
speaker resolver uses. The list was started from the issue's seed list and grown from the
words that stand next to quotation marks and "че" in the SlavicNER articles
(`python -m vestnik.quotes.mine_cues`), keeping the ones that report speech.
"""

from __future__ import annotations

import re

from vestnik.bulgarian import alternation, passive_participles, verb_forms

SPEECH_VERBS: list[tuple[str, str]] = [
    ("заяви", "заявява"), ("каза", "казва"), ("посочи", "посочва"), ("подчерта", "подчертава"),
    ("коментира", "коментира"), ("допълни", "допълва"), ("отбеляза", "отбелязва"), ("уточни", "уточнява"),
    ("изтъкна", "изтъква"), ("обяви", "обявява"), ("предупреди", "предупреждава"), ("отсече", "отсича"),
    ("написа", "пише"), ("туитна", "туитва"), ("съобщи", "съобщава"), ("поясни", "пояснява"),
    ("сподели", "споделя"), ("добави", "добавя"), ("обясни", "обяснява"), ("увери", "уверява"),
    ("разказа", "разказва"), ("припомни", "припомня"), ("напомни", "напомня"), ("отговори", "отговаря"),
    ("призна", "признава"), ("отрече", "отрича"), ("твърди", "твърди"), ("констатира", "констатира"),
    ("информира", "информира"), ("прогнозира", "прогнозира"), ("акцентира", "акцентира"), ("заключи", "заключава"),
    ("обобщи", "обобщава"), ("възрази", "възразява"), ("попита", "пита"), ("оцени", "оценява"),
    ("декларира", "декларира"), ("изказа", "изказва"), ("цитира", "цитира"), ("сподели", "споделя"),
    ("потвърди", "потвърждава"), ("опроверга", "опровергава"), ("оплака", "оплаква"), ("настоя", "настоява"),
    ("поиска", "иска"), ("призова", "призовава"), ("посъветва", "съветва"), ("помоли", "моли"),
    ("прикани", "приканва"), ("апелира", "апелира"), ("обеща", "обещава"), ("заплаши", "заплашва"),
    ("обвини", "обвинява"), ("предложи", "предлага"), ("нареди", "нарежда"), ("разпореди", "разпорежда"),
    ("насърчи", "насърчава"), ("увери", "уверява"), ("определи", "определя"), ("нарече", "нарича"),
    ("описа", "описва"), ("допусна", "допуска"), ("предположи", "предполага"), ("смята", "смята"),
    ("счита", "счита"), ("вярва", "вярва"), ("прецени", "преценява"), ("анонсира", "анонсира"),
    ("изрази", "изразява"), ("обърна внимание", "обръща внимание"), ("даде да се разбере", "дава да се разбере"),
    ("повтори", "повтаря"), ("разясни", "разяснява"), ("възкликна", "възклицава"), ("отчете", "отчита"),
    ("прибави", "прибавя"), ("писа", "пише"), ("надява", "надява"), ("опасява", "опасява"),
]
"""(aorist 3sg, present 3sg) of verbs that report speech or a stated position."""

DIRECTIVE = {"поиска", "призова", "посъветва", "помоли", "прикани", "апелира", "обеща", "настоя", "нареди",
             "разпореди", "насърчи", "предложи", "заплаши", "предупреди"}
"""Verbs whose reported content can be a да-clause ("призова всички да се молят")."""
COGNITIVE = {"смята", "счита", "вярва", "прецени", "допусна", "предположи", "надява", "опасява"}
"""Verbs of opinion: a cue only with a че-clause."""
INHERENTLY_REFLEXIVE = {"оплака", "надява", "опасява"}
"""Verbs that take "се" with a subject of their own ("Оплака се, че …": the last speaker goes on)."""
CHARACTERISING = {"определи", "нарече", "описа"}
"""Verbs whose quoted complement is a characterisation: определи като "разочароващи"."""

ADJECTIVE_CUES = ("категоричен", "категорична", "категорични", "убеден", "убедена", "убедени",
                  "уверен", "уверена", "уверени", "на мнение")
SPEECH_NOUNS = re.compile(r"(?<![\w-])(?:твърдени|обвинени|изявлени|позици|предложени|изисквани|искане|информаци|слух|"
                          r"оценк|уверени|обещани|призив|съобщени|заключени|становищ|потвърждени|уговорк|обяснени|признани|"
                          r"опровержени)[а-я]*(?![\w-])", re.I)
"""Speech and stance nouns that introduce a че/да-clause (guidelines §3.4): "обвинението, че …"."""
POSSESSIVE_WORDS = re.compile(r"\b[Пп]о (?:негови|нейни|техни|неговите|нейните|техните) думи\b|\b[Пп]о думите (?:му|й|ѝ|им)\b")


def _cue_table() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for aorist, present in SPEECH_VERBS:
        for form, gender in verb_forms(aorist, present).items():
            table.setdefault(form, (aorist, gender))
    return table


CUE_FORMS = _cue_table()
"""Every cue form → (its verb's aorist, gender it marks)."""
ADJECTIVE_GENDER = {"категоричен": "m", "категорична": "f", "категорични": "pl", "убеден": "m", "убедена": "f",
                    "убедени": "pl", "уверен": "m", "уверена": "f", "уверени": "pl", "на мнение": ""}
AUXILIARY = r"(?:(?:е|са|бе|беше|бяха|е бил|е била|са били|се)\s+)?"
VERB_FORMS = alternation(CUE_FORMS)
"""A regular expression of every cue verb form, longest first (as a trie: `bulgarian.alternation`)."""
OPENING_FORMS = alternation(form[0].upper() + form[1:] for form in CUE_FORMS)
"""The same forms capitalised, as they open a sentence with no subject before them ("Обясниха ни, че …")."""
PASSIVE_FORMS = {form: aorist for aorist, _ in SPEECH_VERBS for form in passive_participles(aorist)
                 if form not in ADJECTIVE_GENDER}
"""Every cue verb's past passive participle → its aorist ("помолена" → "помоли"); not "уверен", "убеден", which
are stance adjectives with a speaker of their own."""
PASSIVE_CUE = re.compile(r"(?<![\w-])(?:(?:е|са|бе|беше|бяха|е бил|е била|е било|са били|бил|била|било|били)\s+)"
                         r"(?P<participle>" + "|".join(sorted(PASSIVE_FORMS, key=len, reverse=True)) + r")(?![\w-])")
"""A passive cue: "е била помолена да …", "бе обвинена, че …", "беше съобщено, че …"; its agent is an "от X"
after it, or no one (guidelines §3.3, §3.5)."""
CUE_PATTERN = re.compile(
    r"(?<![\w-])(?:" + AUXILIARY + r"(?P<verb>" + VERB_FORMS + r"|" + OPENING_FORMS + r")"
    r"|(?P<adjective>" + "|".join(ADJECTIVE_CUES) + r")(?:\s+(?:е|бе|беше|са|бяха))?)(?![\w-])"
)
"""A cue: a verb form with its auxiliary ("е заявил", "се обяви") or a stance adjective ("категоричен бе")."""


def verb_lemma(cue: re.Match) -> str:
    """The aorist that lists a cue's verb in `SPEECH_VERBS` ("заявиха" → "заяви"); "" for an adjective cue."""
    verb = cue.group("verb")
    return CUE_FORMS[verb.lower()][0] if verb else ""


def cue_gender(cue: re.Match) -> str:
    """The speaker's gender or number the cue's form marks ("заявила" → "f", "категорични" → "pl"), else ""."""
    if cue.group("verb"):
        return CUE_FORMS[cue.group("verb").lower()][1]
    return ADJECTIVE_GENDER.get(cue.group("adjective"), "")
