"""Dates: find every Bulgarian date expression and resolve it against the publication date.

Hand-written because no library does this for Bulgarian running text: dateparser
parses a date string it is given, but its `search_dates` finds only part of them
(on the example article it finds "утре" and "на 12 януари" but not "утрешните" or
"13-ти"), gives no character offsets, and takes ~170 ms an article — more than the
rest of the pipeline together. The calendar arithmetic is dateutil's.

Each expression gets an ISO `value` at its own granularity (day "2022-01-12", week
"2022-W02", month "2022-01", year "2022") and `relative: true` when it needed an
anchor to resolve (the publication date, or the month of an earlier date in the
text for "на 13-ти"). Without a publication date such expressions keep
`value: null` — a date is never guessed from the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from vestnik.record import DateExpression

MONTHS = {
    "януари": 1, "ян": 1, "февруари": 2, "фев": 2, "февр": 2, "март": 3, "април": 4, "апр": 4,
    "май": 5, "юни": 6, "юли": 7, "август": 8, "авг": 8, "септември": 9, "септ": 9, "сеп": 9,
    "октомври": 10, "окт": 10, "ноември": 11, "ноем": 11, "ное": 11, "декември": 12, "дек": 12,
}
WEEKDAYS = {"понеделник": 0, "вторник": 1, "сряда": 2, "четвъртък": 3, "петък": 4, "събота": 5, "неделя": 6}
NUMBER_WORDS = {"един": 1, "една": 1, "едно": 1, "два": 2, "две": 2, "три": 3, "четири": 4, "пет": 5,
                "шест": 6, "седем": 7, "осем": 8, "девет": 9, "десет": 10}
RELATIVE_DAYS = {"днес": 0, "днешн": 0, "довечера": 0, "вчера": -1, "вчерашн": -1, "снощи": -1, "утре": 1,
                 "утрешн": 1, "завчера": -2, "завчерашн": -2, "вдругиден": 2, "вдругидешн": 2}
PAST = {"миналия", "миналата", "миналото", "изминалия", "изминалата", "предишния", "предишната", "предния", "лани"}
NEXT = {"следващия", "следващата", "следващото", "идния", "идната", "идното", "другия", "другата", "догодина"}

_MONTH_NAMES = sorted((name if name in ("март", "май", "юни", "юли") or len(name) > 4 else name + r"\.") for name in MONTHS)
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")"
_ORDINAL = r"(?:-?(?:ви|ри|ти|ми|и))"
_YEAR_WORD = r"(?:\s*(?:г\.|год\.|година(?:та)?))"
_ADJECTIVE_END = r"(?:ият|ия|ата|ото|ите|а|о|и)"
_AMOUNT = r"(?P<amount>\d{1,3}|" + "|".join(NUMBER_WORDS) + ")"

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("day_month", re.compile(r"\b(?P<day>[0-3]?\d)" + _ORDINAL + r"?\s+" + _MONTH +
                             r"(?:\s+(?P<year>(?:19|20)\d\d)" + _YEAR_WORD + r"?)?(?!\w)", re.I)),
    ("numeric", re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)(?:" + _YEAR_WORD + r")?(?!\d)")),
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("month_year", re.compile(r"\b" + _MONTH + r"\s+(?P<year>(?:19|20)\d\d)" + _YEAR_WORD + r"?(?!\w)", re.I)),
    ("month", re.compile(r"\b(?:през|от|до|в|за|около|началото на|края на|средата на)\s+" + _MONTH + r"(?!\w)", re.I)),
    ("year", re.compile(r"\b(?P<year>(?:19|20)\d\d)(?:" + _YEAR_WORD + r"|-?(?:та|ва|ра)\b)|(?<=през )(?P<year2>(?:19|20)\d\d)\b", re.I)),
    ("ordinal_day", re.compile(r"\b(?:на|до|от|след|преди|към|около|между|и)\s+(?P<day>[0-3]?\d)" + _ORDINAL +
                               r"(?!\w)(?!\s+(?:век|място|годишнина|ред|етаж|номер|поред|клас|пост|км|час))", re.I)),
    ("relative_day", re.compile(r"\b(?P<word>днес|вчера|утре|завчера|вдругиден|снощи|довечера|"
                                r"(?:днешн|вчерашн|утрешн|завчерашн|вдругидешн)" + _ADJECTIVE_END + r")(?!\w)", re.I)),
    ("weekday", re.compile(r"\b(?:(?P<direction>миналия|миналата|миналото|предишния|предишната|следващия|следващата|"
                           r"следващото|идния|идната|този|тази|това)\s+)?(?:(?:в|във|на|от|до|през)\s+)?"
                           r"(?P<weekday>понеделник|вторник|сряда|четвъртък|петък|събота|неделя)(?!\w)", re.I)),
    ("period", re.compile(r"\b(?P<direction>миналата|изминалата|предишната|предната|тази|текущата|следващата|"
                          r"другата|идната|миналия|изминалия|предишния|предния|този|текущия|следващия|другия|идния)"
                          r"\s+(?P<unit>седмица|месец|година)(?!\w)|\b(?P<word>догодина|лани)(?!\w)", re.I)),
    ("offset", re.compile(r"\b(?P<direction>преди|след)\s+" + _AMOUNT +
                          r"\s+(?P<unit>дни|ден|денонощия|седмици|седмица|месеца|месец|години|година)(?!\w)", re.I)),
]
"""Ordered most specific first; a later pattern never takes text an earlier one matched."""

SPAN_GROUPS = {"month": "month", "ordinal_day": "day"}
"""Patterns whose leading preposition is context, not part of the date: the span starts at this group."""


SINCE_UNTIL_NOW = re.compile(r"[^.!?\n]{0,60}?\b(досега|насам|до момента|до днес|до днешна дата)\b", re.I)
"""After a month ("от март насам"): the month is behind us, whatever the verb's tense."""


def find_dates(text: str, published: date | None, past: Iterable[tuple[int, int]] = ()) -> list[DateExpression]:
    """Every date expression in `text`, in text order, resolved against `published` where needed. A day or
    month without a year is the nearest one to the publication date, or the latest one before it when it
    stands in a sentence told in the past (`past`: their spans, from the parse) or "до момента"."""
    past = list(past)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str, re.Match]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start = match.start(SPAN_GROUPS[kind]) if kind in SPAN_GROUPS else match.start()
            if kind == "weekday" and not match.group("direction"):
                start = match.start("weekday")
            if any(start < end and begin < match.end() for begin, end in taken):
                continue
            taken.append((start, match.end()))
            found.append((start, match.end(), kind, match))
    mentions, context = [], None  # context: the last explicit day's (year, month), for "на 13-ти"
    for start, end, kind, match in sorted(found, key=lambda item: item[0]):
        behind = any(begin <= start < finish for begin, finish in past) or bool(SINCE_UNTIL_NOW.match(text, end))
        value, granularity, relative, month_context = _resolve(kind, match, published, context, behind)
        if value is None and not relative:
            continue  # an impossible calendar date such as 31.13.2020: a number, not a date
        if month_context:
            context = month_context
        mentions.append(DateExpression(start=start, end=end, text=text[start:end], value=value, granularity=granularity,
                                       relative=relative))
    return mentions


def _resolve(kind: str, match: re.Match, published: date | None, context, behind: bool):
    """(value, granularity, relative, (year, month) for later ordinal days or None)."""
    group = match.groupdict()
    if kind in ABSOLUTE:
        return ABSOLUTE[kind](group, published, context, behind)
    if published is None:
        return None, _granularity(kind, group), True, None
    return (*RELATIVE[kind](group, published), True, None)


def _day_month(group: dict, published: date | None, _context, behind: bool):
    month, day = _month_number(group["month"]), int(group["day"])
    if group.get("year"):
        value = _safe_date(int(group["year"]), month, day)
        return _iso(value), "day", False, (value.year, month) if value else None
    if published is None:
        return None, "day", True, None
    value = _nearest_year(published, month, day, behind)
    return _iso(value), "day", True, (value.year, month) if value else None


def _month_year(group: dict, _published, _context, _behind):
    return f"{int(group['year']):04d}-{_month_number(group['month']):02d}", "month", False, None


def _month(group: dict, published: date | None, _context, behind: bool):
    if published is None:
        return None, "month", True, None
    value = _nearest_year(published, _month_number(group["month"]), 1, behind)
    return f"{value.year:04d}-{value.month:02d}", "month", True, None


def _year(group: dict, _published, _context, _behind):
    return group["year"] or group["year2"], "year", False, None


def _ordinal_day(group: dict, published: date | None, context, _behind):
    year_month = context or ((published.year, published.month) if published else None)
    if year_month is None:
        return None, "day", True, None
    return _iso(_safe_date(*year_month, int(group["day"]))), "day", True, None


def _relative_day(group: dict, published: date) -> tuple[str | None, str]:
    word = group["word"].lower()
    offset = next(days for stem, days in RELATIVE_DAYS.items() if word.startswith(stem))
    return _iso(published + timedelta(days=offset)), "day"


def _weekday_of(group: dict, published: date) -> tuple[str | None, str]:
    return _iso(_weekday(published, WEEKDAYS[group["weekday"].lower()], group["direction"])), "day"


def _period_of(group: dict, published: date) -> tuple[str | None, str]:
    return _period(published, group), _granularity("period", group)


def _offset(group: dict, published: date) -> tuple[str | None, str]:
    amount = int(group["amount"]) if group["amount"].isdigit() else NUMBER_WORDS[group["amount"].lower()]
    sign = -1 if group["direction"].lower() == "преди" else 1
    unit = group["unit"].lower()
    if unit.startswith("ден") or unit == "дни":
        return _iso(published + timedelta(days=sign * amount)), "day"
    if unit.startswith("седмиц"):
        return _week(published + timedelta(weeks=sign * amount)), "week"
    if unit.startswith("месец"):
        shifted = published + relativedelta(months=sign * amount)
        return f"{shifted.year:04d}-{shifted.month:02d}", "month"
    return str(published.year + sign * amount), "year"


ABSOLUTE = {"day_month": _day_month, "numeric": _day_month, "iso": _day_month, "month_year": _month_year,
            "month": _month, "year": _year, "ordinal_day": _ordinal_day}
"""Expressions that resolve by themselves, or need the publication date only when they lack a year; each takes
(group, published, the last explicit day's (year, month), whether the sentence looks back)."""
RELATIVE = {"relative_day": _relative_day, "weekday": _weekday_of, "period": _period_of, "offset": _offset}
"""Expressions that always count from the publication date."""


def _granularity(kind: str, group: dict) -> str:
    if kind == "period":
        unit = (group.get("unit") or "година").lower()
        return {"седмица": "week", "месец": "month"}.get(unit, "year")
    if kind == "offset":
        unit = group["unit"].lower()
        return "week" if unit.startswith("седмиц") else "month" if unit.startswith("месец") else \
            "year" if unit.startswith("годин") else "day"
    return "day"


def _period(published: date, group: dict) -> str:
    word = (group.get("word") or group.get("direction") or "").lower()
    step = -1 if word in PAST else 1 if word in NEXT else 0
    unit = (group.get("unit") or "година").lower()
    if unit == "седмица":
        return _week(published + timedelta(weeks=step))
    if unit == "месец":
        shifted = published + relativedelta(months=step)
        return f"{shifted.year:04d}-{shifted.month:02d}"
    return str(published.year + step)


def _weekday(published: date, weekday: int, direction: str | None) -> date:
    delta = weekday - published.weekday()
    direction = (direction or "").lower()
    if direction in PAST:
        return published + timedelta(days=delta - 7 if delta >= 0 else delta)
    if direction in NEXT:
        return published + timedelta(days=delta + 7 if delta <= 0 else delta)
    if direction in ("този", "тази", "това"):
        return published + timedelta(days=delta)
    # A bare weekday in news means the nearest one, before or after publication.
    if delta > 3:
        delta -= 7
    elif delta < -3:
        delta += 7
    return published + timedelta(days=delta)


def _nearest_year(published: date, month: int, day: int, behind: bool = False) -> date | None:
    """The date of that month and day nearest to `published`; `behind`: the latest one not after it (for a month,
    `day` is 1 and its month may be the publication's own)."""
    candidates = [d for year in (published.year - 1, published.year, published.year + 1)
                  if (d := _safe_date(year, month, day))]
    if behind:
        candidates = [d for d in candidates if d <= published] or candidates
        return max(candidates) if candidates else None
    return min(candidates, key=lambda d: abs((d - published).days)) if candidates else None


def _month_number(text: str) -> int:
    text = text.lower().rstrip(".")
    return int(text) if text.isdigit() else MONTHS[text]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _week(value: date) -> str:
    year, week, _ = value.isocalendar()
    return f"{year:04d}-W{week:02d}"
