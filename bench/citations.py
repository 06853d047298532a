"""Format 1,000 real records in ISO 690 (author-date, French): cold (pandoc runs) and cached.

Records: the first 1,000 of a real MARC21 file of the shared corpus (or any file given), imported
into a throwaway store. Cold: a fresh cache each run. Cached: the same pull again, from the
process's memory and from the disk cache alone (another worker). Prints one JSON object.

    .venv/bin/python bench/citations.py [--file PATH] [--records 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalogue import citations  # noqa: E402
from catalogue.citecache import CitationCache, bibliography  # noqa: E402
from catalogue.ingest import import_paths  # noqa: E402
from catalogue.store import Store  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the main checkout, two levels up from a worktree
SHARED = next((p for p in (REPO.parent / "shared", REPO.parents[1] / "shared") if p.exists()), REPO)
DEFAULT_FILE = SHARED / "corpus" / "marc21" / "solrmarc" / "uva_001_2000.mrc"


def timed(func, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        import_paths(store, [args.file], rejects_dir=Path(tmp) / "rejects")
        ids = [r.id for r in store.iter_records()][: args.records]
        if not ids:
            sys.exit(f"no record read from {args.file}")
        listing = citations.Listing()
        results: dict[str, object] = {"records": len(ids), "file": args.file.name}
        for output in ("html", "odt"):

            def cold(output: str = output) -> None:
                bibliography(store, ids, output, listing, CitationCache(None))

            results[f"{output}_cold_ms"] = [round(t) for t in timed(cold, args.runs)]
        grouped = citations.Listing(grouping="descriptor")
        results["html_grouped_cold_ms"] = [
            round(t)
            for t in timed(
                lambda: bibliography(store, ids, "html", grouped, CitationCache(None)), args.runs
            )
        ]
        cache = CitationCache(Path(tmp) / "cache")
        bibliography(store, ids, "html", listing, cache)
        memory = timed(lambda: bibliography(store, ids, "html", listing, cache), 50)
        disk = timed(
            lambda: bibliography(store, ids, "html", listing, CitationCache(Path(tmp) / "cache")),
            50,
        )
        results["cached_memory_ms_median"] = round(statistics.median(memory), 3)
        results["cached_disk_ms_median"] = round(statistics.median(disk), 3)
        results["cached_disk_ms_max"] = round(max(disk), 3)
        store.close()
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
