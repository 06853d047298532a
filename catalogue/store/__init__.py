"""The SQLite store: the single source of truth, with every change kept in the record's history.

The only package that writes SQL. `Store` is one class made of one part per concern:
`database` (connection, migrations, transactions), `records` (records, history, saves and
edits; `prepared` makes a record ready without a database), `harvest` (the change feed and
OAI-PMH pages), `thesaurus`, `bibliographies`, `imports` (the import runs log).
"""

from __future__ import annotations

from catalogue.errors import EditConflict, StoreError
from catalogue.store.bibliographies import Bibliographies
from catalogue.store.database import SCHEMA_VERSION
from catalogue.store.harvest import Change, Harvest, Stamped
from catalogue.store.imports import ImportRuns
from catalogue.store.prepared import Prepared, prepare
from catalogue.store.records import CONTENT_IDS, HistoryEntry, Outcome, Records
from catalogue.store.thesaurus import ConceptRow, Concepts

__all__ = [
    "CONTENT_IDS",
    "SCHEMA_VERSION",
    "Change",
    "ConceptRow",
    "EditConflict",
    "HistoryEntry",
    "Outcome",
    "Prepared",
    "Stamped",
    "Store",
    "StoreError",
    "prepare",
]


class Store(Records, Harvest, Concepts, Bibliographies, ImportRuns):
    """A catalogue store in one SQLite file; open one per process (or per thread)."""
