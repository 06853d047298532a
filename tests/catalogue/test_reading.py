"""The reading frame (catalogue/reading.py) on real records: salvage, stamping, duplicate ids,
the `Fields` helper, and every reader of the registry going through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue import formats, iso2709, marcxml, pmbxml, reading, unimarc
from catalogue.errors import RecordError, UnsafeXMLError
from catalogue.reading import Chunk, Fields, read_records
from catalogue.record import Record
from catalogue.text import fingerprint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
COTES8 = (FIXTURES / "unimarc" / "medialab_cotes8.mrc").read_bytes()  # 35 real UNIMARC records


def iso_chunks(warnings: list[str] | None = None) -> list[Chunk]:
    return [
        Chunk(position, offset, raw, list(warnings or []))
        for position, offset, raw in iso2709.split(COTES8)
    ]


def map_unimarc(chunk: Chunk) -> Record:
    return unimarc.read_chunk(chunk.raw, chunk.position, chunk.offset)


def test_a_mapping_bug_costs_its_record_only_with_place_and_raw_chunk():
    chunks = iso_chunks()

    def buggy(chunk: Chunk) -> Record:
        if chunk.position == 3:
            return {}["no such field"]  # a mapping bug: KeyError
        return map_unimarc(chunk)

    out = list(read_records(chunks, buggy, source="s", what="l'entrée"))
    assert len(out) == 35
    bad = out[2]
    assert isinstance(bad, RecordError)
    assert (bad.position, bad.offset, bad.chunk) == (3, 2254, chunks[2].raw)
    assert bad.reason.startswith("erreur inattendue en lisant l'entrée (unexpected error): ")
    assert "KeyError" in bad.reason
    assert all(isinstance(r, Record) for i, r in enumerate(out) if i != 2)


def test_a_record_error_is_kept_as_raised_and_a_rejected_chunk_passes_through():
    chunks: list[Chunk | RecordError] = list(iso_chunks()[:3])
    rejected = RecordError("rejetée au découpage", position=9, offset=99, chunk=b"x")
    chunks.insert(1, rejected)
    own = RecordError("sans titre (no title)", position=1)

    def refuse_first(chunk: Chunk) -> Record:
        if chunk.position == 1:
            raise own
        return map_unimarc(chunk)

    out = list(read_records(chunks, refuse_first, source="s"))
    assert out[0] is own and out[1] is rejected  # neither rewritten
    assert [type(o) for o in out] == [RecordError, RecordError, Record, Record]


def test_hostile_xml_stops_the_file():
    def hostile(chunk: Chunk) -> Record:
        raise UnsafeXMLError("entité (entity)")

    with pytest.raises(UnsafeXMLError):
        list(read_records(iso_chunks(), hostile, source="s"))


def test_stamping_source_format_charset_raw_and_warnings_in_order():
    chunks = iso_chunks(["découpage (split)"])

    def map_with_warning(chunk: Chunk) -> Record:
        record = map_unimarc(chunk)
        record.original.raw = b""  # the frame's to stamp
        record.original.warnings.append("lecture (mapping)")
        return record

    out = list(
        read_records(
            chunks,
            map_with_warning,
            source="partenaire.mrc",
            format="pmbxml",
            charset="x-test",
            file_warnings=["fichier (file)"],
        )
    )
    first, second = out[0], out[1]
    assert first.original.warnings[:2] == ["fichier (file)", "découpage (split)"]
    assert first.original.warnings[-1] == "lecture (mapping)"
    assert second.original.warnings[0] == "découpage (split)"  # the file's: first record only
    assert "fichier (file)" not in second.original.warnings
    for record, chunk in zip(out, chunks, strict=True):
        assert record.source == "partenaire.mrc"
        assert record.original.format == "pmbxml"
        assert record.original.charset == "x-test"
        assert record.original.raw == chunk.raw


def test_without_format_or_charset_the_mapping_s_own_stay():
    (record,) = read_records(iso_chunks()[:1], map_unimarc, source="s")
    assert record.original.format == "unimarc"  # as unimarc.to_record set it
    assert record.original.charset == unimarc.read_chunk(COTES8[:1499], 1, 0).original.charset


def test_file_warnings_wait_for_the_first_record_read():
    def refuse_first(chunk: Chunk) -> Record:
        if chunk.position == 1:
            raise RecordError("illisible (unreadable)", position=1)
        return map_unimarc(chunk)

    out = list(read_records(iso_chunks()[:3], refuse_first, source="s", file_warnings=["f"]))
    assert out[1].original.warnings[0] == "f"
    assert "f" not in out[2].original.warnings


def test_duplicate_ids_both_kept_the_second_completed_by_its_text_s_hash():
    data = (FIXTURES / "ris" / "example_extraneous_data.ris").read_bytes()
    first, second = formats.FORMATS["ris"].read(data, source="s")
    assert first.source_id == "12345"
    assert second.source_id == "12345:" + fingerprint(second.original.raw)[:12]
    assert second.original.warnings[-1] == (
        "identifiant « 12345 » en double dans le fichier, complété par l'empreinte de "
        "la notice (duplicate id in the file, made unique with a hash)"
    )
    assert not any("double" in w for w in first.original.warnings)


def test_duplicate_ids_are_left_alone_unless_asked():
    twice = iso_chunks()[:1] * 2
    plain = [r.source_id for r in read_records(twice, map_unimarc, source="s")]
    assert plain[0] == plain[1]
    made = list(read_records(twice, map_unimarc, source="s", unique_ids=True, what="la ligne"))
    raw = twice[1].raw.decode("utf-8", "replace")
    assert made[1].source_id == f"{plain[0]}:{fingerprint(raw)[:12]}"
    assert "l'empreinte de la ligne" in made[1].original.warnings[-1]


def ris_pairs() -> list[tuple[str, str]]:
    lines = (FIXTURES / "ris" / "example_basic.ris").read_text().splitlines()
    return [(line[:2], line[6:]) for line in lines if line[2:6] == "  - "]


def test_fields_are_consumed_and_the_rest_kept_as_custom_fields():
    f = Fields([*ris_pairs(), ("N1", "  ")])  # a blank value counts as absent
    assert f.first("T1", "TI", "JF") == "A Mathematical Theory of Communication"
    assert f.all("SP", "EP") == ["379", "423"]
    assert f.has("VL") and not f.has("N1")
    assert f.first("N1", "VL") == "27"
    f.mark("TY", "ER", "PY")
    f.release("EP")
    left = f.leftovers({"JF": "journal_name"}, lambda name, value: value.upper())
    assert [(c.name, c.value, c.label) for c in left] == [
        ("AU", "SHANNON,CLAUDE E.", ""),
        ("JF", "BELL SYSTEM TECHNICAL JOURNAL", "journal_name"),
        ("EP", "423", ""),
    ]


def reader_samples() -> dict[str, bytes]:
    cotes8 = [r for r in unimarc.read(COTES8) if isinstance(r, Record)][:5]
    return {
        "unimarc": COTES8,
        "unimarcxml": b"".join(marcxml.write_unimarc(cotes8)),
        "marc21": (FIXTURES / "marc21" / "pymarc_test.dat").read_bytes(),
        "marcxml": (FIXTURES / "xml" / "pymarc_batch.xml").read_bytes(),
        "pmbxml": b"".join(pmbxml.write(cotes8)),
        "dc": (FIXTURES / "oai" / "traject_sample-oai-pmh.xml").read_bytes(),
        "ris": (FIXTURES / "ris" / "example_full.ris").read_bytes(),
        "bibtex": (FIXTURES / "bibtex" / "input__a_complete_book.bib").read_bytes(),
        "csv": (FIXTURES / "csv" / "notices_excel_utf8_bom.csv").read_bytes(),
    }


def test_every_registry_reader_goes_through_the_frame(monkeypatch):
    samples = reader_samples()
    readers = {f.name for f in formats.FORMATS.values() if f.reader}
    assert set(samples) == readers  # a new reader needs a sample here
    stamped: list[Record] = []
    stamp = reading._stamp

    def spy(record: Record, *args) -> None:
        stamped.append(record)
        stamp(record, *args)

    monkeypatch.setattr(reading, "_stamp", spy)
    for name, data in samples.items():
        stamped.clear()
        records = [r for r in formats.FORMATS[name].read(data, source="s") if isinstance(r, Record)]
        assert records, name
        assert [id(r) for r in stamped] == [id(r) for r in records], name
