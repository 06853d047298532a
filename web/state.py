"""The state of a search as URL parameters: parsed strictly, rebuilt for every link.

Every state of the results page is a URL (bookmarkable, shareable, back-button friendly), so the
page never keeps anything in the session. Parameters:
`q` the query, `f=facet:value` a selected value (repeatable; OR within a facet, AND across),
`x=facet:value` an excluded value, `debut`/`fin` a year range, `tri` the sort, `page`.
Bad parameters raise BadRequest with a French message (shown on the friendly 400 page).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any
from urllib.parse import quote_plus, urlencode

from flask import g, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

# the bounds of a request and the sort keys, shared with the indexer (which clamps to them)
from indexer.limits import (
    MAX_FILTERS,
    MAX_PAGE,
    MAX_QUERY,
    MAX_VALUE,
    MAX_YEAR,
    MIN_YEAR,
    SORTS,
)

_SAFE = ":*!$'(),;@/"  # left as is in query strings, as werkzeug's url_for does


def facet_names() -> list[str]:
    """The facet names of the search API, in display order."""
    from indexer.search import FACETS

    return [name for name, _label in FACETS]


class BadParameter(BadRequest):
    """A 400 whose description is shown to the visitor (French)."""


def _int(args: MultiDict, name: str, lo: int, hi: int) -> int | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"Le paramètre « {name} » doit être un nombre entier.") from None
    if not lo <= value <= hi:
        raise BadParameter(f"Le paramètre « {name} » doit être compris entre {lo} et {hi}.")
    return value


def _pairs(args: MultiDict, name: str, known: set[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for raw in args.getlist(name):
        facet, sep, value = raw.partition(":")
        value = value.strip()
        if not sep or not value:
            raise BadParameter(f"Filtre mal formé : « {raw[:80]} » (attendu facette:valeur).")
        if facet not in known:
            raise BadParameter(f"Facette inconnue : « {facet[:80]} ».")
        if len(value) > MAX_VALUE:
            raise BadParameter("Valeur de filtre trop longue.")
        values = out.setdefault(facet, [])
        if value not in values:
            values.append(value)
    return out


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    excludes: dict[str, list[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1

    # -- parsing ------------------------------------------------------------------------------
    @classmethod
    def from_args(cls, args: MultiDict) -> SearchState:
        """Parse and validate the query string; BadParameter (400) on anything unreasonable."""
        q = " ".join(args.get("q", "").split())
        if len(q) > MAX_QUERY:
            raise BadParameter(f"Requête trop longue (plus de {MAX_QUERY} caractères).")
        if "\x00" in q:
            raise BadParameter("Caractère interdit dans la requête.")
        known = set(facet_names())
        filters = _pairs(args, "f", known)
        excludes = _pairs(args, "x", known)
        count = sum(map(len, filters.values())) + sum(map(len, excludes.values()))
        if count > MAX_FILTERS:
            raise BadParameter(f"Trop de filtres (plus de {MAX_FILTERS}).")
        year_from = _int(args, "debut", MIN_YEAR, MAX_YEAR)
        year_to = _int(args, "fin", MIN_YEAR, MAX_YEAR)
        if year_from is not None and year_to is not None and year_from > year_to:
            year_from, year_to = year_to, year_from
        sort = args.get("tri", "") or "relevance"
        if sort not in SORTS:
            raise BadParameter(f"Tri inconnu : « {sort[:40]} ».")
        page = _int(args, "page", 1, MAX_PAGE) or 1
        return cls(q, filters, excludes, year_from, year_to, sort, page)

    # -- derived ------------------------------------------------------------------------------
    @property
    def is_empty(self) -> bool:
        return not (self.q or self.filters or self.excludes or self.year_from or self.year_to)

    @property
    def has_filters(self) -> bool:
        return bool(self.filters or self.excludes or self.year_from or self.year_to)

    def is_selected(self, facet: str, value: str) -> bool:
        return value in self.filters.get(facet, ())

    def is_excluded(self, facet: str, value: str) -> bool:
        return value in self.excludes.get(facet, ())

    @cached_property
    def preferred_terms(self) -> list[str]:
        """The thesaurus's preferred terms when the query is a non-preferred one (« réhabilitation
        urbaine » → « Rénovation urbaine »): the search looks them up too."""
        if not self.q or any(c in self.q for c in '"():*|'):
            return []  # a query with syntax is the visitor's own: left as typed
        from catalogue.thesaurus import Thesaurus
        from web.searching import get_store

        return Thesaurus(get_store()).expand(self.q)

    def search_text(self) -> str:
        """The query the indexer gets: the typed one, OR-ed with its preferred terms."""
        if not self.preferred_terms:
            return self.q
        text = f"({self.q}) OR " + " OR ".join(f'"{t}"' for t in self.preferred_terms)
        return text if len(text) <= MAX_QUERY else self.q

    def to_request(self, per_page: int, **overrides: Any) -> Any:
        from indexer.search import SearchRequest

        params: dict[str, Any] = {
            "q": self.search_text(),
            "filters": {k: list(v) for k, v in self.filters.items()},
            "excludes": {k: list(v) for k, v in self.excludes.items()},
            "year_from": self.year_from,
            "year_to": self.year_to,
            "sort": self.sort,
            "page": self.page,
            "per_page": per_page,
        }
        params.update(overrides)
        return SearchRequest(**params)

    # -- URLs ---------------------------------------------------------------------------------
    def args(self) -> dict[str, Any]:
        """The state as url_for keyword arguments (defaults left out, so URLs stay short)."""
        out: dict[str, Any] = {}
        if self.q:
            out["q"] = self.q
        f = [f"{k}:{v}" for k, vs in self.filters.items() for v in vs]
        x = [f"{k}:{v}" for k, vs in self.excludes.items() for v in vs]
        if f:
            out["f"] = f
        if x:
            out["x"] = x
        if self.year_from is not None:
            out["debut"] = self.year_from
        if self.year_to is not None:
            out["fin"] = self.year_to
        if self.sort != "relevance":
            out["tri"] = self.sort
        if self.page != 1:
            out["page"] = self.page
        return out

    def url(self, endpoint: str = "opac.search", **values: Any) -> str:
        if endpoint != "opac.search" or values:
            return url_for(endpoint, **self.args(), **values)
        # A results page links to itself a few hundred times (facets, chips, pages): build
        # those URLs directly rather than through the router.
        base = g.get("_search_path")
        if base is None:
            base = g._search_path = url_for("opac.search")
        pairs = [
            (k, v) for k, vs in self.args().items() for v in (vs if isinstance(vs, list) else [vs])
        ]
        return f"{base}?{urlencode(pairs, safe=_SAFE, quote_via=quote_plus)}" if pairs else base

    @cached_property
    def _exclude_parts(self) -> tuple[str, str]:
        """This state's URL on page 1 cut where a new facet's `x=` pair goes: after q, f and
        x, before debut, fin and tri (the order of `args`)."""
        start = self.but()
        tail = start.but(q="", filters={}, excludes={}).url()
        head = start.but(year_from=None, year_to=None, sort="relevance").url()
        query = tail.partition("?")[2]
        return head, f"&{query}" if query else ""

    def but(self, **changes: Any) -> SearchState:
        """A copy with changes; any change but the page goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        return replace(self, **changes)

    def with_page(self, page: int) -> str:
        return self.but(page=page).url()

    def with_sort(self, sort: str) -> str:
        return self.but(sort=sort).url()

    def with_query(self, q: str) -> str:
        return self.but(q=q).url()

    def adding(self, facet: str, value: str) -> str:
        filters = {k: list(v) for k, v in self.filters.items()}
        if value not in filters.setdefault(facet, []):
            filters[facet].append(value)
        excludes = _drop(self.excludes, facet, value)
        return self.but(filters=filters, excludes=excludes).url()

    def excluding(self, facet: str, value: str) -> str:
        if facet not in self.excludes and not self.is_selected(facet, value):
            # the common case, ~70 times a page: the state's URL with one more x= pair
            head, tail = self._exclude_parts
            pair = f"x={quote_plus(f'{facet}:{value}', safe=_SAFE)}"
            return f"{head}&{pair}{tail}" if "?" in head else f"{head}?{pair}{tail}"
        excludes = {k: list(v) for k, v in self.excludes.items()}
        if value not in excludes.setdefault(facet, []):
            excludes[facet].append(value)
        filters = _drop(self.filters, facet, value)
        return self.but(filters=filters, excludes=excludes).url()

    def without_filter(self, facet: str, value: str) -> SearchState:
        return self.but(filters=_drop(self.filters, facet, value))

    def without_exclude(self, facet: str, value: str) -> SearchState:
        return self.but(excludes=_drop(self.excludes, facet, value))

    def without_years(self) -> SearchState:
        return self.but(year_from=None, year_to=None)

    def without_query(self) -> SearchState:
        return self.but(q="")


def _drop(mapping: dict[str, list[str]], facet: str, value: str) -> dict[str, list[str]]:
    out = {k: [v for v in vs if not (k == facet and v == value)] for k, vs in mapping.items()}
    return {k: vs for k, vs in out.items() if vs}
