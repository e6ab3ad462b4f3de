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

SPACES = re.compile(r"[^\S\n]+")  # any white space but the newline, NBSP and thin spaces included
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero-width characters
ABBREVIATION_END = re.compile(r"(?:\b(?:г|гр|др|бел|ред|авт|т\.н|т\.е)\.)$")
HEADLINE_MAX_CHARS = 250
RELATED_LINKS_AFTER_MARKER = 5

LINE_PATTERNS: list[tuple[str, int, re.Pattern]] = [
    ("read_more", 150, re.compile(r"^(прочетете|прочети|вижте|виж|чети)\s+(още|също|повече)\b|^още по темата\b|^свързани\s+(новини|статии|материали)\b", re.I)),
    ("media_credit", 60, re.compile(r"^(снимк[аи]|фото|фотограф|видео|източник|кадър|графика)\s*[:\-–]", re.I)),
    ("share_widget", 150, re.compile(r"^(\W*(facebook|twitter|x|linkedin|viber|whatsapp|telegram|e-?mail|имейл|сподели|споделете|share|tweet|print|принтирай|печат|копирай линка)\W*)+$", re.I)),
    ("follow_prompt", 150, re.compile(r"^(последвайте|харесайте|абонирайте се|следвайте)\b", re.I)),
    ("tags", 150, re.compile(r"^(тагове|етикети|ключови думи|tags)\s*:", re.I)),
    ("copyright", 150, re.compile(r"^(©|\(c\)|copyright\b|всички права (са )?запазени)", re.I)),
]
"""Page furniture wherever it occurs: (reason, longest line it may remove, pattern). The length
bound keeps a body sentence that a scraper glued onto a credit ("Снимка: БГНЕС Това съобщиха…")."""


@dataclass
class CleanText:
    text: str
    title: str | None
    paragraphs: list[tuple[int, int]]  # character offsets into `text`, end exclusive
    removed: list[RemovedLine] = field(default_factory=list)


def normalise(text: str) -> str:
    """NFC, one kind of newline, no invisible characters, single spaces, no trailing blanks."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).translate(INVISIBLE)
    return "\n".join(SPACES.sub(" ", line).strip() for line in text.split("\n"))


def clean(text: str, title: str | None = None) -> CleanText:
    """Normalise `text`, remove boilerplate lines (reported), and find the headline.

    `title` is a headline known from elsewhere (HTML metadata, a JSON field); when the
    text does not start with it, it becomes the first paragraph.
    """
    blocks = _blocks(normalise(text))
    if title:
        title = normalise(title).replace("\n", " ")
        if not blocks or blocks[0][0] != title:
            blocks.insert(0, [title])
    lines = [(b, line) for b, block in enumerate(blocks) for line in block]
    keep, removed = _remove_boilerplate([line for _, line in lines])
    kept_blocks: dict[int, list[str]] = {}
    for (block, line), kept in zip(lines, keep):
        if kept:
            kept_blocks.setdefault(block, []).append(line)
    paragraphs_text = ["\n".join(block) for block in kept_blocks.values()]
    headline = title or (paragraphs_text[0] if len(paragraphs_text) > 1 and _is_headline(paragraphs_text[0]) else None)
    body = PARAGRAPH_BREAK.join(paragraphs_text)
    return CleanText(text=body, title=headline, paragraphs=paragraph_offsets(body), removed=removed)


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


def _remove_boilerplate(lines: list[str]) -> tuple[list[bool], list[RemovedLine]]:
    reasons = _repeated_lines(lines)
    reasons.update(_furniture_lines(lines, reasons))
    keep = [i not in reasons for i in range(len(lines))]
    if not any(keep):  # never throw a whole article away: furniture rules are for lines around a body
        return [True] * len(lines), []
    removed: dict[tuple[str, str], RemovedLine] = {}
    for i in sorted(reasons):
        if (lines[i], reasons[i]) in removed:
            removed[lines[i], reasons[i]].count += 1
        else:
            removed[lines[i], reasons[i]] = RemovedLine(text=lines[i], reason=reasons[i], count=1)
    return keep, list(removed.values())


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
        if i in taken:
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
