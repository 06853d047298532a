"""The one entry point of `web/` and the CLI: a request in, hits, facets and suggestions out.

A `Searcher` is a thin facade over the modules that do the work: `reader` (the live Whoosh
reader, its lock and refreshes), `request` (a request evaluated), this module (hits, facets
and ordering of a results page), `suggest` (did-you-mean, autocomplete) and `browse` (facet
pages, A–Z lists, themes, latest additions, similar records). It never raises on user input.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from indexer import browse, limits, suggest
from indexer.arrays import build_reader_arrays
from indexer.engine import Engine
from indexer.facets import FACETS, Facet, FacetResult, FacetValue, make_facets
from indexer.hits import Hit, make_hits
from indexer.limits import SORTS
from indexer.query import MAX_PREFIXES, MIN_PREFIX, All, parse
from indexer.reader import LiveIndex, Segments, State
from indexer.request import Computed, SearchRequest, evaluate
from indexer.schema import DEFAULT_FIELDS, TEXT_FIELDS
from indexer.themes import load_themes, resolve_themes_file

__all__ = [
    "FACETS",
    "FacetResult",
    "FacetValue",
    "Hit",
    "MAX_PREFIXES",
    "MIN_PREFIX",
    "SORTS",
    "SearchRequest",
    "SearchResult",
    "Searcher",
    "open_searcher",
]

RESULTS_CACHED = 256  # results kept per index generation and process
SUGGEST_BELOW = 1  # propose a correction when fewer hits than this


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, FacetResult]
    page: int
    per_page: int
    pages: int
    suggestion: str | None
    year_histogram: list[tuple[int, int]]
    query: str
    degraded: bool
    elapsed_ms: float
    dropped: list[str] = field(default_factory=list)  # words left out as too costly
    # for a search that found nothing: (word, the query without it, its hits)
    without_word: list[tuple[str, str, int]] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The JSON shape of `docbase search --json` and of the API."""
        return {
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "query": self.query,
            "degraded": self.degraded,
            "dropped": self.dropped,
            "suggestion": self.suggestion,
            "without_word": [{"word": w, "query": q, "total": t} for w, q, t in self.without_word],
            "elapsed_ms": round(self.elapsed_ms, 2),
            "hits": [asdict(h) for h in self.hits],
            "facets": {
                name: [
                    {k: v for k, v in asdict(fv).items() if k in ("value", "count", "label")}
                    | ({"selected": True} if fv.selected else {})
                    | ({"excluded": True} if fv.excluded else {})
                    | ({"depth": fv.depth} if fv.depth else {})
                    for fv in result.values
                ]
                for name, result in self.facets.items()
            },
            "year_histogram": [[y, c] for y, c in self.year_histogram],
        }


# -- ordering ------------------------------------------------------------------------------------
def _rank(state: State, field_name: str) -> np.ndarray:
    """Document → rank of its sort key (documents without one last)."""

    def compute() -> np.ndarray:
        arrays = state.arrays.fields[field_name]
        values = arrays.vocab.values[: arrays.size]
        order = np.argsort(np.array(values, dtype=object), kind="stable") if values else []
        ranks = np.empty(len(values) + 1, dtype=np.int64)
        ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(values))
        ranks[-1] = len(values) + 1  # index -1: no value
        first = arrays.first(state.arrays.n)
        return ranks[first]

    return state.arrays.cached(f"rank:{field_name}", compute)


def order(
    state: State, final: np.ndarray, scores: np.ndarray, sort: str, needed: int
) -> np.ndarray:
    """The document numbers of `final` in `sort` order; only the first `needed` are exact."""
    docs = np.nonzero(final)[0]
    if not len(docs):
        return docs
    years = state.engine.years[docs]
    # each sort: a primary key (ascending), then its tie-breakers; only the documents
    # that can reach the first `needed` places are fully sorted
    if sort == "relevance":
        primary = -np.round(scores[docs], 4)
    elif sort in ("date_desc", "date_asc"):
        primary = (years == 0) * 100_000 + (-years if sort == "date_desc" else years)
    elif sort == "title":
        primary = _rank(state, "s_title")[docs]
    else:
        primary = _rank(state, "s_author")[docs]
    if len(docs) > needed * 4:
        cut = np.partition(primary, needed - 1)[needed - 1]
        keep = primary <= cut  # ties at the cut kept: the tie-breakers decide among them
        docs, years, primary = docs[keep], years[keep], primary[keep]
    if sort == "relevance":
        ranked = np.lexsort((-state.arrays.record_ids()[docs], -years, primary))
    elif sort == "title":
        ranked = np.lexsort((-state.arrays.record_ids()[docs], primary))
    else:
        ranked = np.lexsort((_rank(state, "s_title")[docs], primary))
    return docs[ranked]


# -- a results page ------------------------------------------------------------------------------
def _facet_results(
    state: State, facets: dict[str, Facet], request: Any, computed: Computed
) -> dict[str, FacetResult]:
    if not getattr(request, "with_facets", True):
        return {}
    facet_limit = limits.bounded(getattr(request, "facet_limit", 10), 10, limits.MAX_FACET_LIMIT)
    selected, excluded = limits.filters(request)
    return {
        name: facet.result(
            state.engine,
            computed.hits_for(name),
            selected.get(name, []),
            excluded.get(name, []),
            limit=None if name == "year" else facet_limit,
        )
        for name, facet in facets.items()
    }


def _histogram(state: State, final: np.ndarray) -> list[tuple[int, int]]:
    years = state.engine.years[final]
    years = years[years > 0]
    if not len(years):
        return []
    counts = np.bincount(years - years.min())
    return [(int(i + years.min()), int(c)) for i, c in enumerate(counts) if c]


def _results_page(
    state: State, facets: dict[str, Facet], request: Any, started: float
) -> SearchResult:
    page = limits.bounded(getattr(request, "page", 1), 1, limits.MAX_PAGE)
    per_page = limits.bounded(getattr(request, "per_page", 20), 20, limits.MAX_PER_PAGE)
    computed = evaluate(state, facets, request)
    total = int(computed.final.sum())
    sort = limits.sort_key(getattr(request, "sort", None))
    ranked = order(state, computed.final, computed.scores, sort, page * per_page)
    page_docs = ranked[(page - 1) * per_page : page * per_page]
    suggestion, without_word = None, []
    wanted = getattr(request, "with_suggestions", True) is not False
    if wanted and total < SUGGEST_BELOW and not isinstance(computed.node, All):
        suggestion, without_word = suggest.for_nothing_found(state, computed)
    return SearchResult(
        total=total,
        hits=make_hits(state, page_docs, computed.scores, computed.node),
        facets=_facet_results(state, facets, request, computed),
        page=page,
        per_page=per_page,
        pages=max(1, math.ceil(total / per_page)),
        suggestion=suggestion,
        year_histogram=_histogram(state, computed.final),
        query=computed.query,
        degraded=computed.degraded,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        dropped=computed.dropped,
        without_word=without_word,
    )


def _derive(segments: Segments, previous: State | None) -> tuple[Any, Engine]:
    """The numpy arrays and the engine of newly opened segments."""
    arrays = build_reader_arrays(
        segments.reader, segments.generation, previous.arrays if previous else None
    )
    for name in DEFAULT_FIELDS:  # open the lazily opened column files now
        arrays.lengths(TEXT_FIELDS[name][0])
    return arrays, Engine(arrays, segments.searcher)


# -- the facade ----------------------------------------------------------------------------------
class Searcher:
    """Search over the live index of an instance; one per process, shared by its threads."""

    def __init__(
        self,
        index_dir: str | Path,
        themes_file: str | Path | None = None,
        results_cached: int = RESULTS_CACHED,
    ) -> None:
        """`results_cached`: how many recent results to keep per index generation (0: none,
        as benchmarks of the engine itself want)."""
        self.index_dir = Path(index_dir)
        self.results_cached = results_cached
        # `themes_file` as the app resolved it; without one (benchmarks, tests), the sample
        self.themes_file = resolve_themes_file(themes_file)
        self.theme_list = load_themes(self.themes_file)
        self.facets: dict[str, Facet] = make_facets(self.theme_list)
        self.live = LiveIndex(self.index_dir, _derive)

    # -- lifecycle --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Pick up a new commit or a swapped rebuild; cheap when nothing changed."""
        self.live.refresh()

    def close(self) -> None:
        self.live.close()

    @property
    def is_open(self) -> bool:
        """Whether a live index is open (False: none yet, or it vanished from under us)."""
        return self.live.state is not None

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- search -----------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        """Hits, facets, histogram and suggestion of a request; never raises on user input."""
        started = time.perf_counter()
        return self.live.read(
            lambda state: self._cached_page(state, request, started),
            lambda: self._empty(request, started),
        )

    def _cached_page(self, state: State, request: Any, started: float) -> SearchResult:
        key = repr(request) if self.results_cached else None
        cached = state.results.get(key) if key else None
        if cached is not None:
            state.results.move_to_end(key)
            return replace(cached, elapsed_ms=(time.perf_counter() - started) * 1000)
        result = _results_page(state, self.facets, request, started)
        if key:
            state.results[key] = result
            if len(state.results) > self.results_cached:
                state.results.popitem(last=False)
        return result

    def _empty(self, request: Any, started: float) -> SearchResult:
        page = limits.bounded(getattr(request, "page", 1), 1, limits.MAX_PAGE)
        per_page = limits.bounded(getattr(request, "per_page", 20), 20, limits.MAX_PER_PAGE)
        facets = {name: FacetResult(name, f.label) for name, f in self.facets.items()}
        q = getattr(request, "q", "")
        parsed = parse(q if isinstance(q, str) else "")
        return SearchResult(
            0, [], facets, page, per_page, 1, None, [], parsed.text, parsed.degraded,
            (time.perf_counter() - started) * 1000,
        )  # fmt: skip

    def record_ids(self, request: SearchRequest, limit: int) -> list[int]:
        """The record ids of a request's hits in its sort order, at most `limit` (exports:
        the whole result set, not a page)."""
        limit = limits.bounded(limit, 1, limits.MAX_RECORD_IDS)

        def ids(state: State) -> list[int]:
            computed = evaluate(state, self.facets, request)
            sort = limits.sort_key(getattr(request, "sort", None))
            ranked = order(state, computed.final, computed.scores, sort, limit)[:limit]
            return [int(i) for i in state.arrays.record_ids()[ranked]]

        return self.live.read(ids, list)

    def matching_ids(self, request: SearchRequest, limit: int = 10_000) -> list[int]:
        """The record id of every hit of a search (one per work), newest first: what a
        bibliography's saved search holds and what an Atom feed of a search shows."""
        limit = limits.bounded(limit, 10_000, limits.MAX_RECORD_IDS, low=0)

        def ids(state: State) -> list[int]:
            final = evaluate(state, self.facets, request).final & state.arrays.live
            found = np.sort(state.arrays.record_ids()[np.nonzero(final)[0]])[::-1]
            return [int(i) for i in found[:limit] if i > 0]

        return self.live.read(ids, list)

    # -- facet pages and lists (browse.py, suggest.py) --------------------------------------
    def _facet(self, name: str) -> Facet:
        facet = self.facets.get(name)
        if facet is None:
            raise ValueError(f"unknown facet {name!r}")
        return facet

    def facet_values(
        self,
        name: str,
        request: SearchRequest,
        prefix: str = "",
        page: int = 1,
        per_page: int = 50,
    ) -> FacetResult:
        """One facet's values for a request, filtered by prefix and paged (long facets)."""
        facet = self._facet(name)
        return self.live.read(
            lambda state: browse.facet_page(
                state, self.facets, facet, request, prefix, page, per_page
            ),
            lambda: FacetResult(name, facet.label),
        )

    def browse(
        self, name: str, prefix: str = "", page: int = 1, per_page: int = 100
    ) -> FacetResult:
        """A–Z list of a facet's values over the whole index (descriptors, series, authors)."""
        facet = self._facet(name)
        return self.live.read(
            lambda state: browse.a_to_z(state, facet, prefix, page, per_page),
            lambda: FacetResult(name, facet.label),
        )

    def themes(self) -> list[dict]:
        """The configured themes with their record counts, in the configuration's order."""
        facet = self.facets["theme"]
        return self.live.read(
            lambda state: browse.themes(state, facet, self.theme_list),
            lambda: browse.themes(None, facet, self.theme_list),
        )

    def autocomplete(self, prefix: str, limit: int = 10) -> list[dict]:
        """Titles, authors and descriptors starting with `prefix` (a word start matches too)."""
        return self.live.read(lambda state: suggest.autocomplete(state, prefix, limit), list)

    def more_like_this(self, record_id: int, limit: int = 5) -> list[Hit]:
        """Records sharing rare descriptors, authors, keywords, series and title words."""
        return self.live.read(lambda state: browse.more_like_this(state, record_id, limit), list)

    def latest(self, limit: int = 10) -> list[Hit]:
        """The latest additions: highest record ids among live records."""
        return self.live.read(lambda state: browse.latest(state, limit), list)

    def record_count(self) -> int:
        """Live records in the index."""
        return self.live.read(lambda state: int(state.arrays.live.sum()), int)


def open_searcher(index_dir: str | Path, themes_file: str | Path | None = None) -> Searcher:
    return Searcher(index_dir, themes_file)
