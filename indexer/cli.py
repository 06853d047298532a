"""What `docbase index` and `docbase search` do, without Flask: web/cli.py only passes paths."""

from __future__ import annotations

import json
from pathlib import Path

from catalogue.store import Store
from indexer import build
from indexer.search import SearchRequest, SearchResult, open_searcher


def run_index(store_path: str | Path, index_dir: str | Path, rebuild: bool = False) -> dict:
    """Bring the index up to date (or rebuild it beside the live one and swap it in)."""
    with Store(store_path) as store:
        if rebuild:
            return build.rebuild(store, Path(index_dir))
        return build.update(store, Path(index_dir))


def format_index_stats(stats: dict) -> str:
    repaired = "".join(f"Index réparé : {what}.\n" for what in stats.get("repaired") or [])
    return repaired + _format_stats(stats)


def _format_stats(stats: dict) -> str:
    if stats.get("mode") == "rebuild":
        return (
            f"Index reconstruit : {stats['indexed']} notices en {stats['seconds']} s"
            f" ({stats.get('records_per_second') or 0} notices/s),"
            f" génération {stats['generation']}, {stats.get('caught_up', 0)} changements rattrapés."
        )
    return (
        f"Index à jour : {stats['changes']} changements appliqués ({stats['indexed']} notices"
        f" indexées, {stats['removed']} retirées) en {stats.get('seconds', 0)} s."
    )


def parse_facet_options(options: tuple[str, ...] | list[str]) -> dict[str, list[str]]:
    """NAME=VALUE options → facet filters (repeating a name OR-s its values)."""
    out: dict[str, list[str]] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"attendu NOM=VALEUR (expected NAME=VALUE): {option!r}")
        out.setdefault(name.strip(), []).append(value.strip())
    return out


def run_search(
    index_dir: str | Path,
    query: str,
    facets: tuple[str, ...] | list[str] = (),
    excludes: tuple[str, ...] | list[str] = (),
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    themes_file: str | Path | None = None,
) -> SearchResult:
    request = SearchRequest(
        q=query,
        filters=parse_facet_options(facets),
        excludes=parse_facet_options(excludes),
        sort=sort,
        page=page,
        per_page=per_page,
    )
    with open_searcher(index_dir, themes_file) as searcher:
        return searcher.search(request)


def run_record_ids(
    index_dir: str | Path,
    query: str,
    facets: tuple[str, ...] | list[str] = (),
    excludes: tuple[str, ...] | list[str] = (),
    sort: str = "relevance",
    limit: int = 1_000_000,
    themes_file: str | Path | None = None,
) -> list[int]:
    """The record ids of a whole result set, in its order (`docbase export` with a query)."""
    request = SearchRequest(
        q=query,
        filters=parse_facet_options(facets),
        excludes=parse_facet_options(excludes),
        sort=sort,
        with_facets=False,
    )
    with open_searcher(index_dir, themes_file) as searcher:
        return searcher.record_ids(request, limit)


def format_result(result: SearchResult, as_json: bool = False) -> str:
    """One JSON object, or a readable listing of hits and facet counts."""
    if as_json:
        return json.dumps(result.to_dict(), ensure_ascii=False)
    lines = [f"{result.total} notice(s) pour « {result.query} » ({result.elapsed_ms:.0f} ms)"]
    if result.degraded:
        lines.append("(requête simplifiée : syntaxe invalide)")
    if result.suggestion:
        lines.append(f"Essayez : {result.suggestion}")
    for hit in result.hits:
        who = "; ".join(hit.authors[:3])
        year = f" ({hit.year})" if hit.year else ""
        lines.append(f"  [{hit.id}] {hit.title}{year}" + (f" — {who}" if who else ""))
    for facet in result.facets.values():
        if not facet.values:
            continue
        shown = ", ".join(
            f"{v.value if v.depth else v.label or v.value} ({v.count})" for v in facet.values
        )
        lines.append(f"{facet.label} : {shown}" + (" …" if facet.has_more else ""))
    return "\n".join(lines)
