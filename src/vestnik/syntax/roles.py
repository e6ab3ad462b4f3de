"""Who does what in a clause, read off the dependency parse: a predicate's subject and its phrase.

The quotation stage asks for the subject of a cue ("заяви"), the event coder for the subject
of a trigger ("задържа"). Both ask here, so the two read the parse the same way:
- the predicate is the word of the cue or trigger span that heads the others (the verb of
  "се съгласиха", the adjective of "бе категоричен");
- its subject is its `nsubj`; a predicate without one shares the subject of the verb it is
  coordinated with ("пристигна и заяви") or that it complements ("реши да подпише");
- a phrase is the subject's words without the clauses hanging on it ("X, който …").
Every function answers None when the Doc has no parse (`--no-syntax`, another language), and
the callers then use their own rules.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

SUBJECTS = ("nsubj", "csubj")
SHARED_SUBJECT = ("conj", "xcomp")
"""A predicate with one of these relations and no subject of its own takes its head's subject."""
CLAUSES = ("acl", "acl:relcl", "advcl", "ccomp", "parataxis", "punct")
"""Dependents that start a clause of their own: not part of the phrase they hang on."""


def parsed(doc: Doc) -> bool:
    return doc.has_annotation("DEP")


def predicate(doc: Doc, start: int, end: int) -> Token | None:
    """The word of the characters start–end that heads the others (None without a parse or a word there)."""
    if not parsed(doc):
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    return span.root


def subject(verb: Token) -> Token | None:
    """The verb's subject, or the subject it shares with the verb it is coordinated with or completes."""
    seen = 0
    while verb is not None and seen < 4:
        found = next((child for child in verb.children if child.dep_ in SUBJECTS), None)
        if found is not None:
            return found
        if verb.dep_ not in SHARED_SUBJECT or verb.head is verb:
            return None
        verb, seen = verb.head, seen + 1
    return None


def phrase(head: Token) -> tuple[int, int]:
    """Character offsets of the head's phrase, without the clauses that hang on it."""
    tokens = [head]
    stack = [child for child in head.children if child.dep_ not in CLAUSES]
    while stack:
        token = stack.pop()
        tokens.append(token)
        stack.extend(child for child in token.children if child.dep_ not in CLAUSES)
    first = min(tokens, key=lambda token: token.i)
    last = max(tokens, key=lambda token: token.i)
    return first.idx, last.idx + len(last.text)
