"""Curated bibliographies on the site: the list, each one's page, its exports and Atom feed;
the Atom feed of any search; the « Citer » block of record pages.

A bibliography holds its hand-picked records and every record its saved search finds (searched
anew on each request, so it grows with the catalogue); the formatting is cached by
catalogue/citecache.py, keyed by the store's change sequence.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from catalogue import citations, citecache, formats
from catalogue.bibliography import Bibliography
from catalogue.record import Record
from web import feeds
from web.searching import get_searcher, get_store
from web.state import BadParameter, SearchState

bp = Blueprint("bibliographies", __name__)

MAX_REFERENCES = 2000  # formatted at once; a saved search finding more is cut (and says so)


# -- which records ---------------------------------------------------------------------------------
def search_state(bib: Bibliography) -> SearchState:
    pairs = [("q", bib.query), *(("f", f) for f in bib.filters), *(("x", x) for x in bib.excludes)]
    return SearchState.from_args(MultiDict(pairs))


def members(bib: Bibliography, limit: int = MAX_REFERENCES) -> list[int]:
    """Its records: the picks (in their order), then what the saved search finds."""
    store = get_store()
    ids = [r.id for r in store.get_many(bib.picks) if r.id is not None]
    if bib.has_search:
        picked = set(ids)
        found = get_searcher().matching_ids(search_state(bib).to_request(1), limit=limit)
        ids += [i for i in found if i not in picked]
    return ids[:limit]


def cache() -> citecache.CitationCache:
    return citecache.cache_for(current_app.config["CITATION_CACHE_DIR"])


def _load(slug: str) -> Bibliography:
    bib = get_store().bibliography(slug) if len(slug) <= 80 else None
    if bib is None:
        raise NotFound()
    return bib


def _style(bib: Bibliography) -> str:
    style = request.args.get("style", "") or bib.style
    if style not in citations.STYLES:
        raise BadParameter(f"Style inconnu : « {style[:40]} ».")
    return style


def _listing(bib: Bibliography, style: str, front: bool) -> citations.Listing:
    return citations.Listing(
        style=style,
        grouping=bib.grouping,
        order=bib.order,
        title=bib.title if front else "",
        introduction=bib.introduction if front else "",
    )


# -- exports: every writer of the registry, and the formatted outputs ---------------------------
def export_links(bib: Bibliography) -> list[tuple[str, str]]:
    """(label, URL) of every export, the formatted ones first."""
    links = [
        (o.label, url_for("bibliographies.export", slug=bib.slug, ext=o.name))
        for o in citations.OUTPUTS.values()
    ]
    for fmt in sorted((f for f in formats.FORMATS.values() if f.writer), key=lambda f: f.name):
        suffix = formats.url_suffix(fmt)
        links.append((fmt.label, url_for("bibliographies.export", slug=bib.slug, ext=suffix)))
    return links


@bp.route("/bibliographies")
def listing() -> str:
    return render_template("bibliographies.html", bibliographies=get_store().bibliographies())


@bp.route("/bibliographies/<slug>")
def page(slug: str) -> str:
    bib = _load(slug)
    style = _style(bib)
    ids = members(bib)
    body = citecache.bibliography(get_store(), ids, "html", _listing(bib, style, False), cache())
    return render_template(
        "bibliography.html",
        bib=bib,
        style=style,
        styles=citations.STYLES,
        references=Markup(body.decode("utf-8")),
        count=len(ids),
        cut=len(ids) >= MAX_REFERENCES,
        exports=export_links(bib),
    )


@bp.route("/bibliographies/<slug>.<ext>")
def export(slug: str, ext: str) -> Response:
    bib = _load(slug)
    if ext in citations.OUTPUTS:
        output = citations.OUTPUTS[ext]
        listing = _listing(bib, _style(bib), True)
        body = citecache.bibliography(get_store(), members(bib), ext, listing, cache())
        if ext == "html":
            body = render_template("bibliography_export.html", bib=bib, body=Markup(body.decode()))
        return _download(body, output.mime, f"{slug}.{ext}")
    fmt = formats.by_suffix(ext)
    if fmt is None:
        raise NotFound()
    records = get_store().get_many(members(bib))
    return _download(b"".join(fmt.write(records)), fmt.mime, f"{slug}.{fmt.extension}")


def _download(body: bytes | str, mime: str, filename: str) -> Response:
    response = Response(body, mimetype=mime.split(";")[0])
    if mime.startswith("text/"):
        response.charset = "utf-8"
    inline = mime.startswith(("text/", "application/vnd.citationstyles"))
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# -- Atom -----------------------------------------------------------------------------------------
@bp.route("/bibliographies/<slug>/atom")
def bibliography_atom(slug: str) -> Response:
    bib = _load(slug)
    store = get_store()
    ids = members(bib)
    dates = store.first_added(ids)
    # a record picked today is new in this bibliography, however old in the catalogue
    for record_id, picked in store.picked_dates(bib.id or 0).items():
        if record_id in dates:
            dates[record_id] = max(dates[record_id], picked)
    return _feed(bib.title, url_for(".page", slug=slug, _external=True), ids, dates)


@bp.route("/recherche/atom")
def search_atom() -> Response:
    state = SearchState.from_args(request.args)
    ids = get_searcher().matching_ids(state.to_request(1), limit=feeds.CANDIDATES)
    title = f"Recherche « {state.q} »" if state.q else "Nouveautés du catalogue"
    return _feed(title, url_for("opac.search", _external=True, **state.args()), ids)


def _feed(title: str, alternate: str, ids: list[int], dates: dict[int, str] | None = None):
    store = get_store()
    dates = dates if dates is not None else store.first_added(ids[: feeds.CANDIDATES])
    newest = sorted(dates, key=lambda i: (dates[i], i), reverse=True)[: feeds.ENTRIES]
    records = store.get_many(newest)
    refs = citecache.references(records, citations.DEFAULT_STYLE, cache())
    body = feeds.atom(
        title=f"{title} – {current_app.config['SITE_NAME']}",
        self_url=request.url,
        alternate=alternate,
        entries=[
            feeds.Entry(
                url=url_for("opac.record", record_id=r.id, _external=True),
                title=r.title or "[Sans titre]",
                added=dates[r.id or 0],
                summary=citations.plain(refs.get(str(r.id), "")),
            )
            for r in records
        ],
    )
    return Response(body, mimetype="application/atom+xml")


# -- « Citer » on record pages --------------------------------------------------------------------
def citation(record: Record) -> Markup:
    """The record's ISO 690 reference (HTML, escaped by pandoc); empty if pandoc fails."""
    try:
        refs = citecache.references([record], citations.DEFAULT_STYLE, cache())
    except citations.CitationError:
        current_app.logger.exception("citation of record %s failed", record.id)
        return Markup("")
    return Markup(refs.get(str(record.id), ""))


def bibliography_links() -> list[Bibliography]:
    try:
        return get_store().bibliographies()
    except Exception:  # the home page never fails for want of this panel
        return []


def init_app(app: Flask) -> None:
    from web.bibcommands import bibliography

    app.register_blueprint(bp)
    app.cli.add_command(bibliography)
    app.jinja_env.globals.update(citation=citation, bibliography_links=bibliography_links)
