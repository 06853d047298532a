"""One index document per work: a record and its duplicates from other bases are one hit.

The store links a duplicate to the record it matched (`duplicate_of`), possibly in a chain; the
copies of one work are every record whose chain ends at the same root. Only the work's primary
copy (its lowest live record id) gets a document, holding the words and facet values of every
copy and the list of their source bases: search, facets and counts then see a work once, at no
cost per query. When a copy is added, changed or removed, its whole work is indexed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from catalogue.record import Record
from catalogue.store import Store
from indexer.schema import FACET_FIELDS, record_to_document

# Text fields merged line by line (a title stays the primary's: it is stored for the hit list;
# the other copies' titles are searched through "other").
MERGED_TEXT = ("author", "subject", "abstract", "publisher", "series", "callnumber", "other")
MERGED_VALUES = ("isbn", "pairs", *FACET_FIELDS.values())


class Works:
    """The grouping of records into works, from the store's duplicate links."""

    def __init__(self, links: dict[int, int]) -> None:
        self.links = links
        self.groups: dict[int, list[int]] = {}
        for record_id in {*links, *links.values()}:
            self.groups.setdefault(self.root(record_id), []).append(record_id)
        for members in self.groups.values():
            members.sort()

    @classmethod
    def of(cls, store: Store) -> Works:
        return cls(store.duplicate_links())

    def root(self, record_id: int) -> int:
        seen = {record_id}
        while record_id in self.links:
            record_id = self.links[record_id]
            if record_id in seen:  # a cycle would be a store bug: stop, never loop
                break
            seen.add(record_id)
        return record_id

    def members(self, record_id: int) -> list[int]:
        """Every record id of the work `record_id` belongs to (itself alone if no copies)."""
        return self.groups.get(self.root(record_id), [record_id])


def _lines(*texts: str) -> str:
    return "\n".join(dict.fromkeys(line for t in texts for line in t.split("\n") if line))


def work_document(copies: list[Record]) -> dict[str, Any]:
    """The document of a work from its live copies (lowest id first: the primary)."""
    copies = sorted(copies, key=lambda r: r.id or 0)
    doc = record_to_document(copies[0])
    if len(copies) == 1:
        return doc
    others = [record_to_document(r) for r in copies[1:]]
    for name in MERGED_TEXT:
        extra = [o["title"] for o in others] if name == "other" else []
        doc[name] = _lines(doc[name], *(o[name] for o in others), *extra)
    doc["spell"] = _lines(doc["spell"], *(o["spell"] for o in others))
    for name in MERGED_VALUES:
        doc[name] = list(dict.fromkeys([*doc[name], *(v for o in others for v in o[name])]))
    doc["online"] = doc["online"] or any(o["online"] for o in others)
    doc["summary"] = doc["summary"] or next((o["summary"] for o in others if o["summary"]), "")
    doc["sources"] = list(dict.fromkeys(r.source for r in copies if r.source))
    doc["copies"] = [r.id for r in copies[1:]]
    return doc


def documents(store: Store, records: Iterable[Record], works: Works) -> Iterator[dict[str, Any]]:
    """Documents for `records`: a record without copies as itself; a work once, when its
    primary comes by (the other copies give nothing, whatever their order). The thesaurus's
    broader terms join the descriptor facet (indexer/hierarchy.py)."""
    from indexer.hierarchy import Hierarchy

    hierarchy = Hierarchy.of(store)
    for record in records:
        members = works.members(record.id or 0)
        if len(members) == 1:
            yield _with_broader(record_to_document(record), hierarchy)
            continue
        copies = store.get_many(members)
        if copies and min(r.id or 0 for r in copies) == record.id:
            yield _with_broader(work_document(copies), hierarchy)


def _with_broader(doc: dict[str, Any], hierarchy: Any) -> dict[str, Any]:
    if hierarchy:
        field = FACET_FIELDS["descriptor"]
        doc[field] = list(dict.fromkeys([*doc[field], *hierarchy.values(doc[field])]))
    return doc


def affected(store: Store, works: Works, record_ids: Iterable[int]) -> tuple[list[int], list]:
    """For changed records: every id whose document may change (to delete) and the live
    records heading the works to index again (their primaries)."""
    stale: dict[int, None] = {}
    for record_id in record_ids:
        stale.update(dict.fromkeys(works.members(record_id)))
    records = store.get_many(list(stale))
    return list(stale), records
