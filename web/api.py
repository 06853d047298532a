"""The JSON API under `/api/`, described by the OpenAPI 3.1 document at `/api/openapi.json`.

It takes the site's own parameters (`q`, `f`, `x`, `debut`, `fin`, `tri`, `page`), so that a
results page's URL becomes an API call by putting `/api/search` in front of its query string;
`par_page` (1–100) sets the page size. Errors are JSON too: `{"error": {"status", "message"}}`
with the HTTP status (400 bad parameter, 404 unknown record, 503 index unavailable).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for

from indexer.limits import MAX_PER_PAGE
from web.searching import get_searcher, get_store
from web.state import BadParameter, SearchState

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_ID = 2**63 - 1


@cache
def openapi_document() -> dict[str, Any]:
    return json.loads(resources.files("web").joinpath("openapi.json").read_text("utf-8"))


@bp.route("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.route("/search")
def search() -> Response:
    state = SearchState.from_args(request.args)
    per_page = _per_page()
    limit = int(current_app.config.get("FACET_LIMIT", 10))
    result = get_searcher().search(state.to_request(per_page, facet_limit=limit))
    data = result.to_dict()
    for hit in data["hits"]:
        hit["url"] = url_for("opac.record", record_id=hit["id"], _external=True)
        hit["api_url"] = url_for("api.record", record_id=hit["id"], _external=True)
    data["url"] = url_for("opac.search", _external=True, **_site_args())
    return jsonify(data)


def _per_page() -> int:
    raw = request.args.get("par_page", "").strip()
    if not raw:
        return int(current_app.config.get("PER_PAGE", 20))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PER_PAGE:
        raise BadParameter(f"par_page : un entier de 1 à {MAX_PER_PAGE} (1 to {MAX_PER_PAGE})")
    return int(raw)


def _site_args() -> dict[str, list[str]]:
    return {k: request.args.getlist(k) for k in request.args if k != "par_page"}


@bp.route("/notice/<int:record_id>")
def record(record_id: int) -> Response:
    record = get_store().get(record_id) if record_id <= MAX_ID else None
    if record is None:
        return json_error(404, "notice inconnue ou supprimée (unknown or deleted record)")
    return jsonify(
        {
            "id": record.id,
            "url": url_for("opac.record", record_id=record.id, _external=True),
            "unapi": url_for("unapi.unapi", id=record.id, _external=True),
            "record": record.to_dict(),
        }
    )


@bp.route("/bibliographies")
def bibliographies() -> Response:
    return jsonify({"bibliographies": [
        {"slug": b.slug, "title": b.title,
         "url": url_for("bibliographies.page", slug=b.slug, _external=True),
         "api_url": url_for("api.bibliography", slug=b.slug, _external=True)}
        for b in get_store().bibliographies()
    ]})  # fmt: skip


@bp.route("/bibliographies/<slug>")
def bibliography(slug: str) -> Response:
    from web.bibliographies import export_links, members

    bib = get_store().bibliography(slug) if len(slug) <= 80 else None
    if bib is None:
        return json_error(404, "bibliographie inconnue (unknown bibliography)")
    records = get_store().get_many(members(bib))
    return jsonify({
        "slug": bib.slug, "title": bib.title, "introduction": bib.introduction,
        "search": bib.search(), "grouping": bib.grouping, "order": bib.order, "style": bib.style,
        "url": url_for("bibliographies.page", slug=bib.slug, _external=True),
        "atom": url_for("bibliographies.bibliography_atom", slug=bib.slug, _external=True),
        "records": [
            {"id": r.id, "title": r.title, "year": r.year,
             "url": url_for("opac.record", record_id=r.id, _external=True),
             "api_url": url_for("api.record", record_id=r.id, _external=True)}
            for r in records
        ],
        "exports": {label: request.host_url.rstrip("/") + href for label, href in export_links(bib)},
    })  # fmt: skip


@bp.route("/suggestions")
def suggestions() -> Response:
    prefix = " ".join(request.args.get("q", "").split())
    if len(prefix) > 100:
        raise BadParameter("q : 100 caractères au plus (at most 100 characters)")
    items = get_searcher().autocomplete(prefix, limit=8) if len(prefix) >= 2 else []
    return jsonify([{"kind": str(i.get("kind", "")), "label": str(i["label"])} for i in items])


def json_error(status: int, message: str) -> Response:
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


def wants_json() -> bool:
    """Errors under /api/ answer in JSON (the error handlers ask)."""
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
