"""What an OAI-PMH harvest reads from the store: snapshot bounds, sources, and pages of records
stamped with their change time (deleted ones included), filtered in SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.ingest import import_paths
from catalogue.record import Record
from catalogue.store import Store, database

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# the store's clock, one time per phase: a harvest's `since` and `until` pick phases apart
T1 = "2020-01-15T10:00:00.250000Z"  # the 35 UNIMARC records of medialab_cotes8.mrc: ids 1-35
T2 = "2021-06-01T08:30:00.000000Z"  # two MARC 21 records: ids 36 (Nature) and 37 (Cage)
T3 = "2022-03-01T12:00:00.000000Z"  # a local record (id 38), and record 2 deleted
NATURE, CAGE, LOCAL, DELETED = 36, 37, 38, 2
UNIMARC_IDS = list(range(1, 36))


@pytest.fixture
def store(tmp_path, monkeypatch):
    with Store(tmp_path / "docbase.sqlite3") as s:
        monkeypatch.setattr(database, "_now", lambda: T1)
        import_paths(s, [FIXTURES / "unimarc" / "medialab_cotes8.mrc"], rejects_dir=tmp_path)
        monkeypatch.setattr(database, "_now", lambda: T2)
        marc21 = FIXTURES / "marc21"
        paths = [marc21 / "traject_nature.marc", marc21 / "traject_musical_cage.marc"]
        import_paths(s, paths, rejects_dir=tmp_path)
        monkeypatch.setattr(database, "_now", lambda: T3)
        s.save(Record(source="local", source_id="a1", title="Notice saisie ici"), actor="alice")
        s.delete(DELETED)
        monkeypatch.undo()
        yield s


def ids(stamped) -> list[int]:
    return [s.record.id for s in stamped]


# -- snapshot bounds and sources ----------------------------------------------------------------


def test_an_empty_store_has_no_bound_no_first_update_no_source(tmp_path):
    with Store(tmp_path / "empty.sqlite3") as s:
        assert (s.last_id(), s.first_update(), s.sources()) == (0, None, [])
        assert s.stamped(0, 0) == [] and s.count_stamped(0, 0) == 0


def test_last_id_is_the_highest_record_id_and_first_update_the_oldest_time(store):
    assert store.last_id() == LOCAL
    assert store.first_update() == T1


def test_sources_are_every_base_in_name_order(store):
    assert store.sources() == [
        "local",
        "medialab_cotes8.mrc",
        "traject_musical_cage.marc",
        "traject_nature.marc",
    ]


# -- pages --------------------------------------------------------------------------------------


def test_a_page_is_the_records_after_the_cursor_up_to_the_bound_in_id_order(store):
    assert ids(store.stamped(0, LOCAL, limit=5)) == [1, 2, 3, 4, 5]
    assert ids(store.stamped(5, 10)) == [6, 7, 8, 9, 10]
    assert ids(store.stamped(34, LOCAL)) == [35, NATURE, CAGE, LOCAL]
    assert ids(store.stamped(0, LOCAL)) == list(range(1, 39))


def test_a_page_holds_at_most_100_records_by_default(tmp_path):
    with Store(tmp_path / "uva.sqlite3") as s:
        path = FIXTURES / "marc21" / "solrmarc_uva_001-200.mrc"
        import_paths(s, [path], rejects_dir=tmp_path)
        assert s.last_id() == 200
        assert ids(s.stamped(0, 200)) == list(range(1, 101))
        assert ids(s.stamped(100, 200)) == list(range(101, 201))


def test_each_record_comes_with_its_change_time_and_deleted_flag(store):
    page = {s.record.id: s for s in store.stamped(0, LOCAL)}
    assert [page[i].updated for i in (1, DELETED, 35, NATURE, CAGE, LOCAL)] == [
        T1, T3, T1, T2, T2, T3,
    ]  # fmt: skip
    assert [i for i, s in page.items() if s.deleted] == [DELETED]
    assert page[3].deleted is False and page[DELETED].deleted is True
    assert page[NATURE].record == store.get(NATURE)
    assert page[DELETED].record.title == "L'empire des tsars et les Russes. 3, La religion"


def test_since_and_until_bound_the_change_time_both_included(store):
    assert ids(store.stamped(0, LOCAL, since=T2)) == [DELETED, NATURE, CAGE, LOCAL]
    assert ids(store.stamped(0, LOCAL, since=T3)) == [DELETED, LOCAL]
    assert ids(store.stamped(0, LOCAL, until=T1)) == [i for i in UNIMARC_IDS if i != DELETED]
    assert ids(store.stamped(0, LOCAL, since=T2, until=T2)) == [NATURE, CAGE]
    assert ids(store.stamped(0, LOCAL, until="2019-12-31T23:59:59Z")) == []


def test_source_keeps_one_base(store):
    assert ids(store.stamped(0, LOCAL, source="traject_nature.marc")) == [NATURE]
    assert ids(store.stamped(0, LOCAL, source="local")) == [LOCAL]
    assert ids(store.stamped(0, LOCAL, source="inconnue")) == []


def test_marc21_keeps_one_flavour_and_non_marc_records_count_as_unimarc(store):
    assert ids(store.stamped(0, LOCAL, marc21=True)) == [NATURE, CAGE]
    assert ids(store.stamped(0, LOCAL, marc21=False)) == [*UNIMARC_IDS, LOCAL]


def test_ids_keeps_only_those_records_within_the_bounds(store):
    assert ids(store.stamped(0, LOCAL, ids=[CAGE, 3, 12])) == [3, 12, CAGE]
    assert ids(store.stamped(3, NATURE, ids=[CAGE, 3, 12, NATURE])) == [12, NATURE]
    assert ids(store.stamped(0, LOCAL, ids=[5])) == [5]
    assert store.stamped(0, LOCAL, ids=[]) == []


def test_filters_combine(store):
    page = store.stamped(0, LOCAL, since=T2, until=T3, source="medialab_cotes8.mrc")
    assert ids(page) == [DELETED]
    assert ids(store.stamped(0, LOCAL, since=T2, marc21=False, ids=[1, 2, LOCAL])) == [2, LOCAL]


def test_the_marc_fields_come_by_default_and_stay_in_sqlite_without_with_marc(store):
    marc = store.get(NATURE).original.marc
    assert len(marc) == 74 and marc[0][0] == "001"
    full = store.stamped(NATURE - 1, NATURE)[0].record
    assert full.original.marc == marc and full.title == "Nature"
    light = store.stamped(NATURE - 1, NATURE, with_marc=False)[0].record
    assert light.original.marc == [] and light.original.flavour == "marc21"
    assert light.title == "Nature" and light.subjects == full.subjects


def test_headings_only_keeps_what_a_theme_is_matched_on(store):
    full = store.get(CAGE)
    assert len(full.subjects) == 6
    heads = store.stamped(NATURE, CAGE, headings_only=True)[0].record
    assert (heads.id, heads.source, heads.subjects) == (CAGE, full.source, full.subjects)
    assert (heads.keywords, heads.custom) == (full.keywords, full.custom)
    assert heads.title == "" and heads.original.marc == [] and heads.agents == []
    assert store.stamped(NATURE, CAGE)[0].record.title == "Lou Harrison, Harry Partch, John Cage"


# -- counts -------------------------------------------------------------------------------------


def test_count_stamped_counts_what_stamped_would_page(store):
    assert store.count_stamped(0, LOCAL) == 38
    assert store.count_stamped(5, 10) == 5
    assert store.count_stamped(0, LOCAL, since=T2) == 4
    assert store.count_stamped(0, LOCAL, until=T1) == 34
    assert store.count_stamped(0, LOCAL, since=T2, until=T2) == 2
    assert store.count_stamped(0, LOCAL, source="medialab_cotes8.mrc") == 35
    assert store.count_stamped(0, LOCAL, marc21=True) == 2
    assert store.count_stamped(0, LOCAL, marc21=False) == 36
    assert store.count_stamped(0, CAGE, since=T3, source="medialab_cotes8.mrc") == 1


# -- one record ---------------------------------------------------------------------------------


def test_get_stamped_gives_one_record_deleted_or_not(store):
    nature = store.get_stamped(NATURE)
    assert (nature.record, nature.updated, nature.deleted) == (store.get(NATURE), T2, False)
    assert nature.record.id == NATURE and nature.record.title == "Nature"
    gone = store.get_stamped(DELETED)
    assert (gone.record.id, gone.updated, gone.deleted) == (DELETED, T3, True)
    assert gone.record == store.get(DELETED, deleted=True)
    assert store.get_stamped(999) is None
