"""The import runs log: when a file was imported, by whom, and its report."""

from __future__ import annotations

from typing import Any

from catalogue.store import database
from catalogue.store.database import Database, _dumps


class ImportRuns(Database):
    """One row per import run."""

    def start_import(self, path: str, source: str, fmt: str, actor: str) -> int:
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO imports (path, source, format, actor, started) VALUES (?, ?, ?, ?, ?)",
                (path, source, fmt, actor, database._now()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_import(self, import_id: int, report: dict[str, Any]) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE imports SET finished = ?, report = ? WHERE id = ?",
                (database._now(), _dumps(report), import_id),
            )
