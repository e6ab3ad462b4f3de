"""`vestnik eval pages`: vestnik's text and publication date of real saved pages, beside the libraries'.

Two public test sets, read from `../shared/pages` (never copied into the project):

- trafilatura's evaluation set: for each page, snippets the main text must contain ("with") and
  must not ("without"). Scored as trafilatura scores itself (`tests/comparison.py`): a "with"
  snippet found is a true positive, missed a false negative; a "without" snippet found a false
  positive, absent a true negative. vestnik's text is the record's cleaned `text`, from the file as
  `vestnik analyze` reads it; the baseline is plain `trafilatura.extract` of the same bytes.
- htmldate's media-cloud set: each page's expected publication date, against the record's
  `published` and plain `htmldate.find_date` (its defaults); the dates trafilatura's set gives
  are a second check. A date that is there but wrong is counted apart from no date at all: an
  invented date misleads a reader, a missing one only leaves a field empty.

Both systems get the file and no url, as a user who saved pages would.

Bulgarian layouts, which those sets lack, are scored on pages written here (`tests/data/pages-bg`, the dev
set the furniture rules were written against; `eval/pages-bg-blind`, scored only with `--blind`), each with
its expected snippets, furniture, headline, date and author.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import htmldate
import trafilatura

from vestnik.config import Settings
from vestnik.pipeline import Prepared, prepare
from vestnik.stages.ingest import read_inputs

CHECKOUT = Path(__file__).resolve().parents[3]
BULGARIAN_PAGES = {"dev": CHECKOUT / "tests" / "data" / "pages-bg", "blind": CHECKOUT / "eval" / "pages-bg-blind"}


@dataclass
class SnippetScore:
    """trafilatura's four counts for one system."""

    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    true_negatives: int = 0

    def add(self, text: str, item: dict) -> None:
        text = _comparable(text)
        for snippet in item.get("with", ()):
            found = _comparable(snippet) in text
            self.true_positives += found
            self.false_negatives += not found
        for snippet in item.get("without", ()):
            found = _comparable(snippet) in text
            self.false_positives += found
            self.true_negatives += not found

    def row(self, name: str) -> str:
        tp, fn, fp, tn = self.true_positives, self.false_negatives, self.false_positives, self.true_negatives
        precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        return (f"| {name} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {(tp + tn) / max(1, tp + fn + fp + tn):.3f} | "
                f"{tp / max(1, tp + fn):.1%} | {fp / max(1, fp + tn):.1%} |")


@dataclass
class DateScore:
    """Publication dates of one system: right (a page without one included, when none is given), wrong (given
    but not the page's, or given where the page has none: invented), missing."""

    right: int = 0
    wrong: int = 0
    invented: int = 0  # of the wrong ones: a date for a page that has none
    missing: int = 0
    wrong_examples: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, found: str | None, expected: str | None, page: str) -> None:
        if found == expected:
            self.right += 1
        elif found is None:
            self.missing += 1
        else:
            self.wrong += 1
            self.invented += expected is None
            self.wrong_examples.append((page, expected or "none", found))

    @property
    def pages(self) -> int:
        return self.right + self.wrong + self.missing

    def row(self, name: str) -> str:
        return (f"| {name} | {self.right} | {self.wrong} ({self.invented} invented) | {self.missing} | "
                f"{self.right / max(1, self.pages):.3f} |")


@dataclass
class LayoutScore:
    """The hand-written Bulgarian pages: what came out of each against its `expected.json`."""

    pages: int = 0
    articles: int = 0
    not_articles: int = 0
    refused_right: int = 0  # pages without an article that were refused
    refused_wrong: int = 0  # articles that were refused
    snippets: int = 0
    kept: int = 0
    furniture: int = 0
    leaked: int = 0
    fields: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("title", "published", "author"), 0))
    errors: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, expected: dict, page: Prepared | str) -> None:
        self.pages += 1
        if not expected["article"]:
            self.not_articles += 1
            self.refused_right += isinstance(page, str)
            if not isinstance(page, str):
                self.errors.append((name, "an article was made of a page without one"))
            return
        self.articles += 1
        if isinstance(page, str):
            self.refused_wrong += 1
            self.errors.append((name, f"refused: {page}"))
            return
        text = page.cleaned.text
        missing = [snippet for snippet in expected["must_contain"] if _comparable(snippet) not in _comparable(text)]
        leaked = [snippet for snippet in expected["must_not_contain"] if snippet in text]
        self.snippets, self.kept = self.snippets + len(expected["must_contain"]), self.kept + len(expected["must_contain"]) - len(missing)
        self.furniture, self.leaked = self.furniture + len(expected["must_not_contain"]), self.leaked + len(leaked)
        found = {"title": page.cleaned.title, "published": _published(page), "author": page.author}
        for key, value in found.items():
            self.fields[key] += value == expected[key]
            if value != expected[key]:
                self.errors.append((name, f"{key} {value!r}, expected {expected[key]!r}"))
        self.errors += [(name, f"missing {snippet!r}") for snippet in missing] + [(name, f"leaked {snippet!r}") for snippet in leaked]

    def table(self, name: str) -> str:
        share = _share
        return "\n".join([
            f"Bulgarian layouts, {name} ({self.pages} hand-written pages, {self.not_articles} without an article):", "",
            "| measure | result |", "|---|---|",
            f"| pages without an article refused | {share(self.refused_right, self.not_articles)} |",
            f"| articles refused | {self.refused_wrong} |",
            f"| expected snippets kept | {share(self.kept, self.snippets)} |",
            f"| furniture leaked into the text | {share(self.leaked, self.furniture)} |",
            *(f"| {key} right | {share(right, self.articles)} |" for key, right in self.fields.items())])


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / max(1, whole):.0%})"


def score_layouts(folder: Path, settings: Settings) -> LayoutScore:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    score = LayoutScore()
    for name, item in sorted(expected.items()):
        score.add(name, item, _vestnik_page(folder / name, settings))
    return score


@dataclass
class PagesReport:
    text_pages: int
    text: dict[str, SnippetScore]
    dates: dict[str, dict[str, DateScore]]  # test set → system → score
    refused: list[tuple[str, str]]  # pages of trafilatura's set vestnik refused, with the reason
    layouts: tuple[str, LayoutScore]  # which set of the Bulgarian pages, and its score

    def table(self) -> str:
        rows = [(f"main text, trafilatura's evaluation set ({self.text_pages} pages; "
                 f"{len(self.refused)} refused by vestnik as having no article):"), "",
                "| system | precision | recall | F1 | accuracy | expected snippets kept | unwanted snippets leaked |",
                "|---|---|---|---|---|---|---|"]
        rows += [score.row(name) for name, score in self.text.items()]
        for test_set, scores in self.dates.items():
            rows += ["", f"publication date, {test_set} ({scores['vestnik'].pages} pages):", "",
                     "| system | right | wrong (of them invented: a date for a page with none) | missing | accuracy |",
                     "|---|---|---|---|---|"]
            rows += [score.row(name) for name, score in scores.items()]
        return "\n".join(rows) + "\n\n" + self.layouts[1].table(self.layouts[0])

    def figures(self) -> dict[str, float]:
        vestnik = self.text["vestnik"]
        tp, fn = vestnik.true_positives, vestnik.false_negatives
        fp, tn = vestnik.false_positives, vestnik.true_negatives
        dates = self.dates["htmldate media-cloud"]["vestnik"]
        return {"pages text F1": round(2 * tp / max(1, 2 * tp + fp + fn), 4),
                "pages unwanted left out": round(tn / max(1, fp + tn), 4),
                "pages date accuracy": round(dates.right / max(1, dates.pages), 4)}


def _comparable(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _vestnik_page(path: Path, settings: Settings) -> Prepared | str:
    """The prepared page as `vestnik analyze` would make it, or the reason it was refused."""
    [item] = list(prepare(read_inputs([str(path)], settings), settings))
    return item if isinstance(item, Prepared) else item.reason


def score_text(pages: Path, settings: Settings, limit: int | None = None) -> tuple[int, dict[str, SnippetScore], list]:
    items = json.loads((pages / "trafilatura-eval" / "evaldata.json").read_text(encoding="utf-8"))
    scores = {"vestnik": SnippetScore(), "trafilatura.extract": SnippetScore()}
    refused, count = [], 0
    for item in list(items.values())[:limit]:
        path = _page_file(pages / "trafilatura-eval", item["file"])
        if path is None:
            continue
        count += 1
        page = _vestnik_page(path, settings)
        if isinstance(page, str):
            refused.append((item["file"], page))
        scores["vestnik"].add("" if isinstance(page, str) else page.cleaned.text, item)
        scores["trafilatura.extract"].add(trafilatura.extract(path.read_bytes()) or "", item)
    return count, scores, refused


def _page_file(folder: Path, name: str) -> Path | None:
    for sub in ("eval", "cache"):
        if (folder / sub / name).is_file():
            return folder / sub / name
    return None


def score_dates(cases: Iterable[tuple[Path, str]], settings: Settings) -> dict[str, DateScore]:
    """(page file, expected ISO date) pairs, scored for vestnik and for plain htmldate."""
    systems: dict[str, Callable[[Path], str | None]] = {
        "vestnik": lambda path: _published(_vestnik_page(path, settings)),
        "htmldate.find_date": lambda path: htmldate.find_date(path.read_bytes()),
    }
    scores = {name: DateScore() for name in systems}
    for path, expected in cases:
        for name, system in systems.items():
            scores[name].add(system(path), expected, path.name)
    return scores


def _published(page: Prepared | str) -> str | None:
    return page.published.isoformat() if isinstance(page, Prepared) and page.published else None


def date_cases(pages: Path, limit: int | None = None) -> dict[str, list[tuple[Path, str]]]:
    mediacloud = pages / "htmldate-mediacloud"
    expected = json.loads((mediacloud / "expected-dates.json").read_text(encoding="utf-8"))
    cloud = [(mediacloud / item["file"], item["date"] if isinstance(item["date"], str) else None)  # NaN: the page has none
             for item in expected.values() if (mediacloud / item["file"]).is_file()]
    evaluation = json.loads((pages / "trafilatura-eval" / "evaldata.json").read_text(encoding="utf-8"))
    dated = [(path, item["date"]) for item in evaluation.values()
             if item.get("date") and (path := _page_file(pages / "trafilatura-eval", item["file"]))]
    return {"htmldate media-cloud": cloud[:limit], "trafilatura's set (dated pages)": dated[:limit]}


def evaluate_pages(pages: Path, settings: Settings | None = None, limit: int | None = None,
                   blind: bool = False) -> PagesReport:
    """Both public sets, and the Bulgarian pages' dev set (or, `blind`, their blind set)."""
    settings = settings or Settings()
    for needed in ("trafilatura-eval/evaldata.json", "htmldate-mediacloud/expected-dates.json"):
        if not (pages / needed).is_file():
            raise ValueError(f"{pages / needed} not found: give the test sets' directory with --pages")
    count, text, refused = score_text(pages, settings, limit)
    dates = {name: score_dates(cases, settings) for name, cases in date_cases(pages, limit).items()}
    which = "blind" if blind else "dev"
    return PagesReport(count, text, dates, refused, (which, score_layouts(BULGARIAN_PAGES[which], settings)))
