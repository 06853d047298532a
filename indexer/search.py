"""The one entry point of `web/` and the CLI: a request in, hits, facets and suggestions out.

A `Searcher` keeps one Whoosh reader and its numpy arrays per process, refreshes them when the
index changes (a new commit or a swapped rebuild; checking costs a readlink and a listdir), and
never raises on user input. Whoosh objects are not thread-safe (postings files are read with
seek + read), so each call runs under the searcher's lock; the numpy work makes that cheap.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.index import TOC
from whoosh.reading import MultiReader, ReaderClosed, SegmentReader
from whoosh.searching import Searcher as WhooshSearcher

from indexer import analysis
from indexer.arrays import Hits, ReaderArrays, build_reader_arrays, open_index
from indexer.build import current_generation
from indexer.engine import Engine
from indexer.facets import FACETS, Facet, FacetResult, FacetValue, make_facets
from indexer.query import (
    MAX_PREFIXES,
    MIN_PREFIX,
    All,
    Node,
    YearRange,
    advanced,
    bound,
    combine,
    parse,
)
from indexer.schema import DEFAULT_FIELDS, TEXT_FIELDS
from indexer.snippets import highlight_terms, snippet
from indexer.suggest import did_you_mean, without_one_word
from indexer.themes import load_themes, resolve_themes_file

__all__ = [
    "FACETS",
    "FacetResult",
    "FacetValue",
    "Hit",
    "MAX_PREFIXES",
    "MIN_PREFIX",
    "SearchRequest",
    "SearchResult",
    "Searcher",
    "open_searcher",
]

SORTS = ("relevance", "date_desc", "date_asc", "title", "author")
RESULTS_CACHED = 256  # results kept per index generation and process
SUGGEST_BELOW = 1  # propose a correction when fewer hits than this


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    excludes: dict[str, list[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    advanced: list[tuple[str, str, str]] = field(default_factory=list)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    with_facets: bool = True
    facet_limit: int = 10
    with_suggestions: bool = True  # off for the zero-result page's own re-runs


@dataclass
class Hit:
    id: int
    title: str
    year: int | None
    doc_type: str
    authors: list[str]
    publisher: str
    host_title: str
    snippet: str
    score: float
    online: bool
    # one hit per work: the source bases holding it, the record ids of its other copies
    sources: list[str] = field(default_factory=list)
    copies: list[int] = field(default_factory=list)


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


# -- request hygiene -----------------------------------------------------------------------------
def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        number = default
    return max(low, min(high, number))


def _year(value: Any) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return year if -10000 < year < 10000 else None


def _values(mapping: Any) -> dict[str, list[str]]:
    """facet → list of strings, whatever the caller passed (a string, a tuple, None)."""
    out: dict[str, list[str]] = {}
    if not isinstance(mapping, dict):
        return out
    for name, values in mapping.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list | tuple | set):
            continue
        kept = [str(v) for v in values if v is not None and str(v) != ""]
        if kept:
            out[str(name)] = kept
    return out


# -- state ---------------------------------------------------------------------------------------
@dataclass
class _State:
    generation: Path
    ix: Any
    toc_generation: int
    reader: Any
    searcher: Any
    arrays: ReaderArrays
    engine: Engine
    segreaders: dict[str, Any]
    # results of recent requests on this generation (the home page's empty query, popular
    # drill-downs, a visitor paging back and forth): gone with the generation
    results: OrderedDict = field(default_factory=OrderedDict)


@dataclass
class _Computed:
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


def _retry(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: Searcher, *args: Any, **kwargs: Any) -> Any:
        return self._retrying(method, self, *args, **kwargs)

    return wrapper


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
        self.themes_file = resolve_themes_file(themes_file, self.index_dir.parent)
        self.theme_list = load_themes(self.themes_file)
        self.facets: dict[str, Facet] = make_facets(self.theme_list)
        self._lock = threading.RLock()
        self._state: _State | None = None
        self.refresh()

    # -- lifecycle --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Pick up a new commit or a swapped rebuild; cheap when nothing changed."""
        with self._lock:
            generation = current_generation(self.index_dir)
            state = self._state
            if generation is None:
                self._close_state()
                return
            same = state is not None and state.generation == generation
            if same:
                latest = TOC._latest_generation(state.ix.storage, state.ix.indexname)
                if latest == state.toc_generation:
                    return
            try:
                self._state = self._open(generation, state if same else None)
            except Exception:
                # an index being swapped or written: keep answering from the previous state
                if self._state is None:
                    raise
                return
            if not same and state is not None:
                for reader in state.segreaders.values():
                    reader.close()

    def _open(self, generation: Path, previous: _State | None) -> _State:
        ix = open_index(generation)
        toc = TOC.read(ix.storage, ix.indexname)
        cache = dict(previous.segreaders) if previous else {}
        readers, segreaders = [], {}
        for segment in toc.segments:
            segid = segment.segment_id()
            reader = cache.pop(segid, None)
            if reader is None:
                reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
            else:  # same files; only the deletions may have changed
                reader._segment = segment
                reader._perdoc._segment = segment
                reader.__dict__.pop("deleted_docs_set", None)
            readers.append(reader)
            segreaders[segid] = reader
        for stale in cache.values():
            stale.close()
        if len(readers) == 1:
            reader = readers[0]
        elif readers:
            reader = MultiReader(readers, generation=toc.generation)
        else:
            reader = ix.reader()
        searcher = WhooshSearcher(reader, fromindex=ix)
        arrays = build_reader_arrays(reader, generation, previous.arrays if previous else None)
        for name in DEFAULT_FIELDS:  # open the lazily opened column files now
            arrays.lengths(TEXT_FIELDS[name][0])
        engine = Engine(arrays, searcher)
        return _State(generation, ix, toc.generation, reader, searcher, arrays, engine, segreaders)

    def _close_state(self) -> None:
        if self._state is not None:
            for reader in self._state.segreaders.values():
                reader.close()
            self._state = None

    def close(self) -> None:
        with self._lock:
            self._close_state()

    @property
    def is_open(self) -> bool:
        """Whether a live index is open (False: none yet, or it vanished from under us)."""
        return self._state is not None

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- search -----------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        """Hits, facets, histogram and suggestion of a request; never raises on user input."""
        return self._retrying(self._search, request)

    def _retrying(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `func`; if index files vanished under it (a merged-away segment, a generation
        removed after two rebuilds), reopen the live index and run it once more."""
        with self._lock:
            try:
                return func(*args, **kwargs)
            except (OSError, ReaderClosed):
                self._close_state()
                return func(*args, **kwargs)

    def _search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        with self._lock:
            self.refresh()
            page = _int(getattr(request, "page", 1), 1, 1, 1_000_000)
            per_page = _int(getattr(request, "per_page", 20), 20, 1, 100)
            facet_limit = _int(getattr(request, "facet_limit", 10), 10, 1, 100_000)
            state = self._state
            if state is None:
                return self._empty(request, page, per_page, started)
            key = repr(request) if self.results_cached else None
            cached = state.results.get(key) if key else None
            if cached is not None:
                state.results.move_to_end(key)
                return replace(cached, elapsed_ms=(time.perf_counter() - started) * 1000)
            computed = self._compute(state, request)
            engine = state.engine
            final = computed.final
            total = int(final.sum())
            sort = getattr(request, "sort", "relevance")
            sort = sort if isinstance(sort, str) and sort in SORTS else "relevance"
            order = self._order(state, final, computed.scores, sort, page * per_page)
            page_docs = order[(page - 1) * per_page : page * per_page]
            hits = self._hits(state, page_docs, computed.scores, computed.node)
            facets: dict[str, FacetResult] = {}
            if getattr(request, "with_facets", True):
                filters = _values(getattr(request, "filters", {}))
                excludes = _values(getattr(request, "excludes", {}))
                for name, facet in self.facets.items():
                    facets[name] = facet.result(
                        engine,
                        computed.hits_for(name),
                        filters.get(name, []),
                        excludes.get(name, []),
                        limit=None if name == "year" else facet_limit,
                    )
            years = engine.years[final]
            years = years[years > 0]
            histogram = []
            if len(years):
                counts = np.bincount(years - years.min())
                histogram = [(int(i + years.min()), int(c)) for i, c in enumerate(counts) if c]
            suggestion, without_word = None, []
            wanted = getattr(request, "with_suggestions", True) is not False
            if wanted and total < SUGGEST_BELOW and not isinstance(computed.node, All):
                suggestion = did_you_mean(
                    engine, state.arrays.leaves, computed.node, computed.query
                )
                keep = state.arrays.live.copy()
                for mask in computed.filters.values():
                    keep &= mask
                without_word = without_one_word(
                    engine, computed.qnode, computed.extra, keep, computed.query
                )
            result = SearchResult(
                total=total,
                hits=hits,
                facets=facets,
                page=page,
                per_page=per_page,
                pages=max(1, math.ceil(total / per_page)),
                suggestion=suggestion,
                year_histogram=histogram,
                query=computed.query,
                degraded=computed.degraded,
                elapsed_ms=(time.perf_counter() - started) * 1000,
                dropped=computed.dropped,
                without_word=without_word,
            )
            if key:
                state.results[key] = result
                if len(state.results) > self.results_cached:
                    state.results.popitem(last=False)
        return result

    def _empty(self, request: Any, page: int, per_page: int, started: float) -> SearchResult:
        facets = {name: FacetResult(name, f.label) for name, f in self.facets.items()}
        q = getattr(request, "q", "")
        parsed = parse(q if isinstance(q, str) else "")
        return SearchResult(
            0, [], facets, page, per_page, 1, None, [], parsed.text, parsed.degraded,
            (time.perf_counter() - started) * 1000,
        )  # fmt: skip

    def _compute(self, state: _State, request: Any) -> _Computed:
        q = request.q if isinstance(getattr(request, "q", ""), str) else ""
        parsed = parse(q)
        rows = getattr(request, "advanced", None)
        adv = advanced(list(rows) if isinstance(rows, list | tuple) else [])
        year_from = _year(getattr(request, "year_from", None))
        year_to = _year(getattr(request, "year_to", None))
        years: Node = All()
        if year_from is not None or year_to is not None:
            if year_from is not None and year_to is not None and year_from > year_to:
                year_from, year_to = year_to, year_from
            years = YearRange(year_from, year_to)
        qnode, dropped = bound(parsed.node)
        extra, dropped_adv = bound(combine(adv.node, years))
        dropped += dropped_adv
        node = combine(qnode, extra)
        engine = state.engine
        base, scores = engine.run(node)
        filters: dict[str, np.ndarray] = {}
        selected = _values(getattr(request, "filters", {}))
        excluded = _values(getattr(request, "excludes", {}))
        for name in dict.fromkeys([*selected, *excluded]):
            facet = self.facets.get(name)
            if facet is None:
                continue  # an unknown facet in a URL is ignored, not an error
            mask = state.arrays.live.copy()
            if selected.get(name):
                mask &= facet.mask(engine, selected[name])
            if excluded.get(name):
                mask &= ~facet.mask(engine, excluded[name])
            filters[name] = mask
        final = base.copy()
        for mask in filters.values():
            final &= mask
        text = " ".join(t for t in (parsed.text, adv.text) if t)
        degraded = parsed.degraded or adv.degraded or bool(dropped)
        return _Computed(
            base, scores, filters, final, text, degraded, node, qnode, extra, dropped
        )  # fmt: skip

    # -- ordering ---------------------------------------------------------------------------
    def _rank(self, state: _State, field_name: str) -> np.ndarray:
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

    def _record_ids(self, state: _State) -> np.ndarray:
        def compute() -> np.ndarray:
            arrays = state.arrays.fields["s_id"]
            numbers = arrays.vocab.derived("int", int)[: arrays.size]
            table = np.array([*numbers, 0], dtype=np.int64)
            return table[arrays.first(state.arrays.n)]

        return state.arrays.cached("record_ids", compute)

    def _order(
        self, state: _State, final: np.ndarray, scores: np.ndarray, sort: str, needed: int
    ) -> np.ndarray:
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
            primary = self._rank(state, "s_title")[docs]
        else:
            primary = self._rank(state, "s_author")[docs]
        if len(docs) > needed * 4:
            cut = np.partition(primary, needed - 1)[needed - 1]
            keep = primary <= cut  # ties at the cut kept: the tie-breakers decide among them
            docs, years, primary = docs[keep], years[keep], primary[keep]
        if sort == "relevance":
            order = np.lexsort((-self._record_ids(state)[docs], -years, primary))
        elif sort == "title":
            order = np.lexsort((-self._record_ids(state)[docs], primary))
        else:
            order = np.lexsort((self._rank(state, "s_title")[docs], primary))
        return docs[order]

    # -- hits -------------------------------------------------------------------------------
    def _hits(self, state: _State, docs: np.ndarray, scores: np.ndarray, node: Node) -> list[Hit]:
        marks = highlight_terms(node)
        hits = []
        for doc in docs:
            stored = state.searcher.stored_fields(int(doc))
            hits.append(
                Hit(
                    id=int(stored.get("id", 0)),
                    title=stored.get("title", ""),
                    year=stored.get("year"),
                    doc_type=stored.get("doc_type", ""),
                    authors=list(stored.get("authors") or []),
                    publisher=stored.get("publisher_name", ""),
                    host_title=stored.get("host_title", ""),
                    snippet=snippet(stored.get("summary", ""), marks),
                    score=round(float(scores[doc]), 4),
                    online=bool(stored.get("online")),
                    sources=list(stored.get("sources") or []),
                    copies=list(stored.get("copies") or []),
                )
            )
        return hits

    # -- whole result sets (exports) --------------------------------------------------------
    @_retry
    def record_ids(self, request: SearchRequest, limit: int) -> list[int]:
        """The record ids of a request's hits in its sort order, at most `limit` (exports:
        the whole result set, not a page)."""
        self.refresh()
        state = self._state
        limit = _int(limit, 1, 1, 10_000_000)
        if state is None:
            return []
        computed = self._compute(state, request)
        sort = getattr(request, "sort", "relevance")
        sort = sort if isinstance(sort, str) and sort in SORTS else "relevance"
        order = self._order(state, computed.final, computed.scores, sort, limit)[:limit]
        return [int(i) for i in self._record_ids(state)[order]]

    # -- facets on their own ----------------------------------------------------------------
    @_retry
    def facet_values(
        self,
        name: str,
        request: SearchRequest,
        prefix: str = "",
        page: int = 1,
        per_page: int = 50,
    ) -> FacetResult:
        """One facet's values for a request, filtered by prefix and paged (long facets)."""
        facet = self.facets.get(name)
        if facet is None:
            raise ValueError(f"unknown facet {name!r}")
        page = _int(page, 1, 1, 1_000_000)
        per_page = _int(per_page, 50, 1, 100_000)
        with self._lock:
            self.refresh()
            state = self._state
            if state is None:
                return FacetResult(name, facet.label)
            computed = self._compute(state, request)
            return facet.result(
                state.engine,
                computed.hits_for(name),
                _values(request.filters).get(name, []),
                _values(request.excludes).get(name, []),
                limit=per_page,
                prefix=prefix if isinstance(prefix, str) else "",
                offset=(page - 1) * per_page,
            )

    @_retry
    def browse(
        self, name: str, prefix: str = "", page: int = 1, per_page: int = 100
    ) -> FacetResult:
        """A–Z list of a facet's values over the whole index (descriptors, series, authors)."""
        facet = self.facets.get(name)
        if facet is None:
            raise ValueError(f"unknown facet {name!r}")
        page = _int(page, 1, 1, 1_000_000)
        per_page = _int(per_page, 100, 1, 100_000)
        with self._lock:
            self.refresh()
            state = self._state
            if state is None:
                return FacetResult(name, facet.label)
            return facet.result(
                state.engine,
                state.arrays.live,
                [],
                [],
                limit=per_page,
                prefix=prefix if isinstance(prefix, str) else "",
                offset=(page - 1) * per_page,
                alphabetical=True,
            )

    @_retry
    def themes(self) -> list[dict]:
        """The configured themes with their record counts, in the configuration's order."""
        with self._lock:
            self.refresh()
            state = self._state
            facet = self.facets["theme"]
            counts = None
            if state is not None:
                arrays = facet.arrays(state.engine)
                counts = arrays.counts(state.arrays.live)
            return [
                {
                    "value": t.value,
                    "label": t.label,
                    "count": int(counts[i]) if counts is not None else 0,
                }
                for i, t in enumerate(self.theme_list)
            ]

    # -- other lists ------------------------------------------------------------------------
    @_retry
    def autocomplete(self, prefix: str, limit: int = 10) -> list[dict]:
        """Titles, authors and descriptors starting with `prefix` (a word start matches too)."""
        if not isinstance(prefix, str):
            return []
        wanted = analysis.fold(analysis.nfc(prefix)).strip()
        limit = _int(limit, 10, 1, 100)
        if len(wanted) < 2:
            return []
        with self._lock:
            self.refresh()
            state = self._state
            if state is None:
                return []
            groups = []
            for kind, field_name in (("descriptor", "f_descriptor"), ("author", "f_author")):
                arrays = state.arrays.fields[field_name]
                counts = arrays.counts(state.arrays.live)
                folded = self._folded_vocab(state, field_name)
                found = [
                    (int(counts[i]), label)
                    for i, (key, label) in enumerate(folded)
                    if counts[i] and (key.startswith(wanted) or f" {wanted}" in key)
                ]
                found.sort(key=lambda x: (-x[0], x[1]))
                groups.append([{"kind": kind, "label": label} for _, label in found[:limit]])
            groups.insert(0, self._title_completions(state, wanted, limit))
            out: list[dict] = []
            while len(out) < limit and any(groups):
                for group in groups:
                    if group and len(out) < limit:
                        out.append(group.pop(0))
            return out

    def _folded_vocab(self, state: _State, field_name: str) -> list[tuple[str, str]]:
        def compute() -> list[tuple[str, str]]:
            arrays = state.arrays.fields[field_name]
            keys = arrays.vocab.derived("fold-words", lambda v: analysis.fold(v).replace(",", " "))
            return list(zip(keys[: arrays.size], arrays.vocab.values[: arrays.size], strict=True))

        return state.arrays.cached(f"folded:{field_name}", compute)

    def _title_completions(self, state: _State, wanted: str, limit: int) -> list[dict]:
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
        ids = self._record_ids(state)[docs]
        docs = docs[np.argsort(-ids)]
        out, seen = [], set()
        for doc in docs:
            title = state.searcher.stored_fields(int(doc)).get("title", "")
            if title and title not in seen:
                seen.add(title)
                out.append({"kind": "title", "label": title})
                if len(out) >= limit:
                    break
        return out

    @_retry
    def more_like_this(self, record_id: int, limit: int = 5) -> list[Hit]:
        """Records sharing rare descriptors, authors, keywords, series and title words."""
        limit = _int(limit, 5, 1, 100)
        with self._lock:
            self.refresh()
            state = self._state
            if state is None:
                return []
            doc = self._docnum(state, record_id)
            if doc is None:
                return []
            n = state.arrays.n
            live_count = max(int(state.arrays.live.sum()), 1)
            scores = np.zeros(n, dtype=np.float64)
            for field_name, weight in (
                ("f_descriptor", 2.0), ("f_author", 1.5), ("f_keyword", 1.0), ("f_series", 1.0)
            ):  # fmt: skip
                arrays = state.arrays.fields[field_name]
                own = np.unique(arrays.vals[arrays.docs == doc])
                if not len(own):
                    continue
                df = arrays.counts(state.arrays.live)[own]
                idf = np.zeros(arrays.size, dtype=np.float64)
                idf[own] = weight * np.log(1 + live_count / np.maximum(df, 1))
                scores += np.bincount(arrays.docs, weights=idf[arrays.vals], minlength=n)
            title = state.searcher.stored_fields(doc).get("title", "")
            for term in set(analysis.terms(title)):
                ids, sc = state.engine.term_scores("title", term)
                scores[ids] += sc
            scores[doc] = 0
            scores[~state.arrays.live] = 0
            candidates = np.nonzero(scores > 0)[0]
            best = candidates[np.argsort(-scores[candidates], kind="stable")][:limit]
            return self._hits(state, best, scores.astype(np.float32), All())

    @_retry
    def matching_ids(self, request: SearchRequest, limit: int = 10_000) -> list[int]:
        """The record id of every hit of a search (one per work), newest first: what a
        bibliography's saved search holds and what an Atom feed of a search shows."""
        with self._lock:
            self.refresh()
            state = self._state
            if state is None:
                return []
            final = self._compute(state, request).final & state.arrays.live
            ids = np.sort(self._record_ids(state)[np.nonzero(final)[0]])[::-1]
            return [int(i) for i in ids[: max(0, int(limit))] if i > 0]

    @_retry
    def latest(self, limit: int = 10) -> list[Hit]:
        """The latest additions: highest record ids among live records."""
        limit = _int(limit, 10, 1, 100)
        with self._lock:
            self.refresh()
            state = self._state
            if state is None:
                return []
            ids = np.where(state.arrays.live, self._record_ids(state), -1)
            count = min(limit, int(state.arrays.live.sum()))
            if not count:
                return []
            best = np.argpartition(-ids, count - 1)[:count]
            best = best[np.argsort(-ids[best])]
            return self._hits(state, best, np.zeros(state.arrays.n, dtype=np.float32), All())

    def _docnum(self, state: _State, record_id: Any) -> int | None:
        arrays = state.arrays.fields["s_id"]
        vid = arrays.id_of(str(record_id))
        if vid < 0:
            return None
        docs = arrays.docs[(arrays.vals == vid) & state.arrays.live[arrays.docs]]
        return int(docs[-1]) if len(docs) else None

    def record_count(self) -> int:
        """Live records in the index."""
        with self._lock:
            self.refresh()
            return int(self._state.arrays.live.sum()) if self._state else 0


def open_searcher(index_dir: str | Path, themes_file: str | Path | None = None) -> Searcher:
    return Searcher(index_dir, themes_file)
