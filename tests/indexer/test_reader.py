"""The live reader: one refresh-and-retry for every read, and lists that follow record ids."""

from __future__ import annotations

from indexer import build
from indexer.search import Searcher, SearchRequest


def test_a_read_reopens_the_index_when_its_files_vanish(small, monkeypatch) -> None:
    """A merged-away segment or a generation removed under a reader shows as an OSError: the
    live index is reopened and the read run once more, for a search as for a list."""
    _store, index_dir = small
    with Searcher(index_dir) as searcher:
        expected = searcher.search(SearchRequest(q="", with_facets=False)).total
        latest = [h.id for h in searcher.latest(limit=5)]
        for call in (
            lambda: searcher.search(SearchRequest(q="", with_facets=False, page=2)).total,
            lambda: [h.id for h in searcher.latest(limit=5)],
        ):
            state = searcher.live.state
            failed = []

            def vanished(*args, failed=failed, real=state.stored, **kwargs):
                if not failed:
                    failed.append(1)
                    raise FileNotFoundError("_MAIN_1.seg")
                return real(*args, **kwargs)

            monkeypatch.setattr(state, "stored", vanished)
            answer = call()
            assert failed == [1]
            assert searcher.live.state is not state  # reopened
            assert answer in (expected, latest)


def test_latest_follows_record_ids_not_document_numbers(small) -> None:
    """An edit re-indexes a record under a new document number: it must not become « new »."""
    store, index_dir = small
    with Searcher(index_dir) as searcher:
        before = [h.id for h in searcher.latest(limit=5)]
        ids = sorted((r.id for r in store.iter_records()), reverse=True)
        assert before == ids[:5]
        oldest = store.get(ids[-1])
        oldest.title = f"{oldest.title} (édition revue)"
        store.save(oldest)
        build.update(store, index_dir)
        assert searcher.search(SearchRequest(q="édition revue")).total >= 1
        assert [h.id for h in searcher.latest(limit=5)] == before
