"""Evaluating a query tree with numpy: a boolean mask of hits and a BM25F score per document.

Whoosh scores one hit at a time in Python (p95 200 ms at 100k records before any facet); here a
term's postings are read as arrays and scored at once, so the cost follows the number of
posting blocks, not of hits, and the full hit set needed by the facets comes for free. Phrases
(and compound words such as "Saint-Omer") still use Whoosh's positional matching.

Scoring: BM25 per field, summed with per-field boosts (title ×3, subject ×2): BM25F. A free word
("all") is looked for in every default field (schema.DEFAULT_FIELDS), each with its own analysis
(names are folded, not stemmed).
"""

from __future__ import annotations

import functools
import math
from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh import query as wq

from catalogue.dedupe import normalise_isbn, normalise_issn
from indexer import analysis
from indexer.arrays import ReaderArrays
from indexer.query import All, And, Node, Not, Or, Phrase, Prefix, Term, YearRange
from indexer.schema import DEFAULT_FIELDS, FACET_FIELDS, PAIR_FIELDS, TEXT_FIELDS, pair_term

K1 = 1.2
B = 0.75
MAX_EXPANSION = 200
# Weight of a pair of query words found side by side in a title or subject, against one word.
PROXIMITY = 1.0
# Weight of the query being a whole descriptor or keyword of the record (HEADING_FIELDS).
HEADING = 1.0
HEADING_FIELDS = ("descriptor", "keyword")
_CACHE_SIZE = 32
WORDS_CACHE_BYTES = 16 << 20  # per engine (one index generation, one process)

Result = tuple[np.ndarray, np.ndarray]  # (mask, scores), both over document numbers


class Engine:
    """Evaluates query trees against one reader's arrays (and its Whoosh searcher for phrases)."""

    def __init__(self, arrays: ReaderArrays, searcher: Any) -> None:
        self.arrays = arrays
        self.searcher = searcher
        self.n = arrays.n
        self.live_count = max(int(arrays.live.sum()), 1)
        self._scores: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._words: OrderedDict[tuple[str, str, bool], tuple[np.ndarray, np.ndarray]] = (
            OrderedDict()
        )
        self._words_bytes = 0
        self._years: np.ndarray | None = None
        # memoised bonuses of query words: as whole headings, as pairs side by side
        self._headings: dict[tuple[str, ...], tuple[np.ndarray, float] | None] = {}
        self._near: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray] | None] = {}

    # -- public -----------------------------------------------------------------------------
    def run(self, node: Node) -> Result:
        """Hits (live documents only) and their scores; a neutral tree matches everything."""
        found = self.evaluate(node)
        if found is None:
            return self.arrays.live.copy(), np.zeros(self.n, dtype=np.float32)
        mask, scores = found
        heading = self._heading_bonus(node)
        if heading is not None:
            ids, bonus = heading
            scores = scores.copy()
            scores[ids] += np.where(mask[ids], bonus, 0).astype(np.float32)
        return mask & self.arrays.live, scores

    def _heading_bonus(self, node: Node) -> tuple[np.ndarray, float] | None:
        """Free words that are the whole of a descriptor or keyword of a record ("jeunesse",
        "politique de la ville"): the documentalist said the record is about that, which
        outweighs the same words in a title; scored as a subject term of that rarity.
        (doc numbers, bonus), memoised per query words (visitors repeat their queries)."""
        items = node.items if isinstance(node, And) else (node,)
        words = tuple(i.text for i in items if isinstance(i, Term | Phrase) and i.field == "all")
        if not words or any(not isinstance(i, Term | Phrase | Not) for i in items):
            return None
        if words not in self._headings:
            if len(self._headings) >= _CACHE_SIZE:
                self._headings.pop(next(iter(self._headings)))
            self._headings[words] = self._heading_docs(words)
        return self._headings[words]

    def _heading_docs(self, words: tuple[str, ...]) -> tuple[np.ndarray, float] | None:
        keys = {
            (mode, tuple(t for w in words for t in _query_terms(w, mode)))
            for mode in ("stem", "stem_en")
        }
        found = []
        for name in HEADING_FIELDS:
            wfield = FACET_FIELDS[name]
            arrays = self.arrays.fields[wfield]
            index = self.arrays.cached(f"headings:{name}", lambda a=arrays: _headings(a))
            for value in (v for key in keys for v in index.get(key, ())):
                # the value's postings, not docs_with: that scans every entry of the field
                found.append(self.arrays.postings(wfield, value, False)[0])
        ids = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int32)
        ids = ids[self.arrays.live[ids]]
        if not len(ids):
            return None
        idf = math.log(1 + (self.live_count - len(ids) + 0.5) / (len(ids) + 0.5))
        return ids, HEADING * DEFAULT_FIELDS["subject"] * idf

    @property
    def years(self) -> np.ndarray:
        """Document → year (0 when unknown)."""
        if self._years is None:
            arrays = self.arrays.fields["f_year"]
            table = np.array([int(v) for v in arrays.vocab.values[: arrays.size]] or [0])
            first = arrays.first(self.n)
            self._years = np.where(first >= 0, table[np.maximum(first, 0)], 0).astype(np.int32)
        return self._years

    def doc_frequency(self, field: str, text: str) -> int:
        """Documents holding `text` (for suggestions); -1 when it has no indexable word."""
        found = self.words(field, text, phrase=False)
        return -1 if found is None else int((found[0] & self.arrays.live).sum())

    # -- evaluation -------------------------------------------------------------------------
    def evaluate(self, node: Node) -> Result | None:
        if isinstance(node, All):
            return self.arrays.live.copy(), np.zeros(self.n, dtype=np.float32)
        if isinstance(node, Term):
            return self.words(node.field, node.text, phrase=False)
        if isinstance(node, Phrase):
            return self.words(node.field, node.text, phrase=True)
        if isinstance(node, Prefix):
            return self.prefix(node.field, node.text)
        if isinstance(node, YearRange):
            years = self.years
            mask = years > 0
            if node.low is not None:
                mask &= years >= node.low
            if node.high is not None:
                mask &= years <= node.high
            return mask, np.zeros(self.n, dtype=np.float32)
        if isinstance(node, Not):
            inner = self.evaluate(node.item)
            if inner is None:
                return None
            return self.arrays.live & ~inner[0], np.zeros(self.n, dtype=np.float32)
        if isinstance(node, And):
            return self._and(node)
        if isinstance(node, Or):
            return self._or(node)
        return None

    def _and(self, node: And) -> Result | None:
        mask: np.ndarray | None = None
        scores = np.zeros(self.n, dtype=np.float32)
        excluded = np.zeros(self.n, dtype=bool)
        any_negative = False
        # "politique de la ville": names keep "de" and "la" (authors, publishers), so ANDed
        # they would demand a "de" in a name; among other words they are dropped
        items = tuple(i for i in node.items if not _is_stop_word(i))
        if not any(not isinstance(i, Not) for i in items):
            items = node.items
        for item in items:
            if isinstance(item, Not):
                inner = self.evaluate(item.item)
                if inner is not None:
                    excluded |= inner[0]
                    any_negative = True
                continue
            found = self.evaluate(item)
            if found is None:
                continue
            mask = found[0].copy() if mask is None else mask & found[0]
            scores += found[1]
        if mask is None:
            if not any_negative:
                return None
            mask = self.arrays.live.copy()
        mask &= ~excluded
        near = self._proximity(items)
        if near is not None:
            scores[near[0]] += near[1]
        return mask, np.where(mask, scores, 0).astype(np.float32)

    def _proximity(self, items: tuple[Node, ...]) -> tuple[np.ndarray, np.ndarray] | None:
        """A bonus for free words typed one after the other that a title or a subject holds
        side by side ("politique de la ville" in a descriptor, not scattered in a note): each
        such pair scores as a rare term of that field would (its pair postings' idf).
        (doc numbers, bonuses), memoised per query words."""
        words = tuple(i.text for i in items if isinstance(i, Term) and i.field == "all")
        if len(words) < 2:
            return None
        if words not in self._near:
            if len(self._near) >= _CACHE_SIZE:
                self._near.pop(next(iter(self._near)))
            bonus = self._pair_bonus(words)
            ids = np.flatnonzero(bonus)
            self._near[words] = (ids, bonus[ids]) if len(ids) else None
        return self._near[words]

    def _pair_bonus(self, words: tuple[str, ...]) -> np.ndarray:
        bonus = np.zeros(self.n, dtype=np.float32)
        for first, second in zip(words, words[1:], strict=False):
            for field in PAIR_FIELDS:
                best = np.zeros(self.n, dtype=np.float32)
                pairs: set[str] = set()  # French with French, English with English
                for mode in ("stem", "stem_en"):
                    a, b = _query_terms(first, mode), _query_terms(second, mode)
                    if a and b:
                        pairs.add(pair_term(field, a[-1], b[0], mode))
                for pair in pairs:
                    ids, _ = self.arrays.postings("pairs", pair, False)
                    if len(ids):
                        idf = math.log(1 + (self.live_count - len(ids) + 0.5) / (len(ids) + 0.5))
                        best[ids] = np.maximum(best[ids], PROXIMITY * DEFAULT_FIELDS[field] * idf)
                bonus += best
        return bonus

    def _or(self, node: Or) -> Result | None:
        mask = np.zeros(self.n, dtype=bool)
        scores = np.zeros(self.n, dtype=np.float32)
        seen = False
        for item in node.items:
            found = self.evaluate(item)
            if found is None:
                continue
            seen = True
            mask |= found[0]
            scores += found[1]
        return (mask, scores) if seen else None

    # -- leaves -----------------------------------------------------------------------------
    def term_scores(self, wfield: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(doc numbers, BM25 scores) of one analysed term in one field, memoised."""
        key = (wfield, term)
        found = self._scores.get(key)
        if found is not None:
            return found
        ids, tf = self.arrays.postings(wfield, term)
        if len(ids):
            lengths, mean = self.arrays.lengths(wfield)
            df = len(ids)
            idf = math.log(1 + (self.live_count - df + 0.5) / (df + 0.5))
            dl = lengths[ids]
            scores = (idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / mean))).astype(np.float32)
        else:
            scores = np.zeros(0, dtype=np.float32)
        if len(self._scores) >= _CACHE_SIZE:
            self._scores.pop(next(iter(self._scores)))
        self._scores[key] = (ids, scores)
        return ids, scores

    def _in_field(self, field: str, text: str, boost: float = 1.0) -> Result | None:
        """`text` in one field, in any of its analyses (French, English): the best of them."""
        found: Result | None = None
        for mode, terms in _query_variants(text, TEXT_FIELDS[field][1]):
            part = self._terms_in_field(field, terms, boost, mode)
            part = (part[0], np.where(part[0], part[1], 0).astype(np.float32))
            found = part if found is None else (found[0] | part[0], np.maximum(found[1], part[1]))
        return found

    def _terms_in_field(
        self, field: str, terms: tuple[str, ...], boost: float, mode: str
    ) -> Result:
        """All the terms in one field, adjacent when there are several (a phrase)."""
        wfield = TEXT_FIELDS[field][0]
        mask = np.ones(self.n, dtype=bool)
        scores = np.zeros(self.n, dtype=np.float32)
        for term in terms:
            ids, sc = self.term_scores(wfield, term)
            term_mask = np.zeros(self.n, dtype=bool)
            term_mask[ids] = True
            mask &= term_mask
            scores[ids] += boost * sc
        if len(terms) > 1 and mask.any():
            phrase_mask = np.zeros(self.n, dtype=bool)
            if field in PAIR_FIELDS:
                phrase_mask[:] = True
                for first, second in zip(terms, terms[1:], strict=False):
                    pair = np.zeros(self.n, dtype=bool)
                    pair[
                        self.arrays.postings("pairs", pair_term(field, first, second, mode), False)[
                            0
                        ]
                    ] = True
                    phrase_mask &= pair
            else:
                phrase_mask[list(self.searcher.docs_for_query(wq.Phrase(wfield, terms)))] = True
            mask &= phrase_mask
        return mask, scores

    def _one_term_anywhere(self, text: str) -> Result | None:
        """A one-term word in every default field: the union built on doc numbers directly,
        two arrays instead of several per field (most query words are such words)."""
        mask = np.zeros(self.n, dtype=bool)
        scores = np.zeros(self.n, dtype=np.float32)
        seen = False
        for name, boost in DEFAULT_FIELDS.items():
            wfield, mode = TEXT_FIELDS[name]
            variants = list(dict.fromkeys(t[0] for _, t in _query_variants(text, mode)))
            if not variants:
                continue
            seen = True
            ids, sc = self.term_scores(wfield, variants[0])
            if len(variants) > 1:  # French and English stems: a document scores its best one
                ids, sc = _best_of(self.n, (ids, sc), self.term_scores(wfield, variants[1]))
            mask[ids] = True
            scores[ids] += boost * sc
        return (mask, scores) if seen else None

    def words(self, field: str, text: str, phrase: bool) -> Result | None:
        """A typed word or a quoted phrase in a field; in "all", in any default field.

        Visitors ask for the same words again and again: each word's hits are kept (as doc
        numbers and scores, least recently used first out, within WORDS_CACHE_BYTES), which
        spares the union over the default fields.
        """
        key = (field, text, phrase)
        found = self._words.get(key)
        if found is None:
            result = self._words_uncached(field, text, phrase)
            if result is None:
                return None
            ids = np.flatnonzero(result[0])
            found = (ids.astype(np.int32), result[1][ids])
            self._words[key] = found
            self._words_bytes += found[0].nbytes + found[1].nbytes
            while self._words_bytes > WORDS_CACHE_BYTES and len(self._words) > 1:
                _, (old_ids, old_scores) = self._words.popitem(last=False)
                self._words_bytes -= old_ids.nbytes + old_scores.nbytes
        else:
            self._words.move_to_end(key)
        mask = np.zeros(self.n, dtype=bool)
        scores = np.zeros(self.n, dtype=np.float32)
        mask[found[0]] = True
        scores[found[0]] = found[1]
        return mask, scores

    def _words_uncached(self, field: str, text: str, phrase: bool) -> Result | None:
        if field == "isbn":
            return self.identifier(text)
        if field == "year":
            return None
        if field != "all":
            found = self._in_field(field if field in TEXT_FIELDS else "title", text)
        elif all(
            len(t) <= 1 for f in DEFAULT_FIELDS for _, t in _query_variants(text, TEXT_FIELDS[f][1])
        ):
            found = self._one_term_anywhere(text)
        else:
            found = None
            for name, boost in DEFAULT_FIELDS.items():
                part = self._in_field(name, text, boost)
                if part is None:
                    continue
                if found is None:
                    found = (part[0].copy(), part[1].copy())
                else:
                    found[0][:] |= part[0]
                    found[1][:] += part[1]
        if found is not None:
            found = (found[0], np.where(found[0], found[1], 0).astype(np.float32))
        if field == "all" and not phrase and _looks_like_identifier(text):
            ident = self.identifier(text)
            if ident is not None:
                if found is None:
                    return ident
                return found[0] | ident[0], found[1] + ident[1]
        return found

    def identifier(self, text: str) -> Result | None:
        value = text.strip()
        candidates = {
            normalise_isbn(value),
            "".join(c for c in value if c.isalnum()).lower(),
            normalise_issn(value).replace("-", "").lower(),
        } - {""}
        if not candidates:
            return None
        arrays_mask = np.zeros(self.n, dtype=bool)
        for candidate in candidates:
            ids, _ = self.arrays.postings("isbn", candidate, weights=False)
            arrays_mask[ids] = True
        return arrays_mask, np.where(arrays_mask, 10.0, 0).astype(np.float32)

    def prefix(self, field: str, text: str) -> Result | None:
        """Whole words of the spelling field that start with `text`, analysed for the field."""
        if field == "isbn":
            return self.identifier(text)
        folded = analysis.fold_letters(text.strip())
        if not folded:
            return None
        words: set[str] = set()
        for segreader, _ in self.arrays.leaves:
            for word in segreader.expand_prefix("spell", folded):
                words.add(word.decode("utf-8") if isinstance(word, bytes) else word)
                if len(words) >= MAX_EXPANSION:
                    break
        fields = (
            DEFAULT_FIELDS if field == "all" else {field if field in TEXT_FIELDS else "title": 1.0}
        )
        mask = np.zeros(self.n, dtype=bool)
        scores = np.zeros(self.n, dtype=np.float32)
        for name, boost in fields.items():
            wfield, mode = TEXT_FIELDS[name]
            terms = {t for w in words for _, v in _query_variants(w, mode) for t in v}
            if not terms:  # digits, short words, notes: the field's own terms
                for segreader, _ in self.arrays.leaves:
                    for term in segreader.expand_prefix(wfield, folded):
                        terms.add(term.decode("utf-8") if isinstance(term, bytes) else term)
                        if len(terms) >= MAX_EXPANSION:
                            break
            for term in terms:
                ids, sc = self.term_scores(wfield, term)
                mask[ids] = True
                scores[ids] = np.maximum(scores[ids], boost * sc)
        return mask, scores


def _is_stop_word(node: Node) -> bool:
    """A free word that text fields drop as a stop word ("de", "la", "l'"; in English records
    "of", "the" too: English analysis drops both lists)."""
    return (
        isinstance(node, Term)
        and node.field == "all"
        and not _query_terms(node.text, "stem_en")
        and bool(_query_terms(node.text, "name"))
    )


def _looks_like_identifier(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    return digits >= 7 and all(c.isdigit() or c in "-xX " for c in text.strip())


@functools.lru_cache(maxsize=4096)
def _query_terms(text: str, mode: str) -> tuple[str, ...]:
    """A query word's terms: the same word is analysed once, not once per field it is sought in."""
    return tuple(analysis.terms(text, mode))


@functools.lru_cache(maxsize=4096)
def _query_variants(text: str, mode: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A query word's (mode, terms) in each analysis the field's documents may have had."""
    return tuple((m, tuple(v)) for m, v in analysis.query_variants(text, mode))


def _headings(arrays: Any) -> dict[tuple[str, tuple[str, ...]], list[str]]:
    """(analysis mode, terms) of each value of a facet field → the values that have them."""
    out: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    values = arrays.vocab.values
    for mode in ("stem", "stem_en"):
        keys = arrays.vocab.derived(f"terms:{mode}", lambda v, m=mode: tuple(analysis.terms(v, m)))
        for vid, key in enumerate(keys[: arrays.size]):
            if key:
                out.setdefault((mode, key), []).append(values[vid])
    return out


def _best_of(
    n: int, first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Union of two (doc numbers, scores) postings, a document keeping its higher score."""
    if not len(second[0]):
        return first
    if not len(first[0]):
        return second
    best = np.zeros(n, dtype=np.float32)
    best[first[0]] = first[1]
    best[second[0]] = np.maximum(best[second[0]], second[1])
    ids = np.union1d(first[0], second[0])
    return ids, best[ids]
