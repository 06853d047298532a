"""The ISO 2709 writer, byte for byte: `write` computes the leader and the directory, `encode`
makes any record writable (safe values, one-byte codes, fields cut to 9999 bytes, records to
99999) and reads back. Real records from medialab_cotes8.mrc, and the limits at the exact byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue import unimarc
from catalogue.marc import iso2709
from catalogue.marc.field import Field, fields_of

COTES8 = Path(__file__).resolve().parent.parent / "fixtures" / "unimarc" / "medialab_cotes8.mrc"
REAL = list(unimarc.read(COTES8.read_bytes()))
CHUNKS = [chunk for _, _, chunk in iso2709.split(COTES8.read_bytes())]
LEADER = REAL[1].original.leader  # '00755nam  2200265   450 '


def _data_field(tag, value):
    return [tag, " ", " ", [["a", value]]]


def test_encode_rebuilds_every_real_record_byte_for_byte():
    # 35 UTF-8 UNIMARC records: leader, directory, base address and body all recomputed
    assert len(REAL) == 35
    for record, chunk in zip(REAL, CHUNKS, strict=True):
        assert iso2709.encode(record.original.leader, record.original.marc) == chunk
        assert iso2709.write(record.original.leader, record.original.marc) == chunk


def test_encode_takes_field_objects_as_it_takes_lists():
    record = REAL[1]
    fields = fields_of(record.original.marc)
    assert isinstance(fields[0], Field) and fields[0].is_control
    assert iso2709.encode(record.original.leader, fields) == CHUNKS[1]


def test_write_computes_length_base_address_and_entry_map_by_hand():
    fields = [["001", "FRBNF42"], ["200", "1", " ", [["a", "Paris"], ["e", "essai"]]]]
    # 0-4, 10-11, 12-16 and 23 are junk here: only 5-9 and 17-19 are the caller's
    written = iso2709.write("12345nam a9912345abc4567", fields)
    assert written == (
        b"00075nam a2200049abc4500"
        b"001000800000" + b"200001700008" + b"\x1e"
        b"FRBNF42\x1e" + b"1 \x1faParis\x1feessai\x1e" + b"\x1d"
    )
    raw, warnings = iso2709.read(written)
    assert warnings == []
    assert raw.fields == [("001", b"FRBNF42"), ("200", b"1 \x1faParis\x1feessai")]


def test_write_pads_a_short_leader_with_blanks():
    written = iso2709.write("01234nam", [["001", "x"]])
    # one field: directory 12 + 1, base 37, total 37 + 2 + 1
    assert written[:24] == b"00040nam  2200037   450 "
    assert len(written) == 40


@pytest.mark.parametrize(
    ("last", "entry_map"),
    [("0", b"4500"), (" ", b"450 "), ("X", b"4500"), ("5", b"4500")],
    ids=["zero-kept", "blank-kept", "letter-replaced", "digit-replaced"],
)
def test_entry_map_is_450_and_keeps_only_a_zero_or_blank_last_byte(last, entry_map):
    written = iso2709.write(LEADER[:20] + "999" + last, [["001", "x"]])
    assert written[20:24] == entry_map


def test_write_encodes_with_the_encoding_asked_for():
    fields = [["001", "Société"], ["205", "é", "è", [["é", "3e éd."]]]]
    latin1 = iso2709.write(LEADER, fields, encoding="latin-1")
    assert latin1[24 + 25 :] == b"Soci\xe9t\xe9\x1e" + b"\xe9\xe8\x1f\xe93e \xe9d.\x1e\x1d"
    assert latin1[24:49] == b"001000800000" + b"205001100008" + b"\x1e"
    utf8 = iso2709.write(LEADER, fields)  # the default
    assert utf8[49:] == "Société\x1eéè\x1fé3e éd.\x1e\x1d".encode()
    assert utf8[:5] == f"{len(utf8):05d}".encode() and len(utf8) == len(latin1) + 6


def test_write_replaces_a_non_ascii_leader_byte_by_a_question_mark():
    written = iso2709.write("00000ném  2200000   450 ", [["001", "x"]])
    assert written[:24] == b"00040n?m  2200037   450 "


@pytest.mark.parametrize(
    ("ind1", "ind2", "expected"),
    [("", None, b"  "), (None, "", b"  "), ("12", "34", b"13"), ("1", " ", b"1 ")],
    ids=["empty-none", "none-empty", "longer", "as-is"],
)
def test_write_takes_the_first_character_of_an_indicator_or_a_blank(ind1, ind2, expected):
    written = iso2709.write(LEADER, [["200", ind1, ind2, [["a", "Titre"]]]])
    assert written[37:] == expected + b"\x1faTitre\x1e\x1d"


def test_write_cuts_and_pads_tags_to_three_characters():
    written = iso2709.write(LEADER, [["1", "x"], ["2000", " ", " ", [["a", "y"]]]])
    assert written[24:48] == b"001000200000" + b"200000600002"


def test_write_refuses_a_tag_that_is_not_ascii_rather_than_break_the_directory():
    # in UTF-8 the entry would be 13 bytes long and every later entry misread
    with pytest.raises(UnicodeEncodeError):
        iso2709.write(LEADER, [["2é0", " ", " ", [["a", "Titre"]]]])


def _field_lengths(chunk):
    """Each directory entry's stated length, read back from the written bytes."""
    raw, warnings = iso2709.read(chunk)
    assert warnings == []
    directory = chunk[24 : chunk.index(b"\x1e")]
    return [int(directory[i + 3 : i + 7]) for i in range(0, len(directory), 12)], raw


def test_a_control_field_of_exactly_9999_bytes_is_kept_whole():
    lengths, raw = _field_lengths(iso2709.encode(LEADER, [["001", "x" * 9998]]))
    assert lengths == [9999] and raw.fields == [("001", b"x" * 9998)]


def test_a_control_field_one_byte_over_is_cut_with_an_ellipsis():
    lengths, raw = _field_lengths(iso2709.encode(LEADER, [["001", "x" * 9999]]))
    assert lengths == [9999] and raw.fields == [("001", ("x" * 9995 + "…").encode())]


def test_a_data_field_of_exactly_9999_bytes_is_kept_whole():
    # 2 indicators + delimiter + code + 9994 + terminator; the same in two-byte characters
    for value in ("y" * 9994, "é" * 4997):
        lengths, raw = _field_lengths(iso2709.encode(LEADER, [_data_field("330", value)]))
        assert lengths == [9999] and raw.fields == [("330", b"  \x1fa" + value.encode())]


def test_a_data_field_one_byte_over_is_cut_eight_bytes_under_the_limit():
    # the cut leaves 8 bytes to spare; a two-byte character is never split
    for value, kept in (("y" * 9995, "y" * 9983 + "…"), ("é" * 4998, "é" * 4991 + "…")):
        (field,) = iso2709.safe_field(_data_field("330", value))[3]
        assert field == ["a", kept]
    lengths, _ = _field_lengths(iso2709.encode(LEADER, [_data_field("330", "é" * 4998)]))
    assert lengths == [3 + 2 + 4991 * 2 + 3]


def test_fit_subfields_cuts_the_longest_value_only():
    subs = [["a", "y" * 6000], ["b", "z" * 5000]]  # 11007 bytes: 1008 over
    assert iso2709._fit_subfields(subs) == [["a", "y" * 4981 + "…"], ["b", "z" * 5000]]
    subs = [["a", "z" * 5000], ["b", "y" * 6000]]  # the longest last
    assert iso2709._fit_subfields(subs) == [["a", "z" * 5000], ["b", "y" * 4981 + "…"]]


def test_fit_subfields_goes_on_until_the_field_fits_to_the_byte():
    # the longest (the first) is too short to absorb the excess: cut to the ellipsis, the
    # field is then exactly 9999 bytes and nothing more is cut
    subs = [["a", "x" * 5000], ["b", "y" * 5000], ["c", "z" * 4987]]
    assert iso2709._fit_subfields(subs) == [["a", "…"], ["b", "y" * 5000], ["c", "z" * 4987]]
    # 13 bytes still over after that first cut: the next longest is cut in turn
    subs = [["a", "x" * 5000], ["b", "y" * 5000], ["c", "z" * 5000]]
    fitted = iso2709._fit_subfields(subs)
    assert fitted == [["a", "…"], ["b", "y" * 4976 + "…"], ["c", "z" * 5000]]


def test_a_field_of_too_many_subfields_loses_its_last_ones_and_the_record_is_written():
    # 4,000 one-letter values: cut to « … » each, the field would still be 20,003 bytes
    # (the cut used to loop for ever here); the last subfields go instead
    subs = [["u", "x"]] * 4000
    written = iso2709.encode("00000nam  2200000   450 ", [["856", " ", " ", subs]])
    raw, warnings = iso2709.read(written)
    assert warnings == [] and [tag for tag, _ in raw.fields] == ["856"]
    assert raw.fields[0][1] == b"  " + b"\x1fux" * 3332  # 2 + 3 × 3332 + 1 = 9999 bytes
    assert len(raw.fields[0][1]) + 1 == iso2709.MAX_FIELD


@pytest.mark.parametrize(
    ("value", "count", "kept"),
    [("abc", 4000, "abc"), ("…", 4000, "…"), ("abcd", 2500, "…")],
    ids=["three-bytes", "ellipsis", "four-bytes"],
)
def test_values_of_three_bytes_or_less_are_dropped_longer_ones_cut_first(value, count, kept):
    # a value of 3 bytes cannot be cut shorter than « … »: the last subfields go; a value of
    # 4 bytes is cut to « … » first (one byte saved each), then the last subfields go
    fitted = iso2709._fit_subfields([["u", value] for _ in range(count)])
    assert len(fitted) == 1999 and {v for _, v in fitted} == {kept}
    assert 3 + sum(2 + len(v.encode("utf-8")) for _, v in fitted) == 9998


def test_a_tag_or_a_value_that_utf8_cannot_write_is_made_safe_not_an_error():
    # a non-ASCII tag (a hostile MARCXML) and a lone surrogate (bad bytes decoded with
    # surrogateescape) used to raise: the tag gets « ? » for what ASCII lacks, the value U+FFFD
    fields = [["2é0", " ", " ", [["a", "Titre \udcff"]]], ["00\u0661", "id"]]
    out = [iso2709.safe_field(f) for f in fields]
    assert out == [["2?0", " ", " ", [["a", "Titre \ufffd"]]], ["00?", "id"]]
    written = iso2709.encode("00000nam  2200000   450 ", fields)
    assert b"2?000" in written[24:] and "Titre \ufffd".encode() in written


def test_fit_subfields_leaves_a_field_that_fits_as_it_is():
    subs = [["a", "Titre"], ["e", "é" * 2498]]  # would not fit at four bytes a character
    assert iso2709._fit_subfields(subs) is subs and subs[1][1] == "é" * 2498
    assert iso2709._fit_subfields([]) == []


@pytest.mark.parametrize(
    ("value", "max_bytes", "expected"),
    [
        ("abc", 3, "abc"),  # at the limit: kept
        ("abcd", 3, "…"),  # the ellipsis alone takes three bytes
        ("abcdef", 5, "ab…"),
        ("abcdef", 2, "…"),  # never fewer than nothing before the ellipsis
        ("abcdef", 0, "…"),
        ("é" * 10, 9, "ééé…"),  # 6 bytes kept
        ("é" * 10, 10, "ééé…"),  # 7 bytes would split the fourth é: dropped
        ("é" * 10, 20, "é" * 10),
    ],
    ids=[
        "at-limit",
        "ellipsis-only",
        "ascii",
        "under-3",
        "zero",
        "utf8-even",
        "utf8-odd",
        "utf8-fit",
    ],
)
def test_truncate_cuts_utf8_bytes_and_ends_with_an_ellipsis(value, max_bytes, expected):
    assert iso2709._truncate(value, max_bytes) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a", "a"),
        ("ab", "a"),  # longer: its first character
        (7, "7"),  # not a string
        (None, "#"),
        ("", "#"),
        ("é", "#"),  # printable, not ASCII
        ("\x7f", "#"),  # ASCII, not printable
        ("\u2028", "#"),  # neither
    ],
    ids=["one", "longer", "int", "none", "empty", "non-ascii", "unprintable", "neither"],
)
def test_one_byte_is_one_printable_ascii_character_or_the_default(value, expected):
    assert iso2709._one_byte(value, "#") == expected


def test_safe_field_pads_the_tag_and_keeps_a_control_value():
    assert iso2709.safe_field(["1", "FRBNF42"]) == ["001", "FRBNF42"]
    assert iso2709.safe_field([5, "x\x1ey"]) == ["005", "x y"]  # structure marks blanked
    assert iso2709.safe_field(Field("1", value="FRBNF42")) == ["001", "FRBNF42"]
    assert iso2709.safe_field(("2000", "x")) == ["200", "x"]


def test_safe_field_makes_codes_and_indicators_one_byte():
    stored = ["606", "1", "2", [["a", "Russie"], ["", "vide"], ["é", "x"], ["ab", "y"]]]
    expected = ["606", "1", "2", [["a", "Russie"], ["?", "vide"], ["?", "x"], ["a", "y"]]]
    assert iso2709.safe_field(stored) == expected
    assert iso2709.safe_field(Field.data("606", "1", "2", stored[3])) == expected
    assert iso2709.safe_field(["200", None, "é", [["\x1f", "Titre\x1d"]]]) == [
        "200",
        " ",
        " ",
        [[" ", "Titre "]],  # a delimiter as a code is blanked first, then a printable blank
    ]


def test_encode_blanks_leader_bytes_that_are_not_printable_ascii():
    leader = LEADER[:5] + "né\x1e" + LEADER[8:]
    written = iso2709.encode(leader, REAL[1].original.marc)
    assert written == CHUNKS[1][:5] + b"n  " + CHUNKS[1][8:]
    assert iso2709.encode("01234nam", [["001", "x"]])[:24] == b"00040nam  2200037   450 "


def _sized(total):
    """A real record grown by ten 330 notes to `total` bytes."""
    fields = list(REAL[1].original.marc)  # 755 bytes as written
    notes = [_data_field("330", "n" * 9994) for _ in range(9)]
    last = total - 755 - 10 * (12 + 5) - 9 * 9994
    return fields + notes + [_data_field("330", "m" * last)]


def test_a_record_of_exactly_99999_bytes_is_kept_whole():
    fields = _sized(99999)
    chunk = iso2709.encode(LEADER, fields)
    assert len(chunk) == 99999 and chunk[:5] == b"99999"
    raw, warnings = iso2709.read(chunk)
    assert warnings == [] and len(raw.fields) == len(fields) == 30
    assert raw.fields[-1] == ("330", b"  \x1fa" + b"m" * 9128)


def test_a_record_one_byte_over_loses_its_last_field_only():
    fields = _sized(100000)
    chunk = iso2709.encode(LEADER, fields)
    assert chunk == iso2709.write(LEADER, fields[:-1])
    assert len(chunk) == 100000 - (12 + 5 + 9129) and chunk[:5] == b"90854"


def test_a_record_far_over_loses_as_many_last_fields_as_needed():
    fields = _sized(99999) + [_data_field("330", "o" * 9994) for _ in range(3)]
    chunk = iso2709.encode(LEADER, fields)
    assert chunk == iso2709.encode(LEADER, fields[:30])  # the three notes over are dropped
    assert len(chunk) == 99999
