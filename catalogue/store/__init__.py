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

from catalogue.bibliography import Bibliography
from catalogue.dedupe import match_keys
from catalogue.errors import EditConflict, StoreError
from catalogue.identifiers import check_identifiers
from catalogue.record import Record
from catalogue.text import fold

SCHEMA_VERSION = 4  # 0003 may come later: _migrate runs every script not yet run


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
    # a re-import that would have overwritten fields edited here: those fields, kept local
    conflicts: list[str] = field(default_factory=list)


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


def _last_imported(rows: list[sqlite3.Row], current: dict[str, Any]) -> dict[str, Any]:
    """The record as its source last sent it: a conflict row's `before`, or the state right
    after the last create or import update (the `before` of the row that followed it, or the
    current data)."""
    sent = ("create", "update", "conflict")
    last = max((i for i, r in enumerate(rows) if r["action"] in sent), default=-1)
    if last >= 0 and rows[last]["action"] == "conflict":  # its `before`: what the source sent
        return json.loads(rows[last]["before"])
    for row in rows[last + 1 :]:
        if row["before"] is not None:
            return json.loads(row["before"])
    return current


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
            conflicts: list[str] = []
            sent = p
            if p.record_id is None:  # the source sent it again: an import, not an edit here
                p, conflicts = self._keep_local_edits(existing["id"], p, existing["data"])
            outcome = self._update(existing, p, actor, "update" if p.record_id is None else "edit")
            if conflicts:  # `before` of a conflict row: the record as the source sent it
                self._history(outcome.record_id, actor, "conflict", conflicts, sent.text)
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

    def _update(self, existing: sqlite3.Row, p: Prepared, actor: str, action: str) -> Outcome:
        record_id = existing["id"]
        if existing["fingerprint"] == p.fingerprint:
            return Outcome(record_id, "unchanged", existing["duplicate_of"])
        data = json.loads(p.text)
        before = json.loads(existing["data"])
        changes = sorted(k for k in data.keys() | before.keys() if data.get(k) != before.get(k))
        self.db.execute(
            "UPDATE records SET doc_type = ?, title = ?, data = ?, raw = coalesce(?, raw),"
            " raw_format = ?, fingerprint = ?, updated = ? WHERE id = ?",
            (p.doc_type, p.title, p.text, p.raw, p.raw_format, p.fingerprint, _now(), record_id),
        )
        self._history(record_id, actor, action, changes, existing["data"])
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
            "SELECT action, changes, before FROM history WHERE record_id = ? ORDER BY seq",
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

    def version(self, record_id: int) -> str | None:
        """The version of a record as it now stands (its fingerprint), for edit forms."""
        row = self.db.execute(
            "SELECT fingerprint FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        return row[0] if row else None

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
                current = self._record(self.db.execute(
                    "SELECT * FROM records WHERE id = ?", (record.id,)
                ).fetchone())  # fmt: skip
                raise EditConflict(record.id, current, row["fingerprint"])
            return self._save(record, actor)

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

    # -- thesaurus ------------------------------------------------------------------------------
    def save_concepts(self, rows: Iterable[ConceptRow], actor: str, action: str) -> dict[str, str]:
        """Create or update concepts in one transaction (an import is whole or not at all);
        each change goes to the concept's history. Returns id → "new", "updated", "unchanged"."""
        done: dict[str, str] = {}
        with self.transaction():
            for row in rows:
                done[row.id] = self._save_concept(row, actor, action)
        return done

    def _save_concept(self, row: ConceptRow, actor: str, action: str) -> str:
        text, now = _dumps(row.data), _now()
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

    # -- curated bibliographies ----------------------------------------------------------------
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
        now = _now()
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
            (bib.id, _now(), actor, action, _dumps(changes), _dumps(old) if old else None),
        )

    def delete_bibliography(self, slug: str, actor: str = "docbase") -> None:
        bib = self.bibliography(slug)
        if bib is None:
            raise StoreError(f"bibliographie « {slug} » inconnue (unknown bibliography)")
        with self.transaction():
            self.db.execute(
                "UPDATE bibliographies SET deleted = 1, updated = ? WHERE id = ?", (_now(), bib.id)
            )
            self.db.execute(
                "INSERT INTO bibliography_history (bibliography_id, at, actor, action, before)"
                " VALUES (?, ?, ?, 'delete', ?)",
                (bib.id, _now(), actor, _dumps(bib.to_dict())),
            )

    def bibliography_history(self, slug: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT h.* FROM bibliography_history h JOIN bibliographies b"
            " ON b.id = h.bibliography_id WHERE b.slug = ? ORDER BY h.seq",
            (slug,),
        )
        return [dict(r) | {"changes": json.loads(r["changes"])} for r in rows]

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
