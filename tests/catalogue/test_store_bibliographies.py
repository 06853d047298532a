"""Bibliographies in the store, field by field: what is saved reads back whole, picks keep their
order and the date they were picked, and every change leaves its exact history row."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from catalogue.bibliography import Bibliography
from catalogue.errors import StoreError
from tests.catalogue.conftest import T1

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T2 = "2024-05-03T14:30:00.000000Z"
T3 = "2024-05-04T08:15:00.000000Z"
# every field of a bibliography but its id and dates: what a create's history names
FIELDS = [
    "excludes", "filters", "grouping", "introduction", "order", "picks", "query", "slug",
    "style", "title",
]  # fmt: skip


@pytest.fixture
def store(cotes8_store):
    return cotes8_store  # tests/catalogue/conftest.py: 35 real records, clock at T1


def finances(**kw) -> Bibliography:
    """A bibliography of the cotes8 records on public finance, every field set."""
    fields = {
        "slug": "finances-publiques",
        "title": "Finances publiques",
        "introduction": "Traités et cours de science des finances.",
        "query": "finances",
        "filters": ["type:book"],
        "excludes": ["year:1900"],
        "picks": [12, 8, 1],
        "grouping": "year",
        "order": "manual",
        "style": "apa",
    }
    return Bibliography(**(fields | kw))


# -- reading back -------------------------------------------------------------------------------


def test_every_field_reads_back_as_saved(store):
    saved = store.save_bibliography(finances())
    expected = replace(finances(), id=1, created=T1, updated=T1)
    assert saved == expected
    assert store.bibliography("finances-publiques") == expected
    assert store.bibliographies() == [expected]


def test_an_update_keeps_the_creation_time_and_moves_the_update_time(store, clock):
    store.save_bibliography(finances())
    clock.now = T2
    saved = store.save_bibliography(finances(title="Finances publiques (XIXe s.)", picks=[8]))
    assert (saved.id, saved.created, saved.updated) == (1, T1, T2)
    assert (saved.title, saved.picks, saved.query) == (
        "Finances publiques (XIXe s.)",
        [8],
        "finances",
    )


def test_a_row_with_the_schema_default_search_reads_as_an_empty_search(store):
    # 0002_bibliographies.sql: search DEFAULT '{}' (a row written without one)
    store.db.execute(
        "INSERT INTO bibliographies (slug, title, created, updated) VALUES (?, ?, ?, ?)",
        ("vide", "Sans recherche", T1, T1),
    )
    bib = store.bibliography("vide")
    assert (bib.query, bib.filters, bib.excludes, bib.has_search) == ("", [], [], False)
    assert (bib.order, bib.style, bib.grouping) == ("author", "iso690-author-date-fr", "")


def test_bibliographies_are_the_live_ones_in_title_order(store):
    store.save_bibliography(Bibliography("urbanisme", "Urbanisme", picks=[3]))
    store.save_bibliography(finances())
    store.save_bibliography(Bibliography("droit", "Droit français", picks=[29, 19]))
    store.delete_bibliography("urbanisme")
    found = store.bibliographies()
    assert [(b.slug, b.title, b.picks) for b in found] == [
        ("droit", "Droit français", [29, 19]),
        ("finances-publiques", "Finances publiques", [12, 8, 1]),
    ]
    assert store.bibliography("urbanisme") is None


# -- picks --------------------------------------------------------------------------------------


def test_a_pick_keeps_the_date_it_was_picked(store, clock):
    saved = store.save_bibliography(finances())
    other = store.save_bibliography(Bibliography("droit", "Droit", picks=[12, 29]))
    assert store.picked_dates(saved.id) == {12: T1, 8: T1, 1: T1}
    clock.now = T2
    again = store.save_bibliography(replace(saved, picks=[9, 1, 12]))
    assert again.picks == [9, 1, 12]
    assert store.picked_dates(saved.id) == {9: T2, 1: T1, 12: T1}
    assert store.picked_dates(other.id) == {12: T1, 29: T1}


# -- history ------------------------------------------------------------------------------------


def test_a_create_names_every_field_and_has_no_before(store):
    store.save_bibliography(finances())
    assert store.bibliography_history("finances-publiques") == [
        {"seq": 1, "bibliography_id": 1, "at": T1, "actor": "docbase", "action": "create",
         "changes": FIELDS, "before": None},
    ]  # fmt: skip


def test_an_update_names_what_changed_and_keeps_the_bibliography_before(store, clock):
    first = store.save_bibliography(finances())
    clock.now = T2
    # a new object, without id nor dates (as the web form makes it): those are not changes
    store.save_bibliography(finances(title="Finances", picks=[8, 12], style="apa"), actor="alice")
    history = store.bibliography_history("finances-publiques")
    assert [(h["seq"], h["at"], h["actor"], h["action"]) for h in history] == [
        (1, T1, "docbase", "create"),
        (2, T2, "alice", "update"),
    ]
    assert history[1]["changes"] == ["picks", "title"]
    assert json.loads(history[1]["before"]) == first.to_dict()


def test_a_delete_keeps_the_bibliography_before_and_a_revival_is_a_create(store, clock):
    before = store.save_bibliography(finances())
    clock.now = T3
    store.delete_bibliography("finances-publiques")
    row = store.bibliography_history("finances-publiques")[-1]
    assert (row["seq"], row["at"], row["actor"], row["action"]) == (2, T3, "docbase", "delete")
    assert row["changes"] == [] and json.loads(row["before"]) == before.to_dict()
    deleted = store.db.execute("SELECT deleted, updated FROM bibliographies").fetchone()
    assert tuple(deleted) == (1, T3)
    revived = store.save_bibliography(Bibliography("finances-publiques", "Finances"))
    assert (revived.id, revived.title, revived.picks) == (1, "Finances", [])
    assert store.bibliography_history("finances-publiques")[-1]["action"] == "create"


def test_deleting_an_unknown_or_deleted_bibliography_is_refused(store):
    message = "bibliographie « logement » inconnue (unknown bibliography)"
    with pytest.raises(StoreError) as unknown:
        store.delete_bibliography("logement")
    assert str(unknown.value) == message
    store.save_bibliography(Bibliography("logement", "Logement"))
    store.delete_bibliography("logement", actor="alice")
    with pytest.raises(StoreError, match="« logement » inconnue"):
        store.delete_bibliography("logement")
    assert [h["actor"] for h in store.bibliography_history("logement")] == ["docbase", "alice"]
