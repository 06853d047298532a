"""The Whoosh reader of the live index and its segment state: the only module that touches
Whoosh internals (private attributes of its codec, segment readers and table of contents).

Whoosh has no public way to read a posting list as arrays, a field's length column as bytes, or
to reuse a segment reader across commits (only its deletions change), and those three are what
makes search fast (see ../shared/docs/whoosh-notes.md). Keeping them here means one module to
check when Whoosh changes.

`LiveIndex` keeps one reader per process, reopens it when the index changes (a new commit or a
swapped rebuild; checking costs a readlink and a listdir), and runs every read under one lock:
Whoosh objects are not thread-safe (postings files are read with seek + read).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import MultiReader, ReaderClosed, SegmentReader, TermNotFound
from whoosh.searching import Searcher as WhooshSearcher
from whoosh.util.numeric import byte_to_length

if TYPE_CHECKING:
    from indexer.arrays import ReaderArrays
    from indexer.engine import Engine

T = TypeVar("T")
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
EMPTY_I = np.zeros(0, dtype=np.int32)
EMPTY_F = np.zeros(0, dtype=np.float32)
META = "docbase.json"  # written last into a generation folder: a folder without it is a build
CURRENT = "current"  # the symlink to the live generation folder


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder, or None when there is no index yet."""
    link = Path(index_dir) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = Path(index_dir) / target
    return path if (path / META).exists() else None


def open_index(generation: Path | str, mmap: bool = False) -> Any:
    """A Whoosh index read with plain file reads, not mmap.

    With mmap every page of the index a search touches counts in the process's RSS (310 MB at
    100k records just after opening, growing with each update); plain reads keep a serving
    process near 130 MB for ~15% more query time.
    """
    return FileStorage(str(generation), supports_mmap=mmap).open_index()


# -- reading postings and lengths as arrays ------------------------------------------------------
def raw_postings(segreader: Any, fieldname: str, tbytes: bytes, weights: bool = False):
    """(segment-local doc numbers, weights) of one term, deletions included; empty when absent."""
    try:
        matcher = segreader._terms.matcher(fieldname, tbytes, segreader.schema[fieldname].format)
    except (TermNotFound, KeyError):
        return EMPTY_I, EMPTY_F
    return _matcher_arrays(matcher, weights)


def _matcher_arrays(matcher: Any, weights: bool) -> tuple[np.ndarray, np.ndarray]:
    """Read a matcher block by block (W3 codec), or posting by posting (inlined postings)."""
    if isinstance(matcher, W3LeafMatcher):
        id_chunks, w_chunks = [], []
        while not matcher._atend:
            matcher._read_ids()
            id_chunks.append(matcher._ids)
            if weights:
                matcher._read_weights()
                w_chunks.append(matcher._weights)
            matcher._next_block()
        ids = np.concatenate([np.asarray(c, dtype=np.int32) for c in id_chunks])
        if not weights:
            return ids, EMPTY_F
        return ids, np.concatenate([np.asarray(c, dtype=np.float32) for c in w_chunks])
    ids_list, w_list = [], []
    while matcher.is_active():
        ids_list.append(matcher.id())
        if weights:
            w_list.append(matcher.weight())
        matcher.next()
    return np.array(ids_list, dtype=np.int32), np.array(w_list, dtype=np.float32)


def field_postings(segreader: Any, fieldname: str):
    """(term bytes, doc numbers) of every term of a field, walking the term file in order.

    Much cheaper than a lookup per term: a field of unique values (record ids, sort keys) has
    as many terms as documents, and most of them keep their one posting inline.
    """
    terms = segreader._terms
    fmt = segreader.schema[fieldname].format
    for (name, tbytes), terminfo in terms.items_from(fieldname, b""):
        if name != fieldname:
            return
        if terminfo.is_inlined():
            yield tbytes, np.asarray(terminfo.inlined_postings()[0], dtype=np.int32)
        else:
            matcher = terms._codec.postings_reader(terms._postfile, terminfo, fmt)
            yield tbytes, _matcher_arrays(matcher, False)[0]


def field_lengths(segreader: Any, fieldname: str) -> np.ndarray:
    """Per-document length of a field in one segment (BM25 needs it for every hit)."""
    count = segreader.doc_count_all()
    column = segreader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if column is None:
        return np.zeros(count, dtype=np.float32)
    raw = column._dbfile.get(column._basepos, column._count)
    codes = np.zeros(count, dtype=np.uint8)
    codes[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)[:count]
    return _BYTE_TO_LENGTH[codes]


# -- the segments of one generation --------------------------------------------------------------
@dataclass
class Segments:
    """The Whoosh side of one index generation: its reader, searcher and segment readers."""

    generation: Path
    ix: Any
    toc_generation: int
    reader: Any
    searcher: Any
    segreaders: dict[str, Any]

    def changed(self) -> bool:
        """Whether a commit was made since this reader was opened."""
        return TOC._latest_generation(self.ix.storage, self.ix.indexname) != self.toc_generation

    def close(self) -> None:
        for reader in self.segreaders.values():
            reader.close()


def open_segments(generation: Path, previous: Segments | None) -> Segments:
    """Open a generation's latest commit, reusing the segment readers of `previous` (the same
    generation's last commit): their files never change, only the deletions may have."""
    ix = open_index(generation)
    toc = TOC.read(ix.storage, ix.indexname)
    cache = dict(previous.segreaders) if previous else {}
    readers, segreaders = [], {}
    for segment in toc.segments:
        segid = segment.segment_id()
        reader = cache.pop(segid, None)
        if reader is None:
            reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
        else:  # same files; only the deletions may have changed
            reader._segment = segment
            reader._perdoc._segment = segment
            reader.__dict__.pop("deleted_docs_set", None)
        readers.append(reader)
        segreaders[segid] = reader
    for stale in cache.values():
        stale.close()
    if len(readers) == 1:
        reader = readers[0]
    elif readers:
        reader = MultiReader(readers, generation=toc.generation)
    else:
        reader = ix.reader()
    searcher = WhooshSearcher(reader, fromindex=ix)
    return Segments(generation, ix, toc.generation, reader, searcher, segreaders)


# -- the live state --------------------------------------------------------------------------------
@dataclass
class State:
    """One generation's segments and what is computed over them (arrays, engine, results)."""

    segments: Segments
    arrays: ReaderArrays
    engine: Engine
    # results of recent requests on this generation (the home page's empty query, popular
    # drill-downs, a visitor paging back and forth): gone with the generation
    results: OrderedDict = field(default_factory=OrderedDict)

    def stored(self, doc: int) -> dict:
        """The stored fields of a document number."""
        return self.segments.searcher.stored_fields(int(doc))


# builds the arrays and the engine of new segments, from the previous state's when there is one
Derive = Callable[[Segments, "State | None"], tuple["ReaderArrays", "Engine"]]


class LiveIndex:
    """The live generation of an index folder, reopened when it changes, read under one lock."""

    def __init__(self, index_dir: str | Path, derive: Derive) -> None:
        self.index_dir = Path(index_dir)
        self._derive = derive
        self._lock = threading.RLock()
        self.state: State | None = None
        self.refresh()

    def refresh(self) -> None:
        """Pick up a new commit or a swapped rebuild; cheap when nothing changed."""
        with self._lock:
            generation = current_generation(self.index_dir)
            state = self.state
            if generation is None:
                self.close()
                return
            same = state is not None and state.segments.generation == generation
            if same and not state.segments.changed():
                return
            try:
                self.state = self._open(generation, state if same else None)
            except Exception:
                # an index being swapped or written: keep answering from the previous state
                if self.state is None:
                    raise
                return
            if not same and state is not None:
                state.segments.close()

    def _open(self, generation: Path, previous: State | None) -> State:
        segments = open_segments(generation, previous.segments if previous else None)
        arrays, engine = self._derive(segments, previous)
        return State(segments, arrays, engine)

    def read(self, func: Callable[[State], T], empty: Callable[[], T]) -> T:
        """`func` of the current state, under the lock and after a refresh; `empty()` while
        there is no live index. If index files vanished under it (a merged-away segment, a
        generation removed after two rebuilds), the live index is reopened and `func` run once
        more."""
        with self._lock:
            try:
                return self._read_once(func, empty)
            except (OSError, ReaderClosed):
                self.close()
                return self._read_once(func, empty)

    def _read_once(self, func: Callable[[State], T], empty: Callable[[], T]) -> T:
        self.refresh()
        state = self.state
        return empty() if state is None else func(state)

    def close(self) -> None:
        with self._lock:
            if self.state is not None:
                self.state.segments.close()
                self.state = None
