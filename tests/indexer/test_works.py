"""One hit per work: the same records imported from four files are one hit each.

solrmarc's specTestRecs come as ISO 2709 and three MARCXML conversions (with/without prolog, with a
BOM): imported as four sources, every record of the three later files is linked as a duplicate of
the first file's (`duplicate_of`). « Equal housing lender » is one of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.ingest import import_paths
from catalogue.store import Store
from indexer import build
from indexer.search import Searcher, SearchRequest

FILES = [
    "marc21/solrmarc_specTestRecs.mrc",
    "xml/solrmarc_specTestRecs.xml",
    "xml/solrmarc_specTestRecs_no_Prolog.xml",
    "xml/solrmarc_specTestRecs_withBOM.xml",
]
SOURCES = [Path(name).name for name in FILES]


def _store(folder: Path, fixtures: Path, files: list[str]) -> Store:
    store = Store(folder / "docbase.sqlite3")
    import_paths(store, [fixtures / f for f in files], rejects_dir=folder / "rejects")
    return store


def _works(store: Store) -> int:
    """Works counted from the store alone: records that duplicate no other."""
    rows = store.db.execute(
        "SELECT count(*) FROM records WHERE deleted = 0 AND duplicate_of IS NULL"
    )
    return rows.fetchone()[0]


# session, not module: mutmut runs the tests of several modules interleaved, and a module
# fixture would be built again at each switch
@pytest.fixture(scope="session")
def four(tmp_path_factory, fixtures):
    folder = tmp_path_factory.mktemp("works")
    store = _store(folder, fixtures, FILES)
    build.update(store, folder / "index")
    with Searcher(folder / "index") as searcher:
        yield store, searcher
    store.close()


def test_the_four_copies_are_one_hit_naming_their_sources(four) -> None:
    store, searcher = four
    assert store.count() > 250 and _works(store) * 4 == store.count()
    result = searcher.search(SearchRequest(q="discrimination", per_page=5))
    titles = [h.title for h in result.hits]
    assert titles.count("Equal housing lender") == 1, titles
    (hit,) = [h for h in result.hits if h.title == "Equal housing lender"]
    assert hit.sources == SOURCES
    assert sorted(hit.copies) == sorted(store.duplicates(hit.id)) and len(hit.copies) == 3
    assert result.total == len(result.hits) == len(set(titles))


def test_a_work_counts_once_in_results_and_facets(four) -> None:
    store, searcher = four
    works = _works(store)
    result = searcher.search(SearchRequest(per_page=100, facet_limit=100))
    assert result.total == works == searcher.record_count()
    assert len({h.id for h in result.hits}) == len(result.hits) == min(works, 100)
    assert sum(v.count for v in result.facets["doc_type"].values) == works
    # the source facet counts each work once under each base that holds a copy of it
    from indexer.works import Works

    links = Works.of(store)
    held: dict[str, set[int]] = {}
    for record in store.iter_records():
        held.setdefault(record.source, set()).add(links.root(record.id))
    sources = {v.value: v.count for v in result.facets["source"].values}
    assert sources == {name: len(roots) for name, roots in held.items()}
    assert set(sources) == set(SOURCES) and min(sources.values()) >= works - 2
    only_xml = searcher.search(SearchRequest(filters={"source": [SOURCES[1]]}, with_facets=False))
    assert only_xml.total == len(held[SOURCES[1]])


def test_a_copy_added_or_deleted_later_updates_its_work(tmp_path, fixtures) -> None:
    store = _store(tmp_path, fixtures, FILES[:2])
    index = tmp_path / "index"
    build.update(store, index)
    with Searcher(index) as searcher:

        def equal_housing():
            found = searcher.search(SearchRequest(q='"Equal housing lender"', with_facets=False))
            assert found.total == 1, [h.title for h in found.hits]
            return found.hits[0]

        assert equal_housing().sources == SOURCES[:2]
        import_paths(store, [fixtures / f for f in FILES[2:]], rejects_dir=tmp_path / "rejects")
        assert build.update(store, index)["mode"] == "update"
        hit = equal_housing()
        assert hit.sources == SOURCES and len(hit.copies) == 3
        store.delete(hit.id)  # the primary copy goes: the work stays, held by three bases
        build.update(store, index)
        after = equal_housing()
        assert after.id == min(hit.copies) and after.sources == SOURCES[1:]
        # the deleted copy was the root of its work's links: the work still counts once
        total = searcher.search(SearchRequest(with_facets=False)).total
        assert total == searcher.record_count() == _works(store) + 1
    store.close()


def test_a_parallel_rebuild_collapses_works_too(four, tmp_path, monkeypatch) -> None:
    store, searcher = four
    monkeypatch.setattr(build, "PARALLEL_FROM", 0)  # two writer processes, as at 5,000 records
    build.rebuild(store, tmp_path / "index", procs=2)
    with Searcher(tmp_path / "index") as parallel:
        request = SearchRequest(q="discrimination", with_facets=False)
        assert parallel.record_count() == searcher.record_count() == _works(store)
        assert [h.sources for h in parallel.search(request).hits] == [SOURCES]
