"""The public searches that found nothing: what visitors look for and the catalogue lacks.

One JSON line per such search (time, query, filters; no address, no session) in
`instance/searchlog/zero-YYYY-MM.jsonl`, appended by whichever worker served it (one short
`write` in append mode: lines from several workers do not interleave). A month's file stops
growing at `MAX_BYTES`, so a robot cannot fill the disk. The dashboard counts the last 30 days.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app

from catalogue.text import fold

MAX_BYTES = 5 * 1024 * 1024
DAYS = 30


def _folder() -> Path:
    return Path(current_app.config["INSTANCE"]) / "searchlog"


def _file(when: datetime) -> Path:
    return _folder() / f"zero-{when:%Y-%m}.jsonl"


def record_zero(query: str, filters: dict[str, list[str]]) -> None:
    """Note a search without hits (page 1 of a typed query); never fails the page."""
    if not query.strip():
        return
    now = datetime.now(UTC)
    path = _file(now)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            return
        line = json.dumps({"at": now.isoformat(timespec="seconds"), "q": query[:200],
                           "f": filters}, ensure_ascii=False)  # fmt: skip
        with path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
    except OSError:
        current_app.logger.warning("search log not written: %s", path)


def zero_searches(limit: int = 30, days: int = DAYS) -> list[tuple[str, int, str]]:
    """The most frequent searches without hits of the last `days` days: (query, times, last)."""
    now = datetime.now(UTC)
    since = (now - timedelta(days=days)).isoformat(timespec="seconds")
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    last: dict[str, str] = {}
    for path in sorted({_file(now - timedelta(days=d)) for d in (0, days)}):
        for entry in _entries(path):
            if entry.get("at", "") < since:
                continue
            key = fold(entry.get("q", ""))
            counts[key] += 1
            shown.setdefault(key, entry.get("q", ""))
            last[key] = max(last.get(key, ""), entry.get("at", ""))
    return [(shown[k], n, last[k]) for k, n in counts.most_common(limit)]


def _entries(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a line cut by a full disk: skip it
    return out
