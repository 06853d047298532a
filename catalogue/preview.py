"""What an import would do, before it does it: the preview of the staff's web imports.

Reads a file exactly as `ingest.import_file` does (same detection, readers, id placing) and asks
the store, without writing, what each record would become: new (and the record it would be a
duplicate of), updated (with the difference), unchanged, in conflict with a local edit, or
rejected (with the reason and the raw text). Counts are exact; the listed examples are the first
`LISTED` of each kind, so a 100,000-record preview stays small.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from catalogue import formats
from catalogue.errors import CatalogueError, FormatError, RecordError
from catalogue.ingest import FileIds, read_items
from catalogue.record import Record
from catalogue.store import Prepared, Store, prepare

LISTED = 50
RAW_SHOWN = 2000  # characters of a rejected record's raw text shown


@dataclass
class Preview:
    path: str
    format: str = ""
    source: str = ""
    read: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("new", "updated", "unchanged", "duplicates", "conflicts", "rejected"), 0
        )
    )
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    error: str = ""

    def listed(self, kind: str, entry: dict[str, Any]) -> None:
        shown = self.examples.setdefault(kind, [])
        if len(shown) < LISTED:
            shown.append(entry)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _note(preview: Preview, store: Store, item: Prepared) -> None:
    outcome, text = store.plan(item)
    title = item.title or "[sans titre]"
    if outcome.conflicts:
        preview.counts["conflicts"] += 1
        preview.listed(
            "conflicts",
            {"record_id": outcome.record_id, "title": title, "fields": outcome.conflicts},
        )
    if outcome.action == "new":
        preview.counts["new"] += 1
        if outcome.duplicate_of is not None:
            preview.counts["duplicates"] += 1
            preview.listed("duplicates", {"title": title, "duplicate_of": outcome.duplicate_of})
        else:
            preview.listed("new", {"title": title, "id": item.source_id})
    elif outcome.action == "updated":
        preview.counts["updated"] += 1
        current = store.get(outcome.record_id, deleted=True)
        before = current.to_dict() if current else {}
        after = json.loads(text)
        before.pop("id", None)
        preview.listed(
            "updated",
            {"record_id": outcome.record_id, "title": title, "before": before, "after": after,
             "fields": _changes(before, after)},
        )  # fmt: skip
    else:
        preview.counts["unchanged"] += 1


def _rejected(preview: Preview, error: RecordError) -> None:
    preview.counts["rejected"] += 1
    raw = error.chunk
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    preview.listed(
        "rejected",
        {"position": error.position, "offset": error.offset, "reason": error.reason,
         "raw": text[:RAW_SHOWN]},
    )  # fmt: skip


def preview_file(
    store: Store,
    path: Path,
    *,
    source: str | None = None,
    fmt: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Preview:
    """The preview of importing `path` into `store`; nothing is written."""
    preview = Preview(path=str(path))
    try:
        data = path.read_bytes()
        name = fmt or formats.detect(data, path.name)
        reader = formats.get(name)
    except (OSError, FormatError) as exc:
        preview.error = str(exc)
        return preview
    preview.format, preview.source = name, source or path.name
    ids = FileIds()
    try:
        for item in read_items(reader.name, data, preview.source):
            preview.read += 1
            if progress and preview.read % 500 == 0:
                progress(500)
            if isinstance(item, RecordError):
                _rejected(preview, item)
                continue
            if isinstance(item, Record):
                item.source = preview.source
                item = prepare(item)
            _note(preview, store, ids.place(item))
    except CatalogueError as exc:
        preview.error = str(exc)
    if preview.read == 0 and not preview.error:
        preview.error = "aucune notice trouvée (no records found)"
    return preview
