"""Keeping the index current: incremental updates, atomic rebuilds under load, the CLI."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from catalogue.ingest import import_paths
from catalogue.record import Agent, Record, Subject
from catalogue.store import Store
from indexer import build
from indexer.search import Searcher, SearchRequest


def total(searcher: Searcher, q: str = "") -> int:
    return searcher.search(SearchRequest(q=q, with_facets=False)).total


def test_update_creates_the_index_and_records_the_seq(small) -> None:
    store, index_dir = small
    generation = build.current_generation(index_dir)
    assert generation is not None and (index_dir / "current").is_symlink()
    assert build.read_meta(generation)["seq"] == store.last_seq()
    assert build.update(store, index_dir)["changes"] == 0


def test_create_update_delete_restore_without_rebuild(small) -> None:
    store, index_dir = small
    with Searcher(index_dir) as searcher:
        before = total(searcher)
        generation = build.current_generation(index_dir)
        record = Record(
            source="tests", source_id="x1", title="Rénovation urbaine à Roubaix",
            agents=[Agent(name="Martin", forename="Léa")], subjects=[Subject(label="Urbanisme")],
        )  # fmt: skip
        store.save(record)
        stats = build.update(store, index_dir)
        assert stats["indexed"] == 1
        assert build.current_generation(index_dir) == generation  # no rebuild
        assert total(searcher, "renovation roubaix") == 1  # the searcher refreshed by itself
        record.title = "Rénovation urbaine à Tourcoing"
        store.save(record)
        build.update(store, index_dir)
        assert total(searcher, "roubaix") == 0 and total(searcher, "tourcoing") == 1
        assert total(searcher) == before + 1
        facet = searcher.search(SearchRequest(q="tourcoing")).facets["author"].values
        assert [(v.value, v.count) for v in facet] == [("Martin, Léa", 1)]
        store.delete(record.id)
        assert build.update(store, index_dir)["removed"] == 1
        assert total(searcher, "tourcoing") == 0 and total(searcher) == before
        store.restore(record.id)
        build.update(store, index_dir)
        assert total(searcher, "tourcoing") == 1


def test_import_leaves_the_index_current(small, fixtures: Path, tmp_path: Path) -> None:
    store, index_dir = small
    import_paths(store, [fixtures / "unimarc" / "medialab_cotesBR.mrc"], rejects_dir=tmp_path)
    build.update(store, index_dir)
    with Searcher(index_dir) as searcher:
        assert total(searcher) == store.count()


def test_rebuild_swaps_atomically_while_searches_run(small, fixtures: Path, tmp_path: Path) -> None:
    store, index_dir = small
    searcher = Searcher(index_dir)
    old = total(searcher)
    # records reach the store without an update: only the rebuild will index them
    import_paths(store, [fixtures / "unimarc" / "medialab_periouni.mrc"], rejects_dir=tmp_path)
    new = store.count()
    assert new > old
    seen: set[int] = set()
    errors: list[BaseException] = []
    stop = threading.Event()

    def search_loop() -> None:
        try:
            while not stop.is_set():
                result = searcher.search(SearchRequest(q="", per_page=5))
                seen.add(result.total)
                searcher.search(SearchRequest(q="droit OR histoire", filters={"language": ["fre"]}))
                time.sleep(0.05)  # leave the rebuild some of the interpreter
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=search_loop) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        first = build.current_generation(index_dir)
        stats = build.rebuild(store, index_dir)
        second = build.current_generation(index_dir)
        assert second != first and stats["indexed"] == new
        # a second rebuild removes the generation before last, keeps the previous one
        build.rebuild(store, index_dir)
        while new not in seen and not errors:
            threading.Event().wait(0.01)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors, errors
    assert seen <= {old, new} and new in seen  # never a half-built index
    assert len([p for p in index_dir.glob("gen-*")]) == 2
    assert first is not None and not first.exists()
    searcher.close()


def test_changes_during_a_rebuild_are_caught_up(small) -> None:
    store, index_dir = small
    original = build.rebuild

    def rebuild_with_a_concurrent_edit(store_: Store, index_dir_: Path, procs=None):
        store_.save(Record(source="tests", source_id="late", title="Notice arrivée pendant"))
        return original(store_, index_dir_, procs)

    stats = rebuild_with_a_concurrent_edit(store, index_dir)
    assert stats["caught_up"] in (0, 1)
    with Searcher(index_dir) as searcher:
        assert total(searcher, "arrivee pendant") == 1
        assert total(searcher) == store.count()


def test_parallel_rebuild_reads_the_store_in_each_writer(corpus, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(build, "PARALLEL_FROM", 0)
    stats = build.rebuild(corpus["store"], tmp_path / "index", procs=2)
    assert stats["indexed"] == corpus["store"].count()
    with Searcher(tmp_path / "index") as parallel, Searcher(corpus["index_dir"]) as single:
        for request in (SearchRequest(q="droit"), SearchRequest(filters={"language": ["fre"]})):
            one, two = single.search(request), parallel.search(request)
            assert one.total == two.total
            assert one.to_dict()["facets"] == two.to_dict()["facets"]


def test_searcher_without_an_index_answers_empty(tmp_path: Path) -> None:
    with Searcher(tmp_path / "nothing") as searcher:
        result = searcher.search(SearchRequest(q="droit"))
        assert result.total == 0 and result.hits == [] and "author" in result.facets
        assert searcher.autocomplete("dro") == [] and searcher.latest() == []


def test_cli_index_and_search(small, tmp_path: Path) -> None:
    from web import create_app

    store, _ = small
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app({"INSTANCE": str(instance), "STORE_PATH": str(store.path),
                      "INDEX_DIR": str(instance / "index"), "TESTING": True})  # fmt: skip
    runner = app.test_cli_runner()
    context = app.app_context()
    context.push()
    result = runner.invoke(args=["index"])
    assert result.exit_code == 0, result.output
    assert "Index reconstruit" in result.output
    result = runner.invoke(args=["index", "--rebuild", "--json"])
    assert json.loads(result.output)["indexed"] == store.count()
    result = runner.invoke(args=["search", "histoire", "--facet", "doc_type=book", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] > 0 and {"id", "title", "year"} <= set(data["hits"][0])
    assert all({"value", "count"} <= set(v) for v in data["facets"]["doc_type"])
    result = runner.invoke(args=["search", "histoire", "--sort", "date_desc"])
    assert result.exit_code == 0 and "notice(s)" in result.output
    result = runner.invoke(args=["search", "x", "--facet", "nonsense"])
    assert result.exit_code != 0
    context.pop()


def test_cached_postings_never_outlive_a_change(small, monkeypatch) -> None:
    """Decoded posting lists are kept per reader: a saved or deleted record shows at once."""
    from indexer import arrays

    monkeypatch.setattr(arrays, "CACHED_POSTINGS_MIN", 1)  # cache every list, even short ones
    store, index_dir = small
    with Searcher(index_dir) as searcher:
        before = total(searcher, "finances")
        assert before >= 1
        assert total(searcher, "finances") == before  # now answered from the cache
        record = Record(source="tests", source_id="c1", title="Les finances des communes")
        store.save(record)
        build.update(store, index_dir)
        assert total(searcher, "finances") == before + 1
        store.delete(record.id)
        build.update(store, index_dir)
        assert total(searcher, "finances") == before


# -- issue 11: an index copied without its symlink, killed rebuilds ------------------------
def _copy_without_symlinks(index_dir: Path, target: Path) -> Path:
    """What `cp -rL`, a backup tool or an rsync without -l makes of an index folder:
    `current` becomes a plain folder holding a copy of the live generation."""
    import shutil

    shutil.copytree(index_dir, target, symlinks=False)
    assert (target / "current").is_dir() and not (target / "current").is_symlink()
    return target


def test_index_copied_without_its_symlink_is_repaired(small, tmp_path: Path) -> None:
    """Issue 11: such a copy showed an empty catalogue, and `docbase index` (and `--rebuild`)
    crashed with IsADirectoryError, leaving one more gen-* folder at each run."""
    from indexer.cli import run_index

    store, index_dir = small
    with Searcher(index_dir) as searcher:
        expected = total(searcher)
    copy = _copy_without_symlinks(index_dir, tmp_path / "copie")
    with Searcher(copy) as searcher:
        assert not searcher.is_open  # not served as an empty catalogue
    stats = run_index(store.path, copy)
    assert stats["mode"] == "update"  # the copied generation was adopted, not rebuilt
    assert "adopté" in stats["repaired"][0]
    assert (copy / "current").is_symlink()
    with Searcher(copy) as searcher:
        assert searcher.is_open and total(searcher) == expected
    copy2 = _copy_without_symlinks(index_dir, tmp_path / "copie2")
    for _ in range(2):
        stats = run_index(store.path, copy2, rebuild=True)
        assert stats["indexed"] == expected
    assert (copy2 / "current").is_symlink()
    assert len(list(copy2.glob("gen-*"))) <= 2  # the live one and the one before


def test_dangling_current_is_repaired(small) -> None:
    """The live generation deleted (by hand, a full disk cleanup): `update` rebuilds."""
    import shutil

    store, index_dir = small
    shutil.rmtree(build.current_generation(index_dir))
    with Searcher(index_dir) as searcher:
        assert not searcher.is_open
    stats = build.update(store, index_dir)
    assert stats["mode"] == "rebuild" and stats["indexed"] == store.count()
    assert build.current_generation(index_dir) is not None


def test_folders_of_killed_rebuilds_are_removed_at_the_next_build(small) -> None:
    """A rebuild killed before its swap leaves a gen-* folder without META whose `.building`
    lock is free: the next build removes it; one whose lock is held (a rebuild running in
    another process) is left alone."""
    import fcntl

    store, index_dir = small
    dead = index_dir / "gen-20260101T000000-dead00"
    dead.mkdir()
    (dead / build.BUILDING).touch()
    (dead / "_MAIN_1.toc").write_bytes(b"x" * 1000)
    running = index_dir / "gen-20260101T000000-live00"
    running.mkdir()
    with open(running / build.BUILDING, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        build.rebuild(store, index_dir)
        assert not dead.exists()
        assert running.exists()
