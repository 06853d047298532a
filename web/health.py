"""`/sante`: what monitoring polls. 200 and a JSON summary when the store and the index answer,
503 (same JSON shape) when either does not: a missing, deleted or unreadable index included."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify
from werkzeug.wrappers import Response

from web.searching import IndexUnavailable, get_searcher, get_store

bp = Blueprint("health", __name__)


@bp.route("/sante")
def health() -> tuple[Response, int]:
    body: dict = {"status": "ok", "store": None, "index": None}
    try:
        body["store"] = {"records": get_store().count()}
    except Exception:
        current_app.logger.exception("health: store unreadable")
        body.update(status="indisponible", message="Base de notices illisible.")
        return _answer(body, 503)
    try:
        searcher = get_searcher()
        body["index"] = {"records": searcher.record_count(), "open": searcher.is_open}
    except IndexUnavailable:
        body.update(status="indisponible", message="Index de recherche absent ou illisible.")
        return _answer(body, 503)
    return _answer(body, 200)


def _answer(body: dict, status: int) -> tuple[Response, int]:
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
