"""ISO 2709 at the byte level, on real records: the raw writer rebuilds what the reader split,
and the decoder turns a record's bytes into the model's field lists, damaged indicators and
subfield codes included. (The repairs of damaged files are in test_iso2709_damage.py.)"""

from __future__ import annotations

from pathlib import Path

from catalogue.marc import iso2709


def _records(path: Path) -> list[iso2709.RawRecord]:
    return [iso2709.parse(chunk) for _, _, chunk in iso2709.split(path.read_bytes())]


def test_write_raw_rebuilds_every_record_byte_for_byte(fixtures):
    raws = _records(fixtures / "unimarc" / "medialab_cotes8.mrc")
    assert len(raws) == 35
    for raw in raws:
        assert iso2709.write_raw(raw.leader, raw.fields) == raw.chunk


def test_write_raw_recomputes_length_directory_and_base_address(fixtures):
    raw = _records(fixtures / "unimarc" / "medialab_cotes8.mrc")[0]
    fields = [("001", b"docbase-000042"), *raw.fields[1:], ("999", b"  \x1faLocal")]
    written = iso2709.write_raw(raw.leader, fields)
    again, warnings = iso2709.read(written)
    assert warnings == []
    assert again.fields == fields
    leader = written[:24].decode("ascii")
    assert int(leader[:5]) == len(written) and written.endswith(b"\x1e\x1d")
    base = 24 + 12 * len(fields) + 1
    assert int(leader[12:17]) == base and written[base - 1 : base] == b"\x1e"
    assert leader[5:12] == raw.leader[5:12] and leader[17:24] == raw.leader[17:24]
    assert written[24:36] == f"001{len('docbase-000042') + 1:04d}00000".encode()


def test_control_tags_are_the_numeric_00x_tags():
    assert [iso2709.is_control_tag(t) for t in ("001", "005", "009", "00A", "010", "100")] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_decode_fields_reads_indicators_and_subfields_as_they_stand():
    raw = iso2709.RawRecord(
        leader="00000nam  2200000   4500",
        fields=[
            ("001", b"FRBNF 42"),
            ("200", b"1 \x1faLes banlieues\x1feessai"),
            ("210", b"0\x1faParis"),  # one indicator only: the first subfield is kept
            ("215", b"\x1fa245 p."),  # none
            ("300", b"  \x1f\x1faNote\x1f"),  # empty subfields are dropped
            ("606", b"  \x1f\x80mal\x1faVille"),  # a code outside ASCII
            ("00A", b"  \x1faLocal"),  # a letter in the tag: not a control field
        ],
        chunk=b"",
    )
    assert iso2709.decode_fields(raw, lambda b: b.decode("latin-1").upper()) == [
        ["001", "FRBNF 42"],
        ["200", "1", " ", [["a", "LES BANLIEUES"], ["e", "ESSAI"]]],
        ["210", "0", " ", [["a", "PARIS"]]],
        ["215", " ", " ", [["a", "245 P."]]],
        ["300", " ", " ", [["a", "NOTE"]]],
        ["606", " ", " ", [["?", "MAL"], ["a", "VILLE"]]],
        ["00A", " ", " ", [["a", "LOCAL"]]],
    ]


def test_a_data_field_without_any_subfield_keeps_its_indicators_and_no_subfield():
    raw = iso2709.RawRecord(
        leader="00000nam  2200000   4500",
        fields=[("245", b"10Titre sans sous-champ"), ("246", b"1"), ("247", b"")],
        chunk=b"",
    )
    assert iso2709.decode_fields(raw, lambda b: b.decode("latin-1")) == [
        ["245", "1", "0", []],
        ["246", "1", " ", []],
        ["247", " ", " ", []],
    ]
