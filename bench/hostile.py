"""The hostile mix of `bench/web.py --hostile` (issue 11): costly queries and slow clients.

Run through bench/web.py, which owns the catalogue, the server and the ordinary mix; this
module only adds the hostile clients and writes their own section of bench/README.md.
"""

from __future__ import annotations

import os
import platform
import random
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

BEGIN = "<!-- bench/web.py --hostile: begin -->"
END = "<!-- bench/web.py --hostile: end -->"

Get = Callable[..., tuple[int, float, int]]


def costly_mix(words: list[str], count: int, seed: int = 11) -> list[str]:
    """Requests that cost the most per byte sent: what a scraper or an attacker would send."""
    rng = random.Random(seed)
    urls = []
    for _ in range(count):
        kind = rng.randrange(5)
        if kind == 0:  # many prefix expansions
            params = [("q", " OR ".join(f"{w[:2]}*" for w in rng.sample(words, 12)))]
        elif kind == 1:  # a long OR chain
            params = [("q", " OR ".join(rng.sample(words, 40)))]
        elif kind == 2:  # deep page of everything, sorted by title
            params = [("q", ""), ("tri", "title"), ("page", str(rng.randint(200, 500)))]
        elif kind == 3:  # long phrase
            params = [("q", '"' + " ".join(rng.choices(words, k=30)) + '"')]
        else:  # a whole facet listing
            name = rng.choice(["author", "descriptor", "keyword"])
            urls.append(f"/recherche/facette/{name}?vpage={rng.randint(1, 40)}")
            continue
        urls.append("/recherche?" + urlencode(params))
    return urls


def trickle(port: int, stop: threading.Event, counts: dict, lock: threading.Lock) -> None:
    """A slow client: one header byte every 0.5 s, reconnecting when the server cuts it off."""
    request = b"GET /recherche?q=ville HTTP/1.1\r\nHost: bench\r\nX-Slow: " + b"z" * 4000
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                with lock:
                    counts["slow_connections"] += 1
                for byte in request:
                    if stop.wait(0.5):
                        return
                    sock.sendall(bytes([byte]))
        except OSError:  # cut off at the server's read deadline
            with lock:
                counts["slow_cut"] += 1


def costly(get: Get, port: int, urls: list[str], stop: threading.Event, counts: dict, lock):
    n = 0
    while not stop.is_set():
        path = urls[n % len(urls)]
        n += 1
        try:
            status, ms, _size = get(port, path, timeout=60)
        except OSError:
            status, ms = 0, 0.0
        with lock:
            counts["costly"] += 1
            counts["costly_ms"].append(ms)
            if 400 <= status < 500:  # refused as a bad request (a page past the last one)
                counts["costly_refused"] += 1
            elif status != 200:  # a 5xx or no answer
                counts["costly_errors"] += 1


def start(get: Get, port: int, urls: list[str], costly_clients: int, slow_clients: int):
    """Start the hostile clients; returns (stop event, threads, counts)."""
    stop, lock = threading.Event(), threading.Lock()
    counts: dict = {"costly": 0, "costly_errors": 0, "costly_refused": 0, "costly_ms": []}
    counts.update(slow_connections=0, slow_cut=0)
    threads = [
        threading.Thread(target=costly, args=(get, port, urls, stop, counts, lock), daemon=True)
        for _ in range(costly_clients)
    ] + [
        threading.Thread(target=trickle, args=(port, stop, counts, lock), daemon=True)
        for _ in range(slow_clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(2)  # the slow clients are inside their requests, the costly ones running
    return stop, threads, counts


def run(get: Get, port: int, words: list[str], ordinary: Callable[[], dict], costly_clients: int,
        slow_clients: int) -> dict:  # fmt: skip
    """`ordinary()` alone, beside the slow clients only, then beside slow and costly clients."""
    load = round(os.getloadavg()[0], 1)  # the machine is shared: say how busy it was
    alone = ordinary()
    phases = {}
    for name, n_costly in (("slow", 0), ("beside", costly_clients)):
        stop, threads, counts = start(get, port, costly_mix(words, 500), n_costly, slow_clients)
        phases[name] = ordinary()
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    ms = sorted(counts.pop("costly_ms")) or [0.0]
    counts["costly_p50_ms"] = round(ms[len(ms) // 2], 1)
    counts["costly_p95_ms"] = round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1)

    def ratio(phase: dict) -> float | None:
        return round(phase["p95_ms"] / alone["p95_ms"], 2) if alone["p95_ms"] else None

    return {"alone": alone, **phases, "hostile": counts, "ratio": ratio(phases["beside"]),
            "slow_ratio": ratio(phases["slow"]), "load": load}  # fmt: skip


def write_readme(readme: Path, args, info: dict, result: dict, threads: int, deadline: float):
    alone, slow, beside = result["alone"], result["slow"], result["beside"]
    hostile = result["hostile"]
    verdict = "met" if result["ratio"] is not None and result["ratio"] <= 2 else "MISSED"
    section = f"""{BEGIN}
## Web: ordinary visitors beside hostile clients (`bench/web.py --hostile`)

`{" ".join(["python bench/web.py", *sys.argv[1:]]).strip()}` — {time.strftime("%Y-%m-%d")},
{os.cpu_count()} cores, Python {platform.python_version()}, `docbase serve`'s gunicorn
({args.workers} workers × {threads} threads, read deadline {deadline:.0f} s),
{info["records"]:,} synthetic records, load average {result["load"]} at the start. The ordinary mix ({args.clients} clients,
{args.duration:.0f} s) runs alone, then beside {args.slow_clients} slow clients sending one
byte every 0.5 s, then beside those and {args.costly_clients} clients sending costly queries
back to back (prefix wildcards, 40-word OR chains, deep pages, whole facet listings).

| measure | alone | beside slow clients | beside slow and costly clients |
|---|---|---|---|
| ordinary requests (errors) | {alone["requests"]:,} ({alone["errors"]}) | {slow["requests"]:,} ({slow["errors"]}) | {beside["requests"]:,} ({beside["errors"]}) |
| ordinary throughput | {alone["rps"]} requests/s | {slow["rps"]} requests/s | {beside["rps"]} requests/s |
| ordinary latency p50 / p95 / p99 | {alone["p50_ms"]} / {alone["p95_ms"]} / {alone["p99_ms"]} ms | {slow["p50_ms"]} / {slow["p95_ms"]} / {slow["p99_ms"]} ms | {beside["p50_ms"]} / {beside["p95_ms"]} / {beside["p99_ms"]} ms |
| ordinary p95 / p95 alone (target ≤ 2) | | {result["slow_ratio"]} | {result["ratio"]} — {verdict} |
| costly requests (refused with a 4xx, failed), p50 / p95 | | | {hostile["costly"]:,} ({hostile["costly_refused"]}, {hostile["costly_errors"]}), {hostile["costly_p50_ms"]} / {hostile["costly_p95_ms"]} ms |
| slow connections opened / cut off by the server (last phase) | | | {hostile["slow_connections"]} / {hostile["slow_cut"]} |

Slow clients hold one thread each until the read deadline cuts them off (408), never a worker.
A worker's searches share one Searcher, one at a time, so an ordinary request queued behind a
costly one waits for it: what keeps that wait short is the bound on what one query may cost
(indexer/query.py `bound`, indexer/suggest.py; before it, this column was 4.98× with the same
clients). The load generator runs on the same cores as the server, so compare the columns of
one run only.
{END}"""
    text = readme.read_text("utf-8") if readme.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    readme.write_text(text, "utf-8")
