"""Sort orders and « latest additions », checked over whole lists rather than their ends."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from catalogue.ingest import import_paths
from catalogue.store import Store
from indexer import build
from indexer.schema import sort_title
from indexer.search import Searcher, SearchRequest


def test_title_sort_orders_every_hit(searcher) -> None:
    hits = searcher.search(SearchRequest(q="droit", sort="title", per_page=100)).hits
    keys = [sort_title(h.title) for h in hits]
    assert len(keys) > 20
    assert keys == sorted(keys)
    relevance = searcher.search(SearchRequest(q="droit", per_page=100)).hits
    assert [h.id for h in hits] != [h.id for h in relevance]  # a real reordering


def test_latest_is_by_record_id_not_by_last_indexed(tmp_path: Path, fixtures: Path) -> None:
    """An edited old record is re-indexed last (highest document number) but is no new addition."""
    store = Store(tmp_path / "docbase.sqlite3")
    import_paths(store, [fixtures / "unimarc/medialab_cotes8.mrc"], rejects_dir=tmp_path / "rej")
    build.update(store, tmp_path / "index")
    oldest = store.get(min(r.id for r in store.iter_records()))
    store.save(dataclasses.replace(oldest, title=oldest.title + " (édition revue)"))
    build.update(store, tmp_path / "index")
    newest = sorted((r.id for r in store.iter_records()), reverse=True)[:5]
    with Searcher(tmp_path / "index") as searcher:
        assert [h.id for h in searcher.latest(5)] == newest
        assert oldest.id not in {h.id for h in searcher.latest(5)}
    store.close()


@pytest.mark.parametrize("sort", ["date_desc", "date_asc"])
def test_date_sorts_order_every_dated_hit(searcher, sort: str) -> None:
    hits = searcher.search(SearchRequest(q="droit", sort=sort, per_page=100)).hits
    years = [h.year for h in hits if h.year]
    assert len(set(years)) > 3
    assert years == sorted(years, reverse=sort == "date_desc")
