"""The store tests' clock and their store of real records (medialab_cotes8.mrc, ids 1-35)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogue.ingest import import_paths
from catalogue.store import Store, database

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T0 = "2020-01-15T10:00:00.000000Z"  # when the 35 records were imported (history seq 1-35)
T1 = "2024-05-02T09:00:00.000000Z"  # the clock once the store is handed to a test


class Clock:
    """The store's one clock, set by the test."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> str:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(database, "_now", c)
    return c


@pytest.fixture
def cotes8_store(tmp_path, clock) -> Iterator[Store]:
    with Store(tmp_path / "docbase.sqlite3") as s:
        import_paths(s, [FIXTURES / "unimarc" / "medialab_cotes8.mrc"], rejects_dir=tmp_path)
        clock.now = T1
        yield s
