"""A record made ready for SQL, without a database: import workers prepare in parallel."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogue.dedupe import match_keys
from catalogue.identifiers import check_identifiers
from catalogue.record import Record
from catalogue.store.database import _dumps, _fingerprint


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
