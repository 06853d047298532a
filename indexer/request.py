"""A search request and its evaluation: the query's hits, each facet's filter, the final hits.

A request comes from the site, the API, the CLI or a benchmark, so nothing in it is trusted:
every value is read through `limits` (bounds, known sorts, facet values as lists of strings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indexer import limits
from indexer.arrays import Hits
from indexer.facets import Facet
from indexer.query import All, Node, YearRange, advanced, bound, combine, parse
from indexer.reader import State


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    excludes: dict[str, list[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    advanced: list[tuple[str, str, str]] = field(default_factory=list)
    sort: str = limits.DEFAULT_SORT
    page: int = 1
    per_page: int = 20
    with_facets: bool = True
    facet_limit: int = 10
    with_suggestions: bool = True  # off for the zero-result page's own re-runs


@dataclass
class Computed:
    """A request evaluated: the query's hits, each facet's filter, the final hits."""

    base: np.ndarray
    scores: np.ndarray
    filters: dict[str, np.ndarray]
    final: np.ndarray
    query: str
    degraded: bool
    node: Node
    qnode: Node  # the typed query's own tree (bounded)
    extra: Node  # the rest of the request: advanced rows, years
    dropped: list[str]
    _final_hits: Hits | None = None

    def hits_for(self, name: str) -> Hits:
        """Hits with every facet filter applied except `name`'s own (facets without a filter
        of their own share one `Hits`, so its doc numbers and bitmap are computed once)."""
        if name not in self.filters:
            if self._final_hits is None:
                self._final_hits = Hits(self.final)
            return self._final_hits
        mask = self.base.copy()
        for other, fmask in self.filters.items():
            if other != name:
                mask &= fmask
        return Hits(mask)


def _years(request: Any) -> Node:
    year_from = limits.year(getattr(request, "year_from", None))
    year_to = limits.year(getattr(request, "year_to", None))
    if year_from is None and year_to is None:
        return All()
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
    return YearRange(year_from, year_to)


def _facet_filters(state: State, facets: dict[str, Facet], request: Any) -> dict[str, np.ndarray]:
    """facet → the documents its selected values keep and its excluded values do not remove."""
    selected, excluded = limits.filters(request)
    out: dict[str, np.ndarray] = {}
    for name in dict.fromkeys([*selected, *excluded]):
        facet = facets.get(name)
        if facet is None:
            continue  # an unknown facet in a URL is ignored, not an error
        mask = state.arrays.live.copy()
        if selected.get(name):
            mask &= facet.mask(state.engine, selected[name])
        if excluded.get(name):
            mask &= ~facet.mask(state.engine, excluded[name])
        out[name] = mask
    return out


def evaluate(state: State, facets: dict[str, Facet], request: Any) -> Computed:
    """Run a request's query and filters over the state's index."""
    q = request.q if isinstance(getattr(request, "q", ""), str) else ""
    parsed = parse(q)
    rows = getattr(request, "advanced", None)
    adv = advanced(list(rows) if isinstance(rows, list | tuple) else [])
    qnode, dropped = bound(parsed.node)
    extra, dropped_adv = bound(combine(adv.node, _years(request)))
    dropped += dropped_adv
    node = combine(qnode, extra)
    base, scores = state.engine.run(node)
    filters = _facet_filters(state, facets, request)
    final = base.copy()
    for mask in filters.values():
        final &= mask
    text = " ".join(t for t in (parsed.text, adv.text) if t)
    degraded = parsed.degraded or adv.degraded or bool(dropped)
    return Computed(
        base, scores, filters, final, text, degraded, node, qnode, extra, dropped
    )  # fmt: skip
