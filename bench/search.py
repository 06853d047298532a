"""Search benchmark: index build rate, query latency with every facet, memory, freshness.

Records are made from the real samples (tests/fixtures: periouni serials, cotes8 monographs,
traject's MARC21 books), imported once, then multiplied: each copy gets a new source id, two
words of another real title appended to its title, a year shifted by a few years, and for half
of them one more author drawn from the real authors with another forename, so that titles,
author and descriptor facets grow like a real catalogue's rather than repeat.

    python bench/search.py [--records 10000 100000] [--work /tmp/docbase-bench-search]
                           [--procs 2] [--readme bench/README.md]

Each size is measured in fresh processes: `rebuild` (index build rate), then a serving process
that opens the index, runs ~20 representative queries with all ten facets counted (5 rounds),
saves records one by one and waits until each is searchable, and reports its RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sections import write_section  # noqa: E402

SAMPLES = [
    ROOT / "tests" / "fixtures" / "unimarc" / "medialab_periouni.mrc",
    ROOT / "tests" / "fixtures" / "unimarc" / "medialab_cotes8.mrc",
    ROOT / "tests" / "fixtures" / "marc21" / "test_data.utf8.mrc",
    ROOT / "tests" / "fixtures" / "marc21" / "solrmarc_uva_001-200.mrc",
]

# (query, filters): words, phrases, exclusion, OR, prefixes, fields, years, broad and narrow.
QUERIES: list[tuple[str, dict[str, list[str]]]] = [
    ("", {}),
    ("politique", {}),
    ("droit international", {}),
    ('"science politique"', {}),
    ("sociologie -histoire", {}),
    ("economie OR finances", {}),
    ("discrimination", {}),
    ("ecoles", {}),
    ("relations internationales", {"language": ["fre"]}),
    ("titre:revue", {}),
    ("auteur:france", {}),
    ("sujet:sociologie", {"doc_type": ["periodical"]}),
    ("annee:1990-2000", {}),
    ("histoire annee:1950-1980", {}),
    ("droi*", {}),
    ("l'égalité", {}),
    ("revue française", {"language": ["fre", "eng"]}),
    ("journal", {"availability": ["online"]}),
    ("", {"descriptor": ["Science politique"], "language": ["fre"]}),
    ("travail OR emploi OR chomage", {}),
    ("sociologei", {}),  # a typo: no hit, a suggestion
]


# Queries that cost seconds before their work was bounded (issue: hostile input and load).
# Each is shuffled every round (different letters, words in another order), as an attacker
# would to defeat the results cache. (name, words, filters)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ZERO_FILTERS = {  # six filters that leave no hit
    "language": ["zzz"], "doc_type": ["map"], "year": ["1210"], "source": ["nowhere"],
    "availability": ["online"], "keyword": ["zzzz"],
}  # fmt: skip
HOSTILE: list[tuple[str, list[str], dict[str, list[str]]]] = [
    ("50 one-letter prefixes", [c + "*" for c in (_LETTERS * 2)[:50]], {}),
    ("50 one-letter prefixes, 6 filters, 0 hits", [c + "*" for c in (_LETTERS * 2)[:50]],
     _ZERO_FILTERS),
    ("26 two-letter prefixes", [a + b + "*" for a, b in zip(_LETTERS, _LETTERS[::-1], strict=True)], {}),
    ("50 misspelled words", [f"politiqu{c}x" for c in _LETTERS] + [f"sociolo{c}z" for c in
     _LETTERS[:24]], {}),
    ("50 misspelled words, 6 filters, 0 hits", [f"economi{c}q" for c in _LETTERS] +
     [f"histor{c}w" for c in _LETTERS[:24]], _ZERO_FILTERS),
    ("50 real words, 0 hits", str.split("politique droit revue histoire economie sociologie journal france"
     " science international relations social etudes bulletin annales recherche publique"
     " travail ville europe culture societe education sante monde nationale institut"
     " analyse presse affaires statistique commerce developpement finances population"
     " geographie philosophie litterature archives conseil ministere rapport colloque"
     " enquete urbaine jeunesse famille emploi"), {}),
]  # fmt: skip


def run_hostile(searcher, rounds: int) -> dict[str, float]:
    """Worst time of each hostile query (search, then the zero-result page's relaxations:
    one search per filter removed, as web/opac.py does)."""
    from indexer.search import SearchRequest
    from web.opac import MAX_RELAXATIONS

    rng = random.Random(11)
    worst: dict[str, float] = {}
    for _ in range(rounds):
        for name, words, filters in HOSTILE:
            shuffled = [_shuffle(w, rng) for w in words]
            rng.shuffle(shuffled)
            q = " ".join(shuffled)
            t = time.perf_counter()
            result = searcher.search(SearchRequest(q=q, filters=filters))
            if not result.total:
                for removed in list(filters)[:MAX_RELAXATIONS]:
                    rest = {k: v for k, v in filters.items() if k != removed}
                    searcher.search(SearchRequest(q=q, filters=rest, with_facets=False))
            ms = (time.perf_counter() - t) * 1000
            worst[name] = round(max(worst.get(name, 0.0), ms), 1)
    return worst


def _shuffle(word: str, rng: random.Random) -> str:
    """Another word of the same shape: a prefix keeps its length, a word its first letters."""
    if word.endswith("*"):
        return "".join(rng.choice(_LETTERS) for _ in word[:-1]) + "*"
    return word


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def make_store(path: Path, count: int, seed: int = 7) -> None:
    """A store of `count` records varied from the real samples (kept between runs)."""
    from catalogue.ingest import import_paths
    from catalogue.record import Agent
    from catalogue.store import Store

    if path.exists():
        return
    tmp = path.with_suffix(".part")
    tmp.unlink(missing_ok=True)
    seed_store = Store(path.parent / f"seed-{os.getpid()}.sqlite3")
    import_paths(seed_store, [p for p in SAMPLES if p.exists()], rejects_dir=path.parent / "rej")
    real = list(seed_store.iter_records())
    seed_store.close()
    (path.parent / f"seed-{os.getpid()}.sqlite3").unlink()
    rng = random.Random(seed)
    words = [w for r in real for w in r.title.split() if len(w) > 3 and w.isalpha()]
    people = [a for r in real for a in r.agents if a.kind == "person" and a.forename]
    forenames = sorted({a.forename for a in people}) or ["Jean"]
    store = Store(tmp)
    batch = []
    for n in range(count):
        record = real[n % len(real)]
        copy = type(record).from_dict(record.to_dict())
        copy.id = None
        copy.source = f"bench-{record.source}"
        copy.source_id = f"{record.source_id}-{n}"
        if n >= len(real):
            copy.title = f"{record.title} {rng.choice(words)} {rng.choice(words)}"
            if copy.year:
                copy.year = max(1800, min(2025, copy.year + rng.randint(-5, 5)))
            if people and rng.random() < 0.5:
                base = rng.choice(people)
                copy.agents.append(Agent(name=base.name, forename=rng.choice(forenames)))
        batch.append(copy)
        if len(batch) == 1000:
            store.save_many(batch)
            batch = []
    if batch:
        store.save_many(batch)
    store.close()
    os.replace(tmp, path)


def run_build(store_path: Path, index_dir: Path, procs: int) -> dict:
    from catalogue.store import Store
    from indexer import build

    with Store(store_path) as store:
        stats = build.rebuild(store, index_dir, procs=procs)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stats["peak_rss_mb"] = round(own, 1)
    stats["peak_child_rss_mb"] = round(children, 1)
    return stats


def _timed_queries(searcher, rounds: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    from indexer.search import SearchRequest

    timings: dict[str, list[float]] = {}
    totals = {}
    for round_ in range(rounds):
        for q, filters in QUERIES:
            t = time.perf_counter()
            result = searcher.search(SearchRequest(q=q, filters=filters, page=1 + round_ % 2))
            key = f"{q} {filters or ''}".strip()
            timings.setdefault(key, []).append((time.perf_counter() - t) * 1000)
            totals[key] = result.total
    return timings, totals


def _other_calls(searcher) -> dict[str, float]:
    """The other calls of the web pages, each warmed once then timed three times."""
    from indexer.search import SearchRequest

    extra = {}
    for name, call in (
        ("autocomplete 'soc'", lambda: searcher.autocomplete("soc")),
        ("facet_values author prefix 'mar'", lambda: searcher.facet_values(
            "author", SearchRequest(q="politique"), prefix="mar")),
        ("browse descriptor A-Z", lambda: searcher.browse("descriptor")),
        ("more_like_this", lambda: searcher.more_like_this(100)),
        ("sort=title over everything", lambda: searcher.search(SearchRequest(sort="title"))),
        ("sort=date_desc 'droit'", lambda: searcher.search(SearchRequest(q="droit", sort="date_desc"))),
    ):  # fmt: skip
        call()
        t = time.perf_counter()
        for _ in range(3):
            call()
        extra[name] = round((time.perf_counter() - t) / 3 * 1000, 1)
    return extra


def _save_to_searchable(searcher, store_path: Path, index_dir: Path) -> list[float]:
    """One record saved, the index updated, the record found: ten times, in ms."""
    from catalogue.record import Record
    from catalogue.store import Store
    from indexer import build
    from indexer.search import SearchRequest

    fresh = []
    with Store(store_path) as store:
        for n in range(10):
            word = f"zqxfresh{os.getpid()}x{n}"
            t = time.perf_counter()
            store.save(Record(source="bench-fresh", source_id=word, title=f"Notice {word}"))
            build.update(store, index_dir)
            found = searcher.search(SearchRequest(q=word)).total
            fresh.append((time.perf_counter() - t) * 1000)
            assert found == 1, word
            store.delete(store.find("bench-fresh", word))
        build.update(store, index_dir)
    return fresh


def _pct(values: list[float], p: float) -> float:
    return round(values[min(len(values) - 1, int(round(p * (len(values) - 1))))], 1)


def run_serve(store_path: Path, index_dir: Path, rounds: int) -> dict:
    """What one serving process sees: start-up, latencies, memory, save-to-searchable."""
    started = time.perf_counter()
    from indexer.search import Searcher, SearchRequest

    imported = time.perf_counter()
    searcher = Searcher(index_dir, results_cached=0)  # the engine, not the results cache
    opened = time.perf_counter()
    first = searcher.search(SearchRequest(q="politique internationale"))
    first_done = time.perf_counter()
    timings, totals = _timed_queries(searcher, rounds)
    every = sorted(v for values in timings.values() for v in values)
    hostile = run_hostile(searcher, rounds)
    rss_after_queries = rss_mb()
    extra = _other_calls(searcher)
    fresh = _save_to_searchable(searcher, store_path, index_dir)
    return {
        "records": searcher.record_count(),
        "import_s": round(imported - started, 3),
        "open_s": round(opened - imported, 3),
        "first_query_ms": round((first_done - opened) * 1000, 1),
        "start_to_first_answer_s": round(first_done - started, 3),
        "first_total": first.total,
        "queries": len(QUERIES),
        "rounds": rounds,
        "p50_ms": _pct(every, 0.5),
        "p95_ms": _pct(every, 0.95),
        "max_ms": round(every[-1], 1),
        "per_query_median_ms": {k: round(statistics.median(v), 1) for k, v in timings.items()},
        "per_query_total": totals,
        "hostile_worst_ms": hostile,
        "other_calls_ms": extra,
        "rss_after_queries_mb": round(rss_after_queries, 1),
        "rss_end_mb": round(rss_mb(), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "save_to_searchable_ms": {
            "median": round(statistics.median(fresh), 1),
            "max": round(max(fresh), 1),
        },
    }


def child(mode: str, *args: str) -> dict:
    """Run one phase in a fresh interpreter, so that start-up and memory are the real ones."""
    out = subprocess.run(
        [sys.executable, __file__, "--phase", mode, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


SECTION = "## Search (bench/search.py)"


def markdown(results: dict, notes: str = "") -> str:
    """The search section of bench/README.md."""
    lines = [
        SECTION,
        "",
        f"Machine: {results['cpus']} cores; load average before {results['load_before']}, after"
        f" {results['load_after']} (1-, 5- and 15-minute averages; the benchmark's own build"
        " steps count in them).",
        "Records made from the real samples (see the docstring of bench/search.py); each size in"
        " fresh processes. Latency: ~20 queries × 5 rounds, every facet counted (10 facets),"
        " hits with snippets, in the serving process.",
        "",
        "| records | build (rebuild, 2 writer procs) | rate | p50 | p95 | max | first query"
        " | start → first answer | RSS serving (after queries / peak with updates)"
        " | save → searchable (median / max) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for count, data in results["sizes"].items():
        b, s = data["build"], data["serve"]
        lines.append(
            f"| {int(count):,} | {b['build_seconds']:.1f} s | {b['records_per_second']:,.0f}/s"
            f" | {s['p50_ms']} ms | {s['p95_ms']} ms | {s['max_ms']} ms"
            f" | {s['first_query_ms']} ms | {s['start_to_first_answer_s']} s"
            f" | {s['rss_after_queries_mb']:.0f} / {s['peak_rss_mb']:.0f} MB"
            f" | {s['save_to_searchable_ms']['median']} /"
            f" {s['save_to_searchable_ms']['max']} ms |"
        )
    for count, data in results["sizes"].items():
        s = data["serve"]
        lines += ["", f"Per query at {int(count):,} records (median ms, hits):", ""]
        lines += ["| query | ms | hits |", "|---|---|---|"]
        for query, ms in s["per_query_median_ms"].items():
            shown = query.replace("|", "\\|") or "(everything)"
            lines.append(f"| `{shown}` | {ms} | {s['per_query_total'][query]:,} |")
        lines += ["", "Other calls (ms): " + ", ".join(
            f"{k} {v}" for k, v in s["other_calls_ms"].items())]  # fmt: skip
        lines.append(
            f"Build process peak RSS {data['build']['peak_rss_mb']:.0f} MB, writer children"
            f" {data['build']['peak_child_rss_mb']:.0f} MB."
        )
    for count, data in results["sizes"].items():
        s = data["serve"]
        hostile = s.get("hostile_worst_ms") or {}
        if not hostile:
            continue
        worst = max(hostile.values())
        verdict = "met" if worst <= 10 * s["p95_ms"] else "MISSED"
        lines += [
            "",
            f"Hostile queries at {int(count):,} records (worst of {s['rounds']} shuffled rounds,"
            f" zero-result relaxations included): worst {worst} ms against 10 × p95 ="
            f" {10 * s['p95_ms']:.0f} ms: {verdict}.",
            "",
            "| hostile query | worst ms |",
            "|---|---|",
        ]
        lines += [f"| {name} | {ms} |" for name, ms in hostile.items()]
    if notes:
        lines += ["", notes.strip()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/docbase-bench-search"))
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--phase", choices=["build", "serve"])
    parser.add_argument("--store")
    parser.add_argument("--index")
    parser.add_argument("--json", type=Path, help="write all results here")
    parser.add_argument("--readme", type=Path, help="write the search section of this README")
    parser.add_argument("--notes", type=Path, help="text appended to the README section")
    parser.add_argument("--from-json", type=Path, help="only write the README from saved results")
    args = parser.parse_args()
    if args.phase == "build":
        print(json.dumps(run_build(Path(args.store), Path(args.index), args.procs)))
        return
    if args.phase == "serve":
        print(json.dumps(run_serve(Path(args.store), Path(args.index), args.rounds)))
        return
    if args.from_json:
        notes = args.notes.read_text("utf-8") if args.notes else ""
        write_section(
            args.readme, markdown(json.loads(args.from_json.read_text()), notes), "search.py"
        )
        return
    results = {"cpus": os.cpu_count(), "load_before": load_average(), "sizes": {}}
    for count in args.records:
        folder = args.work / str(count)
        folder.mkdir(parents=True, exist_ok=True)
        store = folder / "docbase.sqlite3"
        t = time.perf_counter()
        make_store(store, count)
        print(f"[{count}] store ready in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        index = folder / "index"
        load = load_average()
        built = child(
            "build", "--store", str(store), "--index", str(index), "--procs", str(args.procs)
        )
        print(f"[{count}] build: {built}", file=sys.stderr)
        served = child(
            "serve", "--store", str(store), "--index", str(index), "--rounds", str(args.rounds)
        )
        print(f"[{count}] serve: {json.dumps(served, ensure_ascii=False)}", file=sys.stderr)
        results["sizes"][count] = {"load_before_build": load, "build": built, "serve": served}
    results["load_after"] = load_average()
    text = json.dumps(results, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text)
    if args.readme:
        notes = args.notes.read_text("utf-8") if args.notes else ""
        write_section(args.readme, markdown(results, notes), "search.py")
    print(text)


if __name__ == "__main__":
    main()
