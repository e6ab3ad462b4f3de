"""What makes two articles the same text or the same story.

Near-duplicates (one story republished by several outlets) are found with MinHash LSH
from datasketch: a 128-permutation signature of word 3-shingles, cut into 16 bands of 8.
The bands are kept in the database (`lsh_buckets`) instead of datasketch's in-memory index,
so that every ingest process sees every stored article and nothing must be rebuilt at start.

Stories (articles about the same event, in different words) share what they are about:
their key entities and key content words (`story_keys`), within a few days of each other.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
from datasketch import MinHash

from vestnik.record import Article
from vestnik.store.terms import terms

PERMUTATIONS = 128
BANDS, ROWS = 16, 8  # an article becomes a candidate from about 0.7 estimated similarity
DUPLICATE_SIMILARITY = 0.8
"""Estimated Jaccard similarity of shingles from which an article is a near-duplicate of another."""
SHINGLE = 3

STORY_ENTITIES = 8  # the article's most mentioned entities
STORY_TERMS = 12  # and its most frequent content words
STORY_SIMILARITY = 0.2
"""Jaccard similarity of story keys from which two articles are the same story."""
STORY_DAYS = 3
"""Articles more than this many days apart are not the same story."""
MIN_TERM_LENGTH = 5  # stems shorter than this are mostly function words
TERM_STOPLIST = frozenset({"kato", "sled", "poved", "kazv", "zayav", "posoch", "dobav", "godin", "mnogo", "ochakv",
                           "mezhd", "samo", "vreme", "sashtata", "obache", "koyato", "koito", "koyto", "tryabv",
                           "mozhe", "shtoto", "sashto", "osven", "sprya"})
"""Frequent stems of reporting and filler words that say nothing of the story."""


def signature(text: str) -> np.ndarray:
    words = terms(text)
    shingles = {" ".join(words[i:i + SHINGLE]).encode("utf-8") for i in range(max(1, len(words) - SHINGLE + 1))}
    minhash = MinHash(num_perm=PERMUTATIONS, seed=1)
    minhash.update_batch(list(shingles))
    return minhash.hashvalues.astype(np.uint32)


def signature_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def buckets(values: np.ndarray) -> list[tuple[int, str]]:
    """(band, bucket) pairs: two articles sharing one are near-duplicate candidates."""
    return [(band, hashlib.blake2b(values[band * ROWS:(band + 1) * ROWS].astype("<u4").tobytes(), digest_size=8).hexdigest())
            for band in range(BANDS)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two articles' shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)


def story_keys(record: Article) -> set[str]:
    """What the article is about: "e:" + its most mentioned entity ids, "t:" + its most frequent content stems."""
    mentioned = Counter(mention.id for mention in record.entities)
    keys = {"e:" + entity_id for entity_id, _ in mentioned.most_common(STORY_ENTITIES)}
    inside_names = {i for mention in record.entities for i in range(mention.start, mention.end)}
    words = Counter(term for term in terms(_outside(record.text, inside_names))
                    if len(term) >= MIN_TERM_LENGTH and not term.isdigit() and term not in TERM_STOPLIST)
    keys |= {"t:" + term for term, _ in words.most_common(STORY_TERMS)}
    return keys


def _outside(text: str, positions: set[int]) -> str:
    """The text with the named entities blanked out: their words already count as entity keys."""
    return "".join(" " if i in positions else character for i, character in enumerate(text))
