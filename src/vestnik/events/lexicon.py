"""PLOVER event types and the Bulgarian words that signal them (docs/events.md lists them with examples).

PLOVER (Political Language Ontology for Verifiable Event Records) is the successor of
CAMEO used by POLECAT. No Bulgarian trigger lexicon exists, so this one is ours: each entry
is a regular expression over lower-case words (stems with their inflections) and the
PLOVER type, and optionally the type's mode it implies ("телефонен разговор" → CONSULT,
phone). Words that signal a type only in some uses carry a guard ("среща" but not "се
среща", "помощ" but not "с помощта на").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

from vestnik.record import EventType

TYPES = get_args(EventType)
"""The PLOVER event types vestnik codes, defined once in the record."""
AUXILIARY_MODES = ("future", "hypothetical", "negated")
TYPE_MODES = {"CONSULT": ("visit", "third-party", "multilateral", "phone")}


@dataclass(frozen=True)
class Trigger:
    type: str
    pattern: str  # words, lower-case, as a regular expression
    mode: str | None = None
    guard: str | None = None  # the trigger does not count when this matches the words just before it


TRIGGERS = [
    Trigger("CONSULT", r"телефонн\w* разговор\w*|разговаря\w* по телефона", "phone"),
    Trigger("CONSULT", r"визит\w*|посещени\w*|посети(?:ха)?|ще посети", "visit"),
    Trigger("CONSULT", r"среща(?:та)? на върха|самит(?:а|ът|и|ите)?|заседани(?:е|ето|я|ята)|многостранн\w* преговори", "multilateral"),
    Trigger("CONSULT", r"посредничество\w*|при посредничеството", "third-party"),
    Trigger("CONSULT", r"преговор(?:и|ите|а|ът)|разговор(?:и|ите|а|ът)|консултаци(?:и|ите|я|ята)|срещ(?:на|наха|не|нат|ат)|"
                       r"обсъд(?:и|иха|ят|иха|ени|ено|ена)|преговаря\w*|разговаря\w*"),
    Trigger("CONSULT", r"срещ(?:а|ата|и|ите)", guard=r"(?:^|\s)се\s*$"),  # "се среща" is "occurs"
    Trigger("AGREE", r"споразумя\w*|договори(?:ха)? се|се договори(?:ха|ли)?|постигна\w* (?:съгласие|споразумение)|"
                     r"сключи\w* (?:споразумение|договор)|подписа(?:ха|ли|л|ла)?|одобри(?:ха|л|ла|ли)?|разреши(?:ха|л|ла|ли)?"),
    Trigger("SUPPORT", r"подкрепи(?:ха|л|ла|ли)?|подкрепя(?:т)?|приветства(?:ха|т|л|ли)?|похвали(?:ха|л|ла|ли)?|"
                       r"изрази\w* (?:солидарност|подкрепа)"),
    Trigger("CONCEDE", r"отстъпк\w*|отстъпи\w*|помилва\w*|оправда(?:ха|на|ни|л)?|освободи(?:ха)?|освобождава\w*",
            guard=r"(?:правенето|правене|искане|искания) на\s*$"),
    Trigger("COOPERATE", r"сътрудничи(?:ха|м|ят|л|ли)?|проведоха съвместн\w* (?:действия|операция|учения)"),
    Trigger("AID", r"хуманитарн\w* помощ|помощ(?:та)?|дари(?:ха)?|дарени\w*|отпусна\w*", guard=r"(?:с|със)\s*$"),
    Trigger("RETREAT", r"изтегли(?:ха|л|ла|ли)?|изтегля(?:т)?|оттегли(?:ха|л|ла|ли)?|оттегля(?:т)?"),
    Trigger("REQUEST", r"поиска\w*|настоя(?:ва|ха|ват)?|призова\w*|призив\w*|апел\w*|изисква\w*|искане\w*|иска(?! да)(?:т)?"),
    Trigger("ACCUSE", r"обвини(?:ха|л|ла|ли)?|обвинява(?:т)?|критикува(?:ха|т|л|ли)?|осъди(?:ха|л|ли)?(?! на (?:смърт|затвор))|осъжда(?:т)?|"
                      r"упрекна(?:ха|л|ла|ли)?|заведе\w* (?:иск|дело)"),
    Trigger("REJECT", r"отхвърли(?:ха|л|ла|ли)?|отхвърля(?:т)?|отказа(?:ха|л|ла|ли)?|отказва(?:т)?|се обяви\w* против|"
                      r"не при(?:е|еха|ел|ела|ели) |наложи\w* вето"),
    Trigger("THREATEN", r"заплаши(?:ха)?|заплашва\w*|ултиматум\w*|отправи\w* заплах\w*"),
    Trigger("PROTEST", r"протест\w*|демонстраци\w*|стачк\w*|бойкот\w*|митинг\w*"),
    Trigger("SANCTION", r"санкци\w*|ембарго\w*|експулсира\w*|изгони\w* дипломат\w*|замрази\w*"),
    Trigger("MOBILIZE", r"мобилизаци\w*|мобилизира\w*|бойна готовност|струпва\w* (?:на )?войски|разположи\w* войски"),
    Trigger("COERCE", r"арестува(?:ха|л|ли)?|арест(?:ът|а)?|задържа(?:ха|л|ли)?|конфискува(?:ха|л|ли)?|депортира(?:ха|л|ли)?|"
                      r"забрани(?:ха|л|ла|ли)?|забранява(?:т)?|блокира(?:ха|т|л|ли)?|спря(?:ха|л|ла|ли)? (?:полетите|влизането)|"
                      r"осъди(?:ха|л|ла)? на (?:смърт|затвор)|въведе\w* (?:ограничения|карантина|полицейски час)"),
    Trigger("ASSAULT", r"атакува\w*|атак(?:а|и|ата|ите)|нападна\w*|нападени\w*|обстрел\w*|бомбардир\w*|"
                       r"нахлу\w*|инвазия\w*|взрив\w*|убит\w*|уби(?:ха)?"),
]

TRIGGER_PATTERNS = [(trigger, re.compile(rf"(?<![\w-])(?:{trigger.pattern})(?![\w-])")) for trigger in TRIGGERS]

NEGATION = re.compile(r"(?:^|\s)(?:не|няма да|нито|без|никакви|никаква|никакъв|отказа да|отказва да)(?:\s+\w+){0,2}\s*$")
FUTURE = re.compile(r"(?:^|\s)(?:ще|предстоящ\w*|насрочен\w*|утрешн\w*|следващ\w*|планиран\w*|предвиден\w*|"
                    r"очаква се|очакван\w*)(?:\s|$)")
HYPOTHETICAL = re.compile(r"(?:^|\s)(?:може|могат|би|биха|ако|евентуалн\w*|възможн\w*|вероятн\w*)(?:\s|$)")
"""Markers of the auxiliary modes, looked for in the words of the clause before the trigger."""

CONTEXT_WORDS = {
    "military": r"войск\w*|военн\w*|армия\w*|оръжи\w*|ракет\w*|танк\w*|фронт\w*|войн\w*|отбран\w*",
    "economic": r"икономи\w*|търгов\w*|мит\w*|бюджет\w*|инвестици\w*|пазар\w*|банк\w*|цени\w*|евро",
    "energy": r"газ\w*|газопровод\w*|енерг\w*|петрол\w*|нефт\w*|поток",
    "election": r"избор\w*|вот\w*|гласува\w*|кандидат\w*|референдум\w*|кампания\w*",
    "health": r"ваксин\w*|пандеми\w*|епидеми\w*|covid|коронавирус\w*|заразен\w*|болни\w*|здравн\w*",
    "legal": r"съд\w*|присъд\w*|прокур\w*|закон\w*|обвинителн\w*|дело(?:то)?",
    "human_rights": r"права(?:та)? на човека|богохулств\w*|свобода\w*|дискриминаци\w*|смъртна присъда",
}
CONTEXT_PATTERNS = {name: re.compile(rf"(?<!\w)(?:{words})(?!\w)") for name, words in CONTEXT_WORDS.items()}
DIPLOMATIC_TYPES = {"CONSULT", "AGREE", "REQUEST", "REJECT", "CONCEDE", "SUPPORT", "ACCUSE", "THREATEN", "SANCTION"}
