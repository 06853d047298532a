"""Benchmark of the staff workspace (issue 12): save → searchable, the editor page, web import preview.

    .venv/bin/python bench/staff.py [--records 100000] [--saves 30] [--preview 10000]

On a synthetic catalogue of `--records` records (bench/web.py's, built once and cached in
bench/out/), through the Flask test client logged in as a documentalist:
- the editor page (GET /personnel/notices/<id>/modifier): median and p95 over 50 records;
- save → searchable: each of `--saves` edits gives a record a new word; the time from the POST to
  the first /api/search that finds it (the save re-indexes before it answers), median and max;
- the preview of a `--preview`-record UNIMARC file (catalogue/preview.py, what the web import's
  first step runs, nothing written): time and peak memory (tracemalloc).
Rewrites this script's own section of bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sections import write_section  # noqa: E402
from bench.web import OUT, build, synthetic_records  # noqa: E402
from catalogue import unimarc  # noqa: E402
from catalogue.preview import preview_file  # noqa: E402
from catalogue.store import Store  # noqa: E402
from web import create_app  # noqa: E402
from web.accounts import Accounts  # noqa: E402

README = ROOT / "bench" / "README.md"
PASSWORD = "bench password 2026"


def logged_in(app):
    accounts = Accounts(app.config["STORE_PATH"])
    if accounts.get("bench") is None:
        accounts.add("bench", PASSWORD, "documentalist", "Bench")
    accounts.close()
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf"] = "bench"
    client.post("/personnel/connexion",
                data={"username": "bench", "password": PASSWORD, "csrf_token": "bench"})  # fmt: skip
    return client


def form_of(client, record_id: int) -> dict[str, str]:
    html = client.get(f"/personnel/notices/{record_id}/modifier").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = text
    return {k: v for k, v in data.items() if not k.endswith("_remove")}


def editor_latency(client, ids: list[int]) -> list[float]:
    times = []
    for record_id in ids:
        started = time.perf_counter()
        response = client.get(f"/personnel/notices/{record_id}/modifier")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def save_to_searchable(client, ids: list[int]) -> list[float]:
    times = []
    for n, record_id in enumerate(ids):
        data = form_of(client, record_id)
        word = f"benchmot{n}x{int(time.time())}"
        data.update(
            {"title": f"{data.get('title', '')} {word}", "_save": "1", "csrf_token": "bench"}
        )
        started = time.perf_counter()
        assert client.post(f"/personnel/notices/{record_id}/modifier", data=data).status_code == 303
        while client.get(f"/api/search?q={word}").get_json()["total"] < 1:
            if time.perf_counter() - started > 30:
                raise AssertionError(f"record {record_id} not searchable after 30 s")
            time.sleep(0.01)
        times.append((time.perf_counter() - started) * 1000)
    return times


def preview_cost(instance: Path, count: int) -> dict:
    records = synthetic_records(count, seed=11)
    for i, record in enumerate(records):
        record.source_id = f"PREVIEW-{i}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "preview.mrc"
        path.write_bytes(b"".join(unimarc.write(records)))
        size = path.stat().st_size
        with Store(instance / "docbase.sqlite3") as store:
            started = time.perf_counter()
            preview = preview_file(store, path)
            seconds = time.perf_counter() - started
            tracemalloc.start()  # a second run for memory: tracing slows it several times
            preview_file(store, path)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    assert preview.counts["new"] + preview.counts["updated"] + preview.counts["unchanged"] == count
    return {"records": count, "mb": size / 1e6, "s": seconds, "peak_mb": peak / 1e6,
            "counts": preview.counts}  # fmt: skip


def write_readme(args, info, editor, saves, preview) -> None:
    def ms(values, q):
        return f"{statistics.quantiles(values, n=100)[q - 1]:.0f}" if len(values) > 1 else "?"

    section = f"""## Staff workspace: editor, save → searchable, import preview (`bench/staff.py`)

`{" ".join(["python bench/staff.py", *sys.argv[1:]]).strip()}` — {time.strftime("%Y-%m-%d")},
{os.cpu_count()} cores, Python {platform.python_version()}, {info["records"]:,} synthetic records,
Flask test client in process (no HTTP), logged in as a documentalist.

| measure | value |
|---|---|
| editor page (GET …/modifier), median / p95 over {len(editor)} records | {statistics.median(editor):.0f} / {ms(editor, 95)} ms |
| save → found by the public search, median / max over {len(saves)} edits | {statistics.median(saves):.0f} / {max(saves):.0f} ms (target ≤ 1 s) |
| preview of a {preview["records"]:,}-record UNIMARC file ({preview["mb"]:.1f} MB) | {preview["s"]:.1f} s, peak {preview["peak_mb"]:.0f} MB traced |
| preview outcome | {preview["counts"]} |

A save re-indexes before it answers (the indexer's incremental update of the record's work), so
the first search after the POST finds it; the time is the POST plus that search. The web import
runs its preview in a process of its own (web/importjob.py): the worker that took the upload
answers at once, and the page polls the job's state."""
    write_section(README, section, "staff.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--preview", type=int, default=10_000)
    args = parser.parse_args()
    instance = OUT / f"staff-{args.records}"
    info = build(instance, args.records)
    app = create_app({"INSTANCE": str(instance), "SECRET_KEY": "bench"})
    client = logged_in(app)
    ids = list(range(1, args.records + 1, max(1, args.records // 50)))[:50]
    editor = editor_latency(client, ids)
    saves = save_to_searchable(client, ids[: args.saves])
    preview = preview_cost(instance, args.preview)
    write_readme(args, info, editor, saves, preview)
    print(f"editor median {statistics.median(editor):.0f} ms; save→search median "
          f"{statistics.median(saves):.0f} ms, max {max(saves):.0f} ms; preview "
          f"{preview['s']:.1f} s, {preview['peak_mb']:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
