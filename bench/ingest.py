"""Ingest benchmark: parse + map + store of 100,000 records made from the real samples.

The real UNIMARC serials (periouni), monographs with items (cotes8) and MARC21 books (UVA) are
repeated with fresh 001 ids until the wanted count is reached, written as one ISO 2709 file per
flavour, then imported through the same code as `docbase import` into a fresh store. The index is
not built here (bench/search.py measures that).

    python bench/ingest.py [--records 100000] [--keep]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogue.ingest import import_paths  # noqa: E402
from catalogue.marc import iso2709  # noqa: E402
from catalogue.store import Store  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures"
SAMPLES = {
    "unimarc": [
        CORPUS / "unimarc" / "medialab_periouni.mrc",
        CORPUS / "unimarc" / "medialab_cotes8.mrc",
    ],
    "marc21": [CORPUS / "marc21" / "solrmarc_uva_001-200.mrc"],
}


def multiply(files: list[Path], count: int, prefix: str) -> bytes:
    """`count` records cycling over the real ones, each with a new 001 so none is a re-import."""
    chunks = []
    for path in files:
        for _pos, _off, chunk in iso2709.split(path.read_bytes()):
            chunks.append(iso2709.parse(chunk))
    out = bytearray()
    for n in range(count):
        raw = chunks[n % len(chunks)]
        fields = [("001", f"{prefix}{n}".encode())] + [(t, d) for t, d in raw.fields if t != "001"]
        out += iso2709.write_raw(raw.leader, fields)
    return bytes(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--marc21-share", type=float, default=0.2)
    parser.add_argument("--keep", action="store_true", help="keep the generated files and store")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="docbase-bench-"))
    marc21_count = int(args.records * args.marc21_share)
    files = {
        "unimarc": work / "unimarc.mrc",
        "marc21": work / "marc21.mrc",
    }
    files["unimarc"].write_bytes(multiply(SAMPLES["unimarc"], args.records - marc21_count, "B"))
    files["marc21"].write_bytes(multiply(SAMPLES["marc21"], marc21_count, "M"))
    size = sum(p.stat().st_size for p in files.values()) / 1e6

    store = Store(work / "docbase.sqlite3")
    started = time.perf_counter()
    report = import_paths(store, list(files.values()), rejects_dir=work / "rejects")
    elapsed = time.perf_counter() - started
    data = report.to_dict()
    store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"records: {data['read']} read, {data['new']} new, {data['rejected']} rejected ({size:.0f} MB)"
    )
    print(f"parse + map + store: {elapsed:.1f} s, {data['read'] / elapsed:,.0f} records/s")
    print(
        f"store size: {(work / 'docbase.sqlite3').stat().st_size / 1e6:.0f} MB; peak RSS {rss:.0f} MB"
    )

    started = time.perf_counter()
    store = Store(work / "docbase.sqlite3")
    again = import_paths(store, list(files.values()), rejects_dir=work / "rejects").to_dict()
    store.close()
    elapsed = time.perf_counter() - started
    print(
        f"re-import of the same files: {elapsed:.1f} s, {again['read'] / elapsed:,.0f} records/s,"
        f" {again['unchanged']} unchanged, {again['new']} new"
    )
    if args.keep:
        print(f"kept in {work}")
    else:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
