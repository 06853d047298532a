"""OAI-PMH benchmark: a full harvest (ListRecords, every page through Flask's test client).

The store is the search benchmark's (bench/search.py `make_store`: records varied from the real
samples, kept between runs under --work). Each metadata prefix is harvested from the first
request to the last empty resumption token, as a harvester would; the count is checked against
the store, and records/s, the time per page and the process's RSS are reported.

    python bench/oai.py [--records 100000] [--prefixes oai_dc marcxchange]
                        [--work /tmp/docbase-bench-oai] [--readme bench/README.md]
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sections import write_section  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))

from search import load_average, make_store, rss_mb  # noqa: E402  (bench/search.py, beside this script)

TARGET = 2000  # records/s
_TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")


def harvest(client, prefix: str) -> dict:
    """Every page of ListRecords; (records, pages, seconds, per-page times)."""
    records, times = 0, []
    args = {"verb": "ListRecords", "metadataPrefix": prefix}
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        response = client.get("/oai", query_string=args)
        times.append(time.perf_counter() - t0)
        body = response.data
        assert response.status_code == 200 and b"<error" not in body, body[:500]
        records += body.count(b"</header>")
        found = _TOKEN.search(body)
        if not found:
            break
        args = {"verb": "ListRecords", "resumptionToken": found.group(1).decode()}
    seconds = time.perf_counter() - start
    times.sort()
    return {
        "prefix": prefix,
        "records": records,
        "pages": len(times),
        "seconds": seconds,
        "rate": records / seconds,
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95)] * 1000,
    }


def markdown(count: int, page_size: int, results: list[dict], rss: float, load: str) -> str:
    rows = "\n".join(
        f"| `{r['prefix']}` | {r['records']:,} | {r['pages']:,} | {r['seconds']:.1f} s |"
        f" **{r['rate']:,.0f} records/s** | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} ms |"
        for r in results
    )
    return f"""## OAI-PMH: a full harvest (`bench/oai.py`)

`python bench/oai.py --records {count}` — {date.today().isoformat()}, 2 cores shared with other
jobs (load average {load} at the start), Python {platform.python_version()}. A store of {count:,} records (bench/search.py's, varied
from the real UNIMARC and MARC21 samples) harvested with ListRecords from the first request to
the last resumption token, pages of {page_size} (`OAI_PAGE_SIZE`), every page through Flask's test
client in one process (no HTTP, one core). Target: ≥ {TARGET:,} records/s for `oai_dc`.

| metadataPrefix | records | pages | time | rate | page p50 / p95 |
|---|---|---|---|---|---|
{rows}

Peak RSS of the harvesting process: {rss:.0f} MB. Each page is one indexed range read of the
store (`id > last AND id <= snapshot bound`, in id order), the records' JSON decoded into the
model and written by the format's writer; the resumption token carries the whole state, so a
page costs the same at the end of the list as at its start."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--prefixes", nargs="+", default=["oai_dc", "marcxchange"])
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--work", type=Path, default=Path("/tmp/docbase-bench-oai"))
    parser.add_argument("--readme", type=Path, default=None)
    args = parser.parse_args()
    folder = args.work / str(args.records)
    folder.mkdir(parents=True, exist_ok=True)
    store_path = folder / "docbase.sqlite3"
    t0 = time.perf_counter()
    make_store(store_path, args.records)
    print(f"store ready in {time.perf_counter() - t0:.0f} s", flush=True)

    from catalogue.store import Store
    from web import create_app

    with Store(store_path) as store:
        expected = store.count() + store.count(deleted=True)
    app = create_app(
        {"INSTANCE": str(folder), "TESTING": True, "SECRET_KEY": "bench",
         "OAI_PAGE_SIZE": args.page_size}
    )  # fmt: skip
    client = app.test_client()
    load = load_average()
    results = []
    for prefix in args.prefixes:
        result = harvest(client, prefix)
        if prefix in ("oai_dc", "pmbxml"):
            assert result["records"] == expected, (result["records"], expected)
        print(result, flush=True)
        results.append(result)
    text = markdown(args.records, args.page_size, results, rss_mb(), load)
    print(text)
    if args.readme:
        write_section(args.readme, text, "oai.py")


if __name__ == "__main__":
    main()
