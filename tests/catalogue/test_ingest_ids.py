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


def test_a_batch_the_store_refuses_is_saved_one_by_one(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the records the store refuses are lost, each rejected with its place in the file
    (the 7th row has no title: rejected by the reader, it still counts in the places)."""
    import json
    import sqlite3

    monkeypatch.setattr(ingest, "BATCH", 3)
    refused = {"Paroles d'habitants", "Jeunesse et quartiers populaires"}
    with Store(tmp_path / "docbase.sqlite3") as store:
        real_save = store.save

        def save_many(batch, actor="import"):
            raise sqlite3.OperationalError("crafted: database is locked")

        def save(item, actor="import"):
            if json.loads(item.text)["title"] in refused:
                raise ValueError("crafted refusal")
            return real_save(item, actor=actor)

        monkeypatch.setattr(store, "save_many", save_many)
        monkeypatch.setattr(store, "save", save)
        result = _import(store, fixtures / "csv/notices_excel_utf8_bom.csv", tmp_path)
        report = result.files[0]
        assert (report.read, report.new, report.rejected, report.error) == (9, 6, 3, "")
        assert {r.title for r in store.iter_records()}.isdisjoint(refused)
        lines = Path(result.reject_file).read_text(encoding="utf-8").splitlines()
        rejects = [json.loads(line) for line in lines]
        assert [(r["position"], r["reason"].split(" (")[0]) for r in rejects] == [
            (5, "enregistrement refusé"),
            (7, "ligne 8 sans titre"),
            (8, "enregistrement refusé"),
        ]
        assert all("crafted refusal" in r["reason"] for r in rejects if r["position"] != 7)
