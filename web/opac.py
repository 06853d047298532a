"""The public catalogue: home, results with facets, record pages, autocomplete.

Views translate HTTP into calls of the search API (`indexer.search`, through web.searching) and
the store, then render templates; no SQL and no Whoosh here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from indexer.limits import MAX_PER_PAGE, MAX_PREFIX_CHARS
from indexer.schema import author_value
from indexer.search import MAX_PREFIXES, MIN_PREFIX
from web import searchlog
from web.display import (
    abstract_paragraphs,
    dated_by_host,
    geographic_headings,
    host_line,
    isbd,
    marc_lines,
    publication_line,
    safe_snippet,
    safe_url,
)
from web.i18n import facet_label, fmt_number, lang, tr, value_label
from web.searching import IndexUnavailable, get_searcher, get_store
from web.state import MAX_PAGE, BadParameter, SearchState, facet_names

bp = Blueprint("opac", __name__)

MAX_ID = 2**63 - 1
HISTOGRAM_BARS = 40
MIN_CHART_YEAR = 1450
MAX_RELAXATIONS = 6


# -- view models ----------------------------------------------------------------------------------
@dataclass
class FacetValueView:
    value: str
    label: str
    count: int | None
    selected: bool
    excluded: bool
    depth: int
    exclude_url: str


@dataclass
class FacetView:
    name: str
    label: str
    values: list[FacetValueView] = field(default_factory=list)
    has_more: bool = False
    more_url: str = ""

    def items(self) -> Markup:
        """The facet's values as `<li>` elements: checkbox, label and count, exclude link.

        Written here rather than in the template because a results page shows about seventy
        values, and a dozen escaped Jinja expressions each cost a millisecond a page.
        """
        excluded_word, exclude_word = escape(tr("Exclu :")), escape(tr("exclure"))
        name = escape(self.name)
        out = []
        for index, v in enumerate(self.values, 1):
            label = escape(v.label)
            if v.excluded:
                out.append(
                    f'<li class="depth-{v.depth} excluded">'
                    f'<span class="excluded-value">{excluded_word} {label}</span></li>'
                )
                continue
            ident = f"f-{name}-{index}"
            checked = " checked" if v.selected else ""
            count = (
                f' <span class="count">({fmt_number(v.count)})</span>'
                if v.count is not None
                else ""
            )
            exclude = (
                f'<a class="exclude" href="{escape(v.exclude_url)}">{exclude_word}'
                f'<span class="visually-hidden"> {label}</span></a>'
                if v.exclude_url
                else ""
            )
            out.append(
                f'<li class="depth-{v.depth}">'
                f'<input type="checkbox" id="{ident}" name="f" value="{name}:{escape(v.value)}"{checked}>'
                f'<label for="{ident}">{label}{count}</label>{exclude}</li>'
            )
        return Markup("\n".join(out))


@dataclass
class Chip:
    label: str
    remove_url: str


@dataclass
class Bar:
    start: int
    end: int
    count: int
    x: float
    height: float
    w: float = 10.0  # SVG width: proportional to the years the bar spans

    @property
    def label(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"


def record_url(record_id: int) -> str:
    """url_for("opac.record") for the twenty hits of a page, the router asked once."""
    prefix = g.get("_record_prefix")
    if prefix is None:
        prefix = g._record_prefix = url_for("opac.record", record_id=0)[:-1]
    return f"{prefix}{int(record_id)}"


def per_page() -> int:
    """Hits per page: the PER_PAGE setting, kept within what the search API accepts."""
    return max(1, min(MAX_PER_PAGE, int(current_app.config.get("PER_PAGE") or 20)))


def facet_views(result: Any, state: SearchState) -> list[FacetView]:
    """Facets for the template, keeping selected values that fell out of the top list."""
    views = []
    for name, facet in result.facets.items():
        view = FacetView(name, facet_label(name, getattr(facet, "label", "")))
        seen = set()
        for fv in facet.values:
            seen.add(fv.value)
            view.values.append(_value_view(state, name, fv.value, fv.label, fv.count, fv.depth))
        for value in state.filters.get(name, ()):
            if value not in seen:
                label = chip_label(name, value)
                view.values.insert(0, _value_view(state, name, value, label, None, 0))
        view.has_more = bool(facet.has_more)
        view.more_url = state.url("opac.facet", name=name) if facet.has_more else ""
        if view.values:
            views.append(view)
    return views


def _value_view(
    state: SearchState, name: str, value: str, label: str, count: int | None, depth: int
) -> FacetValueView:
    return FacetValueView(
        value=value,
        label=value_label(name, value, label),
        count=count,
        selected=state.is_selected(name, value),
        excluded=state.is_excluded(name, value),
        depth=min(int(depth or 0), 5),
        exclude_url="" if state.is_selected(name, value) else state.excluding(name, value),
    )


def chip_label(name: str, value: str) -> str:
    """A selected value's label; a theme's is its configured label, not its slug."""
    if name == "theme":
        labels = g.get("_theme_labels")
        if labels is None:
            # the configured themes, without counting their records as themes() does
            themes = get_searcher().theme_list
            labels = g._theme_labels = {t.value: t.label for t in themes}
        return labels.get(value, value)
    return value_label(name, value)


def value_removals(state: SearchState) -> list[tuple[str, SearchState]]:
    """Each selected or excluded value, labelled, with the state without it: the chips of
    the results page and the zero-result page's suggestions."""
    out = []
    for name, values in state.filters.items():
        for value in values:
            label = f"{facet_label(name)} : {chip_label(name, value)}"
            out.append((label, state.without_filter(name, value)))
    for name, values in state.excludes.items():
        for value in values:
            label = _(
                "Sauf %(facet)s : %(value)s",
                facet=facet_label(name),
                value=chip_label(name, value),
            )
            out.append((label, state.without_exclude(name, value)))
    return out


def chips(state: SearchState) -> list[Chip]:
    out = []
    if state.q:
        out.append(Chip(_("Recherche : « %(q)s »", q=state.q), state.without_query().url()))
    out += [Chip(label, without.url()) for label, without in value_removals(state)]
    if state.year_from is not None or state.year_to is not None:
        if state.year_from is not None and state.year_to is not None:
            label = _("Années %(a)s à %(b)s", a=state.year_from, b=state.year_to)
        elif state.year_from is not None:
            label = _("À partir de %(a)s", a=state.year_from)
        else:
            label = _("Jusqu'en %(b)s", b=state.year_to)
        out.append(Chip(label, state.without_years().url()))
    return out


def histogram(pairs: list[tuple[int, int]] | None) -> tuple[list[Bar], int]:
    """Year counts binned into at most HISTOGRAM_BARS bars, with heights for a 60-unit SVG.

    Every bin spans `width` years but the last, which may span fewer: each bar is as wide as
    the years it covers (10 units for a full bin), and an empty bin leaves its gap.
    """
    # years before printing are cataloguing noise ("0", "19"): they would flatten the chart
    pairs = sorted((int(y), int(c)) for y, c in (pairs or ()) if c and int(y) >= MIN_CHART_YEAR)
    if not pairs:
        return [], 0
    first, last = pairs[0][0], pairs[-1][0]
    width = max(1, math.ceil((last - first + 1) / HISTOGRAM_BARS))
    bins: dict[int, int] = {}
    for year, count in pairs:
        start = first + (year - first) // width * width
        bins[start] = bins.get(start, 0) + count
    top = max(bins.values())
    unit = 10.0 / width  # SVG units per year
    bars = []
    for start in sorted(bins):
        end = min(start + width - 1, last)
        height = max(2.0, round(60 * bins[start] / top, 1))
        bars.append(
            Bar(start, end, bins[start], (start - first) * unit, height, (end - start + 1) * unit)
        )
    return bars, top


def relaxations(searcher: Any, state: SearchState) -> list[tuple[str, str, int]]:
    """For a zero-result page: what each single filter removal would give."""
    candidates = value_removals(state)
    if state.year_from is not None or state.year_to is not None:
        candidates.append((_("Années"), state.without_years()))
    if state.q and state.has_filters:
        candidates.append((_("la recherche « %(q)s »", q=state.q), state.without_query()))
    out = []
    for label, relaxed in candidates[:MAX_RELAXATIONS]:
        request = relaxed.to_request(1, page=1, with_facets=False, with_suggestions=False)
        total = searcher.search(request).total
        if total:
            out.append((label, relaxed.url(), total))
    return out


# -- pages ----------------------------------------------------------------------------------------
@bp.route("/")
def home() -> str:
    searcher = get_searcher()
    from indexer.search import SearchRequest

    overview = searcher.search(SearchRequest(q="", per_page=1, facet_limit=80))
    facet = overview.facets.get("descriptor")
    # entry points are headings, not their subdivisions ("Périodiques" alone means nothing)
    descriptors = [v for v in facet.values if not v.depth][:24] if facet else []
    return render_template(
        "home.html",
        latest=searcher.latest(limit=10),
        themes=searcher.themes(),
        descriptors=descriptors,
        total=overview.total,
        state=SearchState(),
    )


@bp.route("/recherche")
def search() -> str:
    state = SearchState.from_args(request.args)
    searcher = get_searcher()
    limit = int(current_app.config.get("FACET_LIMIT", 10))
    result = searcher.search(state.to_request(per_page(), facet_limit=limit))
    if not result.total and state.page == 1:
        searchlog.record_zero(state.q, state.filters)  # for the staff dashboard
    beyond = bool(state.page > 1 and not result.hits and result.total)
    bars, top = histogram(result.year_histogram)
    last_page = min(result.pages or 1, MAX_PAGE)
    return render_template(
        "results.html",
        state=state,
        result=result,
        facets=facet_views(result, state),
        chips=chips(state),
        bars=bars,
        bar_top=top,
        beyond=beyond,
        last_page=last_page,
        relaxations=relaxations(searcher, state) if not result.total else [],
        MIN_PREFIX=MIN_PREFIX,
        MAX_PREFIXES=MAX_PREFIXES,
        first_rank=(state.page - 1) * per_page() + 1,
        snippet=safe_snippet,
    )


@bp.route("/recherche/facette/<name>")
def facet(name: str) -> str:
    """Every value of one facet (paged, filterable): the no-JavaScript "more values" page."""
    if name not in facet_names():
        raise NotFound()
    state = SearchState.from_args(request.args)
    prefix = " ".join(request.args.get("filtre", "").split())
    if len(prefix) > MAX_PREFIX_CHARS:
        raise BadParameter("Filtre trop long.")
    try:
        page = int(request.args.get("vpage", "1"))
    except ValueError:
        raise BadParameter("Le paramètre « vpage » doit être un nombre entier.") from None
    if not 1 <= page <= MAX_PAGE:
        raise BadParameter(f"Le paramètre « vpage » doit être compris entre 1 et {MAX_PAGE}.")
    searcher = get_searcher()
    try:
        result = searcher.facet_values(
            name, state.to_request(per_page()), prefix=prefix, page=page, per_page=50
        )
    except ValueError:
        raise NotFound() from None
    others = state.but(filters={k: v for k, v in state.filters.items() if k != name})
    values = [
        _value_view(state, name, fv.value, fv.label, fv.count, fv.depth) for fv in result.values
    ]
    total_pages = max(1, math.ceil((result.total_values or 0) / 50))
    return render_template(
        "facet.html",
        state=state,
        others=others,
        name=name,
        label=facet_label(name),
        values=values,
        prefix=prefix,
        page=page,
        total_pages=total_pages,
        has_more=bool(result.has_more),
        total_values=result.total_values,
    )


def _load(record_id: int) -> Any:
    if record_id > MAX_ID:
        raise NotFound()
    record = get_store().get(record_id)
    if record is None:
        raise NotFound()
    return record


def _record_page(record_id: int, view: str) -> str:
    record = _load(record_id)
    store = get_store()
    similar: list[Any] = []
    try:
        similar = get_searcher().more_like_this(record_id, limit=5)
    except IndexUnavailable:  # the record page still works while the index is rebuilt
        similar = []
    duplicates = store.get_many(store.duplicates(record_id))
    leader, fields = marc_lines(record) if view == "marc" else ("", [])
    links = [(link, safe_url(link.url)) for link in record.links if link.kind != "thumbnail"]
    return render_template(
        "record.html",
        record=record,
        view=view,
        provenance=store.provenance(record_id) or {},
        similar=similar,
        duplicates=duplicates,
        publication="" if dated_by_host(record) else publication_line(record, lang()),
        host_detail=host_line(record, lang()),
        isbd_lines=isbd(record, lang()) if view == "isbd" else [],
        abstract=abstract_paragraphs(record),
        places=geographic_headings(record),
        has_marc=bool(record.original.marc),
        author_value=author_value,
        leader=leader,
        marc_fields=fields,
        links=links,
        state=SearchState(),
    )


@bp.route("/notice/<int:record_id>")
def record(record_id: int) -> str:
    return _record_page(record_id, "display")


@bp.route("/notice/<int:record_id>/isbd")
def record_isbd(record_id: int) -> str:
    return _record_page(record_id, "isbd")


@bp.route("/notice/<int:record_id>/marc")
def record_marc(record_id: int) -> str:
    return _record_page(record_id, "marc")


@bp.route("/suggestions")
def suggestions() -> Response:
    """Autocomplete for the search box (JSON; the page works without it)."""
    prefix = " ".join(request.args.get("q", "").split())
    if len(prefix) > MAX_PREFIX_CHARS:
        raise BadParameter("Requête trop longue.")
    if len(prefix) < 2:
        return jsonify([])
    items = get_searcher().autocomplete(prefix, limit=8)
    return jsonify([{"kind": str(i.get("kind", "")), "label": str(i["label"])} for i in items])
