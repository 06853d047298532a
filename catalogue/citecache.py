"""The cache of formatted bibliographies: a repeated pull costs a lookup, not a pandoc run.

A bibliography's key holds the store's change sequence (`Store.last_seq`): any saved, deleted or
restored record makes every older key unreachable, so nothing is ever served stale and nothing
needs clearing. A single record's reference is keyed by its own content instead, so an import
elsewhere in the catalogue does not send every record page back to pandoc. Entries live in the
process (an LRU) and on disk (shared by the server's workers, pruned oldest first).
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from catalogue import citations, csl
from catalogue.record import Record
from catalogue.store import Store

MEMORY_ENTRIES = 256
MEMORY_BYTES = 64 * 1024 * 1024
DISK_ENTRIES = 2000  # files kept; the oldest go first


class CitationCache:
    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory else None
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._memory.get(key)
            if body is not None:
                self._memory.move_to_end(key)
                return body
        if self.directory is None:
            return None
        try:
            body = (self.directory / f"{key}.bin").read_bytes()
        except OSError:
            return None
        self._remember(key, body)
        return body

    def put(self, key: str, body: bytes) -> None:
        self._remember(key, body)
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.directory / f"{key}.{os.getpid()}.{threading.get_ident()}.part"
            tmp.write_bytes(body)
            tmp.replace(self.directory / f"{key}.bin")
            self._prune()
        except OSError:  # a read-only or full disk costs speed, never an answer
            pass

    def _remember(self, key: str, body: bytes) -> None:
        with self._lock:
            if key in self._memory:
                return
            self._memory[key] = body
            self._bytes += len(body)
            while len(self._memory) > MEMORY_ENTRIES or self._bytes > MEMORY_BYTES:
                _old, dropped = self._memory.popitem(last=False)
                self._bytes -= len(dropped)

    def _prune(self) -> None:
        assert self.directory is not None
        files = list(self.directory.glob("*.bin"))
        if len(files) <= DISK_ENTRIES:
            return
        files.sort(key=lambda p: p.stat().st_mtime)
        for path in files[: len(files) - DISK_ENTRIES * 4 // 5]:
            path.unlink(missing_ok=True)


_caches: dict[str, CitationCache] = {}
_caches_lock = threading.Lock()


def cache_for(directory: str | Path | None) -> CitationCache:
    """One cache per directory and process (the web app's requests share it)."""
    name = str(directory or "")
    with _caches_lock:
        if name not in _caches:
            _caches[name] = CitationCache(directory)
        return _caches[name]


def bibliography(
    store: Store,
    ids: Sequence[int],
    output: str,
    listing: citations.Listing,
    cache: CitationCache,
) -> bytes:
    """Records `ids` of the store formatted as one document, from the cache when nothing
    changed in the store since it was made."""
    key = citations.key("bibliography", store.last_seq(), list(ids), output, listing)
    body = cache.get(key)
    if body is None:
        body = citations.render(store.get_many(ids), output, listing)
        cache.put(key, body)
    return body


def references(records: Sequence[Record], style: str, cache: CitationCache) -> dict[str, str]:
    """Each record's reference (HTML fragment) by item id, keyed by the records' content."""
    items = [csl.item(r, for_citation=True) for r in records]
    key = citations.key("references", style, items)
    body = cache.get(key)
    if body is None:
        body = json.dumps(citations.entries(records, style), ensure_ascii=False).encode()
        cache.put(key, body)
    return json.loads(body)
