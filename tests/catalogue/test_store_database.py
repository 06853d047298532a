"""The store's file and what every table shares: where the file goes, the connection's settings,
reopening and the migrations runner (old stores adopted, stray files ignored), the one clock and
JSON form; the import runs log and a record made ready for SQL."""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
from datetime import UTC, datetime
from importlib import resources

import pytest

from catalogue import storestats
from catalogue.errors import StoreError
from catalogue.record import Record
from catalogue.store import SCHEMA_VERSION, Store, database
from catalogue.store.prepared import prepare
from tests.catalogue.conftest import T0, T1

SCRIPTS = sorted(
    p.name for p in (resources.files("catalogue") / "migrations").iterdir() if p.name[-4:] == ".sql"
)


def other_connection(path) -> sqlite3.Connection:
    """Another process's view of the file: what is committed, nothing else."""
    return sqlite3.connect(path)


def made_then(path, statement: str) -> None:
    """A store made, closed, then changed by hand (as an older or newer docbase left it)."""
    Store(path).close()
    db = other_connection(path)
    db.execute(statement)
    db.commit()
    db.close()


# -- the file and the connection ----------------------------------------------------------------


def test_a_store_makes_the_folders_of_its_path(tmp_path):
    path = tmp_path / "instance" / "data" / "docbase.sqlite3"
    with Store(path) as store:
        assert store.count() == 0
    assert path.is_file()


def test_a_writer_waits_30_seconds_for_another_writers_lock(tmp_path):
    # an import and a documentalist's save on the same file: the second waits, it does not fail
    with Store(tmp_path / "s.sqlite3") as store:
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000


def test_each_save_is_committed_when_it_returns(tmp_path):
    path = tmp_path / "s.sqlite3"
    with Store(path) as store:
        store.save(Record(source="local", source_id="a1", title="Notice saisie ici"))
        assert not store.db.in_transaction
        seen = other_connection(path).execute("SELECT title FROM records").fetchall()
    assert seen == [("Notice saisie ici",)]


def test_the_stored_json_keeps_french_letters_as_they_are(tmp_path):
    # readable with the sqlite3 shell, and « é » is 2 bytes in UTF-8, not 6 as « \u00e9 »
    with Store(tmp_path / "s.sqlite3") as store:
        store.save(Record(source="local", source_id="a1", title="Éducation prioritaire"))
        text = store.db.execute("SELECT data FROM records").fetchone()[0]
    assert '"title":"Éducation prioritaire"' in text


# -- reopening and migrations -------------------------------------------------------------------


def test_a_reopened_store_keeps_its_records_and_runs_no_script_twice(tmp_path):
    path = tmp_path / "s.sqlite3"
    with Store(path) as store:
        store.save(Record(source="local", source_id="a1", title="Notice saisie ici"))
    with Store(path) as store:
        assert store.get(1).title == "Notice saisie ici"
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = [r[0] for r in store.db.execute("SELECT name FROM schema_migrations")]
    assert sorted(names) == SCRIPTS


def test_a_store_older_than_the_migrations_table_is_adopted_and_keeps_what_is_saved(tmp_path):
    """A store made before `schema_migrations` ran every script up to its user_version."""
    path = tmp_path / "s.sqlite3"
    made_then(path, "DROP TABLE schema_migrations")
    with Store(path) as store:  # no script runs again (0001 would fail: its tables exist)
        names = [r[0] for r in store.db.execute("SELECT name FROM schema_migrations")]
        store.save(Record(source="local", source_id="a1", title="Notice saisie ici"))
    assert sorted(names) == SCRIPTS
    seen = other_connection(path).execute("SELECT title FROM records").fetchall()
    assert seen == [("Notice saisie ici",)]


def test_newer_schema_is_refused_with_both_versions(tmp_path):
    path = tmp_path / "s.sqlite3"
    made_then(path, "PRAGMA user_version=99")
    expected = f"store schema 99 is newer than this docbase ({SCHEMA_VERSION})"
    with pytest.raises(StoreError, match=f"^{re.escape(expected)}$"):
        Store(path)


def test_only_numbered_sql_scripts_up_to_this_version_are_run(tmp_path, monkeypatch):
    """A note, a draft and a later branch's script in the folder are not run (each would fail)."""
    folder = tmp_path / "package" / "migrations"
    shutil.copytree(resources.files("catalogue") / "migrations", folder)
    (folder / "README.md").write_text("Les scripts de migration, dans l'ordre.\n")
    (folder / "notes.sql").write_text("THIS IS NOT SQL;\n")
    (folder / f"{SCHEMA_VERSION + 1:04d}_draft.txt").write_text("THIS IS NOT SQL;\n")
    (folder / f"{SCHEMA_VERSION + 1:04d}_later.sql").write_text("THIS IS NOT SQL;\n")
    monkeypatch.setattr(database.resources, "files", lambda package: tmp_path / "package")
    with Store(tmp_path / "s.sqlite3") as store:
        names = [r[0] for r in store.db.execute("SELECT name FROM schema_migrations")]
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert sorted(names) == SCRIPTS


# -- the clock ----------------------------------------------------------------------------------


@pytest.fixture
def far_timezone(monkeypatch):
    """The server's clock 14 hours ahead of UTC (Kiribati)."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_clock_is_utc_to_the_microsecond_whatever_the_servers_zone(far_timezone):
    at = database._now()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", at)
    stamp = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60


# -- import runs --------------------------------------------------------------------------------


def test_an_import_run_keeps_who_when_and_its_report(tmp_path, clock):
    report = {"read": 2, "new": 1, "warnings": [{"id": "PV-1", "warnings": ["année « 19?? »"]}]}
    with Store(tmp_path / "s.sqlite3") as store:
        run = store.start_import("records/pmb.mrc", "pmb", "unimarc", "alice")
        clock.now = T1
        store.finish_import(run, report)
        assert storestats.imports(store) == [
            {
                "id": run,
                "path": "records/pmb.mrc",
                "source": "pmb",
                "format": "unimarc",
                "actor": "alice",
                "started": T0,
                "finished": T1,
                "report": report,
            }
        ]


# -- a record made ready for SQL ----------------------------------------------------------------


def test_prepare_carries_a_copy_of_the_records_warnings_for_the_import_report():
    warning = "date illisible « 19?? » gardée telle quelle (unreadable date kept)"
    record = Record(source="pmb", source_id="12", title="Les quartiers prioritaires")
    record.original.warnings = [warning]
    prepared = prepare(record)
    assert prepared.warnings == [warning]
    record.original.warnings.append("lu après")  # the record read on: the report keeps its own
    assert prepared.warnings == [warning]
