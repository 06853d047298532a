"""What a search offers besides its hits: when it finds nothing, a spelling correction or the
query without the one word that empties it; while a visitor types, completions (autocomplete).

Corrections are bounded, so that a query of fifty unknown words costs what a query of a few
does (issue: 50 misspelled words took 1.5 s in this path, 9.8 s with filters).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from indexer import analysis, limits
from indexer.engine import Engine
from indexer.query import And, Node, Phrase, Prefix, Term, combine, parse, query_words

if TYPE_CHECKING:
    from indexer.reader import State
    from indexer.request import Computed

SUGGEST_FIELDS = ("all", "title", "subject", "abstract")
MAX_CHECKED = 8  # words whose frequency is looked up for a correction
MAX_CORRECTED = 3  # words given a correction (each a walk of the spelling vocabulary)
MAX_DROPPED = 4  # words tried one at a time for « sans ce mot »
COMPLETED_FIELDS = (("descriptor", "f_descriptor"), ("author", "f_author"))


def for_nothing_found(state: State, computed: Computed) -> tuple[str | None, list]:
    """A request that found nothing: its correction, and each word whose removal finds hits."""
    engine = state.engine
    suggestion = did_you_mean(engine, state.arrays.leaves, computed.node, computed.query)
    keep = state.arrays.live.copy()
    for mask in computed.filters.values():
        keep &= mask
    return suggestion, without_one_word(
        engine, computed.qnode, computed.extra, keep, computed.query
    )


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
        if best and best != analysis.fold_letters(word):
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
    folded = analysis.fold_letters(word)
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


# -- autocomplete --------------------------------------------------------------------------------
def autocomplete(state: State, prefix: Any, limit: Any = 10) -> list[dict]:
    """Titles, authors and descriptors starting with `prefix` (a word start matches too),
    taken in turn from each kind."""
    if not isinstance(prefix, str):
        return []
    wanted = analysis.fold_letters(analysis.nfc(limits.starts_with(prefix))).strip()
    limit = limits.bounded(limit, 10, limits.MAX_PER_PAGE)
    if len(wanted) < 2:
        return []
    groups = [_title_completions(state, wanted, limit)]
    for kind, field_name in COMPLETED_FIELDS:
        counts = state.arrays.fields[field_name].counts(state.arrays.live)
        found = [
            (int(counts[i]), label)
            for i, (key, label) in enumerate(_folded_vocab(state, field_name))
            if counts[i] and (key.startswith(wanted) or f" {wanted}" in key)
        ]
        found.sort(key=lambda x: (-x[0], x[1]))
        groups.append([{"kind": kind, "label": label} for _, label in found[:limit]])
    out: list[dict] = []
    while len(out) < limit and any(groups):
        for group in groups:
            if group and len(out) < limit:
                out.append(group.pop(0))
    return out


def _folded_vocab(state: State, field_name: str) -> list[tuple[str, str]]:
    def compute() -> list[tuple[str, str]]:
        arrays = state.arrays.fields[field_name]
        keys = arrays.vocab.derived(
            "fold-words", lambda v: analysis.fold_letters(v).replace(",", " ")
        )
        return list(zip(keys[: arrays.size], arrays.vocab.values[: arrays.size], strict=True))

    return state.arrays.cached(f"folded:{field_name}", compute)


def _title_completions(state: State, wanted: str, limit: int) -> list[dict]:
    arrays = state.arrays.fields["s_title"]
    values = arrays.vocab.values[: arrays.size]
    matching = [i for i, v in enumerate(values) if v.startswith(wanted) or f" {wanted}" in v]
    if not matching:
        return []
    value_mask = np.zeros(arrays.size, dtype=bool)
    value_mask[matching] = True
    entries = value_mask[arrays.vals] & state.arrays.live[arrays.docs]
    docs = arrays.docs[entries]
    # the titles of the newest records first
    docs = docs[np.argsort(-state.arrays.record_ids()[docs])]
    out, seen = [], set()
    for doc in docs:
        title = state.stored(int(doc)).get("title", "")
        if title and title not in seen:
            seen.add(title)
            out.append({"kind": "title", "label": title})
            if len(out) >= limit:
                break
    return out
