"""Curated bibliographies: versioned like records, their picks kept in order."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from catalogue.bibliography import Bibliography
from catalogue.errors import StoreError
from catalogue.store import database
from catalogue.store.database import Database, _dumps


class Bibliographies(Database):
    """Bibliographies, their picks and their history."""

    def _bibliography(self, row: sqlite3.Row) -> Bibliography:
        search = json.loads(row["search"])
        picks = self.db.execute(
            "SELECT record_id FROM bibliography_records WHERE bibliography_id = ?"
            " ORDER BY position",
            (row["id"],),
        )
        return Bibliography(
            slug=row["slug"], title=row["title"], introduction=row["introduction"],
            query=search.get("q", ""), filters=search.get("f", []), excludes=search.get("x", []),
            picks=[r[0] for r in picks], grouping=row["grouping"], order=row["sort"],
            style=row["style"], id=row["id"], created=row["created"], updated=row["updated"],
        )  # fmt: skip

    def bibliography(self, slug: str) -> Bibliography | None:
        row = self.db.execute(
            "SELECT * FROM bibliographies WHERE slug = ? AND deleted = 0", (slug,)
        ).fetchone()
        return self._bibliography(row) if row else None

    def bibliographies(self) -> list[Bibliography]:
        rows = self.db.execute("SELECT * FROM bibliographies WHERE deleted = 0 ORDER BY title")
        return [self._bibliography(r) for r in rows.fetchall()]

    def picked_dates(self, bibliography_id: int) -> dict[int, str]:
        rows = self.db.execute(
            "SELECT record_id, added FROM bibliography_records WHERE bibliography_id = ?",
            (bibliography_id,),
        )
        return {r[0]: r[1] for r in rows}

    def save_bibliography(self, bib: Bibliography, actor: str = "docbase") -> Bibliography:
        """Create one (unknown or deleted slug) or update it; its picks as given, in order."""
        bib.check()
        now = database._now()
        with self.transaction():
            row = self.db.execute(
                "SELECT * FROM bibliographies WHERE slug = ?", (bib.slug,)
            ).fetchone()
            before = self._bibliography(row) if row else None
            values = (bib.title, bib.introduction, _dumps(bib.search()), bib.grouping,
                      bib.order, bib.style, now)  # fmt: skip
            if row is None:
                bib.id = self.db.execute(
                    "INSERT INTO bibliographies (title, introduction, search, grouping, sort,"
                    " style, updated, slug, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, bib.slug, now),
                ).lastrowid
            else:
                bib.id = row["id"]
                self.db.execute(
                    "UPDATE bibliographies SET title = ?, introduction = ?, search = ?,"
                    " grouping = ?, sort = ?, style = ?, updated = ?, deleted = 0 WHERE id = ?",
                    (*values, bib.id),
                )
            kept = self.picked_dates(bib.id) if before else {}
            self.db.execute("DELETE FROM bibliography_records WHERE bibliography_id = ?", (bib.id,))
            self.db.executemany(
                "INSERT OR IGNORE INTO bibliography_records VALUES (?, ?, ?, ?)",
                [(bib.id, rid, n, kept.get(rid, now)) for n, rid in enumerate(bib.picks)],
            )
            action = "create" if row is None or row["deleted"] else "update"
            self._bibliography_history(bib, before, action, actor)
        saved = self.bibliography(bib.slug)
        assert saved is not None
        return saved

    def _bibliography_history(
        self, bib: Bibliography, before: Bibliography | None, action: str, actor: str
    ) -> None:
        old = before.to_dict() if before else {}
        new = bib.to_dict()
        changes = sorted(
            k for k in new if k not in ("id", "created", "updated") and old.get(k) != new[k]
        )
        self.db.execute(
            "INSERT INTO bibliography_history (bibliography_id, at, actor, action, changes,"
            " before) VALUES (?, ?, ?, ?, ?, ?)",
            (bib.id, database._now(), actor, action, _dumps(changes), _dumps(old) if old else None),
        )

    def delete_bibliography(self, slug: str, actor: str = "docbase") -> None:
        bib = self.bibliography(slug)
        if bib is None:
            raise StoreError(f"bibliographie « {slug} » inconnue (unknown bibliography)")
        with self.transaction():
            self.db.execute(
                "UPDATE bibliographies SET deleted = 1, updated = ? WHERE id = ?",
                (database._now(), bib.id),
            )
            self.db.execute(
                "INSERT INTO bibliography_history (bibliography_id, at, actor, action, before)"
                " VALUES (?, ?, ?, 'delete', ?)",
                (bib.id, database._now(), actor, _dumps(bib.to_dict())),
            )

    def bibliography_history(self, slug: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT h.* FROM bibliography_history h JOIN bibliographies b"
            " ON b.id = h.bibliography_id WHERE b.slug = ? ORDER BY h.seq",
            (slug,),
        )
        return [dict(r) | {"changes": json.loads(r["changes"])} for r in rows]
