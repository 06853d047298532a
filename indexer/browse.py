"""Lists that are not a results page: one facet's values (paged, filtered by prefix), A–Z
lists over the whole index, the themes with their counts, the latest additions and the
records similar to one."""

from __future__ import annotations

from typing import Any

import numpy as np

from indexer import analysis, limits
from indexer.facets import Facet, FacetResult
from indexer.hits import Hit, make_hits
from indexer.query import All
from indexer.reader import State
from indexer.request import evaluate
from indexer.themes import Theme

# fields whose shared values make two records similar, and their weights
SIMILAR_FIELDS = (("f_descriptor", 2.0), ("f_author", 1.5), ("f_keyword", 1.0), ("f_series", 1.0))


def facet_page(
    state: State,
    facets: dict[str, Facet],
    facet: Facet,
    request: Any,
    prefix: Any = "",
    page: Any = 1,
    per_page: Any = 50,
) -> FacetResult:
    """One facet's values for a request, filtered by prefix and paged (long facets)."""
    page = limits.bounded(page, 1, limits.MAX_PAGE)
    per_page = limits.bounded(per_page, 50, limits.MAX_FACET_LIMIT)
    computed = evaluate(state, facets, request)
    selected, excluded = limits.filters(request)
    return facet.result(
        state.engine,
        computed.hits_for(facet.name),
        selected.get(facet.name, []),
        excluded.get(facet.name, []),
        limit=per_page,
        prefix=limits.starts_with(prefix),
        offset=(page - 1) * per_page,
    )


def a_to_z(
    state: State, facet: Facet, prefix: Any = "", page: Any = 1, per_page: Any = 100
) -> FacetResult:
    """A–Z list of a facet's values over the whole index (descriptors, series, authors)."""
    page = limits.bounded(page, 1, limits.MAX_PAGE)
    per_page = limits.bounded(per_page, 100, limits.MAX_FACET_LIMIT)
    return facet.result(
        state.engine,
        state.arrays.live,
        [],
        [],
        limit=per_page,
        prefix=limits.starts_with(prefix),
        offset=(page - 1) * per_page,
        alphabetical=True,
    )


def themes(state: State | None, facet: Facet, theme_list: list[Theme]) -> list[dict]:
    """The configured themes with their record counts (0 without an index), in order."""
    counts = facet.arrays(state.engine).counts(state.arrays.live) if state else None
    return [
        {
            "value": t.value,
            "label": t.label,
            "count": int(counts[i]) if counts is not None else 0,
        }
        for i, t in enumerate(theme_list)
    ]


def latest(state: State, limit: Any = 10) -> list[Hit]:
    """The latest additions: highest record ids among live records (not the highest document
    numbers, which an edit gives to an old record)."""
    limit = limits.bounded(limit, 10, limits.MAX_PER_PAGE)
    ids = np.where(state.arrays.live, state.arrays.record_ids(), -1)
    count = min(limit, int(state.arrays.live.sum()))
    if not count:
        return []
    best = np.argpartition(-ids, count - 1)[:count]
    best = best[np.argsort(-ids[best])]
    return make_hits(state, best, np.zeros(state.arrays.n, dtype=np.float32), All())


def more_like_this(state: State, record_id: Any, limit: Any = 5) -> list[Hit]:
    """Records sharing rare descriptors, authors, keywords, series and title words."""
    limit = limits.bounded(limit, 5, limits.MAX_PER_PAGE)
    doc = state.arrays.docnum(record_id)
    if doc is None:
        return []
    n = state.arrays.n
    live_count = max(int(state.arrays.live.sum()), 1)
    scores = np.zeros(n, dtype=np.float64)
    for field_name, weight in SIMILAR_FIELDS:
        arrays = state.arrays.fields[field_name]
        own = np.unique(arrays.vals[arrays.docs == doc])
        if not len(own):
            continue
        df = arrays.counts(state.arrays.live)[own]
        idf = np.zeros(arrays.size, dtype=np.float64)
        idf[own] = weight * np.log(1 + live_count / np.maximum(df, 1))
        scores += np.bincount(arrays.docs, weights=idf[arrays.vals], minlength=n)
    title = state.stored(doc).get("title", "")
    for term in set(analysis.terms(title)):
        ids, sc = state.engine.term_scores("title", term)
        scores[ids] += sc
    scores[doc] = 0
    scores[~state.arrays.live] = 0
    candidates = np.nonzero(scores > 0)[0]
    best = candidates[np.argsort(-scores[candidates], kind="stable")][:limit]
    return make_hits(state, best, scores.astype(np.float32), All())
