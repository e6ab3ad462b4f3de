"""Who does what in a clause, read off the dependency parse: a predicate's subject and its phrase.

The quotation stage asks for the subject of a cue ("заяви"), the event coder for the subject
of a trigger ("задържа"). Both ask here, so the two read the parse the same way:
- the predicate is the word of the cue or trigger span that heads the others (the verb of
  "се съгласиха", the adjective of "бе категоричен");
- its subject is its `nsubj`; a predicate without one shares the subject of the verb it is
  coordinated with ("пристигна и заяви") or that it complements ("реши да подпише"), or of a
  clause before it whose subject is the main clause's ("Запитан от БТА, министърът потвърди",
  "Преди да отпътува Фарадж заяви": the parser often hangs the subject on the first verb);
- a phrase is the subject's words without the clauses hanging on it ("X, който …").
Every function answers None when the Doc has no parse (`--no-syntax`, another language), and
the callers then use their own rules.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

SUBJECTS = ("nsubj", "csubj")
SHARED_SUBJECT = ("conj", "xcomp")
"""A predicate with one of these relations and no subject of its own takes its head's subject."""
PARTICIPLE_FORMS = {"Part", "Conv"}
ADJUNCT_CLAUSES = ("advcl", "ccomp", "acl", "xcomp")
RELATIVE_PRONOUNS = {"който", "която", "което", "които"}
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
        found = _own_subject(verb) or _fronted_clause_subject(verb)
        if found is not None:
            return found
        if verb.dep_ not in SHARED_SUBJECT or verb.head is verb:
            return None
        verb, seen = verb.head, seen + 1
    return None


def _own_subject(verb: Token) -> Token | None:
    """The verb's nominal subject, else its clausal one ("Това, което каза, е вярно")."""
    children = [child for child in verb.children if child.dep_ in SUBJECTS]
    return min(children, key=lambda child: SUBJECTS.index(child.dep_), default=None)


def _fronted_clause_subject(verb: Token) -> Token | None:
    """The subject that a clause before the verb carries after its own verb: a participle or gerund clause
    ("Запитан от БТА, министърът потвърди"), or any adjunct clause whose subject stands right before the verb
    ("Преди да отпътува Фарадж заяви": Bulgarian puts the main clause's subject there)."""
    for clause in verb.children:
        if clause.i < verb.i and clause.dep_ in ADJUNCT_CLAUSES:
            participle = bool(PARTICIPLE_FORMS & set(clause.morph.get("VerbForm")))
            found = next((child for child in clause.children if child.dep_.split(":")[0] == "nsubj" and child.i > clause.i
                          and (participle or max(token.i for token in child.subtree) + 1 == verb.i)), None)
            if found is not None:
                return found
    return None


def antecedent(pronoun: Token) -> Token | None:
    """What a relative pronoun as a subject stands for ("Рийс-Мог, който заяви" → "Рийс-Мог"): the noun its
    clause hangs on, the first of several joined ("Комисията и Парламентът, които посочват" → "Комисията");
    None for another word."""
    if pronoun.lower_ not in RELATIVE_PRONOUNS or pronoun.head.dep_ != "acl:relcl":
        return None
    noun = pronoun.head.head
    while noun.dep_ == "conj" and noun.head is not noun:
        noun = noun.head
    return noun


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

