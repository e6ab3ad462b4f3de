"""Clean: normalise the characters of an article's text and remove what is not its body.

One job: text in, `CleanText` out — the body (paragraphs separated by a blank
line), the headline, and every removed line *with the reason*, so nothing is
dropped silently. The rules come from what scrapers leave in Bulgarian news:

* related-article teasers: a headline repeated on consecutive lines (the page's
  link text and its heading), usually followed by a one-line standfirst;
* "Прочетете още" / "Още по темата" markers and the link headlines after them;
* photo and video credits, share and follow widgets, tag lists, copyright lines.

Body paragraphs end with sentence punctuation; teaser lines do not — that is the
signal the rules rely on, rather than anything specific to one site. Quotation
marks are left as they are: the quote stage needs „“ « » " " apart.

trafilatura does this for HTML pages; scraped *plain text* is what no library
cleans, which is why these rules are hand-written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from vestnik.record import RemovedLine
from vestnik.stages.dates import MONTHS, WEEKDAYS, find_dates

SPACES = re.compile(r"[^\S\n]+")  # any white space but the newline, NBSP and thin spaces included
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero-width characters
ABBREVIATION_END = re.compile(r"(?:\b(?:г|гр|др|бел|ред|авт|т\.н|т\.е)\.)$")
HEADLINE_MAX_CHARS = 250
RELATED_LINKS_AFTER_MARKER = 5

NUMBER = r"\d[\d\s.,]*"
_MONTH_NAME = "|".join(sorted((name for name in MONTHS if len(name) > 3 or name in ("март", "май", "юни", "юли")),
                              key=len, reverse=True))
_DATE = rf"(?:\d{{1,2}}[./]\d{{1,2}}[./](?:19|20)\d\d|\d{{1,2}}\s+(?:{_MONTH_NAME})\.?,?\s+(?:19|20)\d\d)(?:\s*г\.?)?"
_TIME = r"\d{1,2}:\d{2}(?:\s*ч\.?)?"
DATELINE = re.compile(rf"^(?P<label>публикуван[аoо]?|публикация|дата|обновен[аoо]?|актуализиран[аoо]?|последна промяна)?"
                      rf"(?:\s+на)?\s*:?\s*(?:(?:{'|'.join(WEEKDAYS)}),?\s*)?(?:{_TIME}\s*[|,•-]?\s*)?{_DATE}"
                      rf"(?:\s*(?:[|,•-]|\s+в)?\s*{_TIME})?$", re.I)
"""A line that is only a date (and a time): the dateline of a page, never body text."""
LINE_PATTERNS: list[tuple[str, int, re.Pattern]] = [
    ("read_more", 150, re.compile(r"^(прочетете|прочети|вижте|виж|чети)\s+(още|също|повече)\b|^още (по темата|от категорията|от автора)\b|^свързани\s+(новини|статии|материали)\b", re.I)),
    ("source_link", 150, re.compile(r"^(прочет\w*|виж\w*|още)\s+(цялата|пълната|оригиналната)\s+(статия|новина|публикация)|"
                                    r"\bв източника\b|^(към|до) (статията|източника)\b", re.I)),
    ("media_credit", 60, re.compile(r"^(снимк[аи]|фото|фотограф|видео|източник|кадър|графика)\s*[:\-–]", re.I)),
    ("share_widget", 150, re.compile(r"^(\W*(facebook|twitter|x|linkedin|viber|whatsapp|telegram|e-?mail|имейл|сподели|споделете|share|tweet|print|принтирай|печат|копирай линка)\W*)+$|^сподели(те)? (във?|с) ", re.I)),
    ("paywall", 200, re.compile(r"продължете да четете|абонирайте се,? за да|вече сте абонат|само за абонати|стан(и|ете) абонат|(вземете|купете|изберете) абонамент|отключете (статията|съдържанието)|влезте,? за да (прочетете|продължите)", re.I)),
    ("follow_prompt", 150, re.compile(r"^(последвайте|харесайте|абонирайте се|следвайте)\b|\bбюлетин(а)?\b.{0,40}(абонирай|запиши)|^(абонирай|запиши) се за", re.I)),
    ("tags", 150, re.compile(r"^(тагове|етикети|ключови думи|tags)\s*:", re.I)),
    ("copyright", 150, re.compile(r"^(©|\(c\)|copyright\b|всички права (са )?запазени)", re.I)),
    ("byline", 80, re.compile(r"^(редактор|автор|текст|репортер|кореспондент|снимки и текст)\s*:\s*\S", re.I)),
    ("dateline", 80, DATELINE),
    ("counter", 60, re.compile(rf"^[^\w\n]{{0,3}}{NUMBER}[^\w\n]{{0,3}}$|^(прочетен[аио]?|видян[аио]?|прегледан[аио]?|прочитания|преглеждания|"
                              rf"гледания|коментари|мнения|views?)\W*{NUMBER}\W*(пъти)?$|^{NUMBER}\s*(прочитания|преглеждания|"
                              rf"гледания|коментара?|мнения|пъти|views?)$", re.I)),
    ("breadcrumb", 200, re.compile(r"^(начало|home|новини|главна)\s*[»/>›|]\s*\S", re.I)),
    ("advert", 30, re.compile(r"^(реклама|advertisement|спонсорирано|платена публикация)$", re.I)),
    ("cookie_notice", 400, re.compile(r"\b(бисквитки|cookies?)\b.*\b(използва|съглас|приемам|политика|настройки)|^(приемам|приеми всички|отказвам)$", re.I)),
]
"""Page furniture wherever it occurs: (reason, longest line it may remove, pattern), each a kind of
line that real pages leave around a body (counters, bylines, paywall and cookie prompts,
breadcrumbs), not the words of one site. The length bound keeps a body sentence that a scraper
glued onto a credit ("Снимка: БГНЕС Това съобщиха…"). The first pattern that matches names the reason."""

BYLINE_NAME = re.compile(r"^(?:(?:редактор|автор|текст|репортер|кореспондент|снимки и текст)\s*:\s*|от\s+)?"
                         r"((?:[А-ЯЁA-Z][а-яёa-z]+[-\s]?){2,3})$", re.I)
"""The author's name in a byline ("Редактор: Мария Иванова", "от Мария Иванова", a lone name line)."""
LONE_NAME = re.compile(r"^(?:от\s+)?[А-Я][а-я]+(?:-[А-Я][а-я]+)?(?:\s+[А-Я][а-я]+(?:-[А-Я][а-я]+)?){1,2}$")
"""A line that is only a person's name (two or three capitalised words, "от " before them): a byline when it
stands next to the headline or ends the text."""


TEASER_MAX_WORDS = 80
"""An aggregator's page: a text this short that links to "the whole article" at its source is a teaser of it."""
HEADER_LINES = 6
"""How far below the top of a text its dateline and byline may stand (headline, breadcrumbs, counters above them)."""


@dataclass
class CleanText:
    text: str
    title: str | None
    paragraphs: list[tuple[int, int]]  # character offsets into `text`, end exclusive
    removed: list[RemovedLine] = field(default_factory=list)
    tables: list[tuple[int, int]] = field(default_factory=list)  # the paragraphs that are tables (kept as rows)
    author: str | None = None  # the name of the first byline removed
    published: str | None = None  # ISO date of a dateline at the top that is not an update's


def normalise(text: str) -> str:
    """NFC, one kind of newline, no invisible characters, single spaces, no trailing blanks."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).translate(INVISIBLE)
    return "\n".join(SPACES.sub(" ", line).strip() for line in text.split("\n"))


def clean(text: str, title: str | None = None) -> CleanText:
    """Normalise `text`, remove boilerplate lines (reported), and find the headline.

    `title` is a headline known from elsewhere (HTML metadata, a JSON field); when the
    text does not start with it, it becomes the first paragraph.
    """
    blocks = _tables_together(_blocks(normalise(text)))
    if title:
        title = normalise(title).replace("\n", " ")
        if not blocks or blocks[0][0] != title:
            blocks.insert(0, [title])
    lines = [(b, line) for b, block in enumerate(blocks) for line in block]
    plain = [line for _, line in lines]
    keep, removed, reasons = _remove_boilerplate(plain)
    kept_blocks: dict[int, list[str]] = {}
    for (block, line), kept in zip(lines, keep):
        if kept:
            kept_blocks.setdefault(block, []).append(line)
    paragraphs_text = ["\n".join(block) for block in kept_blocks.values()]
    headline = title or (paragraphs_text[0] if len(paragraphs_text) > 1 and _is_headline(paragraphs_text[0]) else None)
    body = PARAGRAPH_BREAK.join(paragraphs_text)
    paragraphs = paragraph_offsets(body)
    tables = [offsets for offsets, paragraph in zip(paragraphs, paragraphs_text) if is_table_row(paragraph)]
    return CleanText(text=body, title=headline, paragraphs=paragraphs, removed=removed, tables=tables,
                     author=_byline_author(plain, reasons), published=_dateline_date(plain, reasons))


def is_table_row(line: str) -> bool:
    """A row of a table as trafilatura writes it ("| ГЕРБ | 670 000 | 25,5% |"), its header rule included."""
    return len(line) > 1 and line.startswith("|") and line.rstrip().endswith("|")


def _tables_together(blocks: list[list[str]]) -> list[list[str]]:
    """Consecutive table rows as one block (one paragraph), however the text separated them."""
    merged: list[list[str]] = []
    for block in blocks:
        if merged and is_table_row(block[0]) and is_table_row(merged[-1][-1]):
            merged[-1].extend(block)
        else:
            merged.append(list(block))
    return merged


def article_problem(cleaned: CleanText) -> str | None:
    """Why a cleaned text is not an article to analyse, if it is not: nothing left, or a teaser of one elsewhere."""
    words = len(cleaned.text.split())
    if not words:
        return "no article text left after cleaning"
    if words < TEASER_MAX_WORDS and any(line.reason == "source_link" for line in cleaned.removed):
        return f"no article text: a teaser ({words} words) of an article published elsewhere"
    return None


def _byline_author(lines: list[str], reasons: dict[int, str]) -> str | None:
    return next((name for i in sorted(i for i, reason in reasons.items() if reason == "byline")
                 if (name := byline_name(lines[i]))), None)


def byline_name(line: str) -> str | None:
    """The name of a byline ("Редактор: Мария Иванова", "от Мария Иванова", a lone name), None when it holds none."""
    match = BYLINE_NAME.match(line)
    return match.group(1).strip() if match else None


BYLINE_LABEL = re.compile(r"^(?:(?:редактор|автор|текст|репортер|кореспондент|снимки и текст|by)\b\s*:?|от)\s+", re.I)


def author_name(author: str | None) -> str | None:
    """An author as a page's metadata gives it, without the byline's label ("Редактор: Мария Иванова" → the name)."""
    return BYLINE_LABEL.sub("", author.strip()).strip() or None if author else None


def _dateline_date(lines: list[str], reasons: dict[int, str]) -> str | None:
    """The date of the first dateline near the top that is a publication's."""
    for i in sorted(i for i, reason in reasons.items() if reason == "dateline" and i < HEADER_LINES):
        if found := dateline_date(lines[i]):
            return found
    return None


def dateline_date(line: str) -> str | None:
    """The ISO date of a dateline ("12.03.2024 14:35", "Публикувана: 5 януари 2024, 07:45"), unless it is not one
    or says it is an update's ("Обновена: …")."""
    match = DATELINE.match(" ".join(line.split()))
    if not match or (match.group("label") or "").lower().startswith(("обнов", "актуал", "последна")):
        return None
    return next((d.value for d in find_dates(line, None) if d.granularity == "day" and d.value), None)


PARAGRAPH_BREAK = "\n\n"
"""What separates the paragraphs of a cleaned text (a paragraph holds none)."""


def paragraph_offsets(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of a cleaned text: the one definition every stage reads."""
    if not text:
        return []
    offsets, start = [], 0
    for paragraph in text.split(PARAGRAPH_BREAK):
        offsets.append((start, start + len(paragraph)))
        start += len(paragraph) + len(PARAGRAPH_BREAK)
    return offsets


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs as lists of lines: split at blank lines, or at every line when there are none."""
    raw_lines = text.strip("\n").split("\n")
    if "" not in raw_lines:
        return [[line] for line in raw_lines]
    blocks, current = [], []
    for line in raw_lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_headline(line: str) -> bool:
    """Short, one line, and not ended like a sentence (an abbreviation such as "2018 г." may end it)."""
    if len(line) > HEADLINE_MAX_CHARS or "\n" in line or line.endswith(":"):
        return False
    return not line.endswith(".") or bool(ABBREVIATION_END.search(line))


def _key(line: str) -> str:
    return line.casefold()


def _remove_boilerplate(lines: list[str]) -> tuple[list[bool], list[RemovedLine], dict[int, str]]:
    """Which lines to keep, the removed ones reported, and each removed line's reason by position."""
    reasons = _repeated_lines(lines)
    reasons.update(_furniture_lines(lines, reasons))
    reasons.update(_lone_name_bylines(lines, reasons))
    keep = [i not in reasons for i in range(len(lines))]
    if not any(keep):  # never throw a whole article away: furniture rules are for lines around a body
        return [True] * len(lines), [], {}
    removed: dict[tuple[str, str], RemovedLine] = {}
    for i in sorted(reasons):
        if (lines[i], reasons[i]) in removed:
            removed[lines[i], reasons[i]].count += 1
        else:
            removed[lines[i], reasons[i]] = RemovedLine(text=lines[i], reason=reasons[i], count=1)
    return keep, list(removed.values()), reasons


def _lone_name_bylines(lines: list[str], taken: dict[int, str]) -> dict[int, str]:
    """A line that is only a name, next to the headline (below it, past the lines already removed) or ending
    the text: the author's byline, not a sentence."""
    body = [i for i in range(len(lines)) if i not in taken]
    candidates = set(body[1:3]) | set(body[-1:]) if len(body) > 3 else set()
    return {i: "byline" for i in candidates if LONE_NAME.match(lines[i])}


def _repeated_lines(lines: list[str]) -> dict[int, str]:
    """Lines repeated right below themselves: a repeated title, a teaser (headline and standfirst), a paragraph."""
    reasons: dict[int, str] = {}
    i = 0
    while i < len(lines):
        run = 1
        while i + run < len(lines) and _key(lines[i + run]) == _key(lines[i]):
            run += 1
        if run > 1:
            run += _repeated_run(lines, i, run, reasons)
        i += run
    return reasons


def _repeated_run(lines: list[str], i: int, run: int, reasons: dict[int, str]) -> int:
    """The reasons for a run of `run` equal lines at `i`; returns how many lines after it go with it."""
    if i == 0:
        reasons.update(dict.fromkeys(range(1, run), "repeated_title"))
        return 0
    if not _is_headline(lines[i]):
        reasons.update(dict.fromkeys(range(i + 1, i + run), "repeated_paragraph"))
        return 0
    reasons.update(dict.fromkeys(range(i, i + run), "teaser_headline"))
    after = i + run
    if after < len(lines) and _is_headline(lines[after]) and _furniture(lines[after]) is None:
        reasons[after] = "teaser_standfirst"
        return 1
    return 0


def _furniture_lines(lines: list[str], taken: dict[int, str]) -> dict[int, str]:
    """Page furniture (`_furniture`) and the related-article headlines after a "read more" marker."""
    reasons: dict[int, str] = {}
    links_left = 0
    for i, line in enumerate(lines):
        if i in taken or is_table_row(line):
            continue
        reason = _furniture(line)
        if reason == "read_more":
            links_left = RELATED_LINKS_AFTER_MARKER
        elif reason is None and links_left and _is_headline(line) and i > 0:
            reason = "related_link"
            links_left -= 1
        else:
            links_left = 0 if reason is None else links_left
        if reason:
            reasons[i] = reason
    return reasons


def _furniture(line: str) -> str | None:
    for reason, max_chars, pattern in LINE_PATTERNS:
        if len(line) <= max_chars and pattern.search(line):
            return reason
    return None
