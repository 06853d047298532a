"""The store keeps every record and every edit: history, undo, re-import in place, duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue import ingest
from catalogue.dedupe import match_keys, normalise_isbn, normalise_issn
from catalogue.errors import StoreError
from catalogue.record import Agent, Identifier, Item, Record, Subject
from catalogue.store import SCHEMA_VERSION, Store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "docbase.sqlite3") as s:
        yield s


def make(source="pmb", source_id="1", title="Les quartiers prioritaires", isbn=None, **kw):
    record = Record(source=source, source_id=source_id, title=title, year=2019, **kw)
    record.agents.append(Agent(name="Donzelot", forename="Jacques", role="070"))
    record.subjects.append(Subject(label="Politique de la ville", authority_id="12"))
    record.items.append(Item(call_number="URB 12 DON", location="Salle 1"))
    if isbn:
        record.identifiers.append(Identifier("isbn", isbn))
    return record


def test_wal_mode_and_schema_version(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_create_then_get_round_trips_the_model(store):
    record = make()
    record.original.raw = b"00042nam  2200037   450 \x1e\x1d"
    outcome = store.save(record, actor="alice")
    assert outcome.action == "new"
    got = store.get(outcome.record_id, with_raw=True)
    assert got.title == "Les quartiers prioritaires"
    assert got.agents[0].forename == "Jacques"
    assert got.items[0].call_number == "URB 12 DON"
    assert got.original.raw == record.original.raw
    assert [h.action for h in store.history(got.id)] == ["create"]
    assert store.history(got.id)[0].actor == "alice"


def test_update_keeps_what_changed_and_can_be_reverted(store):
    rid = store.save(make()).record_id
    record = store.get(rid)
    record.title = "Les quartiers prioritaires de la politique de la ville"
    outcome = store.save(record, actor="bob")
    assert outcome.action == "updated"
    history = store.history(rid)
    assert [h.action for h in history] == ["create", "edit"]  # saved by its id: a local edit
    assert history[1].changes == ["title"]
    assert history[1].before["title"] == "Les quartiers prioritaires"
    store.revert(rid, history[1].seq, actor="bob")
    assert store.get(rid).title == "Les quartiers prioritaires"
    assert [h.action for h in store.history(rid)] == ["create", "edit", "edit"]


def test_delete_can_be_undone(store):
    rid = store.save(make()).record_id
    store.delete(rid, actor="alice")
    assert store.get(rid) is None
    assert store.get(rid, deleted=True).title == "Les quartiers prioritaires"
    assert store.count() == 0
    store.restore(rid, actor="alice")
    assert store.get(rid).title == "Les quartiers prioritaires"
    assert [h.action for h in store.history(rid)] == ["create", "delete", "restore"]
    with pytest.raises(StoreError):
        store.restore(rid)


def test_reimport_updates_in_place(store):
    first = store.save_many([make(source_id="1"), make(source_id="2", title="Autre")])
    assert [o.action for o in first] == ["new", "new"]
    again = store.save_many([make(source_id="1"), make(source_id="2", title="Autre titre")])
    assert [o.action for o in again] == ["unchanged", "updated"]
    assert [o.record_id for o in again] == [o.record_id for o in first]
    assert store.count() == 2


def test_duplicates_across_sources_are_linked_not_dropped(store):
    a = store.save(make(source="pmb", source_id="7", isbn="0-306-40615-2")).record_id
    b = store.save(make(source="sudoc", source_id="x9", isbn="978-0-306-40615-7")).record_id
    assert store.count() == 2
    assert store.duplicate_of(b) == a
    assert store.duplicates(a) == [b]
    assert store.provenance(a)["source"] == "pmb"
    assert store.provenance(b)["source"] == "sudoc"


def test_same_source_is_a_duplicate_only_for_ids_made_from_content(store):
    """A source that gives two records their own ids tells them apart (periouni's serials of
    one ISSN); a record whose id is its content's hash (no id in its source) is matched."""
    a = store.save(make(source="pmb", source_id="7", isbn="2707141857")).record_id
    b = store.save(make(source="pmb", source_id="8", isbn="2707141857")).record_id
    assert store.duplicate_of(b) is None
    c = store.save(make(source="pmb", source_id="sha1:0123456789", isbn="2707141857")).record_id
    assert store.duplicate_of(c) == a


def test_csv_row_without_id_reimported_after_a_typo_fix_is_a_counted_duplicate(store, tmp_path):
    fixed = (FIXTURES / "csv" / "notices_excel_utf8_bom.csv").read_bytes()
    # the ONPV row has no "identifiant": its id is its content's hash
    assert fixed.count(b"Quartier prioritaire") == 1
    path = tmp_path / "notices.csv"
    path.write_bytes(fixed.replace(b"Quartier prioritaire", b"Quartier priortaire"))
    first = ingest.import_paths(store, [path], rejects_dir=tmp_path / "rejects")
    assert first.total("duplicates") == 0
    path.write_bytes(fixed)
    second = ingest.import_paths(store, [path], rejects_dir=tmp_path / "rejects")
    assert (second.total("new"), second.total("duplicates")) == (1, 1)
    onpv = [r for r in store.iter_records() if r.title.startswith("Observatoire national de la")]
    old, new = sorted(onpv, key=lambda r: r.id)
    assert store.duplicate_of(new.id) == old.id and store.duplicates(old.id) == [new.id]


def test_title_author_year_match_without_identifiers(store):
    a = store.save(make(source="pmb", source_id="1", title="L'Œuvre des quartiers")).record_id
    b = store.save(make(source="bnf", source_id="z", title="L'oeuvre des Quartiers")).record_id
    c = store.save(make(source="bnf", source_id="y", title="Autre chose")).record_id
    assert store.duplicate_of(b) == a
    assert store.duplicate_of(c) is None


def test_failed_batch_leaves_nothing_half_written(store):
    good = make(source_id="1")
    bad = make(source_id="2")
    bad.year = object()  # not JSON-serialisable: the batch fails midway
    with pytest.raises(TypeError):
        store.save_many([good, bad])
    assert store.count() == 0
    assert store.last_seq() == 0


def test_change_feed_follows_every_change(store):
    rid = store.save(make()).record_id
    store.delete(rid)
    store.restore(rid)
    changes = store.changes_since(0)
    assert [(c.record_id, c.action) for c in changes] == [
        (rid, "create"),
        (rid, "delete"),
        (rid, "restore"),
    ]
    assert store.changes_since(changes[1].seq)[0].action == "restore"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0-306-40615-2", "9780306406157"),  # the ISBN standard's own worked example
        ("978-0-306-40615-7 (br.)", "9780306406157"),
        ("2-7071-4185-X", "9782707141859"),
        ("2-02-005", ""),
    ],
)
def test_isbn_normalisation(raw, expected):
    assert normalise_isbn(raw) == expected


def test_issn_normalisation_and_keys():
    assert normalise_issn("0003 4525") == "0003-4525"
    assert normalise_issn("12") == ""
    article = Record(title="T", doc_type="article", identifiers=[Identifier("issn", "0003-4525")])
    assert match_keys(article)[0].startswith("tay:")
    serial = Record(title="T", doc_type="periodical", identifiers=[Identifier("issn", "00034525")])
    assert match_keys(serial) == ["issn:0003-4525"]


# -- a re-import over a local edit ---------------------------------------------------------


def test_reimport_keeps_a_local_edit_and_reports_the_conflict(store):
    rid = store.save(make(abstract="Résumé de la base"), actor="import:1").record_id
    record = store.get(rid)
    record.title = "Les quartiers prioritaires (titre corrigé ici)"
    store.save(record, actor="alice")
    same = store.save(make(abstract="Résumé de la base"), actor="import:2")  # source unchanged
    assert same.action == "unchanged" and same.conflicts == []
    assert store.get(rid).title == "Les quartiers prioritaires (titre corrigé ici)"
    # the source changes the title too, and its abstract: the abstract is taken, the title kept
    again = make(title="Les quartiers prioritaires, 2e éd.", abstract="Nouveau résumé")
    outcome = store.save(again, actor="import:3")
    assert outcome.action == "updated" and outcome.conflicts == ["title"]
    kept = store.get(rid)
    assert kept.title == "Les quartiers prioritaires (titre corrigé ici)"
    assert kept.abstract == "Nouveau résumé"
    history = store.history(rid)
    assert [h.action for h in history] == ["create", "edit", "update", "conflict"]
    assert history[-1].changes == ["title"] and history[-1].actor == "import:3"
    # a further re-import of that same source version is no conflict any more
    assert store.save(make(title="Les quartiers prioritaires, 2e éd.", abstract="Nouveau résumé"),
                      actor="import:4").conflicts == []  # fmt: skip
    assert store.get(rid).title == "Les quartiers prioritaires (titre corrigé ici)"


def test_reimport_without_local_edit_takes_the_source(store):
    rid = store.save(make(), actor="import:1").record_id
    outcome = store.save(make(title="Titre changé à la source"), actor="import:2")
    assert outcome.action == "updated" and outcome.conflicts == []
    assert store.get(rid).title == "Titre changé à la source"


def test_a_source_change_of_an_edited_field_alone_is_reported_once(store):
    rid = store.save(make(), actor="import:1").record_id
    record = store.get(rid)
    record.title = "Titre corrigé ici"
    store.save(record, actor="alice")
    first = store.save(make(title="Titre changé à la source"), actor="import:2")
    assert first.action == "unchanged" and first.conflicts == ["title"]
    again = store.save(make(title="Titre changé à la source"), actor="import:3")
    assert again.action == "unchanged" and again.conflicts == []
    assert store.get(rid).title == "Titre corrigé ici"
