"""Exports by URL: every format of the registry for one record, the basket and any search.

Stable URLs a partner pastes once: `/notice/<id>.<suffix>` (`/notice/12.ris`),
`/selection/export/<format>`, `/export/<format>?q=…&f=…` (the results page's own parameters:
the whole result set in its order, up to `EXPORT_MAX_RECORDS`). The suffix of a format is its
file extension when no other format shares it (`ris`, `bib`, `csv`), else its registry name
(`marcxml`, `pmbxml`, `unimarc`); the registry name is always accepted too. Result sets are
streamed: records are read from the store in batches while the writer's bytes go out, so memory
stays flat and the first bytes leave at once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from datetime import date

from flask import Blueprint, Flask, Response, current_app, request, url_for
from werkzeug.exceptions import NotFound

from catalogue import formats
from catalogue.errors import FormatError
from catalogue.record import Record
from catalogue.store import Store
from web.basket import basket_ids
from web.searching import get_searcher, get_store
from web.state import SearchState

bp = Blueprint("export", __name__)
logger = logging.getLogger(__name__)

MAX_ID = 2**63 - 1
BATCH = 500  # records read from the store at a time while a result set streams


def export_formats() -> list[formats.Format]:
    """The formats offered in the « Exporter » menus: every registry format with a writer."""
    return [f for f in formats.FORMATS.values() if f.writer]


def _format(suffix: str) -> formats.Format:
    fmt = formats.by_suffix(suffix)
    if fmt is None:
        raise NotFound(f"format d'export inconnu « {suffix[:40]} » (unknown export format)")
    return fmt


def _filename(stem: str, fmt: formats.Format) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "notices"
    return f"{stem}.{fmt.extension}"


def _response(chunks: Iterable[bytes], fmt: formats.Format, filename: str) -> Response:
    response = Response(chunks, mimetype=fmt.mime)
    if fmt.mime.startswith("text/") or fmt.mime.endswith("xml"):
        response.mimetype, response.charset = fmt.mime, "utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"  # partners' tools read it from pages
    return response


def _records(store_path: str, ids: list[int]) -> Iterator[Record]:
    """The records of `ids` in order, read in batches through a store of the stream's own (the
    request's store is closed at teardown, before a long stream ends)."""
    with Store(store_path) as store:
        yield from store.iter_many(ids, batch=BATCH)


def _written(fmt: formats.Format, records: Iterable[Record]) -> Iterator[bytes]:
    try:
        yield from fmt.write(records)
    except FormatError as exc:  # headers are gone: say it in the body, never a stack trace
        logger.warning("export %s cut short: %s", fmt.name, exc)
        yield f"\n# export interrompu : {exc}\n".encode()


def stream(fmt: formats.Format, ids: list[int], stem: str) -> Response:
    """A streamed export of the records `ids` (in that order) in `fmt`."""
    path = str(current_app.config["STORE_PATH"])
    # no request context needed while streaming: the generator owns its store
    chunks = _written(fmt, _records(path, ids))
    return _response(chunks, fmt, _filename(stem, fmt))


@bp.route("/notice/<int:record_id>.<suffix>")
def record(record_id: int, suffix: str) -> Response:
    fmt = _format(suffix)
    found = get_store().get(record_id) if record_id <= MAX_ID else None
    if found is None:
        raise NotFound("notice inconnue ou supprimée (unknown or deleted record)")
    body = b"".join(_written(fmt, [found]))
    return _response([body], fmt, _filename(f"notice-{record_id}", fmt))


@bp.route("/selection/export/<suffix>")
def basket(suffix: str) -> Response:
    fmt = _format(suffix)
    response = stream(fmt, basket_ids(), f"selection-{date.today().isoformat()}")
    response.headers["Cache-Control"] = "private, no-store"  # the basket is one visitor's
    return response


@bp.route("/export/<suffix>")
def search(suffix: str) -> Response:
    fmt = _format(suffix)
    state = SearchState.from_args(request.args)
    limit = int(current_app.config["EXPORT_MAX_RECORDS"])
    ids = get_searcher().record_ids(state.to_request(1, with_facets=False), limit)
    response = stream(fmt, ids, "recherche-" + (state.q[:40] or "catalogue"))
    response.headers["X-Total-Count"] = str(len(ids))
    return response


# -- the « Exporter / Citer » menus ----------------------------------------------------------
def record_links(record_id: int) -> list[tuple[formats.Format, str]]:
    return [
        (f, url_for("export.record", record_id=record_id, suffix=formats.url_suffix(f)))
        for f in export_formats()
    ]


def basket_links() -> list[tuple[formats.Format, str]]:
    return [(f, url_for("export.basket", suffix=formats.url_suffix(f))) for f in export_formats()]


def search_links(args: dict[str, list[str]]) -> list[tuple[formats.Format, str]]:
    kept = {k: v for k, v in args.items() if k != "page"}
    return [
        (f, url_for("export.search", suffix=formats.url_suffix(f), **kept))
        for f in export_formats()
    ]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        export_record_links=record_links,
        export_basket_links=basket_links,
        export_search_links=search_links,
    )
