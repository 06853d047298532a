"""Keeping the index in step with the store: incremental updates and atomic rebuilds.

Layout of the index folder:

    <index_dir>/current -> gen-<stamp>   (relative symlink, replaced with os.replace)
    <index_dir>/gen-<stamp>/             a Whoosh index, `docbase.json` (last applied change seq)
                                         and `arrays/` (per-segment facet arrays, see arrays.py)
    <index_dir>/.lock                    serialises writers (update, the swap of a rebuild)
    <index_dir>/gen-<stamp>/.building    locked by the process building that generation

`current` must be a symlink: an index folder copied without it (`current` then a plain folder),
a dangling link or a stray file is repaired by the next `update` or `rebuild` (`repair`), and
the `gen-*` folders of killed rebuilds (their `.building` no longer locked) are removed.

Updates follow the store's change feed from the seq recorded in the live generation. A rebuild
writes a new generation beside the live one without holding the lock (updates go on meanwhile),
swaps the symlink, then replays the changes made since its snapshot: searches never see a
half-built index and nothing is lost.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import pickle
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.multiproc import MpWriter, SubWriterTask

from catalogue.store import Store
from indexer.arrays import warm_segments
from indexer.reader import CURRENT, META, current_generation, open_index
from indexer.schema import SCHEMA_VERSION, make_schema
from indexer.works import Works, affected, documents

BUILDING = ".building"
BATCH = 5000
# Above this many changed records an update costs more than a rebuild (two writer processes).
REBUILD_THRESHOLD = 20_000
# Below this many records one writer process is faster than starting several.
PARALLEL_FROM = 5000


def read_meta(generation: Path) -> dict[str, Any]:
    return json.loads((generation / META).read_text("utf-8"))


def _write_meta(generation: Path, meta: dict[str, Any]) -> None:
    tmp = generation / (META + ".tmp")
    tmp.write_text(json.dumps(meta), "utf-8")
    os.replace(tmp, generation / META)


@contextmanager
def _locked(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def repair(index_dir: Path) -> list[str]:
    """Make `current` a symlink to a whole generation again, or nothing (the caller holds the
    lock). A copied index folder whose `current` became a plain folder is adopted as a new
    generation; a link to nothing, a stray file or a folder without an index is removed.
    Returns what was done, for the logs and the tests."""
    link = index_dir / CURRENT
    done: list[str] = []
    if link.is_symlink():
        if current_generation(index_dir) is None:
            link.unlink()
            done.append("lien current sans index retiré")
    elif link.is_dir():
        if (link / META).exists() and any(link.glob("_MAIN_*.toc")):
            name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
            os.rename(link, index_dir / name)
            _point_current(index_dir, name)
            done.append(f"dossier current adopté comme {name}")
        else:
            shutil.rmtree(link)
            done.append("dossier current sans index retiré")
    elif link.exists():
        link.unlink()
        done.append("fichier current retiré")
    return done


def _point_current(index_dir: Path, name: str) -> None:
    tmp_link = index_dir / f".{CURRENT}-{uuid.uuid4().hex[:6]}"
    os.symlink(name, tmp_link)
    os.replace(tmp_link, index_dir / CURRENT)


def update(store: Store, index_dir: Path) -> dict[str, Any]:
    """Apply the store's changes since the last applied seq; create the index when missing."""
    index_dir = Path(index_dir)
    repaired: list[str] = []
    if not (index_dir / CURRENT).is_symlink() or current_generation(index_dir) is None:
        with _locked(index_dir):
            repaired = repair(index_dir)
    generation = current_generation(index_dir)
    if generation is None or read_meta(generation).get("schema") != SCHEMA_VERSION:
        stats = rebuild(store, index_dir)
        stats["repaired"] = repaired + stats["repaired"]
        return stats
    pending = store.last_seq() - read_meta(generation)["seq"]
    if pending > REBUILD_THRESHOLD:
        return rebuild(store, index_dir)
    started = time.perf_counter()
    with _locked(index_dir):
        generation = current_generation(index_dir)
        assert generation is not None
        stats = _apply_changes(store, generation)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    stats["repaired"] = repaired
    return stats


def _apply_changes(store: Store, generation: Path) -> dict[str, Any]:
    """Replay the change feed onto one generation (the caller holds the lock)."""
    meta = read_meta(generation)
    seq = meta["seq"]
    stats = {"mode": "update", "changes": 0, "indexed": 0, "removed": 0, "seq": seq}
    ix = None
    while True:
        changes = store.changes_since(seq, limit=BATCH)
        if not changes:
            break
        # a changed copy re-indexes its whole work (the primary's document holds every copy)
        works = Works.of(store)
        ids, records = affected(store, works, dict.fromkeys(c.record_id for c in changes))
        ix = ix or open_index(generation)
        writer = ix.writer(timeout=60, limitmb=32)
        added = 0
        try:
            searcher = writer.searcher()
            for record_id in ids:
                writer.delete_by_term("id", str(record_id), searcher=searcher)
            for doc in documents(store, records, works):
                writer.add_document(**doc)
                added += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        searcher.close()
        seq = changes[-1].seq
        meta["seq"] = seq
        _write_meta(generation, meta)
        stats["changes"] += len(changes)
        stats["indexed"] += added
        stats["removed"] += len(ids) - len(records)
    stats["seq"] = seq
    if ix is not None:
        warm_segments(generation)
        ix.close()
    return stats


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """A writer process must not outlive the import or rebuild that started it: killed with
    -9, that process cannot stop its writers, which then held ~230 MB and, through the pipes
    they inherited, the multiprocessing forkserver and resource tracker too. On Linux the
    kernel kills a forked writer when its parent goes (prctl); otherwise a thread watches."""
    forked = os.getppid() == parent
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        armed = forked and libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        armed = False
    if armed:
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
        return

    def alive() -> bool:
        if forked:
            return os.getppid() == parent
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def watch() -> None:
        while alive():
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class _StoreTask(SubWriterTask):
    """A Whoosh writer process that reads its records from the store itself.

    Whoosh's MpWriter has the parent build and pickle every document; here the parent only hands
    out ranges of record ids, so that reading and decoding the store (a quarter of the work) runs
    in the writer processes too, on every core.
    """

    parent = 0  # the pid of the process that starts the writers (set before start())

    def run(self) -> None:
        _die_with_parent(self.parent)
        super().run()

    def _process_file(self, filename: str, doc_count: int) -> None:
        writer = self.writer
        tempstorage = writer.temp_storage()
        with tempstorage.open_file(filename).raw_file() as handle:
            for _ in range(doc_count):
                _, args = pickle.load(handle)
                store = getattr(self, "_docbase_store", None)
                if store is None:
                    store = self._docbase_store = Store(args["store"])
                    self._docbase_works = Works.of(store)
                records = store.get_many(args["ids"])
                for doc in documents(store, records, self._docbase_works):
                    writer.add_document(**doc)
        tempstorage.delete_file(filename)


class _StoreMpWriter(MpWriter):
    def _new_task(self) -> _StoreTask:
        task = _StoreTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        task.parent = os.getpid()
        self.tasks.append(task)
        task.start()
        return task


def _write_parallel(ix: Any, store: Store, procs: int) -> None:
    """Ids 1..last seq in chunks (ids never exceed the number of history entries)."""
    writer = _StoreMpWriter(ix, procs=procs, batchsize=1, limitmb=128, multisegment=True)
    try:
        last = store.last_seq()
        for start in range(1, last + 1, 250):
            writer.add_document(store=str(store.path), ids=list(range(start, start + 250)))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _build_generation(store: Store, generation: Path, procs: int | None) -> int:
    """Write every record of the store into a new Whoosh index in `generation`."""
    ix = whoosh_index.create_in(str(generation), make_schema())
    procs = procs or min(2, os.cpu_count() or 1)
    if procs > 1 and store.count() >= PARALLEL_FROM:
        _write_parallel(ix, store, procs)
    else:
        writer = ix.writer(limitmb=256)
        try:
            for doc in documents(store, store.iter_records(), Works.of(store)):
                writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    count = ix.doc_count()
    ix.close()
    warm_segments(generation)
    return count


def rebuild(store: Store, index_dir: Path, procs: int | None = None) -> dict[str, Any]:
    """Build a fresh generation beside the live one, swap it in atomically, catch up."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    seq = store.last_seq()  # changes after this one are replayed after the swap
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    generation = index_dir / name
    generation.mkdir()
    # held for the whole build: a folder whose lock is free is a killed build
    with open(generation / BUILDING, "a+") as building:
        fcntl.flock(building, fcntl.LOCK_EX)
        _remove_dead_builds(index_dir)
        try:
            count = _build_generation(store, generation, procs)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        built = time.perf_counter() - started
        with _locked(index_dir):
            # META last: a folder without it is a rebuild in progress (or a killed one)
            _write_meta(generation, {"seq": seq, "schema": SCHEMA_VERSION, "built": time.time()})
            repaired = repair(index_dir)  # os.replace cannot put a link over a folder
            previous = current_generation(index_dir)
            _point_current(index_dir, name)
            caught_up = _apply_changes(store, generation)
            _remove_old_generations(index_dir, keep={name, previous.name if previous else ""})
    (generation / BUILDING).unlink(missing_ok=True)
    return {
        "mode": "rebuild",
        "indexed": count,
        "generation": name,
        "seconds": round(time.perf_counter() - started, 3),
        "build_seconds": round(built, 3),
        "records_per_second": round(count / built, 1) if built else None,
        "caught_up": caught_up["changes"],
        "seq": caught_up["seq"],
        "repaired": repaired,
    }


def _remove_dead_builds(index_dir: Path) -> None:
    """Remove the folders of rebuilds killed before their swap: no META, and their `.building`
    lock free (its process is gone). A folder that has neither is a build that has only just
    made its folder, unless it is older than a minute (a crash before the lock existed)."""
    for path in index_dir.glob("gen-*"):
        if (path / META).exists():
            continue
        try:
            with open(path / BUILDING, "r+") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a rebuild running in another process
        except FileNotFoundError:
            try:
                if path.stat().st_mtime > time.time() - 60:
                    continue
            except FileNotFoundError:
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    """Keep the live generation and the one before (a serving process may still read it)."""
    stale = time.time() - 86_400
    for path in index_dir.glob("gen-*"):
        if path.name in keep:
            continue
        # a folder without META is a rebuild running in another process, or one killed long ago
        if (path / META).exists() or path.stat().st_mtime < stale:
            shutil.rmtree(path, ignore_errors=True)
