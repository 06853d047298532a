"""Benchmark of the public catalogue: result pages with facets at 100,000 records under gunicorn.

    .venv/bin/python bench/web.py [--records 100000] [--clients 16] [--duration 30] [--workers N]
    .venv/bin/python bench/web.py --hostile [--records 20000] [--duration 15]

Builds (once, cached in bench/out/) a synthetic French catalogue in a real store and index,
starts `docbase serve`'s gunicorn on a free loopback port, and drives it with `--clients`
concurrent HTTP clients (threads, one connection per request like a browser without keep-alive)
for `--duration` seconds or `--max-requests` requests, whichever comes first. Each request is a
results page (/recherche) with facets, filters, sorts and pages drawn from a fixed seeded list.
Prints requests/s, latency percentiles and errors, and rewrites this script's own section of
bench/README.md (other sections are left alone).

`--hostile` (issue 11) measures the same ordinary mix three times: alone, beside slow clients
trickling their request one byte every 0.5 s, then beside those and clients sending costly
queries back to back (prefix wildcards, long OR chains, deep pages, whole facet listings). It
reports the ordinary p95 of each phase (target: at most 2x alone) in its own section.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalogue.record import Agent, Item, Link, Publication, Record, Series, Subject  # noqa: E402
from catalogue.store import Store  # noqa: E402
from web import serve  # noqa: E402

OUT = ROOT / "bench" / "out"
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- bench/web.py: begin -->", "<!-- bench/web.py: end -->"
TARGET_P95_MS = 150.0

WORDS = [
    "politique",
    "ville",
    "quartier",
    "quartiers",
    "prioritaires",
    "rénovation",
    "urbaine",
    "logement",
    "social",
    "mixité",
    "discrimination",
    "discriminations",
    "école",
    "éducation",
    "prioritaire",
    "jeunesse",
    "emploi",
    "insertion",
    "habitat",
    "banlieue",
    "cohésion",
    "territoriale",
    "santé",
    "sécurité",
    "prévention",
    "délinquance",
    "culture",
    "participation",
    "habitants",
    "citoyenneté",
    "égalité",
    "chances",
    "laïcité",
    "immigration",
    "intégration",
    "pauvreté",
    "précarité",
    "chômage",
    "formation",
    "apprentissage",
    "décrochage",
    "scolaire",
    "réussite",
    "parents",
    "associations",
    "médiation",
    "transport",
    "mobilité",
    "commerce",
    "développement",
    "économique",
    "entreprises",
    "observatoire",
    "évaluation",
    "contrat",
    "ville",
    "métropole",
    "collectivités",
    "état",
    "services",
    "publics",
    "numérique",
    "accès",
    "droits",
    "femmes",
    "genre",
    "violences",
    "racisme",
    "antisémitisme",
    "handicap",
    "seniors",
]
FORENAMES = [
    "Marie",
    "Jean",
    "Pierre",
    "Claire",
    "Sophie",
    "Paul",
    "Nadia",
    "Karim",
    "Fatima",
    "Luc",
    "Anne",
    "Michel",
    "Amina",
    "Yves",
]
SURNAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Francois",
    "Martinez",
    "Benali",
    "Haddad",
    "Nguyen",
    "Traore",
    "Diallo",
    "Cohen",
    "Rossi",
    "Schmidt",
    "Muller",
]
PUBLISHERS = "La Découverte|PUF|Armand Colin|ONPV|ANRU|La Documentation française|Érès|Autrement"
DOC_TYPES = ["book"] * 5 + ["article"] * 6 + ["report"] * 3 + ["thesis", "periodical", "web"]
LANGUAGES = ["fre"] * 8 + ["eng", "eng", "spa", "ger"]


def synthetic_records(count: int, seed: int = 4) -> list[Record]:
    """A catalogue shaped like the centre's: Zipf descriptors, 1–3 authors, 60% abstracts."""
    rng = random.Random(seed)
    names = [(rng.choice(SURNAMES) + f"-{i % 997}", rng.choice(FORENAMES)) for i in range(20_000)]
    descriptors = [
        " ".join(rng.sample(WORDS, rng.choice((1, 2, 2, 3)))).capitalize() for _ in range(2_000)
    ]
    weights = [1 / (rank + 1) for rank in range(len(descriptors))]
    series = [f"Collection {w.capitalize()}" for w in WORDS[:60]]
    publishers = PUBLISHERS.split("|")
    records = []
    for i in range(count):
        words = rng.sample(WORDS, rng.randint(3, 9))
        year = rng.randint(1960, 2025)
        doc_type = rng.choice(DOC_TYPES)
        agents = [
            Agent(*names[int(rng.paretovariate(1.2) * 50) % len(names)], role="070")
            for _ in range(rng.choice((1, 1, 2, 3)))
        ]
        subjects = [
            Subject(label)
            for label in dict.fromkeys(rng.choices(descriptors, weights, k=rng.randint(3, 8)))
        ]
        abstract = ""
        if rng.random() < 0.6:
            abstract = " ".join(rng.choices(WORDS, k=rng.randint(25, 80))).capitalize() + "."
        records.append(
            Record(
                source="bench",
                source_id=f"bench-{i}",
                doc_type=doc_type,
                title=" ".join(words).capitalize(),
                agents=agents,
                publication=[Publication("Paris", rng.choice(publishers), str(year))],
                year=year,
                languages=[rng.choice(LANGUAGES)],
                abstract=abstract,
                subjects=subjects,
                keywords=rng.sample(WORDS, 2),
                series=[Series(rng.choice(series), str(rng.randint(1, 300)))]
                if rng.random() < 0.3
                else [],
                items=[Item(call_number=f"{rng.randint(300, 399)} {words[0][:3].upper()}")]
                if rng.random() < 0.5
                else [],
                links=[Link(f"https://example.org/doc/{i}")] if rng.random() < 0.4 else [],
            )
        )
    return records


def build(instance: Path, count: int) -> dict:
    """Store + index of `count` synthetic records, reused when already built."""
    marker = instance / "bench.json"
    if marker.exists() and json.loads(marker.read_text())["records"] == count:
        return json.loads(marker.read_text())
    from indexer import build as index_build

    if instance.exists():
        import shutil

        shutil.rmtree(instance)
    instance.mkdir(parents=True)
    started = time.perf_counter()
    records = synthetic_records(count)
    store = Store(instance / "docbase.sqlite3")
    try:
        for start in range(0, count, 5000):
            store.save_many(records[start : start + 5000], actor="bench")
        stored = time.perf_counter()
        index_build.rebuild(store, instance / "index")
    finally:
        store.close()
    info = {
        "records": count,
        "store_s": round(stored - started, 1),
        "index_s": round(time.perf_counter() - stored, 1),
    }
    marker.write_text(json.dumps(info))
    return info


def request_mix(count: int, seed: int = 7) -> list[str]:
    """Result pages as visitors ask for them: a query, some facet values, a sort, a page."""
    rng = random.Random(seed)
    urls = []
    for _ in range(count):
        params: list[tuple[str, str]] = []
        roll = rng.random()
        if roll < 0.75:
            params.append(("q", " ".join(rng.sample(WORDS, rng.choice((1, 1, 2, 3))))))
        if rng.random() < 0.5:
            params.append(("f", f"doc_type:{rng.choice(['book', 'article', 'report'])}"))
            if rng.random() < 0.4:
                params.append(("f", "doc_type:thesis"))
        if rng.random() < 0.3:
            params.append(("f", f"language:{rng.choice(['fre', 'eng'])}"))
        if rng.random() < 0.2:
            decade = rng.choice(range(1960, 2030, 10))
            params.append(("f", f"year:{decade}-{decade + 9}"))
        if rng.random() < 0.15:
            params += [("debut", "2000"), ("fin", str(rng.randint(2005, 2025)))]
        if rng.random() < 0.1:
            params.append(("x", "availability:online"))
        if rng.random() < 0.25:
            params.append(("tri", rng.choice(["date_desc", "title", "author"])))
        if rng.random() < 0.2:
            params.append(("page", str(rng.randint(2, 5))))
        urls.append("/recherche?" + urlencode(params))
    return urls


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> tuple[int, float, int]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "text/html"})
        response = conn.getresponse()
        body = response.read()
        return response.status, (time.perf_counter() - started) * 1000, len(body)
    finally:
        conn.close()


def start_server(instance: Path, port: int, workers: int) -> subprocess.Popen:
    code = (
        "import sys; from web.serve import run_gunicorn, gunicorn_options; "
        f"run_gunicorn({str(instance)!r}, gunicorn_options('127.0.0.1', {port}, {workers},"
        " accesslog=None, loglevel='warning'))"
    )
    env = {**os.environ, "DOCBASE_INSTANCE": str(instance), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)


def wait_ready(port: int, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if get(port, "/recherche", timeout=10)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not answer in time")


def load(port: int, urls: list[str], clients: int, duration: float, max_requests: int) -> dict:
    """`clients` threads, each sending requests back to back until time or count runs out."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.monotonic() + duration

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            path = urls[n % len(urls)]
            try:
                status, ms, _size = get(port, path)
            except OSError as exc:
                with lock:
                    errors.append(f"{type(exc).__name__} {path}")
                continue
            with lock:
                latencies.append(ms)
                if status != 200:
                    errors.append(f"{status} {path}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0

    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "seconds": round(elapsed, 1),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(pct(50), 1),
        "p95_ms": round(pct(95), 1),
        "p99_ms": round(pct(99), 1),
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
        "mean_ms": round(statistics.fmean(ordered), 1) if ordered else 0.0,
    }


def breakdown(instance: Path, urls: list[str]) -> dict:
    """One request at a time, in process: each page twice, the second time with its search
    answered from the searcher's results cache, which leaves the cost of the web layer."""
    from web import create_app
    from web.searching import close_searcher

    app = create_app({"INSTANCE": str(instance), "SECRET_KEY": "bench"})
    client = app.test_client()
    client.get("/recherche?q=warm")
    page_ms, render_ms = [], []
    for timings in (page_ms, render_ms):
        for url in urls:
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    close_searcher(app)

    def pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

    return {
        "page_p50_ms": pct(page_ms, 50),
        "page_p95_ms": pct(page_ms, 95),
        "render_p50_ms": pct(render_ms, 50),
        "render_p95_ms": pct(render_ms, 95),
    }


def write_readme(args: argparse.Namespace, info: dict, result: dict) -> None:
    verdict = "met" if result["p95_ms"] < TARGET_P95_MS and not result["errors"] else "MISSED"
    section = f"""{BEGIN}
## Web: result pages with facets under gunicorn (`bench/web.py`)

`{" ".join(["python bench/web.py", *sys.argv[1:]]).strip()}` — {time.strftime("%Y-%m-%d")},
{os.cpu_count()} cores, Python {platform.python_version()}, gunicorn {args.workers} workers × {serve.DEFAULT_THREADS} threads,
{args.clients} concurrent clients on loopback (Python threads on the same machine, one connection
per request), {info["records"]:,} synthetic records (store built in {info.get("store_s", "?")} s,
index in {info.get("index_s", "?")} s). Each request is a full HTML results page with all facets,
the year histogram and 20 hits, drawn from a seeded mix of queries, filters, exclusions, year
ranges, sorts and pages.

| measure | value |
|---|---|
| requests (errors) | {result["requests"]:,} ({result["errors"]}) in {result["seconds"]} s |
| throughput | {result["rps"]} requests/s |
| latency p50 / p95 / p99 / max | {result["p50_ms"]} / {result["p95_ms"]} / {result["p99_ms"]} / {result["max_ms"]} ms |
| target p95 < {TARGET_P95_MS:.0f} ms, no errors | {verdict} |
| one request at a time, in process: whole page p50 / p95 | {result["page_p50_ms"]} / {result["page_p95_ms"]} ms |
| the same pages, search answered from cache (web layer only) p50 / p95 | {result["render_p50_ms"]} / {result["render_p95_ms"]} ms |

The last two rows split the cost, on {args.breakdown} URLs of the mix: the whole page (search,
view, template), then the same page again, its search answered from the searcher's results
cache, which leaves the web layer's own cost. Under load, 16 clients share {args.workers}
processes on {os.cpu_count()} cores, so a request waits for about 16 / throughput seconds in all;
the load generator also runs on these cores, so the figures are a floor.
{END}"""
    text = README.read_text("utf-8") if README.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    README.write_text(text, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of measured load")
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=serve.default_workers())
    parser.add_argument("--breakdown", type=int, default=200, help="URLs timed one at a time")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    parser.add_argument("--hostile", action="store_true", help="ordinary mix beside a hostile one")
    parser.add_argument("--costly-clients", type=int, default=4)
    parser.add_argument("--slow-clients", type=int, default=8)
    args = parser.parse_args()
    instance = OUT / f"web-{args.records}"
    print(f"instance {instance} …", flush=True)
    info = build(instance, args.records)
    print(f"built: {info}", flush=True)
    port = free_port()
    server = start_server(instance, port, args.workers)
    try:
        wait_ready(port)
        urls = request_mix(2000)
        # warm every worker (first searcher open, numpy arrays) outside the measurement
        load(port, request_mix(200, seed=99), args.clients, 30.0, 200)
        if args.hostile:
            import hostile as hostile_mix  # bench/hostile.py, beside this script

            hostile = hostile_mix.run(
                get,
                port,
                WORDS,
                lambda: load(port, urls, args.clients, args.duration, args.max_requests),
                args.costly_clients,
                args.slow_clients,
            )
        else:
            result = load(port, urls, args.clients, args.duration, args.max_requests)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    if args.hostile:
        print(json.dumps(hostile, indent=2))
        if not args.no_readme:
            hostile_mix.write_readme(
                README, args, info, hostile, serve.DEFAULT_THREADS, serve.DEFAULT_READ_TIMEOUT
            )
        return
    result.update(breakdown(instance, urls[: args.breakdown]))
    print(json.dumps(result, indent=2))
    if not args.no_readme:
        write_readme(args, info, result)


if __name__ == "__main__":
    main()
