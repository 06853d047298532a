"""Writing records, exactly: saves and their default actor, an edit begun at a version, what an
import would do (plan, writing nothing), deletes, restores and reverts, each with the exact
history row it leaves, and the messages of what the store refuses; on medialab_cotes8.mrc."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from catalogue.errors import EditConflict, StoreError
from catalogue.record import Record
from catalogue.store import Store
from catalogue.store.prepared import prepare
from catalogue.store.records import HistoryEntry, Outcome
from tests.catalogue.conftest import T0, T1

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T2 = "2024-05-03T14:30:00.000000Z"
T3 = "2024-05-04T08:15:00.000000Z"
BUDGET = 8  # « Le budget », Stourm, 1889
TITLE = "Le budget"


@pytest.fixture
def store(cotes8_store):
    return cotes8_store  # tests/catalogue/conftest.py: 35 real records, clock at T1


def data(store: Store, record_id: int) -> dict:
    """The record's stored data (what a history row's `before` holds)."""
    out = store.get(record_id, deleted=True).to_dict()
    out.pop("id")
    return out


def as_sent(record: Record, **changes) -> Record:
    """The record as its source sends it again (no local id), with some fields changed."""
    sent = copy.deepcopy(record)
    sent.id = None
    for name, value in changes.items():
        setattr(sent, name, value)
    return sent


def edited(store: Store, record_id: int, actor: str = "alice", **changes):
    record = store.get(record_id)
    for name, value in changes.items():
        setattr(record, name, value)
    return store.save(record, actor=actor)


# -- save ---------------------------------------------------------------------------------------


def test_save_without_an_actor_is_written_as_docbase(store):
    outcome = store.save(Record(source="local", source_id="a1", title="Notice saisie ici"))
    assert outcome == Outcome(36, "new", None, [])
    assert store.history(36) == [HistoryEntry(36, 36, T1, "docbase", "create", [], None)]


def test_save_many_without_an_actor_is_written_as_import(store):
    outcomes = store.save_many(
        [Record(source="local", source_id=f"a{n}", title=f"Notice {n}") for n in (1, 2)]
    )
    assert outcomes == [Outcome(36, "new", None, []), Outcome(37, "new", None, [])]
    assert store.history(37) == [HistoryEntry(37, 37, T1, "import", "create", [], None)]


def test_save_of_an_unknown_local_id_is_refused_by_name(store):
    record = store.get(BUDGET)
    record.id = 999
    with pytest.raises(StoreError, match=r"^notice 999 inconnue \(unknown record\)$"):
        store.save(record)
    assert store.count() == 35 and store.get(BUDGET).title == TITLE


def test_an_edit_drops_the_match_keys_of_what_it_changed(store):
    """« Le budget », Stourm, 1889 retitled here: another base's copy of the old title is no
    longer this record's duplicate (the old title-author-year key is gone)."""
    edited(store, BUDGET, title="Le budget : théorie et pratique")
    copy_of_old = as_sent(store.get(BUDGET), title=TITLE)
    copy_of_old.source, copy_of_old.source_id = "bpi", "frbpi-77"
    assert store.save(copy_of_old) == Outcome(36, "new", None, [])
    copy_of_new = as_sent(store.get(BUDGET))
    copy_of_new.source, copy_of_new.source_id = "bpi", "frbpi-78"
    assert store.save(copy_of_new) == Outcome(37, "new", BUDGET, [])


def test_only_an_import_that_keeps_a_local_edit_stores_what_the_source_sent(store):
    """`sent` is a second copy of the record: written only when it differs from the data."""
    source = store.get(BUDGET)
    store.save(as_sent(source, abstract="Deuxième version du résumé."), actor="import:2")
    edited(store, BUDGET, title="Le budget : théorie et pratique")
    third = as_sent(source, abstract="Troisième version du résumé.")
    store.save(third, actor="import:3")
    rows = store.db.execute(
        "SELECT action, sent FROM history WHERE record_id = ? ORDER BY seq", (BUDGET,)
    ).fetchall()
    assert [(r["action"], r["sent"] is not None) for r in rows] == [
        ("create", False),
        ("update", False),
        ("edit", False),
        ("update", True),
    ]
    assert json.loads(rows[-1]["sent"])["title"] == TITLE


def test_a_source_change_then_a_local_edit_then_the_same_source_is_no_conflict(store, clock):
    source = store.get(BUDGET)
    second = as_sent(source, title="Le budget, 2e édition")
    assert store.save(second, actor="import:2") == Outcome(BUDGET, "updated", None, [])
    clock.now = T2
    edited(store, BUDGET, title="Le budget : théorie et pratique")
    clock.now = T3
    again = store.save(as_sent(second), actor="import:3")  # the source sends the same again
    assert again == Outcome(BUDGET, "unchanged", None, [])
    assert [h.action for h in store.history(BUDGET)] == ["create", "update", "edit"]
    back = store.save(as_sent(source), actor="import:4")  # the source's title changes back
    assert back == Outcome(BUDGET, "unchanged", None, ["title"])
    assert store.history(BUDGET)[-1].before == data(store, BUDGET) | {"title": TITLE}
    assert store.get(BUDGET).title == "Le budget : théorie et pratique"


def test_a_local_edit_then_another_source_change_then_the_same_source_is_no_conflict(store):
    """What the source last sent is kept, not read back from the record holding the edit."""
    source = store.get(BUDGET)
    edited(store, BUDGET, title="Le budget : théorie et pratique")
    second = as_sent(source, abstract="Deuxième version du résumé.")
    assert store.save(second, actor="import:2") == Outcome(BUDGET, "updated", None, [])
    again = store.save(as_sent(second), actor="import:3")  # the same source version again
    assert again == Outcome(BUDGET, "unchanged", None, [])
    assert [h.action for h in store.history(BUDGET)] == ["create", "edit", "update"]
    third = as_sent(second, title="Le budget, 2e édition")  # now the source changes the title
    assert store.save(third, actor="import:4").conflicts == ["title"]
    assert store.history(BUDGET)[-1].before == data(store, BUDGET) | {
        "title": "Le budget, 2e édition"
    }
    assert store.get(BUDGET).title == "Le budget : théorie et pratique"
    assert store.get(BUDGET).abstract == "Deuxième version du résumé."


def test_in_a_store_older_than_the_sent_column_a_conflict_row_still_says_what_was_sent(store):
    """Before migration 0005 the history kept no `sent`: a conflict row's `before` holds it."""
    source = store.get(BUDGET)
    edited(store, BUDGET, title="Le budget : théorie et pratique")
    second = as_sent(source, title="Le budget, 2e édition")
    assert store.save(second, actor="import:2").conflicts == ["title"]
    store.db.execute("UPDATE history SET sent = NULL")  # the rows as an older docbase wrote them
    assert store.save(as_sent(second), actor="import:3").conflicts == []
    third = as_sent(second, title="Le budget, 3e édition")
    assert store.save(third, actor="import:4").conflicts == ["title"]
    assert store.get(BUDGET).title == "Le budget : théorie et pratique"


# -- save_edit ----------------------------------------------------------------------------------


def test_save_edit_at_the_current_version_saves_and_writes_the_edit_row(store):
    before = data(store, BUDGET)
    record = store.get(BUDGET)
    record.title = "Le budget : théorie et pratique"
    outcome = store.save_edit(record, store.version(BUDGET), "alice")
    assert outcome == Outcome(BUDGET, "updated", None, [])
    assert store.get(BUDGET).title == "Le budget : théorie et pratique"
    assert store.history(BUDGET)[-1] == HistoryEntry(
        36, BUDGET, T1, "alice", "edit", ["title"], before
    )
    assert store.version(BUDGET) == prepare(record).fingerprint


def test_save_edit_begun_at_an_older_version_is_refused_with_the_current_record(store, clock):
    version = store.version(BUDGET)
    first, second = store.get(BUDGET), store.get(BUDGET)
    first.title = "Le budget (bob)"
    store.save_edit(first, version, "bob")
    clock.now = T2
    second.title = "Le budget (alice)"
    with pytest.raises(EditConflict) as refused:
        store.save_edit(second, version, "alice")
    assert refused.value.record_id == BUDGET
    assert refused.value.current == store.get(BUDGET)
    assert refused.value.current.title == "Le budget (bob)"
    assert refused.value.version == store.version(BUDGET) != version
    assert str(refused.value) == (
        "notice 8 modifiée entre-temps par quelqu'un d'autre "
        "(changed by someone else since you opened it)"
    )
    assert [(h.actor, h.action) for h in store.history(BUDGET)] == [
        ("import:1", "create"),
        ("bob", "edit"),
    ]


def test_save_edit_needs_a_stored_record(store):
    with pytest.raises(StoreError) as no_id:
        store.save_edit(Record(source="local", title="Notice saisie ici"), "0" * 32, "alice")
    assert str(no_id.value) == "une modification porte sur une notice enregistrée (no record id)"
    unknown = Record(source="local", title="Notice saisie ici")
    unknown.id = 999
    with pytest.raises(StoreError) as missing:
        store.save_edit(unknown, "0" * 32, "alice")
    assert str(missing.value) == "notice 999 inconnue (unknown record)"
    assert store.count() == 35 and store.last_seq() == 35


# -- plan ---------------------------------------------------------------------------------------


def test_plan_of_a_new_record_writes_nothing(store):
    p = prepare(Record(source="local", source_id="a1", title="Notice saisie ici"))
    assert store.plan(p) == (Outcome(0, "new", None, []), p.text)
    assert store.count() == 35 and store.last_seq() == 35


def test_plan_of_a_new_record_names_the_record_it_duplicates(store):
    sudoc = prepare(as_sent(store.get(1), source="sudoc"))
    assert store.plan(sudoc) == (Outcome(0, "new", 1, []), sudoc.text)
    budget = prepare(as_sent(store.get(BUDGET), source="sudoc"))
    assert store.plan(budget) == (Outcome(0, "new", BUDGET, []), budget.text)
    assert store.count() == 35


def test_plan_of_a_known_record_unchanged_or_updated(store):
    stored = store.db.execute("SELECT data FROM records WHERE id = 8").fetchone()[0]
    same = prepare(as_sent(store.get(BUDGET)))
    assert store.plan(same) == (Outcome(BUDGET, "unchanged", None, []), stored)
    changed = prepare(as_sent(store.get(BUDGET), abstract="Le budget de l'État."))
    assert store.plan(changed) == (Outcome(BUDGET, "updated", None, []), changed.text)
    assert store.get(BUDGET).abstract == "" and store.last_seq() == 35


def test_plan_keeps_local_edits_and_names_the_conflicts(store):
    source = store.get(BUDGET)
    edited(store, BUDGET, title="Le budget : théorie et pratique")
    sent = as_sent(source, title="Le budget, 2e édition", abstract="Le budget de l'État.")
    outcome, text = store.plan(prepare(sent))
    assert outcome == Outcome(BUDGET, "updated", None, ["title"])
    kept = as_sent(sent, title="Le budget : théorie et pratique")
    assert json.loads(text) == data(store, BUDGET) | {"abstract": "Le budget de l'État."}
    assert text == prepare(kept).text
    assert store.last_seq() == 36  # the edit only


def test_plan_of_a_known_duplicate_keeps_its_link(store):
    store.save(as_sent(store.get(1), source="sudoc"))
    again = prepare(as_sent(store.get(36)))
    assert store.plan(again) == (Outcome(36, "unchanged", 1, []), again.text)


# -- delete and restore -------------------------------------------------------------------------


def test_delete_keeps_the_record_in_its_history_row(store):
    before = data(store, BUDGET)
    store.delete(BUDGET)
    assert store.history(BUDGET)[-1] == HistoryEntry(
        36, BUDGET, T1, "docbase", "delete", [], before
    )
    provenance = store.provenance(BUDGET)
    assert (provenance["created"], provenance["updated"], provenance["deleted"]) == (T0, T1, 1)
    assert (store.count(), store.count(deleted=True)) == (34, 1)


def test_delete_refuses_an_unknown_or_deleted_record(store):
    with pytest.raises(StoreError) as unknown:
        store.delete(999)
    assert str(unknown.value) == "notice 999 inconnue ou déjà supprimée"
    store.delete(BUDGET, actor="alice")
    with pytest.raises(StoreError) as twice:
        store.delete(BUDGET, actor="alice")
    assert str(twice.value) == "notice 8 inconnue ou déjà supprimée"
    assert [h.action for h in store.history(BUDGET)] == ["create", "delete"]
    assert store.last_seq() == 36


def test_restore_brings_the_record_back_with_its_row(store, clock):
    store.delete(BUDGET, actor="alice")
    clock.now = T2
    store.restore(BUDGET)
    assert store.history(BUDGET)[-1] == HistoryEntry(37, BUDGET, T2, "docbase", "restore", [], None)
    provenance = store.provenance(BUDGET)
    assert (provenance["updated"], provenance["deleted"]) == (T2, 0)
    assert store.get(BUDGET).title == TITLE and store.count() == 35


def test_restore_refuses_a_live_or_unknown_record(store):
    with pytest.raises(StoreError) as live:
        store.restore(BUDGET)
    assert str(live.value) == "notice 8 : rien à restaurer (not deleted)"
    with pytest.raises(StoreError) as unknown:
        store.restore(999)
    assert str(unknown.value) == "notice 999 : rien à restaurer (not deleted)"
    assert store.last_seq() == 35


# -- revert -------------------------------------------------------------------------------------


def test_revert_brings_back_the_state_before_an_edit(store, clock):
    edited(store, BUDGET, title="Le budget : théorie et pratique")
    after_edit = data(store, BUDGET)
    clock.now = T2
    outcome = store.revert(BUDGET, 36, actor="bob")
    assert outcome == Outcome(BUDGET, "updated", None, [])
    assert store.get(BUDGET).title == TITLE
    assert store.history(BUDGET)[-1] == HistoryEntry(
        37, BUDGET, T2, "bob", "edit", ["title"], after_edit
    )


def test_revert_without_an_actor_is_written_as_docbase(store):
    edited(store, BUDGET, title="Le budget : théorie et pratique")
    store.revert(BUDGET, 36)
    assert [(h.actor, h.action) for h in store.history(BUDGET)] == [
        ("import:1", "create"),
        ("alice", "edit"),
        ("docbase", "edit"),
    ]


def test_revert_refuses_a_step_with_nothing_to_undo(store):
    edited(store, BUDGET, title="Le budget : théorie et pratique")
    for record_id, seq in ((BUDGET, 8), (BUDGET, 999), (9, 36)):  # a create; unknown; not its own
        with pytest.raises(StoreError) as refused:
            store.revert(record_id, seq)
        assert str(refused.value) == f"rien à annuler pour la notice {record_id} à l'étape {seq}"
    assert store.get(BUDGET).title == "Le budget : théorie et pratique" and store.last_seq() == 36
