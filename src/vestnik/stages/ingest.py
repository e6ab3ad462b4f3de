"""Ingest: turn the paths a user gives into decoded articles, one at a time.

One job: bytes in, `RawArticle` out (or an `InputError` naming the input and the
problem). Paths may be text files, HTML pages, JSON Lines files of articles,
directories (walked recursively, in sorted order) or `-` for stdin. Nothing is
analysed here; the HTML is still HTML.

Encoding detection is charset-normalizer's; what is ours is the order of trust (BOMs,
then strict UTF-8, then the charset a page declares when its bytes decode by it, then a
detector restricted to the legacy encodings of Slavic and European sites) and the repair
of files that mix UTF-8 and cp1251 lines, which no detector does: it picks one encoding
for the whole file.
"""

from __future__ import annotations

import codecs
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from vestnik.config import Settings

ARTICLE_SUFFIXES = {".txt", ".html", ".htm", ".jsonl"}
HTML_SUFFIXES = {".html", ".htm"}
LEGACY_ENCODINGS = ["cp1251", "koi8_r", "koi8_u", "iso8859_5", "mac_cyrillic", "cp866", "cp1250", "iso8859_2", "cp1252", "latin_1"]
"""What the detector may choose when a file is neither UTF-8 nor declares its encoding: the Cyrillic
legacy encodings, then the Central European ones (Polish, Czech, Croatian, Serbian Latin), then Western."""
EAST_ASIAN_ENCODINGS = ["gb18030", "big5", "cp932", "euc_jp", "euc_kr"]
"""Tried only when no European legacy encoding reads the bytes as text: Chinese (GB, Big5), Japanese (Shift-JIS
as Windows' cp932, EUC-JP) and Korean pages saved without a declaration."""
MAX_CONTROL_RATIO = 0.01
"""Decoded text with more control characters than this is binary, not an article."""
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
SNIFF_BYTES = 2048
HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|article|meta|title)\b",
                        re.I | re.S)
FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:rdf)\b", re.I | re.S)
SKIPPED_NAMED = 3
"""How many of the files a walk skipped are named on stderr (all are counted)."""

log = logging.getLogger("vestnik")


class InputError(Exception):
    """An input that cannot become an article: names the input and the reason."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self):  # errors travel back from worker processes
        return InputError, (self.source, self.reason)


@dataclass(frozen=True)
class RawArticle:
    """A decoded input, before cleaning. `content` is plain text or HTML (`is_html`)."""

    source: str
    content: str
    is_html: bool
    id: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None


def read_inputs(paths: Iterable[str], settings: Settings) -> Iterator[RawArticle | InputError]:
    """Every article behind `paths`, in order; a bad input yields an `InputError` and the rest go on."""
    for given in paths:
        if given == "-":
            yield from guarded("-", lambda: _articles_from_bytes("-", sys.stdin.buffer.read(), "", settings))
            continue
        path = Path(given)
        if path.is_dir():
            files, unreadable, skipped = _walk(path)
            _report_skipped(given, skipped)
            yield from unreadable
            if not files and not unreadable:
                yield InputError(given, "directory holds no .txt, .html, .htm or .jsonl files")
            for file in files:
                yield from guarded(str(file), lambda f=file: _articles_from_file(f, settings))
        elif path.is_file():
            yield from guarded(given, lambda: _articles_from_file(path, settings))
        else:
            yield InputError(given, "no such file or directory")


def _walk(directory: Path) -> tuple[list[Path], list[InputError], list[Path]]:
    """The article files under `directory` in sorted order, an error for each directory in it that
    cannot be read (`Path.rglob` passes over those without a word), and the files it skipped. Symlinked
    directories are not followed, so a link loop ends."""
    unreadable: list[InputError] = []

    def report(error: OSError) -> None:
        unreadable.append(InputError(error.filename or str(directory), f"cannot read directory: {error.strerror or error}"))

    files, skipped = [], []
    for root, _, names in os.walk(directory, onerror=report):
        for name in names:
            path = Path(root, name)
            if path.is_file():
                (files if path.suffix.lower() in ARTICLE_SUFFIXES or _sniffed_article(path) else skipped).append(path)
    return sorted(files), sorted(unreadable, key=lambda error: error.source), sorted(skipped)


def _sniffed_article(path: Path) -> bool:
    """A file a walk meets without an article suffix (a wget save such as `article.php?id=7`, a name with no
    suffix) is an article when it starts like an HTML page, or, without any suffix, when it is text."""
    try:
        with path.open("rb") as file:
            start = file.read(SNIFF_BYTES)
    except OSError:
        return False
    if HTML_START.match(start):
        return True
    return not path.suffix and not FEED_START.match(start) and \
        not CONTROL_CHARACTERS.search(start.decode("utf-8", errors="ignore"))  # NUL bytes are control characters too


def _report_skipped(directory: str, skipped: list[Path]) -> None:
    """Name on stderr what a walk leaves out, so that nothing is skipped without a word."""
    if not skipped:
        return
    feeds = [path for path in skipped if path.suffix.lower() in (".rss", ".atom", ".xml")]
    names = ", ".join(str(path.relative_to(directory)) for path in skipped[:SKIPPED_NAMED])
    more = f" and {len(skipped) - SKIPPED_NAMED} more" if len(skipped) > SKIPPED_NAMED else ""
    hint = f" ({len(feeds)} of them feeds: give a feed as a path of its own)" if feeds else ""
    files = "1 file that is not an article" if len(skipped) == 1 else f"{len(skipped)} files that are not articles"
    log.warning(f"{directory}: skipped {files}{hint}: {names}{more}")


def guarded(source: str, produce) -> Iterator[RawArticle | InputError]:
    """What `produce()` yields; an `InputError` or an unreadable input ends it as one error value."""
    try:
        yield from produce()
    except InputError as error:
        yield error
    except OSError as error:
        yield InputError(source, f"cannot read: {error.strerror or error}")


def _articles_from_file(path: Path, settings: Settings) -> Iterator[RawArticle | InputError]:
    size = path.stat().st_size
    if size > settings.max_bytes:
        raise InputError(str(path), f"file is {size:,} bytes, over the limit of {settings.max_bytes:,} "
                                    "(raise it with --max-bytes or VESTNIK_MAX_BYTES)")
    yield from _articles_from_bytes(str(path), path.read_bytes(), path.suffix.lower(), settings)


def _articles_from_bytes(source: str, data: bytes, suffix: str, settings: Settings) -> Iterator[RawArticle | InputError]:
    if len(data) > settings.max_bytes:
        raise InputError(source, f"input is {len(data):,} bytes, over the limit of {settings.max_bytes:,}")
    text = decode(data, source)
    if suffix == ".jsonl":
        yield from _articles_from_jsonl(source, text)
    else:
        is_html = suffix in HTML_SUFFIXES or (suffix != ".txt" and looks_like_html(text))
        yield RawArticle(source=source, content=text, is_html=is_html)


def _articles_from_jsonl(source: str, text: str) -> Iterator[RawArticle | InputError]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            yield InputError(where, f"not valid JSON ({error.msg})")
            continue
        if not isinstance(item, dict):
            yield InputError(where, "a line must be a JSON object")
            continue
        body, is_html = item.get("text"), False
        if not body and item.get("html"):
            body, is_html = item["html"], True
        if not isinstance(body, str) or not body.strip():
            yield InputError(where, "has neither a non-empty 'text' nor 'html' field")
            continue
        fields = {key: _optional_str(item.get(key)) for key in ("id", "url", "title", "published")}
        yield RawArticle(source=where, content=body, is_html=is_html, **fields)


def _optional_str(value) -> str | None:
    return None if value is None else str(value)


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head or "<head" in head


def decode(data: bytes, source: str) -> str:
    """Decode an article's bytes, or raise `InputError` for empty, binary or undecodable input."""
    if not data.strip():
        raise InputError(source, "empty file")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _checked_text(data.decode(encoding, errors="replace"), source)
    text = _utf16_without_bom(data)  # first: Cyrillic UTF-16-LE bytes are all below 0x80, i.e. "valid" UTF-8
    if text is not None:
        return _checked_text(text, source)
    try:
        return _checked_text(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise InputError(source, "binary data, not text (contains NUL bytes)")
    declared = _declared_text(data)
    if declared is not None:
        return _checked_text(declared, source)
    return _checked_text(_decode_legacy_or_mixed(data, source), source)


DECLARED_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{2,40})"""
                              rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{2,40})""", re.IGNORECASE)
"""A page's own word on its encoding: `<meta charset>`, `<meta http-equiv … content="…; charset=…">`, an XML declaration."""
BROWSER_CHARSETS = {"gb2312": "gb18030", "gbk": "gb18030", "iso-8859-1": "cp1252", "latin1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254", "shift_jis": "cp932",
                    "x-sjis": "cp932", "euc-kr": "cp949", "big5": "big5hkscs"}
"""Labels that browsers read as a superset (the WHATWG encoding standard): pages labelled with the
narrower one use the wider one's characters."""


def _declared_text(data: bytes) -> str | None:
    """The bytes decoded as the page declares, when it declares a known encoding and the bytes decode
    by it without an error; otherwise None (a wrong declaration is common, and the detector decides)."""
    found = DECLARED_CHARSET.search(data[:4096])
    if found is None:
        return None
    label = (found.group(1) or found.group(2)).decode("ascii").lower()
    try:
        return data.decode(BROWSER_CHARSETS.get(label, label))
    except (LookupError, UnicodeDecodeError):
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM has a NUL in every other byte for Latin, or 0x04 for Cyrillic."""
    if len(data) % 2:
        return None
    for encoding, high in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if high.count(0) + high.count(4) > 0.8 * len(high):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _decode_legacy_or_mixed(data: bytes, source: str) -> str:
    lines = data.splitlines(keepends=True)
    utf8_lines = [line for line in lines if _is_utf8_with_non_ascii(line)]
    legacy_bytes = b"".join(line for line in lines if not _is_utf8(line))
    encoding = _detect_legacy(legacy_bytes, source)
    if not utf8_lines:
        return data.decode(encoding, errors="replace")
    # Mixed file: keep the lines that are valid UTF-8, decode the others with the detected encoding.
    return "".join(line.decode("utf-8") if _is_utf8(line) else line.decode(encoding, errors="replace") for line in lines)


def _detect_legacy(data: bytes, source: str) -> str:
    best = charset_normalizer.from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best() or \
        charset_normalizer.from_bytes(data, cp_isolation=EAST_ASIAN_ENCODINGS).best()
    if best is None:
        raise InputError(source, "binary data or an unknown encoding (not UTF-8, UTF-16, a declared charset, "
                                 "or a Cyrillic, European or East Asian legacy encoding)")
    return best.encoding


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_with_non_ascii(line: bytes) -> bool:
    return not line.isascii() and _is_utf8(line)


def _checked_text(text: str, source: str) -> str:
    if not text.strip():
        raise InputError(source, "empty file")
    controls = len(CONTROL_CHARACTERS.findall(text))
    if controls > MAX_CONTROL_RATIO * len(text):
        raise InputError(source, f"binary data, not text ({controls} control characters)")
    return text
