"""What a search offers when it finds nothing: a spelling correction, or the query without the
one word that empties it. Both are bounded, so that a query of fifty unknown words costs what
a query of a few does (issue: 50 misspelled words took 1.5 s in this path, 9.8 s with filters).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from indexer import analysis
from indexer.engine import Engine
from indexer.query import And, Node, Phrase, Prefix, Term, combine, parse, query_words

SUGGEST_FIELDS = ("all", "title", "subject", "abstract")
MAX_CHECKED = 8  # words whose frequency is looked up for a correction
MAX_CORRECTED = 3  # words given a correction (each a walk of the spelling vocabulary)
MAX_DROPPED = 4  # words tried one at a time for « sans ce mot »


def did_you_mean(engine: Engine, leaves: list, node: Node, text: str) -> str | None:
    """Replace words absent from the index by the most frequent close term of the index."""
    changed = False
    words = [(f, w) for f, w in query_words(node) if f in SUGGEST_FIELDS][:MAX_CHECKED]
    corrected = 0
    for field_key, word in words:
        if corrected >= MAX_CORRECTED:
            break
        if engine.doc_frequency(field_key, word) != 0:
            continue
        corrected += 1
        best = closest(leaves, word)
        if best and best != analysis.fold(word):
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", best, text, count=1)
            changed = True
    if not changed:
        return None
    found, _ = engine.run(parse(text).node)
    return text if found.any() else None


def closest(leaves: list, word: str) -> str | None:
    """The most frequent spelling term within one or two edits of `word`, with the same
    first letter (None if none). Whoosh's own `terms_within` walks the on-disk term table
    in Python (0.2–0.7 s a word at 10,000 records); here each segment's words are read
    once, grouped by first letter, and compared in C by rapidfuzz."""
    folded = analysis.fold(word)
    if len(folded) < 3:
        return None
    maxdist = 1 if len(folded) <= 5 else 2
    scores: dict[str, int] = {}
    for segreader, _ in leaves:
        group = _segment_words(segreader).get(folded[0], ())
        matches = process.extract(
            folded, group, scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None
        )
        for cand, _dist, _index in matches:
            scores[cand] = scores.get(cand, 0) + segreader.doc_frequency("spell", cand)
    if not scores:
        return None
    return max(scores, key=lambda c: (scores[c], -abs(len(c) - len(folded))))


_SEGMENT_WORDS: OrderedDict[tuple[int, str], dict[str, list[str]]] = OrderedDict()
_SEGMENTS_KEPT = 64  # segments never change once written: their words are read once


def _segment_words(segreader: Any) -> dict[str, list[str]]:
    """The spelling words of one segment, by first letter."""
    key = (segreader.doc_count_all(), segreader.segment().segment_id())  # ids are random
    found = _SEGMENT_WORDS.get(key)
    if found is None:
        found = {}
        for term in segreader.lexicon("spell"):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            found.setdefault(text[:1], []).append(text)
        _SEGMENT_WORDS[key] = found
        while len(_SEGMENT_WORDS) > _SEGMENTS_KEPT:
            _SEGMENT_WORDS.popitem(last=False)
    else:
        _SEGMENT_WORDS.move_to_end(key)
    return found


def without_one_word(
    engine: Engine, qnode: Node, extra: Node, keep: np.ndarray, text: str
) -> list[tuple[str, str, int]]:
    """For a query of several AND-ed words that finds nothing: each word whose removal finds
    something, with the query text left and its hit count. `extra`: the rest of the request
    (advanced rows, years), `keep`: its facet filters."""
    if not isinstance(qnode, And):
        return []
    positives = [i for i in qnode.items if isinstance(i, Term | Phrase | Prefix)]
    if len(positives) < 2:
        return []
    out = []
    for item in positives[:MAX_DROPPED]:
        rest = tuple(i for i in qnode.items if i is not item)
        found, _ = engine.run(combine(rest[0] if len(rest) == 1 else And(rest), extra))
        total = int((found & keep).sum())
        if total:
            out.append((_typed(item), _remove(text, item), total))
    return sorted(out, key=lambda o: -o[2])


def _typed(item: Term | Phrase | Prefix) -> str:
    if isinstance(item, Phrase):
        return f'"{item.text}"'
    if isinstance(item, Prefix):
        return f"{item.text}*"
    return item.text


def _remove(text: str, item: Term | Phrase | Prefix) -> str:
    """The typed query without one of its words (with its field prefix, if it had one)."""
    word = re.escape(_typed(item))
    left = re.sub(rf"(?<!\S)(?:[\w-]+:)?{word}(?!\w)", " ", text, count=1)
    return " ".join(left.split())
