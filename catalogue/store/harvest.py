"""What the indexer and OAI-PMH harvests read: the change feed (the history table's sequence
numbers), snapshot bounds, sources, and records stamped with their change time, deleted ones
included."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalogue.record import Record
from catalogue.store.database import Database
from catalogue.store.records import from_row


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


# the parts of a record's JSON a theme is matched on (Store.stamped with headings_only)
_HEADINGS = (
    "json_object('source', json_extract(data, '$.source'),"
    " 'subjects', json(coalesce(json_extract(data, '$.subjects'), '[]')),"
    " 'keywords', json(coalesce(json_extract(data, '$.keywords'), '[]')),"
    " 'custom', json(coalesce(json_extract(data, '$.custom'), '[]'))) AS data"
)


class Harvest(Database):
    """The change feed and the harvest's pages."""

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
        return [Stamped(from_row(r), r["updated"], bool(r["deleted"])) for r in rows]

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
        return Stamped(from_row(row), row["updated"], bool(row["deleted"])) if row else None
