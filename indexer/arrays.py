"""Per-searcher numpy arrays: document number → values, field lengths, postings as arrays.

Whoosh's own facet counting is wrong for multi-valued fields (one value per column) or slow (per
hit, per facet, in Python); see ../shared/docs/whoosh-notes.md. Here every values field
(facets, sort keys, record ids) becomes two parallel arrays per segment — `docs[i]` has value
`vals[i]` — read once from the postings and pickled beside the segment (`arrays/<segment>.pkl`):
segments never change once written (deletions are kept apart), so a serving process loads them
in milliseconds and a refresh after one saved record only reads the new small segment.

Counting a facet over any set of hits is then a `bincount` of the hits' values, or, for fields of
at most 128 values, a popcount of each value's document bitmap AND the hits' bitmap (microseconds
whatever the number of hits). Postings of query terms are read block by block into arrays too, so that a query
with 50,000 hits is scored with numpy rather than one Python call per hit.
"""

from __future__ import annotations

import os
import pickle
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from indexer.reader import EMPTY_F, EMPTY_I, field_lengths, field_postings, open_index, raw_postings
from indexer.schema import ARRAY_FIELDS

ARRAYS_DIR = "arrays"
ARRAYS_VERSION = 2  # 2: entries in document order


# -- per-segment values arrays -------------------------------------------------------------------
@dataclass
class SegmentValues:
    """One segment's values fields: field → (vocabulary, local doc numbers, local value ids)."""

    segid: str
    doc_count: int
    fields: dict[str, tuple[list[str], np.ndarray, np.ndarray]]
    version: int = ARRAYS_VERSION


def _read_segment_values(segreader: Any) -> SegmentValues:
    fields: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
    for name in ARRAY_FIELDS:
        vocab: list[str] = []
        doc_chunks, val_chunks = [], []
        for tbytes, ids in field_postings(segreader, name):
            doc_chunks.append(ids)
            val_chunks.append(np.full(len(ids), len(vocab), dtype=np.int32))
            vocab.append(tbytes.decode("utf-8"))
        docs = np.concatenate(doc_chunks) if doc_chunks else EMPTY_I
        vals = np.concatenate(val_chunks) if val_chunks else EMPTY_I
        # in document order (a document's values in vocabulary order): segments concatenated
        # in offset order are then in document order too, which `ValuesArrays.by_doc` needs
        order = np.argsort(docs, kind="stable")
        fields[name] = (vocab, docs[order], vals[order])
    return SegmentValues(segreader.segment().segment_id(), segreader.doc_count_all(), fields)


def segment_values(segreader: Any, generation: Path | None) -> SegmentValues:
    """Load a segment's arrays from its pickle, or read them from the postings and save them."""
    segid = segreader.segment().segment_id()
    path = Path(generation) / ARRAYS_DIR / f"{segid}.pkl" if generation else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                values = pickle.load(handle)
            if values.version == ARRAYS_VERSION and values.doc_count == segreader.doc_count_all():
                return values
        except Exception:  # a damaged cache file is rebuilt, never fatal
            pass
    values = _read_segment_values(segreader)
    if path is not None:
        try:
            path.parent.mkdir(exist_ok=True)
            tmp = path.with_name(f".{segid}-{uuid.uuid4().hex[:6]}.tmp")
            with tmp.open("wb") as handle:
                pickle.dump(values, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass
    return values


def segment_readers(reader: Any) -> list[tuple[Any, int]]:
    """(segment reader, document offset) pairs; none for an empty index, whose one reader
    has no segment."""
    return [(r, offset) for r, offset in reader.leaf_readers() if r.segment() is not None]


def warm_segments(generation: Path) -> None:
    """Write the arrays of every live segment, drop those of merged-away segments."""
    ix = open_index(generation, mmap=True)  # a writer's short-lived reader: speed over RSS
    reader = ix.reader()
    try:
        live = set()
        folder = Path(generation) / ARRAYS_DIR
        for segreader, _ in segment_readers(reader):
            segid = segreader.segment().segment_id()
            live.add(segid)
            if not (folder / f"{segid}.pkl").exists():
                segment_values(segreader, generation)
        for path in folder.glob("*.pkl"):
            if path.stem not in live:
                path.unlink(missing_ok=True)
    finally:
        reader.close()
        ix.close()


# -- the combined view of one reader -------------------------------------------------------------
class Vocabulary:
    """Value strings ↔ ids, shared and only ever appended to across successive readers."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self.ids: dict[str, int] = {}

    def map(self, values: list[str]) -> np.ndarray:
        ids, table = self.ids, self.values
        out = np.empty(len(values), dtype=np.int32)
        for i, value in enumerate(values):
            vid = ids.get(value)
            if vid is None:
                vid = ids[value] = len(table)
                table.append(value)
            out[i] = vid
        return out

    def __len__(self) -> int:
        return len(self.values)

    def derived(self, key: str, func) -> list:
        """func(value) for every value, computed once per value across readers (append-only)."""
        cache = self.__dict__.setdefault("_derived", {})
        out = cache.setdefault(key, [])
        if len(out) < len(self.values):
            out.extend(func(v) for v in self.values[len(out) :])
        return out


@dataclass
class ValuesArrays:
    """One values field over the whole reader: entry i says document docs[i] has value vals[i]."""

    vocab: Vocabulary
    docs: np.ndarray
    vals: np.ndarray
    size: int  # vocabulary size when built (ids beyond it belong to later readers)
    _first: np.ndarray | None = None
    _by_doc: tuple[np.ndarray, np.ndarray] | None = None
    _single: bool = False  # at most one value per document (type, source, decade…)
    _bitmaps: np.ndarray | bool | None = None  # False: too many values for bitmaps

    def counts(self, hits: np.ndarray | Hits) -> np.ndarray:
        """Documents per value among `hits` (a boolean array over doc numbers, or `Hits`).

        A field of a few values counts with one bitmap per value (a popcount of bitmap AND
        hits: a few microseconds per value whatever the number of hits); a field with one
        value per document over its document → value array; others over every (document,
        value) entry when most documents are hit, else through a by-document index, so that
        a search pays for its own hits only.
        """
        hits = hits if isinstance(hits, Hits) else Hits(hits)
        n = len(hits.mask)
        bits = self.bitmaps(n)
        if bits is not None:
            if not len(bits):
                return np.zeros(0, dtype=np.int64)
            return np.bitwise_count(bits & hits.bits).sum(axis=1, dtype=np.int64)
        indptr, vals = self.by_doc(n)
        if self._single:
            found = self.first(n)[hits.docs]
            return np.bincount(found + 1, minlength=self.size + 1)[1:]
        if hits.count > DENSE_ABOVE * n:
            return np.bincount(self.vals[hits.mask[self.docs]], minlength=self.size)
        docs = hits.docs
        starts = indptr[docs]
        lengths = indptr[docs + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(self.size, dtype=np.int64)
        ends = np.cumsum(lengths)
        index = np.arange(total) + np.repeat(starts - (ends - lengths), lengths)
        return np.bincount(vals[index], minlength=self.size)

    def bitmaps(self, n: int) -> np.ndarray | None:
        """One bitmap of documents per value (rows of uint64 words), for fields of few values;
        None for the others (a bitmap per author would cost more than it saves)."""
        if self._bitmaps is None:
            words = (n + 63) // 64
            if self.size > BITMAP_MAX_VALUES or self.size * words * 8 > BITMAP_MAX_BYTES:
                self._bitmaps = False
            else:
                bitmaps = np.zeros((self.size, words), dtype=np.uint64)
                row = np.zeros(words * 64, dtype=bool)
                order = np.argsort(self.vals, kind="stable")
                bounds = np.searchsorted(self.vals[order], np.arange(self.size + 1))
                for vid in range(self.size):
                    row[:] = False
                    row[self.docs[order[bounds[vid] : bounds[vid + 1]]]] = True
                    bitmaps[vid] = np.packbits(row, bitorder="little").view(np.uint64)
                self._bitmaps = bitmaps
        return None if self._bitmaps is False else self._bitmaps

    def by_doc(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Each document's first entry (CSR) and the values in document order, built once.

        Fields read from segments are in document order already (no sort after a refresh);
        derived ones (themes, decades) are grouped by value and sorted here.
        """
        if self._by_doc is None:
            docs, vals = self.docs, self.vals
            if len(docs) > 1 and bool((docs[1:] < docs[:-1]).any()):
                order = np.argsort(docs, kind="stable")
                docs, vals = docs[order], vals[order]
            indptr = np.zeros(n + 1, dtype=np.int64)
            if len(docs):
                np.cumsum(np.bincount(docs, minlength=n)[:n], out=indptr[1:])
            self._single = bool((docs[1:] != docs[:-1]).all()) if len(docs) > 1 else True
            self._by_doc = (indptr, vals)
        return self._by_doc

    def docs_with(self, value_ids: list[int], n: int) -> np.ndarray:
        bits = self.bitmaps(n)
        if bits is not None:
            rows = [vid for vid in value_ids if 0 <= vid < self.size]
            if not rows:
                return np.zeros(n, dtype=bool)
            union = np.bitwise_or.reduce(bits[rows], axis=0)
            return np.unpackbits(union.view(np.uint8), count=n, bitorder="little").view(bool)
        wanted = np.zeros(max(self.size, 1), dtype=bool)
        for vid in value_ids:
            if 0 <= vid < self.size:
                wanted[vid] = True
        mask = np.zeros(n, dtype=bool)
        mask[self.docs[wanted[self.vals]]] = True
        return mask

    def first(self, n: int) -> np.ndarray:
        """Document → its (first) value id, -1 when none: for single-valued fields."""
        if self._first is None:
            first = np.full(n, -1, dtype=np.int32)
            first[self.docs[::-1]] = self.vals[::-1]
            self._first = first
        return self._first

    def id_of(self, value: str) -> int:
        vid = self.vocab.ids.get(value, -1)
        return vid if vid < self.size else -1


class Hits:
    """A set of documents as a boolean mask over doc numbers, with the forms facet counting
    needs (doc numbers, a bitmap, the count) computed once and shared by a search's facets."""

    __slots__ = ("mask", "_docs", "_bits", "_count")

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask
        self._docs: np.ndarray | None = None
        self._bits: np.ndarray | None = None
        self._count: int | None = None

    @property
    def docs(self) -> np.ndarray:
        if self._docs is None:
            self._docs = np.flatnonzero(self.mask)
        return self._docs

    @property
    def count(self) -> int:
        if self._count is None:
            self._count = int(np.count_nonzero(self.mask))
        return self._count

    @property
    def bits(self) -> np.ndarray:
        """The mask packed in uint64 words, as `ValuesArrays.bitmaps` rows are."""
        if self._bits is None:
            n = len(self.mask)
            padded = np.zeros((n + 63) // 64 * 64, dtype=bool)
            padded[:n] = self.mask
            self._bits = np.packbits(padded, bitorder="little").view(np.uint64)
        return self._bits


# bitmaps per value for fields of few values: 128 values × 100,000 documents = 1.6 MB; a field
# whose bitmaps would pass BITMAP_MAX_BYTES (64 values at a million records) counts with bincount
BITMAP_MAX_VALUES = 128
BITMAP_MAX_BYTES = 8 << 20
# count through by_doc unless most documents are hit: measured at 100k records, by_doc is 1.5–3×
# faster up to half the documents hit (descriptors 2.0 vs 4.3 ms at 50%), even at 60%
DENSE_ABOVE = 0.6
POSTINGS_CACHE_BYTES = 48 << 20  # per serving process
CACHED_POSTINGS_MIN = 500  # shorter lists decode fast enough


@dataclass
class ReaderArrays:
    """Everything the searcher computes with numpy for one Whoosh reader."""

    n: int
    live: np.ndarray
    leaves: list[tuple[Any, int]]
    segments: dict[str, SegmentValues]
    fields: dict[str, ValuesArrays]
    # segment → field → segment value ids mapped to the shared vocabulary (valid while it grows)
    mapped: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    _lengths: dict[str, tuple[np.ndarray, float]] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)
    _postings: OrderedDict = field(default_factory=OrderedDict)
    _postings_bytes: int = 0

    def lengths(self, fieldname: str) -> tuple[np.ndarray, float]:
        """Per-document lengths of a text field and their mean over live documents."""
        found = self._lengths.get(fieldname)
        if found is None:
            parts = [field_lengths(r, fieldname) for r, _ in self.leaves]
            lengths = np.concatenate(parts) if parts else EMPTY_F
            live_count = max(int(self.live.sum()), 1)
            mean = float(lengths[self.live].sum()) / live_count or 1.0
            found = self._lengths[fieldname] = (lengths, mean)
        return found

    def postings(self, fieldname: str, text: str, weights: bool = True):
        """Global doc numbers (and term frequencies) of one term over every segment.

        Whoosh decodes posting blocks in pure Python (unpickle, zlib, delta decoding): most of
        a query's time on frequent terms, which are also the ones queries repeat. So decoded
        lists of frequent terms are kept, least recently used first out, within
        POSTINGS_CACHE_BYTES; the cache lives as long as this reader (one index generation).
        """
        key = (fieldname, text, weights)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        found = self._read_postings(fieldname, text, weights)
        size = found[0].nbytes + found[1].nbytes
        if len(found[0]) >= CACHED_POSTINGS_MIN and size <= POSTINGS_CACHE_BYTES // 4:
            for array in found:
                array.setflags(write=False)  # shared by every later query: never changed
            self._postings[key] = found
            self._postings_bytes += size
            while self._postings_bytes > POSTINGS_CACHE_BYTES:
                _, (ids, wts) = self._postings.popitem(last=False)
                self._postings_bytes -= ids.nbytes + wts.nbytes
        return found

    def _read_postings(self, fieldname: str, text: str, weights: bool):
        tbytes = text.encode("utf-8")
        ids_parts, w_parts = [], []
        for segreader, offset in self.leaves:
            ids, wts = raw_postings(segreader, fieldname, tbytes, weights)
            if len(ids):
                ids_parts.append(ids + offset)
                w_parts.append(wts)
        if not ids_parts:
            return EMPTY_I, EMPTY_F
        ids = np.concatenate(ids_parts)
        return ids, (np.concatenate(w_parts) if weights else EMPTY_F)

    def cached(self, key: str, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def record_ids(self) -> np.ndarray:
        """Document number → record id (0 for a document without one)."""

        def compute() -> np.ndarray:
            arrays = self.fields["s_id"]
            numbers = arrays.vocab.derived("int", int)[: arrays.size]
            table = np.array([*numbers, 0], dtype=np.int64)
            return table[arrays.first(self.n)]

        return self.cached("record_ids", compute)

    def docnum(self, record_id: Any) -> int | None:
        """The live document number of a record id (None when it is not indexed)."""
        arrays = self.fields["s_id"]
        vid = arrays.id_of(str(record_id))
        if vid < 0:
            return None
        docs = arrays.docs[(arrays.vals == vid) & self.live[arrays.docs]]
        return int(docs[-1]) if len(docs) else None


def build_reader_arrays(
    reader: Any, generation: Path | None, previous: ReaderArrays | None = None
) -> ReaderArrays:
    """Combine the per-segment arrays of `reader`, reusing what a previous reader already had."""
    leaves = segment_readers(reader)
    n = reader.doc_count_all()
    live = np.ones(n, dtype=bool)
    segments: dict[str, SegmentValues] = {}
    known = previous.segments if previous else {}
    known_mapped = previous.mapped if previous else {}
    mapped: dict[str, dict[str, np.ndarray]] = {}
    vocabs = {name: previous.fields[name].vocab for name in ARRAY_FIELDS} if previous else {}
    docs_parts: dict[str, list[np.ndarray]] = {name: [] for name in ARRAY_FIELDS}
    vals_parts: dict[str, list[np.ndarray]] = {name: [] for name in ARRAY_FIELDS}
    for segreader, offset in leaves:
        segid = segreader.segment().segment_id()
        values = known.get(segid)
        if values is None or values.doc_count != segreader.doc_count_all():
            values = segment_values(segreader, generation)
        segments[segid] = values
        deleted = list(segreader.segment().deleted_docs())
        if deleted:
            live[np.asarray(deleted, dtype=np.int64) + offset] = False
        reuse = known_mapped.get(segid) if values is known.get(segid) else None
        seg_mapped = mapped[segid] = {}
        for name in ARRAY_FIELDS:
            vocab, docs, vals = values.fields[name]
            vocabulary = vocabs.setdefault(name, Vocabulary())
            if reuse is not None and name in reuse:
                global_vals = reuse[name]
            else:
                global_vals = vocabulary.map(vocab)[vals] if len(vals) else EMPTY_I
            seg_mapped[name] = global_vals
            docs_parts[name].append(docs + offset if offset else docs)
            vals_parts[name].append(global_vals)
    fields = {}
    for name in ARRAY_FIELDS:
        vocabulary = vocabs.setdefault(name, Vocabulary())
        docs = np.concatenate(docs_parts[name]) if docs_parts[name] else EMPTY_I
        vals = np.concatenate(vals_parts[name]) if vals_parts[name] else EMPTY_I
        fields[name] = ValuesArrays(
            vocabulary, docs.astype(np.int32, copy=False), vals, len(vocabulary)
        )
    return ReaderArrays(
        n=n, live=live, leaves=leaves, segments=segments, fields=fields, mapped=mapped
    )
