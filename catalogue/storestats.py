"""Read-only figures of the store for the staff dashboard: counts, recent changes, additions by
month, imports. Beside catalogue/store/, which stays the one package that writes SQL; these
queries only read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from catalogue.store import Store


@dataclass
class RecentChange:
    seq: int
    record_id: int
    title: str
    at: str
    actor: str
    action: str
    changes: list[str]


def counts_by(store: Store, column: str) -> list[tuple[str, int]]:
    """Live records per document type (`doc_type`) or per source base (`source`)."""
    if column not in ("doc_type", "source"):
        raise ValueError(column)
    rows = store.db.execute(
        f"SELECT {column}, count(*) FROM records WHERE deleted = 0"
        f" GROUP BY {column} ORDER BY count(*) DESC, {column}"
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def recent_changes(store: Store, limit: int = 20) -> list[RecentChange]:
    rows = store.db.execute(
        "SELECT h.seq, h.record_id, r.title, h.at, h.actor, h.action, h.changes"
        " FROM history h JOIN records r ON r.id = h.record_id ORDER BY h.seq DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [RecentChange(*r[:6], json.loads(r[6])) for r in rows]


def additions_by_month(store: Store, months: int = 24) -> list[tuple[str, int]]:
    """Records first added per month (YYYY-MM), the last `months` months that had any."""
    rows = store.db.execute(
        "SELECT substr(created, 1, 7) AS month, count(*) FROM records"
        " GROUP BY month ORDER BY month DESC LIMIT ?",
        (months,),
    ).fetchall()
    return [(r[0], r[1]) for r in reversed(rows)]


def imports(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    rows = store.db.execute(
        "SELECT id, path, source, format, actor, started, finished, report FROM imports"
        " ORDER BY id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    columns = ("id", "path", "source", "format", "actor", "started", "finished")
    return [
        {**{k: r[k] for k in columns}, "report": json.loads(r["report"]) if r["report"] else {}}
        for r in rows
    ]
