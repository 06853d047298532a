"""The thesaurus's tables: concepts, their folded labels, broader links and history.

What a concept means is `catalogue/thesaurus.py`'s business; here are only its rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from catalogue.store import database
from catalogue.store.database import Database, _dumps
from catalogue.store.records import HistoryEntry
from catalogue.text import fold


@dataclass
class ConceptRow:
    """A thesaurus concept as the store keeps it: its JSON and the rows looked up."""

    id: str
    uri: str
    pref: str
    folded: str  # the preferred label folded: A–Z order
    data: dict[str, Any]
    labels: list[tuple[str, str]]  # (folded label, kind: pref, alt, en, alt_en)
    broader: list[str]


class Concepts(Database):
    """Concept rows and lookups by label and hierarchy."""

    def save_concepts(self, rows: Iterable[ConceptRow], actor: str, action: str) -> dict[str, str]:
        """Create or update concepts in one transaction (an import is whole or not at all);
        each change goes to the concept's history. Returns id → "new", "updated", "unchanged"."""
        done: dict[str, str] = {}
        with self.transaction():
            for row in rows:
                done[row.id] = self._save_concept(row, actor, action)
        return done

    def _save_concept(self, row: ConceptRow, actor: str, action: str) -> str:
        text, now = _dumps(row.data), database._now()
        old = self.db.execute("SELECT data FROM concepts WHERE id = ?", (row.id,)).fetchone()
        if old is not None and old["data"] == text:
            return "unchanged"
        if old is None:
            self.db.execute(
                "INSERT INTO concepts (id, uri, pref, folded, data, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row.id, row.uri, row.pref, row.folded, text, now, now),
            )
        else:
            self.db.execute(
                "UPDATE concepts SET uri = ?, pref = ?, folded = ?, data = ?, updated = ?"
                " WHERE id = ?",
                (row.uri, row.pref, row.folded, text, now, row.id),
            )
        self.db.execute("DELETE FROM concept_labels WHERE concept_id = ?", (row.id,))
        self.db.execute("DELETE FROM concept_broader WHERE concept_id = ?", (row.id,))
        self.db.executemany(
            "INSERT OR IGNORE INTO concept_labels (folded, concept_id, kind) VALUES (?, ?, ?)",
            [(folded, row.id, kind) for folded, kind in row.labels if folded],
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO concept_broader (concept_id, broader_id) VALUES (?, ?)",
            [(row.id, b) for b in row.broader],
        )
        before = json.loads(old["data"]) if old is not None else {}
        keys = row.data.keys() | before.keys() if old is not None else ()  # a create: []
        changes = sorted(k for k in keys if row.data.get(k) != before.get(k))
        self.db.execute(
            "INSERT INTO concept_history (concept_id, at, actor, action, changes, before)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (row.id, now, actor, "create" if old is None else action, _dumps(changes),
             old["data"] if old is not None else None),
        )  # fmt: skip
        return "new" if old is None else "updated"

    def concepts(self, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Concepts' data (with `updated`), in the A–Z order of their preferred labels; every
        concept when `ids` is None."""
        sql = "SELECT data, updated FROM concepts"
        params: list[str] = []
        if ids is not None:
            params = list(ids)
            sql += f" WHERE id IN ({','.join('?' * len(params))})"
        rows = self.db.execute(sql + " ORDER BY folded, id", params)
        return [{**json.loads(r["data"]), "updated": r["updated"]} for r in rows]

    def concept_ids(
        self,
        *,
        label: str = "",
        prefix: str = "",
        contains: str = "",
        kinds: tuple[str, ...] = ("pref",),
        limit: int = 50,
    ) -> list[str]:
        """Concept ids by folded label: equal to `label`, starting with `prefix`, or holding
        `contains`, among labels of `kinds`; in the A–Z order of their preferred labels."""
        if label:
            where, value = "l.folded = ?", label
        elif prefix:  # folded labels hold only [0-9a-z ], and "{" sorts after "z"
            where, value = "l.folded >= ? AND l.folded < ? || '{'", prefix
        else:
            where, value = "l.folded LIKE '%' || ? || '%'", contains
        params = [value, value] if prefix else [value]
        marks = ",".join("?" * len(kinds))
        rows = self.db.execute(
            f"SELECT DISTINCT c.id, c.folded FROM concept_labels l JOIN concepts c"
            f" ON c.id = l.concept_id WHERE {where} AND l.kind IN ({marks})"
            f" ORDER BY c.folded, c.id LIMIT ?",
            (*params, *kinds, limit),
        )
        return [r["id"] for r in rows]  # fmt: skip

    def concept_kinds(self, folded: str) -> list[tuple[str, str]]:
        """(concept id, kind) of every label equal to `folded`, preferred labels first."""
        rows = self.db.execute(
            "SELECT concept_id, kind FROM concept_labels WHERE folded = ?"
            " ORDER BY kind != 'pref', kind != 'alt', concept_id",
            (folded,),
        )
        return [(r[0], r[1]) for r in rows]

    def narrower_ids(self, concept_id: str | None) -> list[str]:
        """The concepts whose broader is `concept_id`; with None, the top concepts."""
        if concept_id is None:
            sql = ("SELECT id FROM concepts c WHERE NOT EXISTS (SELECT 1 FROM concept_broader b"
                   " WHERE b.concept_id = c.id) ORDER BY folded, id")  # fmt: skip
            return [r[0] for r in self.db.execute(sql)]
        rows = self.db.execute(
            "SELECT c.id FROM concept_broader b JOIN concepts c ON c.id = b.concept_id"
            " WHERE b.broader_id = ? ORDER BY c.folded, c.id",
            (concept_id,),
        )
        return [r[0] for r in rows]

    def broader_links(self) -> dict[str, list[str]]:
        """Every concept's broader ids (the whole hierarchy, for cycle checks)."""
        links: dict[str, list[str]] = {}
        for row in self.db.execute("SELECT concept_id, broader_id FROM concept_broader"):
            links.setdefault(row[0], []).append(row[1])
        return links

    def concept_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM concepts").fetchone()[0]

    def concept_history(self, concept_id: str) -> list[HistoryEntry]:
        rows = self.db.execute(
            "SELECT * FROM concept_history WHERE concept_id = ? ORDER BY seq", (concept_id,)
        )
        return [
            HistoryEntry(r["seq"], 0, r["at"], r["actor"], r["action"], json.loads(r["changes"]),
                         json.loads(r["before"]) if r["before"] else None)
            for r in rows
        ]  # fmt: skip

    def count_records_with_subject(self, uri: str, folded_labels: Iterable[str]) -> int:
        """Live records holding a subject with this URI or one of these labels (folded)."""
        labels = sorted(set(folded_labels))
        self.db.create_function("fold", 1, fold, deterministic=True)
        marks = ",".join("?" * len(labels)) or "NULL"
        return self.db.execute(
            "SELECT count(DISTINCT r.id) FROM records r, json_each(r.data, '$.subjects') s"
            " WHERE r.deleted = 0 AND ((? != '' AND json_extract(s.value, '$.uri') = ?)"
            f" OR fold(json_extract(s.value, '$.label')) IN ({marks}))",
            (uri, uri, *labels),
        ).fetchone()[0]
