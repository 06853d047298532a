"""Two different records of one file are never one record (the import frame, every reader)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue import ingest
from catalogue.ingest import import_paths
from catalogue.store import Store


def _import(store: Store, path: Path, tmp_path: Path):
    return import_paths(store, [path], rejects_dir=tmp_path / "rejects")


@pytest.mark.parametrize("parallel", [False, True])
def test_periouni_keeps_both_records_of_each_repeated_id(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """medialab_periouni.mrc has eleven 001 ids twice, for different serials."""
    if parallel:  # read by worker processes, as files over 4 MB are
        monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0)
        monkeypatch.setattr(ingest, "SLICE_BYTES", 200_000)
    periouni = fixtures / "unimarc/medialab_periouni.mrc"
    with Store(tmp_path / "docbase.sqlite3") as store:
        report = _import(store, periouni, tmp_path).files[0]
        assert (report.read, report.new, report.updated) == (3064, 3064, 0)
        assert store.count() == 3064
        titles = {r.title for r in store.iter_records()}
        for country in ("Espagne", "Finlande", "Norvège", "Japon"):
            assert any(
                t.startswith("Etudes économiques de l'OCDE") and t.endswith(country) for t in titles
            ), country
        renamed = [r for r in store.iter_records() if "~" in r.source_id]
        assert len(renamed) == 11
        assert all(r.source_id.endswith("~2") for r in renamed)
        # the report names each of them, with its position in the file
        repeated = [e for e in report.warnings if "déjà porté" in e["warnings"][-1]]
        assert {e["id"] for e in repeated} == {r.source_id for r in renamed}
        assert [e["position"] for e in repeated][:3] == [793, 988, 989]
        first = {r.source_id.split("~")[0] for r in renamed}
        assert all(store.find(report.source, sid) for sid in first)

        again = _import(store, periouni, tmp_path).files[0]
        assert (again.new, again.updated, again.unchanged) == (0, 0, 3064)
        assert store.count() == 3064


def test_the_same_record_twice_is_one_record(tmp_path: Path, fixtures: Path) -> None:
    data = (fixtures / "unimarc/medialab_cotes8.mrc").read_bytes()
    first = data[: data.index(b"\x1d") + 1]
    twice = tmp_path / "twice.mrc"
    twice.write_bytes(first + first)
    with Store(tmp_path / "docbase.sqlite3") as store:
        report = _import(store, twice, tmp_path).files[0]
        assert report.read == 2 and store.count() == 1
        assert not [w for e in report.warnings for w in e["warnings"] if "déjà porté" in w]
