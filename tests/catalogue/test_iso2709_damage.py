"""Damaged ISO 2709 files lose only what is damaged: a lost terminator, a crafted directory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from catalogue import marc21, unimarc
from catalogue.errors import RecordError
from catalogue.ingest import import_paths
from catalogue.marc import iso2709
from catalogue.record import Record
from catalogue.store import Store


def _three(path: Path) -> list[bytes]:
    chunks = [chunk for _, _, chunk in iso2709.split(path.read_bytes())]
    return chunks[:3]


@pytest.mark.parametrize("damage", ["deleted", "overwritten"])
@pytest.mark.parametrize(
    ("name", "reader"),
    [("unimarc/medialab_cotes8.mrc", unimarc), ("marc21/test_data.utf8.mrc", marc21)],
)
def test_lost_terminator_does_not_swallow_the_next_record(fixtures, name, reader, damage):
    chunks = _three(fixtures / name)
    good = [r.title for r in reader.read(b"".join(chunks))]
    damaged = chunks[1][:-1] + (b"" if damage == "deleted" else b"X")
    records = list(reader.read(chunks[0] + damaged + chunks[2]))
    assert [type(r) for r in records] == [Record, Record, Record]
    assert [r.title for r in records] == good
    assert any("0x1D manquante" in w for w in records[1].original.warnings)
    assert not any("0x1D" in w for w in records[0].original.warnings + records[2].original.warnings)


def test_lost_terminator_of_the_last_record(fixtures):
    chunks = _three(fixtures / "unimarc/medialab_cotes8.mrc")
    records = list(unimarc.read(chunks[0] + chunks[1] + chunks[2][:-1]))
    assert [type(r) for r in records] == [Record, Record, Record]
    assert any("0x1D manquante" in w for w in records[2].original.warnings)


def test_truncated_last_record_is_still_rejected(fixtures):
    chunks = _three(fixtures / "unimarc/medialab_cotes8.mrc")
    records = list(unimarc.read(chunks[0] + chunks[1][: len(chunks[1]) // 2]))
    assert isinstance(records[0], Record) and isinstance(records[1], RecordError)


def test_import_report_counts_three_records(fixtures, tmp_path):
    chunks = _three(fixtures / "unimarc/medialab_cotes8.mrc")
    path = tmp_path / "three.mrc"
    path.write_bytes(chunks[0] + chunks[1][:-1] + chunks[2])
    with Store(tmp_path / "s.sqlite3") as store:
        report = import_paths(store, [path], rejects_dir=tmp_path / "rej").files[0]
        assert (report.read, report.new, report.rejected) == (3, 3, 0)
        lost = [e["position"] for e in report.warnings if any("0x1D" in w for w in e["warnings"])]
        assert lost == [2]


def _crafted(entries: int) -> bytes:
    """A record whose directory has `entries` entries of length 9999, all at one body."""
    body = b" " * 9998 + iso2709.FIELD_TERMINATOR
    directory = b"".join(b"300" + b"9999" + b"00000" for _ in range(entries)) + b"\x1e"
    base = 24 + len(directory)
    leader = f"{base + len(body) + 1:05d}"[-5:] + "nam  22" + f"{base:05d}"[-5:] + "   450 "
    return leader.encode() + directory + body + iso2709.RECORD_TERMINATOR


def test_crafted_overlapping_directory_is_refused_in_little_memory(fixtures):
    good = _three(fixtures / "unimarc/medialab_cotes8.mrc")
    data = good[0] + _crafted(20_000) + good[1]
    tracemalloc.start()
    records = list(unimarc.read(data))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [type(r) for r in records] == [Record, RecordError, Record]
    assert "se chevauchent" in records[1].reason
    assert peak < 50 * len(data)  # was 1.25 GB for these 250 kB


def test_crafted_record_does_not_stop_the_import(fixtures, tmp_path):
    good = _three(fixtures / "unimarc/medialab_cotes8.mrc")
    bad = tmp_path / "a-crafted.mrc"
    bad.write_bytes(good[0] + _crafted(100_000) + good[1])
    other = tmp_path / "b-good.mrc"
    other.write_bytes(good[2])
    with Store(tmp_path / "s.sqlite3") as store:
        report = import_paths(store, [bad, other], rejects_dir=tmp_path / "rej")
        assert [(f.read, f.new, f.rejected, f.error) for f in report.files] == [
            (3, 2, 1, ""),
            (1, 1, 0, ""),
        ]
        assert store.count() == 3


def test_failure_while_saving_the_last_batch_is_reported_and_the_next_file_read(
    fixtures, tmp_path, monkeypatch
):
    cotes8 = fixtures / "unimarc/medialab_cotes8.mrc"
    other = tmp_path / "other.mrc"
    other.write_bytes(_three(fixtures / "unimarc/medialab_cotesBR.mrc")[0])
    with Store(tmp_path / "s.sqlite3") as store:
        real = store.save_many
        calls = []

        def failing(batch, actor="import"):
            calls.append(len(batch))
            if len(calls) == 1:
                raise MemoryError("crafted")
            return real(batch, actor=actor)

        monkeypatch.setattr(store, "save_many", failing)
        report = import_paths(store, [cotes8, other], rejects_dir=tmp_path / "rej")
        first, second = report.files
        assert "dernier lot non enregistré" in first.error and "MemoryError" in first.error
        assert (second.read, second.new, second.error) == (1, 1, "")
        imports = store.db.execute("SELECT * FROM imports ORDER BY rowid").fetchall()
        assert len(imports) == 2 and all(row["finished"] for row in imports)


def test_lost_terminator_and_an_inserted_byte_still_spare_the_next(fixtures):
    """The leader's length is then one byte short: the next leader is found right after a
    field terminator near the declared end."""
    chunks = _three(fixtures / "unimarc/medialab_cotes8.mrc")
    good = [r.title for r in unimarc.read(b"".join(chunks))]
    middle = len(chunks[1]) // 2
    damaged = chunks[1][:middle] + b"#" + chunks[1][middle:-1] + b"X"
    records = list(unimarc.read(chunks[0] + damaged + chunks[2]))
    assert len(records) == 3
    assert isinstance(records[2], Record) and records[2].title == good[2]
