"""Where a quotation's words begin and end: quotation marks, the end of a reported clause, and
whether a quoted span completes a cue.

Hand-written: Bulgarian news mixes four styles of quotation marks („“ «» “” ""), nests them and
loses closing marks, and a reported clause ends at a relay tag ("предаде БТА") or a second
cue; no library pairs the marks or knows those tags. Everything here reads text only.
"""

from __future__ import annotations

import re

from vestnik.quotes.cues import CHARACTERISING, COGNITIVE, DIRECTIVE, VERB_FORMS, verb_lemma
from vestnik.record import TextSpan

OPENERS = {"„": "“”\"", "«": "»", "“": "”\"“", '"': '"'}
"""Each opening mark and the marks that close it."""
LOST_CLOSING_CUE = re.compile(r",(?=\s*(?:" + VERB_FORMS + r")\s)")
"""Where a quote whose closing mark was lost ends: at the comma before its cue ("…пациенти, обясни медикът")."""
MEDIA_RELAY = re.compile(r",?\s*(?:предаде|предадоха|предава|съобщи|съобщиха|пише|писа|информира|цитиран[аио]?|"
                         r"цитирайки|позовавайки се на|според)\s+[^,]{0,60}$")
POSTPOSED_CUE = re.compile(r",\s*(?:" + VERB_FORMS + r")\s+[^,]{1,60}$")
CLAUSE_TAILS = (MEDIA_RELAY, POSTPOSED_CUE, re.compile(r",?\s+въпреки\s"))
"""What ends a reported clause before its sentence does, cut in this order: a relay tag ("…, предаде БТА"),
another cue closing the sentence ("… след Брекзит, обясни тя"), a concession ("… въпреки претенциите")."""


def text_span(start: int, end: int, text: str) -> TextSpan:
    return TextSpan(start=start, end=end, text=text)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(opening mark, closing mark) offsets of every quotation; a lost closing mark ends at the paragraph."""
    spans, i = [], 0
    while i < len(text):
        mark = text[i]
        if mark in OPENERS and (mark not in '"“' or i == 0 or not text[i - 1].isalnum()):
            j = _closing_mark(text, i)
            spans.append((i, j))
            i = j + 1
        else:
            i += 1
    return spans


def _closing_mark(text: str, i: int) -> int:
    """The offset of the mark that closes the one at `i`; a lost one ends at the line, or before a cue on it.
    Straight quotes cannot nest or cross paragraphs: past the paragraph, the mark was lost."""
    mark = text[i]
    closers = OPENERS[mark]
    depth, j = 0, i + 1
    paragraph_end = text.find("\n\n", i)
    limit = i + 3000 if mark in "„«" else paragraph_end if paragraph_end >= 0 else len(text)
    while j < len(text) and j < limit:
        if text[j] == mark and mark in "„«":
            depth += 1
        elif text[j] in closers and (j + 1 == len(text) or not text[j + 1].isalnum()) and not text[j - 1].isspace():
            if depth == 0:
                return j
            depth -= 1
        j += 1
    j = text.find("\n", i)
    j = len(text) if j < 0 else j
    cut = LOST_CLOSING_CUE.search(text, i, j)
    return cut.start() if cut else j


def wholly_quoted(content: str) -> bool:
    spans = quoted_spans(content)
    return bool(spans) and spans[0][0] == 0 and spans[0][1] >= len(content.rstrip()) - 1


def looks_like_name(content: str) -> bool:
    """A short capitalised span with no sentence punctuation: a name or title in quotation marks, not a quote."""
    words = content.split()
    return len(words) <= 4 and not re.search(r"[.!?,;:]", content) and (content[:1].isupper() or content[:1].isdigit())


def trim_clause(text: str, start: int, sentence_end: int) -> int:
    """End of a reported clause: before the final stop, a media relay tag, another cue or a concessive "въпреки"."""
    clause = text[start:sentence_end].rstrip()
    clause = clause[:-1] if clause.endswith((".", "!", "?", ";")) and not clause.endswith(" г.") else clause
    for tail_pattern in CLAUSE_TAILS:
        tail = tail_pattern.search(clause)
        if tail and tail.start() > 10:
            clause = clause[: tail.start()]
    return start + len(clause.rstrip(" ,"))


def indirect_type(content: str) -> str:
    """"mixed" when a reported clause quotes words of its own (a name in marks does not count), else "indirect"."""
    return "mixed" if re.search(r"[„“\"«»]\w", content) and not _only_names_quoted(content) else "indirect"


def _only_names_quoted(content: str) -> bool:
    return all(looks_like_name(content[a + 1:b]) for a, b in quoted_spans(content))


def completes_cue(cue: re.Match, between: str, content: str) -> bool:
    """Whether a quotation after the cue, with `between` between them, completes it: after a directive
    verb only a да-clause, after a cognitive verb none; otherwise when "че", a colon, a comma or
    "като"/"за"/"против" leads to it, or a characterising verb takes a quoted word; a name in
    quotation marks only after a colon or "че"."""
    verb, is_name = verb_lemma(cue), looks_like_name(content)
    if verb in DIRECTIVE | COGNITIVE:
        admitted = content.startswith("да ") and verb not in COGNITIVE
    else:
        admitted = bool(re.search(r"(?:^|\s)че\s*$", between)) or between.strip() in (":", ",", "", "като", "за", "против") \
            or (verb in CHARACTERISING and not is_name) or between.rstrip().endswith(":")
    return admitted and not (is_name and not between.rstrip().endswith((":", "че")))
