"""Web pages: the main text and metadata of an HTML article, via trafilatura.

trafilatura drops navigation, cookie banners, footers and related-link boxes, keeps data
tables as rows, and finds title, date, author and canonical url. What is written here is what
Bulgarian pages need on top: tables used for layout (old sites) unwrapped before extraction so
their text is prose, not one giant table row; the dateline and the byline read from the page's
markup when the metadata has none (htmldate does not know Bulgarian month names); and
navigation pages refused instead of stored as articles.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

import htmldate
import trafilatura
from lxml.html import HtmlElement
from trafilatura.readability_lxml import is_probably_readerable
from trafilatura.utils import load_html

from vestnik.stages.clean import author_name, byline_name, dateline_date
from vestnik.stages.ingest import InputError

MIN_ARTICLE_WORDS = 3  # what trafilatura falls back to on a page without an article is a stray link or two
DATE_SEARCH = {"extensive_search": False, "original_date": True}
"""htmldate (inside trafilatura) reads the publication date from the page's metadata and markup only: its
extensive search also takes dates out of link addresses and of the text, and so gave a page with none the
date of an article it links to, or "2025-01-01" from a headline's "Бюджет 2025". A dateline in the text is
`clean`'s to read (`CleanText.published`)."""


NAVIGATION_LINK_SHARE = 0.5
LISTING_LINK_SHARE = 0.3
LISTING_ITEM_SHARE = 0.5
LISTING_DATELINES = 3
"""A page that Mozilla's reader-mode test (trafilatura's `is_probably_readerable`: no paragraph of running text
long enough) calls unreadable is a navigation page when half its extracted text is link text (menus), or a
listing when a third is and its lines are mostly list items or carry dates of their own (headlines with
teasers). Each test alone refuses real articles (the reader-mode test 4% of trafilatura's evaluation set,
mostly short blog posts; link text alone short posts with many links); together they refuse three pages of
the 1,186 in the public test sets, all menus or listings."""


@dataclass(frozen=True)
class Page:
    text: str  # the main text, one paragraph a line, starting with the headline when the page has one
    title: str | None
    published: str | None
    author: str | None
    url: str | None


def extract_page(html: str, source: str) -> Page:
    """The article inside `html`; `InputError` when trafilatura finds none (malformed or empty page) or the page
    is navigation."""
    tree = load_html(html)  # lxml refuses a str that declares its encoding; trafilatura's loader does not
    if tree is None:
        raise InputError(source, "malformed HTML (no document in it)")
    _unwrap_layout_tables(tree)
    try:
        document = trafilatura.bare_extraction(copy.deepcopy(tree), with_metadata=True, include_comments=False,
                                               include_tables=True, date_extraction_params=DATE_SEARCH)
    except Exception as error:  # trafilatura raises lxml's and its own errors on broken markup
        raise InputError(source, f"malformed HTML ({type(error).__name__}: {error})") from error
    title = (document.title or "").strip() or None if document else None
    text = (document.text or "").strip() if document else ""
    if len(text.removeprefix(title or "").split()) < MIN_ARTICLE_WORDS:
        raise InputError(source, "HTML page with no article text in it")
    if problem := _navigation(tree, text):
        raise InputError(source, problem)
    if title and text.splitlines()[0].strip() != title:
        text = f"{title}\n{text}"
    published = document.date or _marked(tree, DATE_MARKUP, dateline_date) or _stated_date(tree)
    return Page(text=text, title=title, published=published, url=document.url,
                author=author_name(document.author) or _marked(tree, AUTHOR_MARKUP, byline_name))


BLOCKS = ".//p|.//div|.//h1|.//h2|.//h3|.//h4|.//ul|.//ol|.//blockquote|.//table"
LAYOUT_CELL_CHARS = 300


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Tables that lay out a page rather than hold data become plain blocks, so that trafilatura reads their
    text as prose: a table with no header cells or caption whose cells hold blocks (paragraphs, headings,
    other tables) or long text, as Mozilla's readability tells data tables from layout ones."""
    for table in list(tree.iter("table")):
        own = [element for element in table.iterdescendants("tr", "td", "th", "tbody", "thead", "tfoot", "caption")
               if next(element.iterancestors("table")) is table]  # not those of a table inside it
        if any(element.tag in ("th", "thead", "caption") for element in own):
            continue
        cells = [element for element in own if element.tag == "td"]
        if any(cell.xpath(BLOCKS) or len(cell.text_content()) > LAYOUT_CELL_CHARS for cell in cells):
            for element in (table, *own):
                element.tag = "div"


DATE_MARKUP = ("date", "time", "publish", "posted", "dateline")
AUTHOR_MARKUP = ("author", "byline", "editor", "writer")
"""What the class or id of an element holding a page's dateline or byline says (htmldate and trafilatura read
such elements too, but neither Bulgarian month names nor an "editor" class)."""
MARKED_TEXT_CHARS = 80


def _marked(tree: HtmlElement, marks: tuple[str, ...], read) -> str | None:
    """`read(text)` of the first short element whose class or id says it holds what `marks` name."""
    for element in tree.iter("span", "div", "p", "time", "small", "li", "em", "strong", "a"):
        names = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if not any(mark in names for mark in marks):
            continue
        text = " ".join(element.text_content().split())
        if len(text) <= MARKED_TEXT_CHARS and (found := read(text)):
            return found
    return None


def _stated_date(tree: HtmlElement) -> str | None:
    """htmldate's extensive search, which also reads dates out of the text and of link addresses, taken only
    when the page's visible text states that date in full (a day, not a year's January 1st; not only a link's
    address): what a reader would see as the page's date."""
    found = htmldate.find_date(copy.deepcopy(tree), extensive_search=True, original_date=True)
    if not found:
        return None
    visible = tree.xpath("//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")
    return found if _written(" ".join(" ".join(visible).split()), found) else None


def _written(text: str, iso: str) -> bool:
    """Whether `text` writes the date `iso` as a day: 2020-06-07, 07.06.2020, 7.6.2020, 06/07/2020, "7 юни 2020",
    "7 de junio de 2020", "June 7, 2020", "2020年6月7日"."""
    year, month, day = iso.split("-")
    m, d = int(month), int(day)
    forms = (f"{year}-{month}-{day}", f"{day}.{month}.{year}", f"{d}.{m}.{year}", f"{day}/{month}/{year}",
             f"{year}/{month}/{day}", f"{month}/{day}/{year}", f"{day}.{month}.{year[2:]}")
    return any(form in text for form in forms) or bool(
        re.search(rf"\b0?{d}\.?(?:\s+\w+\.?,?){{1,3}}\s+{year}\b|\b\w+\.?\s+0?{d},?\s+{year}\b|"
                  rf"{year}\s*年\s*0?{m}\s*月\s*0?{d}\s*日", text))


def _navigation(tree: HtmlElement, text: str) -> str | None:
    """Why the page is navigation rather than an article (`NAVIGATION_LINK_SHARE`), if it is."""
    if is_probably_readerable(tree):  # it only reads the tree
        return None
    share = _link_share(tree, text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    items = sum(line.startswith("- ") for line in lines) / max(1, len(lines))
    datelines = sum(bool(dateline_date(line)) for line in lines)
    if share >= NAVIGATION_LINK_SHARE or (share >= LISTING_LINK_SHARE and (items >= LISTING_ITEM_SHARE or
                                                                           datelines >= LISTING_DATELINES)):
        return (f"no article text: a navigation page ({share:.0%} of its text is link text, no paragraph of running "
                f"text{', mostly list items' if items >= LISTING_ITEM_SHARE else ''})")
    return None


def _link_share(tree: HtmlElement, text: str) -> float:
    """The share of the extracted text's characters that are the text of the page's links."""
    anchors = {" ".join(anchor.text_content().split()) for anchor in tree.iter("a")}
    flat = " ".join(text.split())
    length, covered = len(flat), 0
    for anchor in sorted((anchor for anchor in anchors if len(anchor) >= 4), key=len, reverse=True):
        covered += len(anchor) * flat.count(anchor)
        flat = flat.replace(anchor, " ")
    return covered / max(1, length)
