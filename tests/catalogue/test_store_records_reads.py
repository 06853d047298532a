"""Reading records back from the store, exactly: by id and in batches, the raw bytes, versions,
history rows, duplicate links, the editor's look-ups (likely duplicates, parts of a host,
publisher completion) and first-added dates, on the real records of medialab_cotes8.mrc."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.ingest import import_paths
from catalogue.record import Host, Publication, Record
from catalogue.store import Store
from catalogue.store.prepared import prepare
from catalogue.store.records import HistoryEntry
from tests.catalogue.conftest import T0, T1

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T2 = "2024-05-03T14:30:00.000000Z"
COTES8 = "medialab_cotes8.mrc"
BUDGET = 8  # « Le budget », Stourm, 1889


@pytest.fixture
def store(cotes8_store):
    return cotes8_store  # tests/catalogue/conftest.py: 35 real records, clock at T1


def copy_of(store: Store, record_id: int, source: str, source_id: str) -> Record:
    """A stored record as another base sends it (same document, another source)."""
    record = store.get(record_id)
    record.id, record.source, record.source_id = None, source, source_id
    return record


def ids(records) -> list[int]:
    return [r.id for r in records]


# -- one record ---------------------------------------------------------------------------------


def test_get_leaves_the_raw_bytes_out_unless_asked(store):
    assert store.get(1).original.raw == b""
    raw = store.get(1, with_raw=True).original.raw
    assert len(raw) == 1499 and raw[:5] == b"01499" and raw[-1:] == b"\x1d"
    assert store.get(1).title == "Traité de la science des finances"


def test_get_of_a_deleted_record_only_when_asked(store):
    store.delete(2)
    assert store.get(2) is None
    assert store.get(2, deleted=True).title == "L'empire des tsars et les Russes. 3, La religion"
    assert store.get(999) is None and store.get(999, deleted=True) is None


def test_raw_gives_the_bytes_and_their_format_or_none(store, tmp_path):
    raw, fmt = store.raw(1)
    assert fmt == "bytes" and len(raw) == 1499 and raw[:5] == b"01499"
    assert raw == store.get(1, with_raw=True).original.raw
    local = store.save(Record(source="local", source_id="a1", title="Notice saisie ici"))
    assert store.raw(local.record_id) is None  # typed here: no source bytes
    assert store.raw(999) is None
    import_paths(store, [FIXTURES / "csv" / "notices_excel_utf8_bom.csv"], rejects_dir=tmp_path)
    text, fmt = store.raw(37)
    assert fmt == "text" and text.startswith(b"PV-2021-001;Livre;Quartiers prioritaires")
    assert store.get(37, with_raw=True).original.raw == text.decode("utf-8")


def test_version_is_the_fingerprint_of_the_record_as_it_stands(store):
    record = store.get(BUDGET)
    assert store.version(BUDGET) == prepare(record).fingerprint
    assert len(store.version(BUDGET)) == 32
    record.abstract = "Le budget de l'État."
    store.save(record, actor="alice")
    assert store.version(BUDGET) == prepare(record).fingerprint != prepare(store.get(1)).fingerprint
    assert store.version(999) is None


def test_provenance_of_a_record_and_of_none(store, clock):
    assert store.provenance(1) == {
        "source": COTES8,
        "source_id": "054273242",
        "raw_format": "bytes",
        "created": T0,
        "updated": T0,
        "deleted": 0,
        "duplicate_of": None,
    }
    assert store.provenance(999) is None


# -- batches ------------------------------------------------------------------------------------


def test_get_many_keeps_the_order_asked_and_skips_unknown_and_deleted(store):
    store.delete(2)
    assert ids(store.get_many([5, 3, 999, 2, 1, 3])) == [5, 3, 1, 3]
    assert store.get_many([]) == []
    assert store.get_many(iter([BUDGET]))[0].title == "Le budget"


def test_get_many_reads_past_500_ids(store):
    # ids are read 500 at a time: the 501st and the 1001st id are in further batches
    asked = [1] * 500 + [2] + [1] * 499 + [3]
    assert ids(store.get_many(asked)) == asked


def test_iter_many_yields_the_live_records_in_order_batch_by_batch(store):
    store.delete(2)
    assert ids(store.iter_many([5, 3, 999, 1, 2], batch=2)) == [5, 3, 1]
    assert ids(store.iter_many([5, 3, 999, 1, 2])) == [5, 3, 1]
    assert ids(store.iter_many(list(range(1, 36)), batch=7)) == [i for i in range(1, 36) if i != 2]
    assert list(store.iter_many([])) == []


def test_iter_records_gives_every_live_record_in_id_order_batch_by_batch(store):
    store.delete(2)
    expected = [i for i in range(1, 36) if i != 2]
    assert ids(store.iter_records()) == expected
    assert ids(store.iter_records(batch=2)) == expected  # each batch starts after the last id read
    assert ids(store.iter_records(batch=34)) == expected  # one full batch, then the last record


def test_iter_records_leaves_the_raw_bytes_out_unless_asked(store):
    # the index rebuild streams every record and never needs their source bytes (41 kB here)
    assert [r.original.raw for r in store.iter_records()] == [b""] * 35
    raws = [r.original.raw for r in store.iter_records(with_raw=True)]
    assert raws == [store.get(i, with_raw=True).original.raw for i in range(1, 36)]
    assert len(raws[0]) == 1499 and raws[0][:5] == b"01499"


def test_first_added_is_the_first_history_row_even_after_updates(store, clock):
    new = store.save(Record(source="local", source_id="a1", title="Notice saisie ici"))
    clock.now = T2
    record = store.get(1)
    record.abstract = "Cours de finances publiques."
    store.save(record, actor="alice")
    assert store.first_added([1, new.record_id, 999]) == {1: T0, new.record_id: T1}
    assert store.first_added([]) == {}


def test_first_added_reads_past_500_ids(store):
    new = store.save(Record(source="local", source_id="a1", title="Notice saisie ici"))
    asked = [1] * 500 + [2] + [1] * 499 + [new.record_id]
    assert store.first_added(asked) == {1: T0, 2: T0, new.record_id: T1}


# -- history ------------------------------------------------------------------------------------


def test_history_gives_every_row_of_one_record_in_order(store, clock):
    before = store.get(BUDGET).to_dict()
    before.pop("id")
    record = store.get(BUDGET)
    record.title = "Le budget : théorie et pratique"
    store.save(record, actor="alice")
    clock.now = T2
    store.delete(BUDGET, actor="bob")
    edited = store.get(BUDGET, deleted=True).to_dict()
    edited.pop("id")
    assert store.history(BUDGET) == [
        HistoryEntry(8, BUDGET, T0, "import:1", "create", [], None),
        HistoryEntry(36, BUDGET, T1, "alice", "edit", ["title"], before),
        HistoryEntry(37, BUDGET, T2, "bob", "delete", [], edited),
    ]
    assert store.history(999) == []


# -- duplicates ---------------------------------------------------------------------------------


def test_duplicates_are_found_from_either_side(store):
    sudoc = store.save(copy_of(store, 1, "sudoc", "054273242")).record_id
    bnf = store.save(copy_of(store, 1, "bnf", "cb30794536")).record_id
    assert (sudoc, bnf) == (36, 37)
    assert (store.duplicate_of(sudoc), store.duplicate_of(bnf)) == (1, 1)
    assert store.duplicate_of(1) is None and store.duplicate_of(999) is None
    assert store.duplicates(1) == [36, 37]
    assert store.duplicates(36) == [1, 37]
    assert store.duplicates(37) == [1, 36]
    assert store.duplicates(BUDGET) == []


def test_duplicate_links_keep_deleted_records(store):
    store.save(copy_of(store, 1, "sudoc", "054273242"))
    store.save(copy_of(store, BUDGET, "sudoc", "021163812"))
    store.delete(37)
    assert store.duplicates(BUDGET) == []
    assert store.duplicate_links() == {36: 1, 37: BUDGET}


def test_likely_duplicates_are_live_records_sharing_a_key_but_itself(store):
    copies = [store.save(copy_of(store, BUDGET, "saisie", f"s{i}")).record_id for i in range(7)]
    assert copies == list(range(36, 43))
    store.delete(37)
    budget = store.get(BUDGET)
    assert store.likely_duplicates(budget) == [36, 38, 39, 40, 41]  # 5 by default
    assert store.likely_duplicates(budget, limit=10) == [36, 38, 39, 40, 41, 42]
    assert store.likely_duplicates(store.get(36), limit=3) == [BUDGET, 38, 39]
    typed = copy_of(store, BUDGET, "saisie", "")  # being typed in the editor: no id yet
    assert store.likely_duplicates(typed, limit=2) == [BUDGET, 36]


def test_likely_duplicates_of_a_new_record_include_record_1(store):
    assert store.likely_duplicates(copy_of(store, 1, "saisie", "")) == [1]
    assert store.likely_duplicates(Record(source="saisie", title="")) == []  # no key at all
    assert store.likely_duplicates(Record(source="saisie", title="Inconnu au catalogue")) == []


def test_likely_duplicates_match_on_any_of_several_isbns(tmp_path):
    with Store(tmp_path / "uva.sqlite3") as s:
        path = FIXTURES / "marc21" / "solrmarc_uva_001-200.mrc"
        import_paths(s, [path], rejects_dir=tmp_path)
        gardener = s.get(35)  # « The gardener's year », two ISBNs
        assert gardener.isbns == ["0299100200", "0299100243"]
        for n, isbn in enumerate(gardener.isbns):
            copy = copy_of(s, 35, "saisie", f"g{n}")
            copy.identifiers = [i for i in copy.identifiers if i.value == isbn]
            s.save(copy)
        assert s.likely_duplicates(gardener) == [201, 202]
        assert s.likely_duplicates(s.get(202)) == [35]


# -- the editor's look-ups ----------------------------------------------------------------------


def test_hosted_by_lists_the_live_parts_of_a_host_in_id_order(store):
    host = Host(title="Le budget", authority_id=f"docbase:{BUDGET}")
    for n in (13, 20, 21):
        part = copy_of(store, n, "saisie", f"c{n}")
        part.host = host
        store.save(part)
    store.delete(37)
    assert store.hosted_by(f"docbase:{BUDGET}") == [36, 38]
    assert store.hosted_by(f"docbase:{BUDGET}", limit=1) == [36]
    assert store.hosted_by("docbase:1") == []


def test_hosted_by_gives_500_parts_by_default(store):
    host = Host(title="Le budget", authority_id=f"docbase:{BUDGET}")
    parts = [Record(source="saisie", source_id=f"p{i}", title=f"Chapitre {i}") for i in range(501)]
    for part in parts:
        part.host = host
    store.save_many(parts)
    assert store.hosted_by(f"docbase:{BUDGET}") == list(range(36, 536))


def test_publishers_complete_a_prefix_in_name_order(store):
    assert store.publishers("Guill") == ["Guillaumin", "Guillaumin et cie", "Guillemin"]
    assert store.publishers("F. ") == ["F. Alcan", "F. Pichon"]
    assert store.publishers("Guill", limit=2) == ["Guillaumin", "Guillaumin et cie"]
    assert store.publishers("Seuil") == []


def test_publishers_give_10_names_by_default_and_skip_deleted_records(store):
    assert store.publishers("") == [
        "Alcan",
        "B. Schwabe",
        "Boucquin",
        "F. Alcan",
        "F. Pichon",
        "Félix Alcan",
        "Guillaumin",
        "Guillaumin et cie",
        "Guillemin",
        "Impr. Chaix",
    ]
    store.delete(1)  # the only « Guillemin »
    assert store.publishers("Guill") == ["Guillaumin", "Guillaumin et cie"]


def publishing(store: Store, *names: str) -> None:
    for name in names:
        record = Record(source="saisie", source_id=name, title=f"Notice de {name}")
        record.publication.append(Publication(place="Paris", publisher=name, date="2020"))
        store.save(record)


def test_publishers_take_percent_underscore_and_backslash_literally(store):
    publishing(store, "100% Jeunesse", "1000 pages", "Point_Virgule", "Points Seuil")
    publishing(store, "Aube\\Sud", "Aube Nord")
    assert store.publishers("100%") == ["100% Jeunesse"]
    assert store.publishers("Point_") == ["Point_Virgule"]
    assert store.publishers("Aube\\") == ["Aube\\Sud"]
    assert store.publishers("\\A") == []
    assert store.publishers("Aube") == ["Aube Nord", "Aube\\Sud"]
