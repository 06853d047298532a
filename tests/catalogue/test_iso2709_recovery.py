"""How a damaged ISO 2709 file is split and its records read back, asserted to the byte: the
exact (position, offset, chunk) that `split` yields around junk, separators, lost terminators
and lengths that lie, and the exact warnings of a repaired directory. Real records only:
medialab_cotes8.mrc (UNIMARC), pymarc's test.dat, bad_records.mrc and bad_subfield_code.dat
(whose leader says 755 bytes for 756: a real record whose own length cannot be trusted)."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import pytest

from catalogue.errors import RecordError
from catalogue.marc import iso2709

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _chunks(name):
    # bounded: a split that never ends must fail the tests, not hang their collection
    return [chunk for _, _, chunk in islice(iso2709.split((FIXTURES / name).read_bytes()), 100)]


A, B, C = _chunks("unimarc/medialab_cotes8.mrc")[:3]  # 1499, 755 and 1409 bytes
T1, T2, T3 = _chunks("marc21/pymarc_test.dat")[:3]  # 755, 647 and 605 bytes
(WRONG_LENGTH,) = _chunks("marc21/pymarc_bad_subfield_code.dat")
BAD_RECORDS = _chunks("marc21/pymarc_bad_records.mrc")
LOST = (
    "fin de notice 0x1D manquante : notice délimitée par la longueur de son label "
    "(record terminator lost; record cut at the length its leader gives)"
)


def _split(data):
    # a bound, so that a split that never ends fails instead of hanging
    return list(islice(iso2709.split(data), 50))


def _expected(*chunks):
    """What split yields for these chunks laid end to end: positions from 1, offsets."""
    out, offset = [], 0
    for position, chunk in enumerate(chunks, 1):
        out.append((position, offset, chunk))
        offset += len(chunk)
    return out


def _quoting(chunk, quoted):
    """`chunk` with a last, local control field keeping a leader: leader-like bytes right after
    a field terminator, 26 bytes before the end, as a record converted by some tools has."""
    raw = iso2709.parse(chunk)
    return iso2709.write_raw(raw.leader, [*raw.fields, ("009", quoted[:24])])


def test_split_yields_position_offset_and_chunk_of_each_record():
    assert _split(A + B + C) == _expected(A, B, C)
    assert _split(b"") == [] and _split(b"\r\n\x00") == []


@pytest.mark.parametrize(
    "sep",
    [b"\r\n", b"\n", b" ", b"\t", b"\x00", b"\r\n\r\n"],
    ids=["crlf", "lf", "space", "tab", "nul", "crlf-crlf"],
)
def test_separators_between_records_are_skipped(sep):
    n = len(sep)
    assert _split(sep + A + sep + B + sep) == [(1, n, A), (2, 2 * n + len(A), B)]


def test_a_trailing_chunk_without_terminator_is_yielded_and_rejected():
    cut = B[:300]
    assert _split(A + cut) == _expected(A, cut)
    with pytest.raises(RecordError, match="pas de fin de notice"):
        iso2709.read(cut)


@pytest.mark.parametrize("k", range(1, 9))
def test_up_to_eight_stray_bytes_before_a_leader_are_a_chunk_of_their_own(k):
    junk = b"X\x1a~#*&@!"[:k]
    assert _split(A + junk + B) == _expected(A, junk, B)
    assert _split(junk + A) == _expected(junk, A)  # at the start of a file too


def test_nine_stray_bytes_are_not_skipped_but_kept_with_the_record():
    junk = b"X\x1a~#*&@!?"
    assert _split(A + junk + B) == [(1, 0, A), (2, len(A), junk + B)]


def test_stray_bytes_before_a_last_record_without_terminator():
    junk = b"X\x1a~"
    assert _split(A + junk + B[:-1]) == _expected(A, junk, B[:-1])


def test_a_doubled_record_terminator_is_a_chunk_of_its_own():
    assert _split(A + b"\x1d" + B) == _expected(A, b"\x1d", B)


@pytest.mark.parametrize("k", range(10))
def test_stray_bytes_before_leader_counts_one_to_eight(k):
    junk = b"X\x1a~#*&@!?"[:k]
    data = A + junk + B
    stop = len(data) - 1
    assert iso2709._stray_bytes_before_leader(data, len(A), stop) == (k if k <= 8 else 0)
    assert iso2709._stray_bytes_before_leader(data, 0, len(A) - 1) == 0


@pytest.mark.parametrize("damage", [b"", b"X"], ids=["deleted", "overwritten"])
def test_a_lost_terminator_is_cut_at_the_length_the_leader_gives(damage):
    lost = A[:-1] + damage
    data = lost + B + C
    assert iso2709._lost_terminator_cut(data, 0, data.index(b"\x1d")) == len(lost)
    assert _split(data) == _expected(lost, B, C)
    raw, warnings = iso2709.read(lost)
    assert warnings == [LOST] and raw.fields == iso2709.parse(A).fields


def test_the_last_two_records_both_lost_their_terminators():
    assert _split(A + B[:-1] + C[:-1]) == _expected(A, B[:-1], C[:-1])


def test_a_sound_record_quoting_a_leader_is_not_cut_there():
    quoting = _quoting(A, B)
    assert iso2709._lost_terminator_cut(quoting + B, 0, len(quoting) - 1) is None
    assert _split(quoting + B) == _expected(quoting, B)


@pytest.mark.parametrize("damage", [b"", b"X"], ids=["deleted", "overwritten"])
def test_a_lost_terminator_is_cut_at_the_declared_end_before_a_quoted_leader(damage):
    # the quoted leader sits within 64 bytes of the end: the declared end comes first
    lost = _quoting(A, B)[:-1] + damage
    assert _split(lost + B + C) == _expected(lost, B, C)


def _short_by(k, damage=b""):
    """test.dat's second record with `k` bytes lost from its body and its terminator lost."""
    p = len(T2) - 150
    return T2[:p] + T2[p + k : -1] + damage


def _long_by(k):
    p = len(T2) - 150
    return T2[:p] + b"#" * k + T2[p:-1]


@pytest.mark.parametrize(
    ("damaged", "found"),
    [
        (_short_by(62), True),  # its last field terminator 64 bytes before the declared end
        (_short_by(63), False),  # 65 bytes: beyond the search
        (_short_by(62, b"X"), True),  # the terminator overwritten rather than deleted
        (_short_by(63, b"X"), False),
        (_long_by(65), True),  # the terminator 63 bytes after the declared end
        (_long_by(66), False),
    ],
    ids=[
        "short-62",
        "short-63",
        "short-62-overwritten",
        "short-63-overwritten",
        "long-65",
        "long-66",
    ],
)
def test_the_next_leader_is_looked_for_64_bytes_around_the_declared_end(damaged, found):
    # the next record's own length is wrong too (755 for 756): only the window finds it
    data = T1 + damaged + WRONG_LENGTH
    cut = iso2709._lost_terminator_cut(data, len(T1), len(data) - 1)
    assert cut == (len(T1) + len(damaged) if found else None)
    if found:
        assert _split(data) == _expected(T1, damaged, WRONG_LENGTH)
    else:  # both are one chunk, rejected: the cost of a bounded search
        assert _split(data) == [(1, 0, T1), (2, len(T1), damaged + WRONG_LENGTH)]


def test_beyond_the_window_a_sound_next_record_is_found_by_its_own_length():
    damaged = _long_by(100)
    data = T1 + damaged + T3
    start, stop = len(T1), len(data) - 1
    assert iso2709._leader_ending_at(data, start, stop) == start + len(damaged)
    assert _split(data) == _expected(T1, damaged, T3)


@pytest.mark.parametrize("damage", [b"", b"X"], ids=["deleted", "overwritten"])
def test_an_unreadable_length_and_a_lost_terminator_still_spare_the_next(damage):
    # the quoted leader (755 bytes from there) does not end at the next terminator: passed
    for record in (A, _quoting(A, B)):
        lost = b"?" + record[1:-1] + damage
        data = lost + B + C
        assert iso2709._leader_ending_at(data, 0, len(lost) + len(B) - 1) == len(lost)
        assert _split(data) == _expected(lost, B, C)


def test_leader_ending_at_wants_the_length_to_end_at_the_terminator():
    lost = b"?" + A[1:-1]
    assert iso2709._leader_ending_at(lost + WRONG_LENGTH, 0, len(lost) + 755) is None
    assert iso2709._leader_ending_at(lost + B, 0, len(lost) + len(B) - 1) == len(lost)
    assert iso2709._leader_ending_at(lost + B, 0, len(lost) + len(B) - 2) is None


def _repaired(reason):
    return f"structure réparée d'après les fins de champ : {reason} (structure repaired from the field terminators)"


def test_bad_records_are_read_with_exactly_these_warnings():
    base = "adresse de base erronée {!r} au lieu de 00037, corrigée (wrong base address, corrected)"
    expected = [
        [],
        [base.format("99937")],
        [base.format("00000")],
        [
            _repaired(
                "répertoire invalide : longueur 13 non multiple de 12 (directory length is not a multiple of 12)"
            )
        ],
        "répertoire invalide : longueur 13 non multiple de 12",  # and not ASCII: no repair
        [base.format("f0037")],
        "notice sans aucun champ",
        [],
    ]
    good = iso2709.parse(BAD_RECORDS[0]).fields
    for chunk, wanted in zip(BAD_RECORDS, expected, strict=True):
        if isinstance(wanted, str):
            with pytest.raises(RecordError, match=wanted):
                iso2709.read(chunk)
            continue
        raw, warnings = iso2709.read(chunk)
        assert warnings == wanted and raw.fields == good


def _tag_at(chunk, entry, tag):
    at = 24 + 12 * entry
    return chunk[:at] + tag + chunk[at + 3 :]


@pytest.mark.parametrize(
    ("tag", "reason", "shown"),
    [
        (
            b"2 0",
            "étiquette invalide '2 0' dans l'entrée 9 du répertoire (invalid tag in the directory)",
            "'2 0'",
        ),
        (
            b"2\xe90",
            "entrée 9 du répertoire invalide : b'2\\xe90008200118' (invalid directory entry)",
            "'2é0'",
        ),
    ],
    ids=["blank", "non-ascii"],
)
def test_a_field_with_an_invalid_tag_is_left_out_and_named(tag, reason, shown):
    raw, warnings = iso2709.read(_tag_at(B, 8, tag))  # the 200, the title
    fields = iso2709.parse(B).fields
    assert raw.fields == fields[:8] + fields[9:]
    assert warnings == [
        _repaired(reason),
        f"champ à l'étiquette invalide {shown} ignoré : "
        + r"""b"12\x1faL'empire des tsars et les Russes\x1fh3,\x1fiLa religion\x1ffpar A" """
        + f"(field with invalid tag {shown} left out)",
    ]


def _swap(chunk, i, j):
    """The directory of `chunk` with entries i and j swapped."""
    entries = [chunk[24 + 12 * n : 36 + 12 * n] for n in range(20)]
    entries[i], entries[j] = entries[j], entries[i]
    return chunk[:24] + b"".join(entries) + chunk[264:]


def test_repair_takes_the_tags_in_the_order_of_their_start_positions():
    swapped = _swap(B, 0, 19)  # the 001 entry last, the 995 first
    raw, warnings = iso2709._repair(swapped)
    assert warnings == [] and raw.fields == iso2709.parse(B).fields
    assert raw.leader == B[:24].decode() and raw.chunk == swapped
    # the same through read, with a tag to leave out besides
    raw, _ = iso2709.read(_tag_at(swapped, 8, b"2 0"))
    assert raw.fields == [f for f in iso2709.parse(B).fields if f[0] != "200"]


def test_a_start_with_a_letter_is_repaired_in_directory_order():
    damaged = B[:129] + b"l" + B[130:]  # entry 9's start 00118 read as 00l18
    raw, warnings = iso2709.read(damaged)
    assert raw.fields == iso2709.parse(B).fields
    reason = "entrée 9 du répertoire invalide : b'200008200l18' (invalid directory entry)"
    assert warnings == [_repaired(reason)]


def test_a_stray_byte_between_directory_entries_is_repaired_from_the_entries_found():
    damaged = B[:120] + b"*" + B[120:]
    raw, warnings = iso2709.read(damaged)
    assert raw.fields == iso2709.parse(B).fields
    reason = "répertoire invalide : longueur 241 non multiple de 12 (directory length is not a multiple of 12)"
    assert warnings == [_repaired(reason)]
    # inside an entry it costs that entry: one tag short of the fields, no repair
    with pytest.raises(RecordError, match="longueur 241 non multiple de 12"):
        iso2709.read(B[:122] + b"*" + B[122:])


def test_a_stray_field_terminator_inside_a_field_is_warned_and_not_repaired():
    # "Russes" with a 0x1E typed in: 21 pieces for 20 entries, no repair is unambiguous
    at = B.index(b"Russes") + 3
    damaged = B[:at] + b"\x1e" + B[at + 1 :]
    raw, warnings = iso2709.read(damaged)
    assert warnings == [
        "répertoire incohérent avec les fins de champ "
        "(directory inconsistent with the field terminators)"
    ]
    fields = iso2709.parse(B).fields
    assert raw.fields[8] == ("200", b"12\x1faL'empire des tsars et les Rus")
    assert raw.fields[:8] + raw.fields[9:] == fields[:8] + fields[9:]


def test_a_record_whose_leader_lies_about_its_length_is_re_read_and_warned():
    raw, warnings = iso2709.read(WRONG_LENGTH)
    assert warnings == [
        "répertoire incohérent, champs relus d'après les fins de champ "
        "(directory inconsistent with the field terminators; fields re-read from them)",
        "longueur de notice déclarée '00755', réelle 756 (record length in the leader is wrong)",
    ]
    assert [tag for tag, _ in raw.fields] == [tag for tag, _ in iso2709.parse(T1).fields]
    blank = b" " + B[1:]  # a length written blank-padded: read, warned
    assert iso2709.read(blank)[1] == [
        "longueur de notice déclarée ' 0755', réelle 755 (record length in the leader is wrong)"
    ]


@pytest.mark.parametrize(
    ("damaged", "reason"),
    [
        (B[:-2], "notice tronquée : pas de fin de notice"),  # its last two bytes lost
        (B[:8] + "é".encode() + B[10:], r"label de notice non ASCII \(leader is not ASCII\)"),
        (_tag_at(BAD_RECORDS[0], 0, b"2 5"), "étiquette invalide '2 5'"),  # its only field
        (BAD_RECORDS[0][:36] + b"\x1d", "répertoire sans fin de répertoire"),  # cut after it
    ],
    ids=["truncated", "utf8-leader", "only-field-invalid", "no-directory-end"],
)
def test_what_cannot_be_repaired_is_rejected_with_the_reason(damaged, reason):
    assert iso2709._repair(damaged) is None
    with pytest.raises(RecordError, match=reason):
        iso2709.read(damaged)


@pytest.mark.parametrize(
    ("chunk", "restored", "warned"),
    [
        (A[:-1], A, True),  # deleted
        (A[:-1] + b"X", A, True),  # overwritten
        (A[:-2], A[:-2], False),  # more than the terminator lost
        (A, A, False),
        (WRONG_LENGTH, WRONG_LENGTH, False),  # a terminator: left as it is
        (b"?" + A[1:-1], b"?" + A[1:-1], False),  # no length to go by
    ],
    ids=["deleted", "overwritten", "truncated", "sound", "wrong-length", "no-length"],
)
def test_restore_terminator_only_where_the_length_shows_it_lost(chunk, restored, warned):
    assert iso2709._restore_terminator(chunk) == (restored, [LOST] if warned else [])


def test_a_sound_record_quoting_a_leader_is_not_cut_there_further_in_a_file():
    quoting = _quoting(B, A)
    data = A + quoting + C
    assert iso2709._lost_terminator_cut(data, len(A), len(A) + len(quoting) - 1) is None
    assert _split(data) == _expected(A, quoting, C)


@pytest.mark.parametrize(("k", "found"), [(65, True), (66, False)])
def test_a_long_last_field_is_searched_to_64_bytes_past_the_declared_end(k, found):
    # bytes added to the last field (an 80-byte 995): no other field terminator nearby,
    # and the next record's length wrong (1408 for 1409): only the window can find it
    damaged = A[:-2] + b"#" * k + A[-2:-1]
    wrong = b"01408" + C[5:]
    data = B + damaged + wrong
    cut = iso2709._lost_terminator_cut(data, len(B), len(data) - 1)
    assert cut == (len(B) + len(damaged) if found else None)
    if found:
        assert _split(data) == _expected(B, damaged, wrong)
    else:
        assert _split(data) == [(1, 0, B), (2, len(B), damaged + wrong)]


def test_the_last_field_terminator_lost_is_repaired_from_the_directory():
    damaged = B[:-2] + b"\x1d"  # a writer that forgot the last 0x1E
    raw, warnings = iso2709.read(damaged)
    assert raw.fields == iso2709.parse(B).fields
    assert warnings == [
        "répertoire incohérent, champs relus d'après les fins de champ "
        "(directory inconsistent with the field terminators; fields re-read from them)",
        "longueur de notice déclarée '00755', réelle 754 (record length in the leader is wrong)",
    ]


def test_a_field_terminator_in_the_leader_does_not_stop_the_repair():
    damaged = _tag_at(B[:9] + b"\x1e" + B[10:], 8, b"2 0")  # leader/09 and the 200 damaged
    raw, warnings = iso2709.read(damaged)
    assert raw.leader == "00755nam \x1e2200265   450 "
    assert raw.fields == [f for f in iso2709.parse(B).fields if f[0] != "200"]
    assert len(warnings) == 2 and warnings[0].startswith("structure réparée")
    assert iso2709.read(B[:9] + b"\x1e" + B[10:]) == (iso2709.parse(B[:9] + b"\x1e" + B[10:]), [])


def test_repair_sorts_five_digit_starts_of_a_long_record():
    # two 9990-byte notes: the last field starts past 20000, after fields starting at 0-9999
    raw = iso2709.parse(B)
    note = ("330", b"  \x1fa" + b"n" * 9986)
    fields = [*raw.fields[:-1], note, note, raw.fields[-1]]
    damaged = _tag_at(iso2709.write_raw(raw.leader, fields), 8, b"2 0")
    repaired, _ = iso2709.read(damaged)
    assert repaired.fields == fields[:8] + fields[9:]


def test_a_rejected_record_keeps_its_position_and_offset():
    with pytest.raises(RecordError) as caught:
        iso2709.read(B[:8] + "é".encode() + B[10:], position=7, offset=1234)
    assert (caught.value.position, caught.value.offset) == (7, 1234)
