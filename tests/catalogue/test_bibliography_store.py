"""Curated bibliographies in the store: schema 2, versioned like records."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from importlib import resources

import pytest

from catalogue.bibliography import Bibliography
from catalogue.citations import CitationError
from catalogue.record import Record
from catalogue.store import SCHEMA_VERSION, Store


def test_a_version_1_store_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    script = (resources.files("catalogue") / "migrations" / "0001_initial.sql").read_text()
    db.executescript(script + "\nPRAGMA user_version=1;")
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.bibliographies() == [] and store.concept_count() == 0


def test_save_update_picks_history_delete(tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        ids = [
            store.save(Record(source="t", source_id=str(n), title=f"T{n}")).record_id
            for n in range(3)
        ]
        bib = Bibliography("logement", "Logement", query="logement", filters=["theme:logement"])
        saved = store.save_bibliography(bib)
        assert saved.id and saved.filters == ["theme:logement"] and saved.picks == []
        saved = store.save_bibliography(replace(saved, picks=[ids[2], ids[0]], grouping="year"))
        assert store.bibliography("logement").picks == [ids[2], ids[0]]
        history = store.bibliography_history("logement")
        assert [h["action"] for h in history] == ["create", "update"]
        assert history[1]["changes"] == ["grouping", "picks"]
        assert '"picks":[]' in history[1]["before"]
        picked = store.picked_dates(saved.id)
        store.save_bibliography(replace(saved, picks=[ids[2], ids[0], ids[1]]))
        assert store.picked_dates(saved.id)[ids[2]] == picked[ids[2]]  # a pick keeps its date
        store.delete_bibliography("logement")
        assert store.bibliography("logement") is None
        assert store.bibliography_history("logement")[-1]["action"] == "delete"
        revived = store.save_bibliography(Bibliography("logement", "Logement (2)"))
        assert revived.title == "Logement (2)"
        assert store.bibliography_history("logement")[-1]["action"] == "create"


@pytest.mark.parametrize(
    "bad",
    [
        Bibliography("Avec Espace", "T"),
        Bibliography("ok", "  "),
        Bibliography("ok", "T", style="harvard"),
        Bibliography("ok", "T", grouping="couleur"),
        Bibliography("ok", "T", filters=["theme"]),
    ],
)
def test_bad_bibliographies_are_refused(tmp_path, bad):
    with Store(tmp_path / "s.sqlite3") as store, pytest.raises(CitationError):
        store.save_bibliography(bad)


def test_first_added_is_the_first_history_row(tmp_path):
    with Store(tmp_path / "s.sqlite3") as store:
        record = Record(source="t", source_id="1", title="Avant")
        store.save(record)
        created = store.history(record.id)[0].at
        record.title = "Après"
        store.save(record)
        assert len(store.history(record.id)) == 2
        assert store.first_added([record.id]) == {record.id: created}
