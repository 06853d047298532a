"""Relevance benchmark: nDCG@10 of the judged queries of tests/fixtures/relevance/.

The judged records (real fixtures) are imported into a throwaway instance, indexed, and each
judged query is run as the site runs it (relevance order). A hit's gain is its grade (2 for a
"top" record, 1 for a "relevant" one, 0 otherwise); nDCG@10 divides the discounted gain of the
first ten hits by that of the ideal order of the judged records. The must / must-not judgements
are checked too (tests/indexer/test_relevance.py asserts them).

    python bench/relevance.py [--code DIR] [--work /tmp/docbase-bench-relevance]

`--code DIR` runs another checkout's catalogue/ and indexer/ (e.g. `git archive main` unpacked
in DIR) on the same judgements: the "before" column of bench/README.md. Only the public API
(`import_paths`, `build.update`, `Searcher.search`) is used, so any version works.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
JUDGEMENTS = FIXTURES / "relevance" / "judgements.toml"
DEPTH = 10


@dataclass
class Judged:
    q: str
    top: list[str]
    relevant: list[str] = field(default_factory=list)
    not_top: list[str] = field(default_factory=list)
    cutoff: int = 5

    def grade(self, key: str) -> int:
        return 2 if key in self.top else 1 if key in self.relevant else 0


@dataclass
class Outcome:
    q: str
    ndcg: float
    ranked: list[str]  # record keys of the first DEPTH hits
    failures: list[str]


def load_judgements(path: Path = JUDGEMENTS) -> tuple[list[Path], list[Judged]]:
    data = tomllib.loads(path.read_text("utf-8"))
    files = [FIXTURES / name for name in data["files"]]
    return files, [Judged(**query) for query in data["query"]]


def record_key(record: Any) -> str:
    return f"{record.source}#{record.source_id}"


def build_instance(files: list[Path], work: Path) -> tuple[Any, Path]:
    """A store with the judged files imported and its index built: (store, index dir)."""
    from catalogue.ingest import import_paths
    from catalogue.store import Store
    from indexer import build

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store = Store(work / "docbase.sqlite3")
    import_paths(store, files, rejects_dir=work / "rejects")
    build.update(store, work / "index")
    return store, work / "index"


def ndcg(gains: list[int], ideal: list[int]) -> float:
    def dcg(values: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:DEPTH]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(gains) / best if best else 0.0


def evaluate(searcher: Any, keys: dict[int, str], judged: Judged) -> Outcome:
    """One judged query: its nDCG@10 and the judgements it breaks."""
    from indexer.search import SearchRequest

    result = searcher.search(SearchRequest(q=judged.q, per_page=DEPTH, with_facets=False))
    ranked = [keys.get(hit.id, "") for hit in result.hits]
    known = set(keys.values())
    failures = [f"{k} is not a record of the judged files" for k in judged.top if k not in known]
    head = ranked[: judged.cutoff]
    failures += [f"{k} not in the first {judged.cutoff}" for k in judged.top if k not in head]
    failures += [f"{k} in the first {judged.cutoff}" for k in judged.not_top if k in head]
    ideal = [2] * len(judged.top) + [1] * len(judged.relevant)
    return Outcome(judged.q, ndcg([judged.grade(k) for k in ranked], ideal), ranked, failures)


def run(work: Path) -> list[Outcome]:
    from indexer.search import Searcher

    files, queries = load_judgements()
    store, index_dir = build_instance(files, work)
    keys = {record.id: record_key(record) for record in store.iter_records()}
    searcher = Searcher(index_dir)
    try:
        return [evaluate(searcher, keys, judged) for judged in queries]
    finally:
        searcher.close()
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", type=Path, help="checkout whose catalogue/indexer to measure")
    parser.add_argument("--work", type=Path, default=Path("/tmp/docbase-bench-relevance"))
    args = parser.parse_args()
    sys.path.insert(0, str((args.code or ROOT).resolve()))
    import indexer

    print(f"code measured: {Path(indexer.__file__).parent.parent}\n")
    outcomes = run(args.work)
    print(f"| query | nDCG@{DEPTH} | judgements broken |")
    print("|---|---|---|")
    for out in outcomes:
        print(f"| {out.q} | {out.ndcg:.3f} | {'; '.join(out.failures) or '—'} |")
    mean = sum(o.ndcg for o in outcomes) / len(outcomes)
    broken = sum(bool(o.failures) for o in outcomes)
    print(f"\nmean nDCG@{DEPTH} {mean:.3f}; {broken} of {len(outcomes)} queries break a judgement")


if __name__ == "__main__":
    main()
