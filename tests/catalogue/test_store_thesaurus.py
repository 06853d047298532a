"""The thesaurus's rows in the store, read back exactly: history entries, label lookups and their
order, and the records counted for a concept by its URI alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.record import Record, Subject
from catalogue.store import ConceptRow, HistoryEntry, Store, database
from catalogue.thesaurus import Thesaurus

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T1 = "2023-09-01T07:00:00.000000Z"  # the UNESCO subset imported: 218 concepts
T2 = "2023-09-02T16:45:00.000000Z"
RENOVATION = "concept15971"  # « Rénovation urbaine », the 44th concept of the file
URI = "http://vocabularies.unesco.org/thesaurus/concept15971"


@pytest.fixture
def clock(monkeypatch) -> list[str]:
    now = [T1]
    monkeypatch.setattr(database, "_now", lambda: now[0])
    return now


@pytest.fixture
def store(tmp_path, clock):
    with Store(tmp_path / "store.sqlite3") as s:
        data = (FIXTURES / "skos" / "unesco-fr-urban-subset.ttl").read_bytes()
        Thesaurus(s).import_file(data, name="unesco-fr-urban-subset.ttl")
        yield s


def row(concept_id: str, pref: str, labels: list[tuple[str, str]], **data) -> ConceptRow:
    return ConceptRow(concept_id, f"urn:test:{concept_id}", pref, pref.lower(),
                      {"id": concept_id, "pref_label": pref, **data}, labels, [])  # fmt: skip


# -- history ------------------------------------------------------------------------------------


def test_a_create_is_one_history_entry_without_changes_nor_before(store):
    assert store.concept_history(RENOVATION) == [
        HistoryEntry(44, 0, T1, "import", "create", [], None)
    ]


def test_an_edit_entry_names_what_changed_and_keeps_the_concept_before(store, clock):
    before = store.concepts([RENOVATION])[0]
    clock[0] = T2
    Thesaurus(store).edit(RENOVATION, pref_label="Renouvellement urbain",
                          alt_labels=before["alt_labels"], broader_labels=["Aménagement urbain"],
                          scope_note="Programmes de l'ANRU.", actor="luc")  # fmt: skip
    del before["updated"]
    assert store.concept_history(RENOVATION)[1] == HistoryEntry(
        219, 0, T2, "luc", "edit", ["pref_label", "scope_note"], before
    )


def test_a_key_added_or_dropped_is_a_change(store):
    first = row("t1", "Logement social", [("logement social", "pref")], scope_note="HLM")
    assert store.save_concepts([first], "tests", "update") == {"t1": "new"}
    second = row("t1", "Logement social", [("logement social", "pref")], related=["t2"])
    assert store.save_concepts([second], "tests", "update") == {"t1": "updated"}
    entries = store.concept_history("t1")
    assert [(e.action, e.changes) for e in entries] == [
        ("create", []),
        ("update", ["related", "scope_note"]),
    ]
    assert entries[1].before == first.data
    assert store.save_concepts([second], "tests", "update") == {"t1": "unchanged"}


# -- lookups ------------------------------------------------------------------------------------


def test_concept_ids_without_a_label_gives_the_first_50_in_a_to_z_order(store):
    found = store.concept_ids()
    assert len(found) == 50
    assert found[:5] == ["concept542", "concept1406", "concept1408", "concept1367", "concept1456"]
    assert found == [c["id"] for c in store.concepts()][:50]
    assert len(store.concept_ids(limit=300)) == 218


def test_concept_ids_by_label_prefix_and_contained_text(store):
    assert store.concept_ids(label="logement") == ["concept440"]
    assert store.concept_ids(prefix="renov") == [RENOVATION]
    assert store.concept_ids(prefix="rehabilitation") == []
    assert store.concept_ids(prefix="rehabilitation", kinds=("alt",)) == [RENOVATION]
    assert store.concept_ids(contains="urbain", limit=3) == [
        "concept2148",
        "concept5264",
        "concept7504",
    ]


def test_concept_kinds_puts_preferred_labels_first_then_alternative_ones(store):
    assert store.concept_kinds("adolescence") == [("concept1456", "pref"), ("concept1456", "en")]
    assert store.concept_kinds("crime") == [("concept407", "alt"), ("concept407", "en")]
    store.save_concepts([
        row("a1", "Habitat", [("habitat", "pref"), ("logement social", "en")]),
        row("a2", "Cités", [("cites", "pref"), ("logement social", "alt")]),
        row("a3", "Logement social", [("logement social", "pref")]),
    ], "tests", "update")  # fmt: skip
    assert store.concept_kinds("logement social") == [("a3", "pref"), ("a2", "alt"), ("a1", "en")]


def test_narrower_ids_and_top_concepts_in_a_to_z_order(store):
    assert store.narrower_ids("concept9") == ["concept1137"]
    tops = store.narrower_ids(None)
    assert len(tops) == 61
    assert tops[:5] == ["concept542", "concept596", "concept547", "concept340", "concept341"]
    links = store.broader_links()
    assert len(links) == 157 and links[RENOVATION] == ["concept2148"]
    assert store.concept_count() == 218


# -- records holding a concept ------------------------------------------------------------------


def test_records_are_counted_by_the_concept_uri_alone(store):
    linked = Record(source="pmb", source_id="1", title="Les grands ensembles")
    linked.subjects.append(Subject(label="Grands ensembles", uri=URI))
    store.save(linked)
    other = Record(source="pmb", source_id="2", title="Le logement")
    other.subjects.append(Subject(label="Logement", uri="http://example.org/autre"))
    store.save(other)
    assert store.count_records_with_subject(URI, []) == 1
    assert store.count_records_with_subject("", []) == 0
    assert store.count_records_with_subject(URI, ["logement"]) == 2
    assert store.count_records_with_subject("", ["grands ensembles", "logement"]) == 2
