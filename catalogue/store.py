"""The SQLite store: the single source of truth, with every change kept in the record's history.

The only module that writes SQL. WAL mode, so that the web and the indexer read while an import
writes. Every change of a record and its history entry go in one transaction; the history table's
sequence number is also the change feed the indexer follows (`changes_since`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from catalogue.dedupe import match_keys
from catalogue.errors import StoreError
from catalogue.identifiers import check_identifiers
from catalogue.record import Record

SCHEMA_VERSION = 1


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _fingerprint(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


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


@dataclass
class Change:
    seq: int
    record_id: int
    action: str


@dataclass
class Stamped:
    """A record with what a harvest needs: when it last changed (UTC) and whether it is deleted."""

    record: Record
    updated: str
    deleted: bool


@dataclass
class Prepared:
    """A record made ready for SQL: its JSON, fingerprint and match keys.

    `prepare` needs no database, so that import workers can run it in parallel while the one
    writer process does nothing but SQL.
    """

    record_id: int | None
    source: str
    source_id: str
    doc_type: str
    title: str
    text: str
    fingerprint: str
    raw: bytes | None
    raw_format: str
    keys: list[str]
    warnings: list[str] = field(default_factory=list)  # the record's, for the import report


# ids the text readers make from a row's content (text.stable_id): a CSV row without
# « identifiant », whose re-import after a typo fix is a new row of the same document. MARC
# records without a 001 ("local:") are left out: periouni has such records beside an identified
# one of the same title, and whether they are one document is the documentalist's call.
CONTENT_IDS = ("sha1:",)


def prepare(record: Record) -> Prepared:
    check_identifiers(record)  # every reader's records come through here
    data = record.to_dict()
    data.pop("id", None)
    text = _dumps(data)
    raw = record.original.raw
    fingerprint = _fingerprint(text)
    return Prepared(
        record_id=record.id,
        source=record.source,
        # a record without an id in its source is known by its content
        source_id=record.source_id or f"local:{fingerprint}",
        doc_type=record.doc_type,
        title=record.title,
        text=text,
        fingerprint=fingerprint,
        raw=(raw.encode("utf-8") if isinstance(raw, str) else raw) or None,
        raw_format="text" if isinstance(raw, str) else "bytes",
        keys=match_keys(record),
        warnings=list(record.original.warnings),
    )


# the parts of a record's JSON a theme is matched on (Store.stamped with headings_only)
_HEADINGS = (
    "json_object('source', json_extract(data, '$.source'),"
    " 'subjects', json(coalesce(json_extract(data, '$.subjects'), '[]')),"
    " 'keywords', json(coalesce(json_extract(data, '$.keywords'), '[]')),"
    " 'custom', json(coalesce(json_extract(data, '$.custom'), '[]'))) AS data"
)


class Store:
    """A catalogue store in one SQLite file; open one per process (or per thread)."""

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
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store schema {version} is newer than this docbase ({SCHEMA_VERSION})"
            )
        scripts = resources.files("catalogue") / "migrations"
        for number in range(version + 1, SCHEMA_VERSION + 1):
            script = next(p for p in scripts.iterdir() if p.name.startswith(f"{number:04d}_"))
            # executescript commits; the version bump is inside the script's own transaction
            self.db.executescript(
                f"BEGIN; {script.read_text('utf-8')}\nPRAGMA user_version={number}; COMMIT;"
            )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading --------------------------------------------------------------------------------
    def _record(self, row: sqlite3.Row, with_raw: bool = False) -> Record:
        record = Record.from_dict(json.loads(row["data"]))
        record.id = row["id"]
        if with_raw and row["raw"] is not None:
            raw = row["raw"]
            record.original.raw = raw if row["raw_format"] != "text" else raw.decode("utf-8")
        return record

    def get(
        self, record_id: int, *, with_raw: bool = False, deleted: bool = False
    ) -> Record | None:
        """A record by its local id; None when unknown (or deleted, unless asked)."""
        row = self.db.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None or (row["deleted"] and not deleted):
            return None
        return self._record(row, with_raw)

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
                found[row["id"]] = self._record(row)
        return [found[i] for i in ids if i in found]

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
                yield self._record(row, with_raw)
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

    def changes_since(self, seq: int, limit: int = 100_000) -> list[Change]:
        """The change feed: what happened after `seq`, oldest first."""
        rows = self.db.execute(
            "SELECT seq, record_id, action FROM history WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit),
        )
        return [Change(*r) for r in rows]

    def last_seq(self) -> int:
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM history").fetchone()[0]

    # -- harvesting (OAI-PMH) --------------------------------------------------------------------
    def last_id(self) -> int:
        """The highest record id: a harvest's snapshot bound (ids only grow, rows are never
        removed, so the records of a snapshot are exactly those up to it)."""
        return self.db.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]

    def first_update(self) -> str | None:
        """The oldest change time of any record, deleted ones included."""
        return self.db.execute("SELECT min(updated) FROM records").fetchone()[0]

    def sources(self) -> list[str]:
        """The source bases, in name order: one step of the (source, source_id) index per base
        rather than a scan of every record (asked by each OAI-PMH request)."""
        rows = self.db.execute(
            "WITH RECURSIVE s(source) AS (SELECT min(source) FROM records UNION ALL"
            " SELECT (SELECT min(source) FROM records WHERE source > s.source) FROM s"
            " WHERE s.source IS NOT NULL) SELECT source FROM s WHERE source IS NOT NULL"
        )
        return [r[0] for r in rows]

    def _stamped_where(
        self,
        after: int,
        upto: int,
        since: str | None,
        until: str | None,
        source: str | None,
        marc21: bool | None,
        ids: list[int] | None = None,
    ) -> tuple[str, list[Any]]:
        where, args = ["id > ?", "id <= ?"], [after, upto]
        if ids is not None:  # at most a few hundred: one chunk of a set's members
            where.append(f"id IN ({','.join('?' * len(ids))})")
            args.extend(ids)
        for clause, value in (
            ("updated >= ?", since),
            ("updated <= ?", until),
            ("source = ?", source),
        ):
            if value is not None:
                where.append(clause)
                args.append(value)
        if marc21 is not None:  # the flavour a record came in as; non-MARC ones count as UNIMARC
            flavour = "json_extract(data, '$.original.flavour')"
            where.append(f"{flavour} = 'marc21'" if marc21 else f"{flavour} IS NOT 'marc21'")
        return " AND ".join(where), args

    def stamped(
        self,
        after: int,
        upto: int,
        *,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        marc21: bool | None = None,
        limit: int = 100,
        with_marc: bool = True,
        headings_only: bool = False,
        ids: list[int] | None = None,
    ) -> list[Stamped]:
        """Records with `after < id <= upto`, deleted ones included, changed between `since` and
        `until` (store times, bounds included), in id order: a harvest's pages. Without
        `with_marc` the decoded MARC fields are left in SQLite (half the JSON of a MARC record,
        which only MARC writers read); with `headings_only` the records hold only their source,
        subjects, keywords and custom fields (what a theme is matched on: a scan that skips
        most records reads little); `ids` keeps only those records."""
        where, args = self._stamped_where(after, upto, since, until, source, marc21, ids)
        data = "data" if with_marc else "json_remove(data, '$.original.marc') AS data"
        if headings_only:
            data = _HEADINGS
        rows = self.db.execute(
            f"SELECT id, {data}, updated, deleted FROM records WHERE {where} ORDER BY id LIMIT ?",
            (*args, limit),
        )
        return [Stamped(self._record(r), r["updated"], bool(r["deleted"])) for r in rows]

    def count_stamped(
        self,
        after: int,
        upto: int,
        *,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        marc21: bool | None = None,
    ) -> int:
        where, args = self._stamped_where(after, upto, since, until, source, marc21)
        return self.db.execute(f"SELECT count(*) FROM records WHERE {where}", args).fetchone()[0]

    def get_stamped(self, record_id: int) -> Stamped | None:
        """One record, deleted or not, with its change time."""
        row = self.db.execute(
            "SELECT id, data, updated, deleted FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        return Stamped(self._record(row), row["updated"], bool(row["deleted"])) if row else None

    # -- writing --------------------------------------------------------------------------------
    def _history(
        self, record_id: int, actor: str, action: str, changes: list[str], before: str | None
    ) -> None:
        self.db.execute(
            "INSERT INTO history (record_id, at, actor, action, changes, before)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (record_id, _now(), actor, action, _dumps(changes), before),
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
        now = _now()
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
            record_id = existing["id"]
            if existing["fingerprint"] == p.fingerprint:
                outcome = Outcome(record_id, "unchanged", existing["duplicate_of"])
            else:
                data = json.loads(p.text)
                before = json.loads(existing["data"])
                changes = sorted(
                    k for k in data.keys() | before.keys() if data.get(k) != before.get(k)
                )
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
                        now,
                        record_id,
                    ),
                )
                self._history(record_id, actor, "update", changes, existing["data"])
                self._set_keys(record_id, p.keys)
                outcome = Outcome(record_id, "updated", existing["duplicate_of"])
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

    def save(self, record: Record | Prepared, actor: str = "docbase") -> Outcome:
        """Create (no id, unknown source id) or update one record, in its own transaction."""
        with self.transaction():
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
                "UPDATE records SET deleted = 1, updated = ? WHERE id = ?", (_now(), record_id)
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
                "UPDATE records SET deleted = 0, updated = ? WHERE id = ?", (_now(), record_id)
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

    # -- imports log ----------------------------------------------------------------------------
    def start_import(self, path: str, source: str, fmt: str, actor: str) -> int:
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO imports (path, source, format, actor, started) VALUES (?, ?, ?, ?, ?)",
                (path, source, fmt, actor, _now()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_import(self, import_id: int, report: dict[str, Any]) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE imports SET finished = ?, report = ? WHERE id = ?",
                (_now(), _dumps(report), import_id),
            )

    # -- transactions ---------------------------------------------------------------------------
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
