"""The per-process Searcher and the per-request Store, the only doors from web/ to the data.

Opening a searcher costs 100+ ms at 100k records, so each process keeps one (created on first
use) and only refreshes it at the start of a request. SQLite connections cannot cross threads,
so each request opens its own Store and closes it at teardown.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from werkzeug.exceptions import ServiceUnavailable

from catalogue.store import Store
from indexer.search import Searcher

_EXT = "docbase.searcher"
_lock = threading.Lock()


class IndexUnavailable(ServiceUnavailable):
    """The index is missing or unreadable: a friendly 503, never a stack trace."""

    description = "index"


def get_searcher() -> Any:
    """The process's Searcher, refreshed once per request (cheap when nothing changed)."""
    if "searcher" in g:
        return g.searcher
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    searcher = app.extensions.get(_EXT)
    if searcher is None:
        with _lock:
            searcher = app.extensions.get(_EXT)
            if searcher is None:
                searcher = _open_searcher(app)
                app.extensions[_EXT] = searcher
    try:
        searcher.refresh()
    except Exception as exc:  # an index swapped or damaged under us
        current_app.logger.exception("index refresh failed")
        raise IndexUnavailable() from exc
    if not searcher.is_open and _store_has_records():
        # deleted while serving, or copied without its `current` link: an empty catalogue
        # with a 200 would hide it; `docbase index` repairs it
        current_app.logger.error("no live index in %s", current_app.config["INDEX_DIR"])
        raise IndexUnavailable()
    g.searcher = searcher
    return searcher


def _store_has_records() -> bool:
    """Asked only when there is no live index: a new instance (empty store) has none yet."""
    try:
        return get_store().count() > 0
    except Exception:
        return True  # unreadable store: unavailable too


def _open_searcher(app: Flask) -> Any:
    index_dir = Path(app.config["INDEX_DIR"])
    themes = app.config.get("THEMES_FILE")
    try:
        return Searcher(index_dir, themes_file=Path(themes) if themes else None)
    except Exception as exc:
        app.logger.exception("cannot open the index at %s", index_dir)
        raise IndexUnavailable() from exc


def get_store() -> Store:
    """The request's own Store (SQLite connections are not shareable across threads)."""
    if "store" not in g:
        g.store = Store(current_app.config["STORE_PATH"])
    return g.store


def _close_store(exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def close_searcher(app: Flask) -> None:
    """Drop the process's searcher (tests that rebuild the index, or shutdown)."""
    searcher = app.extensions.pop(_EXT, None)
    if searcher is not None:
        searcher.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close_store)
