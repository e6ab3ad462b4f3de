"""SlavicNER: reading the annotated articles and choosing the documents of an experiment.

Layout (see the corpus README): `raw/<topic>/<lang>/<file>.txt` is the article,
`ner/<topic>/<lang>/<file>.tsv` its mentions, one a line:
start, end (character offsets, end exclusive), surface, base form, category, cross-lingual id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LABELS = ("PER", "ORG", "LOC", "EVT", "PRO")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    lemma: str
    label: str
    id: str


@dataclass(frozen=True)
class Document:
    path: str  # as in train.txt: topic/lang/file.txt
    topic: str
    lang: str
    text: str
    mentions: tuple[Mention, ...]


class MisalignedMention(ValueError):
    """A mention whose offsets do not cut its surface form out of the raw text."""


def read_document(data: Path, relative: str) -> Document:
    topic, lang, _ = relative.split("/")
    text = (data / "raw" / relative).read_text(encoding="utf-8")
    annotations = data / "ner" / relative.removesuffix(".txt")
    mentions = []
    for number, line in enumerate(Path(f"{annotations}.tsv").read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        start, end, surface, lemma, label, identity = line.split("\t")[:6]
        mention = Mention(int(start), int(end), surface, lemma, label, identity)
        if text[mention.start:mention.end] != surface:
            raise MisalignedMention(f"{annotations}.tsv:{number}: offsets {start}-{end} give "
                                    f"{text[mention.start:mention.end]!r}, not {surface!r}")
        mentions.append(mention)
    return Document(relative, topic, lang, text, tuple(sorted(mentions, key=lambda m: (m.start, -m.end))))


def select(data: Path, split: str, langs: tuple[str, ...] = ("bg",)) -> list[str]:
    """Relative paths of the documents in `split`, for the languages `langs`:

    - `train` / `dev`: the upstream lists (in-topic condition);
    - `all`: every annotated document;
    - `topic:NAME`: every document of one topic; `no-topic:NAME`: every document of the others
      (the held-out-topic condition is `no-topic:nord_stream` → `topic:nord_stream`); several
      topics are separated by commas (`no-topic:nord_stream,covid-19` holds out both).
    """
    if split in ("train", "dev"):
        paths = (data / f"{split}.txt").read_text(encoding="utf-8").split()
    else:
        paths = sorted(str(p.relative_to(data / "raw")) for p in (data / "raw").glob("*/*/*.txt"))
        if split.startswith("topic:"):
            paths = [p for p in paths if p.split("/")[0] in split.removeprefix("topic:").split(",")]
        elif split.startswith("no-topic:"):
            paths = [p for p in paths if p.split("/")[0] not in split.removeprefix("no-topic:").split(",")]
        elif split != "all":
            raise ValueError(f"unknown split {split!r}: use train, dev, all, topic:NAME or no-topic:NAME")
    return [p for p in paths if p.split("/")[1] in langs]


def read_split(data: Path, split: str, langs: tuple[str, ...] = ("bg",)) -> Iterator[Document]:
    for relative in select(data, split, langs):
        yield read_document(data, relative)
