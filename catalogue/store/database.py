"""The store's SQLite file: connection, pragmas, the migrations runner and transactions.

WAL mode, so that the web and the indexer read while an import writes. The one clock (`_now`)
and JSON form (`_dumps`) of every table are here, so that a test can set the time in one place.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Self

from catalogue.errors import StoreError

SCHEMA_VERSION = 5  # 0003 may come later: _migrate runs every script not yet run


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _fingerprint(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class Database:
    """One SQLite connection, migrated on open; the base of every part of `Store`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    # -- lifecycle ------------------------------------------------------------------------------
    def _migrate(self) -> None:
        """Run every script of `migrations/` not yet run, in number order. Run scripts are named
        in `schema_migrations`, so a number missing today (a branch not merged yet) is run when
        it arrives, even on a store already at a higher `user_version`."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store schema {version} is newer than this docbase ({SCHEMA_VERSION})"
            )
        folder = resources.files("catalogue") / "migrations"
        scripts = sorted(
            (int(p.name[:4]), p.name, p)
            for p in folder.iterdir()
            if p.name[:4].isdigit()
            and p.name.endswith(".sql")
            and int(p.name[:4]) <= SCHEMA_VERSION
        )
        applied = self._applied_migrations(version, [(n, name) for n, name, _ in scripts])
        for number, name, script in scripts:
            if name in applied:
                continue
            version = max(version, number)
            # executescript commits; the bookkeeping is inside the script's own transaction
            self.db.executescript(
                f"BEGIN; {script.read_text('utf-8')}\n"
                f"INSERT INTO schema_migrations (name, at) VALUES ('{name}', '{_now()}');\n"
                f"PRAGMA user_version={version}; COMMIT;"
            )

    def _applied_migrations(self, version: int, scripts: list[tuple[int, str]]) -> set[str]:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, at TEXT NOT NULL)"
        )
        names = {r[0] for r in self.db.execute("SELECT name FROM schema_migrations")}
        if not names and version:  # a store made before this table ran every script up to it
            names = {name for number, name in scripts if number <= version}
            self.db.executemany(
                "INSERT INTO schema_migrations (name, at) VALUES (?, ?)",
                [(name, _now()) for name in sorted(names)],
            )
        return names

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (nesting joins the outer one)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        self.outer = not self.db.in_transaction
        if self.outer:
            self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if not self.outer:
            return
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
