"""Records and their history: reads, lookups, saves, edits, deletes, restores and reverts.

Every change of a record and its history entry go in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from catalogue.dedupe import match_keys
from catalogue.errors import EditConflict, StoreError
from catalogue.record import Record
from catalogue.store import database
from catalogue.store.database import Database, _dumps
from catalogue.store.prepared import Prepared, prepare


@dataclass
class HistoryEntry:
    seq: int
    record_id: int
    at: str
    actor: str
    action: str
    changes: list[str]
    before: dict[str, Any] | None


@dataclass
class Outcome:
    """What happened to one record handed to `save_many`."""

    record_id: int
    action: str  # "new", "updated", "unchanged"
    duplicate_of: int | None = None
    # a re-import that would have overwritten fields edited here: those fields, kept local
    conflicts: list[str] = field(default_factory=list)


# ids the text readers make from a row's content (text.stable_id): a CSV row without
# « identifiant », whose re-import after a typo fix is a new row of the same document. MARC
# records without a 001 ("local:") are left out: periouni has such records beside an identified
# one of the same title, and whether they are one document is the documentalist's call.
CONTENT_IDS = ("sha1:",)


def from_row(row: sqlite3.Row, with_raw: bool = False) -> Record:
    """The record of a `records` row (its `id` and `data`; `raw` and `raw_format` when asked)."""
    record = Record.from_dict(json.loads(row["data"]))
    record.id = row["id"]
    if with_raw and row["raw"] is not None:
        raw = row["raw"]
        record.original.raw = raw if row["raw_format"] != "text" else raw.decode("utf-8")
    return record


def _last_imported(rows: list[sqlite3.Row], current: dict[str, Any]) -> dict[str, Any]:
    """The record as its source last sent it: the `sent` of the last import row that kept a
    local edit (a conflict row's `before` in stores older than that column), or the state
    right after the last create or import update (the `before` of the row that followed it,
    or the current data)."""
    imports = ("create", "update", "conflict")
    last = max((i for i, r in enumerate(rows) if r["action"] in imports), default=-1)
    if last >= 0 and rows[last]["sent"] is not None:
        return json.loads(rows[last]["sent"])
    if last >= 0 and rows[last]["action"] == "conflict":  # its `before`: what the source sent
        return json.loads(rows[last]["before"])
    for row in rows[last + 1 :]:
        if row["before"] is not None:
            return json.loads(row["before"])
    return current


class Records(Database):
    """The records, their match keys and their history."""

    # -- reading --------------------------------------------------------------------------------
    def get(
        self, record_id: int, *, with_raw: bool = False, deleted: bool = False
    ) -> Record | None:
        """A record by its local id; None when unknown (or deleted, unless asked)."""
        row = self.db.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None or (row["deleted"] and not deleted):
            return None
        return from_row(row, with_raw)

    def get_many(self, ids: Iterable[int]) -> list[Record]:
        """Records in the order of `ids`, skipping unknown and deleted ones."""
        ids = list(ids)
        found: dict[int, Record] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT id, data FROM records WHERE deleted = 0 AND id IN ({marks})", chunk
            ):
                found[row["id"]] = from_row(row)
        return [found[i] for i in ids if i in found]

    def iter_many(self, ids: list[int], *, batch: int = 500) -> Iterator[Record]:
        """The live records of `ids` in that order, read in batches (exports of a search)."""
        for start in range(0, len(ids), batch):
            yield from self.get_many(ids[start : start + batch])

    def iter_records(self, *, batch: int = 1000, with_raw: bool = False) -> Iterator[Record]:
        """Every live record in id order, read in batches (the index rebuild streams this)."""
        last = 0
        columns = "id, data, raw, raw_format" if with_raw else "id, data"
        while True:
            rows = self.db.execute(
                f"SELECT {columns} FROM records WHERE deleted = 0 AND id > ? ORDER BY id LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield from_row(row, with_raw)
            last = rows[-1]["id"]

    def count(self, *, deleted: bool = False) -> int:
        return self.db.execute(
            "SELECT count(*) FROM records WHERE deleted = ?", (1 if deleted else 0,)
        ).fetchone()[0]

    def find(self, source: str, source_id: str) -> int | None:
        row = self.db.execute(
            "SELECT id FROM records WHERE source = ? AND source_id = ?", (source, source_id)
        ).fetchone()
        return row[0] if row else None

    def duplicate_of(self, record_id: int) -> int | None:
        row = self.db.execute(
            "SELECT duplicate_of FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        return row[0] if row else None

    def duplicates(self, record_id: int) -> list[int]:
        """The records linked to this one as duplicates, whichever side points at the other."""
        target = self.duplicate_of(record_id) or record_id
        rows = self.db.execute(
            "SELECT id FROM records WHERE (duplicate_of = ? OR id = ?) AND id != ? AND deleted = 0"
            " ORDER BY id",
            (target, target, record_id),
        )
        return [r[0] for r in rows]

    def duplicate_links(self) -> dict[int, int]:
        """Every duplicate link, record id → the record it duplicates (deleted ones included:
        a chain still runs through them); the indexer groups a work's copies with it."""
        rows = self.db.execute(
            "SELECT id, duplicate_of FROM records WHERE duplicate_of IS NOT NULL"
        )
        return {r[0]: r[1] for r in rows}

    def provenance(self, record_id: int) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT source, source_id, raw_format, created, updated, deleted, duplicate_of"
            " FROM records WHERE id = ?",
            (record_id,),
        ).fetchone()
        return dict(row) if row else None

    def raw(self, record_id: int) -> tuple[bytes, str] | None:
        row = self.db.execute(
            "SELECT raw, raw_format FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        return (row[0], row[1]) if row and row[0] is not None else None

    def history(self, record_id: int) -> list[HistoryEntry]:
        rows = self.db.execute(
            "SELECT * FROM history WHERE record_id = ? ORDER BY seq", (record_id,)
        )
        return [
            HistoryEntry(
                seq=r["seq"],
                record_id=r["record_id"],
                at=r["at"],
                actor=r["actor"],
                action=r["action"],
                changes=json.loads(r["changes"]),
                before=json.loads(r["before"]) if r["before"] else None,
            )
            for r in rows
        ]

    def version(self, record_id: int) -> str | None:
        """The version of a record as it now stands (its fingerprint), for edit forms."""
        row = self.db.execute(
            "SELECT fingerprint FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        return row[0] if row else None

    def likely_duplicates(self, record: Record, limit: int = 5) -> list[int]:
        """Live records sharing a match key with `record` (the editor's warning before save)."""
        keys = match_keys(record)
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT DISTINCT r.id FROM match_keys k JOIN records r ON r.id = k.record_id"
            f" WHERE k.key IN ({marks}) AND r.deleted = 0 AND r.id != ? ORDER BY r.id LIMIT ?",
            (*keys, record.id or 0, limit),
        ).fetchall()
        return [r[0] for r in rows]

    def hosted_by(self, authority_id: str, limit: int = 500) -> list[int]:
        """Records whose host is `authority_id` (an issue's articles, a periodical's issues)."""
        rows = self.db.execute(
            "SELECT id FROM records WHERE deleted = 0"
            " AND json_extract(data, '$.host.authority_id') = ? ORDER BY id LIMIT ?",
            (authority_id, limit),
        ).fetchall()
        return [r[0] for r in rows]

    def publishers(self, prefix: str, limit: int = 10) -> list[str]:
        """Publisher names of the catalogue starting with `prefix` (the editor's completion)."""
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.db.execute(
            "SELECT DISTINCT json_extract(p.value, '$.publisher') AS name"
            " FROM records, json_each(records.data, '$.publication') AS p"
            " WHERE records.deleted = 0 AND name LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?",
            (like, limit),
        ).fetchall()
        return [r[0] for r in rows]

    def first_added(self, record_ids: Iterable[int]) -> dict[int, str]:
        """When each record first came into the catalogue: its first history row. An update
        in place (a re-import) adds rows but never moves this date."""
        ids = list(record_ids)
        out: dict[int, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT record_id, min(at) FROM history WHERE record_id IN ({marks})"
                " GROUP BY record_id",
                chunk,
            )
            out.update({r[0]: r[1] for r in rows})
        return out

    # -- writing --------------------------------------------------------------------------------
    def _history(
        self,
        record_id: int,
        actor: str,
        action: str,
        changes: list[str],
        before: str | None,
        sent: str | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO history (record_id, at, actor, action, changes, before, sent)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (record_id, database._now(), actor, action, _dumps(changes), before, sent),
        )

    def _set_keys(self, record_id: int, keys: list[str], new: bool = False) -> None:
        if not new:
            self.db.execute("DELETE FROM match_keys WHERE record_id = ?", (record_id,))
        self.db.executemany(
            "INSERT OR IGNORE INTO match_keys (key, record_id) VALUES (?, ?)",
            [(k, record_id) for k in keys],
        )

    def _find_duplicate(self, p: Prepared, record_id: int) -> int | None:
        """A record of another source with the same match keys; of the same source too when
        this record's id was made from its content (a CSV row without « identifiant »,
        re-imported after a typo fix, is a new record but the same document). Records a
        source tells apart by their own ids stay apart (periouni's serials of one ISSN)."""
        if not p.keys:
            return None
        marks = ",".join("?" * len(p.keys))
        same_source = p.source_id.startswith(CONTENT_IDS)
        row = self.db.execute(
            f"SELECT min(r.id) FROM match_keys k JOIN records r ON r.id = k.record_id"
            f" WHERE k.key IN ({marks}) AND r.id != ? AND r.deleted = 0"
            f" AND (? OR r.source != ?)",
            (*p.keys, record_id, same_source, p.source),
        ).fetchone()
        return row[0] if row and row[0] is not None else None

    def _save(self, record: Record | Prepared, actor: str) -> Outcome:
        """Create or update one record, inside the caller's transaction."""
        p = record if isinstance(record, Prepared) else prepare(record)
        now = database._now()
        existing = None
        if p.record_id is not None:
            existing = self.db.execute(
                "SELECT id, data, fingerprint, duplicate_of FROM records WHERE id = ?",
                (p.record_id,),
            ).fetchone()
            if existing is None:
                raise StoreError(f"notice {p.record_id} inconnue (unknown record)")
        else:
            existing = self.db.execute(
                "SELECT id, data, fingerprint, duplicate_of FROM records"
                " WHERE source = ? AND source_id = ?",
                (p.source, p.source_id),
            ).fetchone()
        if existing is not None:
            conflicts: list[str] = []
            sent = p
            if p.record_id is None:  # the source sent it again: an import, not an edit here
                p, conflicts = self._keep_local_edits(existing["id"], p, existing["data"])
            kept = sent.text if p is not sent else None  # the source's own version, kept
            outcome = self._update(
                existing, p, actor, "update" if p.record_id is None else "edit", kept
            )
            if conflicts:  # `before` of a conflict row: the record as the source sent it
                self._history(outcome.record_id, actor, "conflict", conflicts, sent.text, sent.text)
                outcome.conflicts = conflicts
        else:
            cursor = self.db.execute(
                "INSERT INTO records (source, source_id, doc_type, title, data, raw, raw_format,"
                " fingerprint, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    p.source,
                    p.source_id,
                    p.doc_type,
                    p.title,
                    p.text,
                    p.raw,
                    p.raw_format,
                    p.fingerprint,
                    now,
                    now,
                ),
            )
            record_id = cursor.lastrowid
            assert record_id is not None
            self._set_keys(record_id, p.keys, new=True)
            duplicate = self._find_duplicate(p, record_id)
            if duplicate is not None:
                self.db.execute(
                    "UPDATE records SET duplicate_of = ? WHERE id = ?", (duplicate, record_id)
                )
            self._history(record_id, actor, "create", [], None)
            outcome = Outcome(record_id, "new", duplicate)
        if isinstance(record, Record):
            record.id = outcome.record_id
        return outcome

    def _update(
        self, existing: sqlite3.Row, p: Prepared, actor: str, action: str, sent: str | None
    ) -> Outcome:
        record_id = existing["id"]
        if existing["fingerprint"] == p.fingerprint:
            return Outcome(record_id, "unchanged", existing["duplicate_of"])
        data = json.loads(p.text)
        before = json.loads(existing["data"])
        changes = sorted(k for k in data.keys() | before.keys() if data.get(k) != before.get(k))
        self.db.execute(
            "UPDATE records SET doc_type = ?, title = ?, data = ?, raw = coalesce(?, raw),"
            " raw_format = ?, fingerprint = ?, updated = ? WHERE id = ?",
            (
                p.doc_type,
                p.title,
                p.text,
                p.raw,
                p.raw_format,
                p.fingerprint,
                database._now(),
                record_id,
            ),
        )
        self._history(record_id, actor, action, changes, existing["data"], sent)
        self._set_keys(record_id, p.keys)
        return Outcome(record_id, "updated", existing["duplicate_of"])

    def _keep_local_edits(
        self, record_id: int, incoming: Prepared, current_text: str
    ) -> tuple[Prepared, list[str]]:
        """A re-import keeps what a documentalist edited here (history "edit" rows): the
        source's value is taken only for fields never edited locally. An edited field the
        source also changed since its last import is a conflict, reported; the local edit
        stays either way."""
        rows = self.db.execute(
            "SELECT action, changes, before, sent FROM history WHERE record_id = ? ORDER BY seq",
            (record_id,),
        ).fetchall()
        edited = {k for r in rows if r["action"] == "edit" for k in json.loads(r["changes"])}
        edited.discard("original")  # the source's own fields are provenance, always its own
        if not edited:
            return incoming, []
        current = json.loads(current_text)
        imported = _last_imported(rows, current)
        data = json.loads(incoming.text)
        conflicts = []
        for key in sorted(edited):
            if data.get(key) == current.get(key):
                continue
            if data.get(key) != imported.get(key):
                conflicts.append(key)
            if key in current:
                data[key] = current[key]
            else:
                data.pop(key, None)
        kept = prepare(Record.from_dict(data))
        kept.raw, kept.raw_format, kept.warnings = (
            incoming.raw,
            incoming.raw_format,
            incoming.warnings,
        )
        return kept, conflicts

    def plan(self, p: Prepared) -> tuple[Outcome, str]:
        """What importing `p` would do, without writing: the outcome (new, updated, unchanged;
        the duplicate it would be linked to; the conflicts with local edits) and the record's
        data as it would be saved (JSON)."""
        row = self.db.execute(
            "SELECT id, data, fingerprint, duplicate_of FROM records"
            " WHERE source = ? AND source_id = ?",
            (p.source, p.source_id),
        ).fetchone()
        if row is None:
            return Outcome(0, "new", self._find_duplicate(p, 0)), p.text
        kept, conflicts = self._keep_local_edits(row["id"], p, row["data"])
        action = "unchanged" if kept.fingerprint == row["fingerprint"] else "updated"
        return Outcome(row["id"], action, row["duplicate_of"], conflicts), kept.text

    def save(self, record: Record | Prepared, actor: str = "docbase") -> Outcome:
        """Create (no id, unknown source id) or update one record, in its own transaction."""
        with self.transaction():
            return self._save(record, actor)

    def save_edit(self, record: Record, version: str, actor: str) -> Outcome:
        """Save an edit of a stored record begun at `version`; EditConflict when another save
        came in between (checked inside the write transaction: no two edits both win)."""
        if record.id is None:
            raise StoreError("une modification porte sur une notice enregistrée (no record id)")
        with self.transaction():
            row = self.db.execute(
                "SELECT data, fingerprint FROM records WHERE id = ?", (record.id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"notice {record.id} inconnue (unknown record)")
            if row["fingerprint"] != version:
                current = from_row(self.db.execute(
                    "SELECT * FROM records WHERE id = ?", (record.id,)
                ).fetchone())  # fmt: skip
                raise EditConflict(record.id, current, row["fingerprint"])
            return self._save(record, actor)

    def save_many(
        self, records: Iterable[Record | Prepared], actor: str = "import"
    ) -> list[Outcome]:
        """Save a batch in one transaction: an import killed midway leaves whole batches only."""
        with self.transaction():
            return [self._save(r, actor) for r in records]

    def delete(self, record_id: int, actor: str = "docbase") -> None:
        with self.transaction():
            row = self.db.execute(
                "SELECT data, deleted FROM records WHERE id = ?", (record_id,)
            ).fetchone()
            if row is None or row["deleted"]:
                raise StoreError(f"notice {record_id} inconnue ou déjà supprimée")
            self.db.execute(
                "UPDATE records SET deleted = 1, updated = ? WHERE id = ?",
                (database._now(), record_id),
            )
            self._history(record_id, actor, "delete", [], row["data"])

    def restore(self, record_id: int, actor: str = "docbase") -> None:
        """Undo a delete: the record comes back as it was."""
        with self.transaction():
            row = self.db.execute(
                "SELECT deleted FROM records WHERE id = ?", (record_id,)
            ).fetchone()
            if row is None or not row["deleted"]:
                raise StoreError(f"notice {record_id} : rien à restaurer (not deleted)")
            self.db.execute(
                "UPDATE records SET deleted = 0, updated = ? WHERE id = ?",
                (database._now(), record_id),
            )
            self._history(record_id, actor, "restore", [], None)

    def revert(self, record_id: int, seq: int, actor: str = "docbase") -> Outcome:
        """Bring a record back to its state before history entry `seq` (undo an edit)."""
        row = self.db.execute(
            "SELECT before FROM history WHERE seq = ? AND record_id = ?", (seq, record_id)
        ).fetchone()
        if row is None or row["before"] is None:
            raise StoreError(f"rien à annuler pour la notice {record_id} à l'étape {seq}")
        record = Record.from_dict(json.loads(row["before"]))
        record.id = record_id
        return self.save(record, actor)
